from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import Signal, receiver
from django.urls import reverse
from django.utils import timezone
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet
from simple_history.models import HistoricalRecords

from .public import derive_public_flags, edition_is_public, is_public_under
from .slugs import norwegian_slugify
from .tree import tree_lock


class Kind(models.TextChoices):
    DOCUMENT = "document", "Strategidokument"
    VISION = "vision", "Visjon"
    INTRODUCTION = "introduction", "Innledende tekst"
    CHALLENGE = "challenge", "Utfordring"
    GOAL = "goal", "Mål"
    STRATEGY = "strategy", "Strategi"
    SECTION = "section", "Del"
    FOCUS_AREA = "focus_area", "Innsatsområde"
    SUBGOAL = "subgoal", "Delmål"
    THEME = "theme", "Tverrgående tema"


# Which kinds may stand directly under which. The document is the only root.
ALLOWED_CHILDREN: dict[str, tuple[str, ...]] = {
    Kind.DOCUMENT: (
        Kind.VISION,
        Kind.INTRODUCTION,
        Kind.CHALLENGE,
        Kind.GOAL,
        Kind.STRATEGY,
        Kind.SECTION,
    ),
    Kind.SECTION: (Kind.INTRODUCTION, Kind.FOCUS_AREA, Kind.THEME),
    Kind.FOCUS_AREA: (Kind.INTRODUCTION, Kind.CHALLENGE, Kind.SUBGOAL, Kind.STRATEGY),
}

# Items of a list get a kind segment in their URL (".../strategier/ved-a-.../"); containers
# (parts, focus areas, themes) stand on their slug alone ("/innsatsomrader/transport/").
KIND_URL_SEGMENT: dict[str, str] = {
    Kind.INTRODUCTION: "tekst",
    Kind.CHALLENGE: "utfordringer",
    Kind.GOAL: "mal",
    Kind.STRATEGY: "strategier",
    Kind.SUBGOAL: "delmal",
}

# Headings for the groups of children on a parent's page, in reading order.
KIND_GROUP_HEADING: dict[str, str] = {
    Kind.CHALLENGE: "Utfordringer",
    Kind.GOAL: "Mål",
    Kind.STRATEGY: "Strategier",
    Kind.SUBGOAL: "Delmål",
    Kind.FOCUS_AREA: "Innsatsområder",
    Kind.THEME: "Tverrgående temaer",
}

# First path segments that belong to the portal itself, never to an element.
RESERVED_SLUGS = frozenset(
    {"admin", "static", "media", "hele-strategien", "r", "sok", "api", "data", "om", "helse"}
) | {"tilgjengelighet", "utgaver", "sammenlign"}  # accessibility statement, editions


MAX_PATH_LENGTH = 1000

# django-mptt's nested-set numbers: any other writer's insert, move or delete may shift them, so
# a copy of an element read earlier must read them again under the tree lock before it uses them.
TREE_FIELDS = ("lft", "rght", "tree_id", "level")

# Sent when a queryset update or a fixture load changed the public flag of elements (``pks``);
# single saves, moves and deletes report through Django's own post_save and post_delete.
public_flags_changed = Signal()

# Reference codes: upper-case letters and digits in hyphen-separated parts ("T-S2", "TT3").
CODE_PATTERN = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")

# The letter(s) of each kind in an automatically assigned code, followed by a number.
KIND_CODE_LETTERS: dict[str, str] = {
    Kind.DOCUMENT: "OR",
    Kind.VISION: "V",
    Kind.INTRODUCTION: "I",
    Kind.CHALLENGE: "U",
    Kind.GOAL: "M",
    Kind.STRATEGY: "S",
    Kind.SECTION: "DEL",
    Kind.FOCUS_AREA: "F",
    Kind.SUBGOAL: "D",
    Kind.THEME: "TT",
}

# The printed strategy's items under the document are "S1", "M2", ... with no prefix; council
# documents already cite them that way, so new items of that document follow suit.
UNPREFIXED_DOCUMENT_CODE = "OR"

# Parts, focus areas and themes are cited on their own ("T", "TT3"): their codes carry no prefix.
UNPREFIXED_KINDS = frozenset({Kind.DOCUMENT, Kind.SECTION, Kind.FOCUS_AREA, Kind.THEME})


def code_prefix(kind: str, parent: StrategyElement | None) -> str:
    """What a new element's code starts with: "T-" for a strategy under Transport (code T)."""
    if parent is None or kind in UNPREFIXED_KINDS:
        return ""
    if parent.kind == Kind.DOCUMENT and parent.code == UNPREFIXED_DOCUMENT_CODE:
        return ""
    return f"{parent.code}-"


def next_code(stem: str, issued: list[str]) -> str:
    """``stem`` plus one more than the highest number ever issued with it. A bare stem ("T-D",
    the only sub-goal) counts as number 1, so the next one is "T-D2"."""
    pattern = re.compile(rf"{re.escape(stem)}(\d*)")
    numbers = [0]
    for code in issued:
        match = pattern.fullmatch(code)
        if match:
            numbers.append(int(match.group(1) or 1))
    return f"{stem}{max(numbers) + 1}"


def title_or_opening(title: str, body: str) -> str:
    """The title, or for an untitled text the opening words of its body."""
    if title:
        return title
    words = body.split()
    return " ".join(words[:8]) + (" …" if len(words) > 8 else "")


def allowed_child_kinds(parent_kind: str | None) -> tuple[str, ...]:
    if parent_kind is None:
        return (Kind.DOCUMENT,)
    return ALLOWED_CHILDREN.get(parent_kind, ())


def link_elements(elements: Iterable[StrategyElement]) -> dict[int, StrategyElement]:
    """Link elements given in tree order (parents before children) to their parent and
    children in memory; see ``StrategyElementQuerySet.linked()``. This decides nothing about
    visibility: which rows are given is the caller's query (``public()`` for the public)."""
    parent_field = StrategyElement._meta.get_field("parent")
    nodes: dict[int, StrategyElement] = {}
    for element in elements:
        element._cached_children = []
        if element.parent_id is not None:
            parent = nodes.get(element.parent_id)
            if parent is None:
                continue
            parent_field.set_cached_value(element, parent)
            parent._cached_children.append(element)
        nodes[element.pk] = element
    return nodes


def _store_public_flags(
    rows: Iterable[tuple[int, int | None, bool, bool, str]], known: dict[int, bool]
) -> list[int]:
    """Derive the public flag of ``(pk, parent_id, is_published, stored is_public, edition
    status)`` rows in tree order and write the ones that differ (at most two UPDATEs). Returns
    their pks."""
    rows = list(rows)
    derived = derive_public_flags(
        [(pk, parent, published) for pk, parent, published, _, _ in rows],
        known,
        root_flags={
            pk: edition_is_public(status) for pk, parent, _, _, status in rows if parent is None
        },
    )
    changed = [pk for pk, _parent, _published, stored, _ in rows if derived[pk] != stored]
    for flag in (True, False):
        pks = [pk for pk in changed if derived[pk] is flag]
        if pks:
            StrategyElement.objects.filter(pk__in=pks).update(is_public=flag)
    return changed


class StrategyElementQuerySet(TreeQuerySet):
    def only(self, *fields) -> StrategyElementQuerySet:
        """The manager joins the edition (see ``StrategyElementManager.get_queryset``); a query
        that asks for a few columns without it (django-mptt's own ``only("pk")``) leaves the
        join out rather than fail."""
        if not any(name == "edition" or name.startswith("edition__") for name in fields):
            return super(StrategyElementQuerySet, self.select_related(None)).only(*fields)
        return super().only(*fields)

    def public(self) -> StrategyElementQuerySet:
        """What the public may see: the stored flag (published, and every ancestor published;
        strategy/public.py). Every public channel - pages, permanent links, old paths, error
        pages, search, open data, sitemap - selects with this and nothing else."""
        return self.filter(is_public=True)

    def refresh_public(self) -> list[int]:
        """Derive and store the public flag of every element in the trees of these rows, from
        each root down: after a fixture load, a queryset update of ``is_published``, or bulk
        inserts that bypassed ``save()``. Returns the pks whose flag changed."""
        with tree_lock():
            rows = (
                StrategyElement.objects.filter(tree_id__in=self.values("tree_id"))
                .order_by("tree_id", "lft")
                .values_list("pk", "parent_id", "is_published", "is_public", "edition__status")
            )
            changed = _store_public_flags(rows, {})
        if changed:
            public_flags_changed.send(sender=StrategyElement, pks=changed)
        return changed

    def update(self, **kwargs) -> int:
        """A queryset update of ``is_published`` (the shell, a data fix) re-derives the public
        flag of the trees it touched in the same transaction, like ``save()`` does."""
        if "is_published" not in kwargs:
            return super().update(**kwargs)
        with tree_lock():
            trees = set(self.values_list("tree_id", flat=True))
            count = super().update(**kwargs)
            StrategyElement.objects.filter(tree_id__in=trees).refresh_public()
        return count

    update.alters_data = True

    def documents(self) -> StrategyElementQuerySet:
        return self.filter(kind=Kind.DOCUMENT, parent__isnull=True)

    def with_sources(self) -> StrategyElementQuerySet:
        return self.prefetch_related("sources")

    def in_tree_of(self, element: StrategyElement) -> StrategyElementQuerySet:
        return self.filter(tree_id=element.tree_id)

    def context_of(self, element: StrategyElement) -> StrategyElementQuerySet:
        """Everything one element's page shows, in one query: the top of its tree (for the
        navigation), its ancestors, its siblings and its whole subtree."""
        top = models.Q(level__lte=1)
        ancestors_and_subtree = (
            models.Q(lft__lte=element.lft, rght__gte=element.rght)  # ancestors and itself
            | models.Q(lft__gt=element.lft, rght__lt=element.rght)  # descendants
        )
        siblings = models.Q(parent_id=element.parent_id) if element.parent_id else models.Q()
        return self.filter(tree_id=element.tree_id).filter(top | ancestors_and_subtree | siblings)

    def in_force(self) -> StrategyElementQuerySet:
        """The elements of the edition in force (served at the plain URLs)."""
        return self.filter(edition__status=EditionStatus.IN_FORCE)

    def current_documents(self) -> StrategyElementQuerySet:
        """The public document of the edition in force (see current_document)."""
        return self.documents().public().in_force().select_related("edition").order_by("tree_id")

    def current_document(self) -> StrategyElement | None:
        """The strategy the portal shows at its plain URLs: the edition in force."""
        return self.current_documents().first()

    def linked(self) -> dict[int, StrategyElement]:
        """Run the query once and link every row to its parent and children in memory, so that
        templates walk the tree without further queries (what mptt's ``get_cached_trees`` does,
        but in linear time). Returns the elements by primary key.

        Which rows the public sees is decided by the query (``public()``), not here. A row
        whose parent is not among the results cannot be placed in the tree and is left out
        with its subtree; for a query that selects whole branches (``context_of``, a level
        range, ``get_family``) that only happens when the tree moved between two queries."""
        return link_elements(self.select_related("edition").order_by("tree_id", "lft"))

    def delete(self):
        """A bulk delete would leave gaps in the nested set: delete element by element,
        under the tree lock, as ``StrategyElement.delete`` does."""
        with tree_lock():
            total, per_model = 0, {}
            for pk in list(self.order_by("tree_id", "lft").values_list("pk", flat=True)):
                element = StrategyElement.objects.filter(pk=pk).first()
                if element is None:  # already gone with an ancestor
                    continue
                count, counts = element.delete()
                total += count
                for label, number in counts.items():
                    per_model[label] = per_model.get(label, 0) + number
            return total, per_model

    delete.alters_data = True
    delete.queryset_only = True


class StrategyElementManager(TreeManager.from_queryset(StrategyElementQuerySet)):
    def get_queryset(self, *args, **kwargs) -> StrategyElementQuerySet:
        # An element's URL depends on its edition's status (plain while in force, under
        # /utgaver/<periode>/ otherwise): fetched in the same query, never one per element.
        return super().get_queryset(*args, **kwargs).select_related("edition")

    def move_node(self, node, target, position="last-child"):
        """Every move, from the admin's drag and drop or from code, goes through here."""
        with tree_lock():
            node.refresh_from_db()
            target.refresh_from_db()
            new_parent = target if position in ("first-child", "last-child") else target.parent
            node.check_parent_kind(new_parent)
            if target.edition_id != node.edition_id:
                raise ValidationError(
                    {"parent": "Et element kan bare flyttes innenfor sin egen utgave."}
                )
            super().move_node(node, target, position)
            node.refresh_from_db()
            node.update_paths()

    def rebuild(self, *args, **kwargs) -> None:
        with tree_lock():
            super().rebuild(*args, **kwargs)

    def partial_rebuild(self, *args, **kwargs) -> None:
        with tree_lock():
            super().partial_rebuild(*args, **kwargs)


class EditionStatus(models.TextChoices):
    DRAFT = "utkast", "Utkast"
    CONSULTATION = "horing", "Høring"
    IN_FORCE = "gjeldende", "Gjeldende"
    SUPERSEDED = "erstattet", "Erstattet"


PERIOD_PATTERN = re.compile(r"(\d{4})-(\d{4})")
DEFAULT_ADOPTED_BY = "Representantskapet i Osloregionen IPR"


def validate_period(value: str) -> None:
    match = PERIOD_PATTERN.fullmatch(value or "")
    if match is None or int(match.group(2)) < int(match.group(1)):
        raise ValidationError(
            "Perioden skrives som to årstall med bindestrek, det første ikke etter det andre, "
            "f.eks. «2029-2032»."
        )


class EditionManager(models.Manager):
    def in_force(self) -> Edition | None:
        return self.filter(status=EditionStatus.IN_FORCE).first()

    def start_new(self, period: str, user=None) -> Edition:
        """«Start ny utgave»: copy the edition in force - every element with its text, order,
        publication state and sources - into a new draft edition, in one transaction. Each
        copy remembers the element it came from (``predecessor``: the same work). The edition
        in force is not touched."""
        validate_period(period)
        with tree_lock():
            current = self.select_for_update().filter(status=EditionStatus.IN_FORCE).first()
            if current is None:
                raise ValidationError("Det finnes ingen gjeldende utgave å kopiere.")
            if self.filter(period=period).exists():
                raise ValidationError(f"Det finnes allerede en utgave for {period}.")
            if self.filter(status__in=[EditionStatus.DRAFT, EditionStatus.CONSULTATION]).exists():
                raise ValidationError(
                    "Det finnes allerede en ny utgave under arbeid (utkast eller høring)."
                )
            edition = self.create(
                period=period,
                status=EditionStatus.DRAFT,
                adopted_by=current.adopted_by,
                copied_from=current,
            )
            copy_edition_tree(current, edition, user)
        return edition

    def for_new_document(self) -> Edition:
        """The edition of a document created without one (the admin's «Legg til», a test's
        factory): the edition in force while it has no document, else a new draft edition for
        the next free period (in force when it is the portal's first)."""
        in_force = self.filter(status=EditionStatus.IN_FORCE).first()
        if in_force is not None and not in_force.elements.exists():
            return in_force  # its document was deleted: a new one (a restore) takes its place
        last = self.order_by("-period").values_list("period", flat=True).first()
        start = int(last[5:]) + 1 if last else timezone.localdate().year
        first = not self.exists()
        return self.create(
            period=f"{start}-{start + 3}",
            status=EditionStatus.IN_FORCE if first else EditionStatus.DRAFT,
            in_force_since=timezone.now() if first else None,
            answers_unqualified_links=first,
        )


class Edition(models.Model):
    """One edition of the strategic document (one four-year period), with its own tree of
    elements. The verbs that change editions (start, consult, adopt) live in
    strategy/editions.py and run in one transaction under the tree lock."""

    period = models.CharField(
        "periode",
        max_length=9,
        unique=True,
        validators=[validate_period],
        help_text="To årstall med bindestrek, f.eks. «2029-2032». Brukes i adressene.",
    )
    status = models.CharField(
        "status", max_length=10, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    adopted_by = models.CharField("vedtatt av", max_length=200, default=DEFAULT_ADOPTED_BY)
    adopted_on = models.DateField("vedtaksdato", null=True, blank=True)
    case_reference = models.CharField("saksnummer", max_length=100, blank=True)
    consultation_deadline = models.DateField("høringsfrist", null=True, blank=True)
    in_force_since = models.DateTimeField("gjeldende fra", null=True, blank=True, editable=False)
    superseded_at = models.DateTimeField("erstattet", null=True, blank=True, editable=False)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="replaces",
        verbose_name="erstattet av",
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="copies",
        verbose_name="kopiert fra",
    )
    # Links printed before editions existed ("/r/T-S2/", plain paths) name this edition's
    # elements for ever, whichever edition is in force later.
    answers_unqualified_links = models.BooleanField(
        "svarer på lenker uten utgave", default=False, editable=False
    )
    created_at = models.DateTimeField("opprettet", auto_now_add=True)

    objects = EditionManager()

    class Meta:
        verbose_name = "utgave"
        verbose_name_plural = "utgaver"
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="gjeldende"),
                name="one_edition_in_force",
            ),
            models.UniqueConstraint(
                fields=["answers_unqualified_links"],
                condition=models.Q(answers_unqualified_links=True),
                name="one_edition_for_unqualified_links",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_label} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("strategy:edition-front-page", kwargs={"period": self.period})

    @property
    def period_label(self) -> str:
        """2025–2028, with the en dash of printed text."""
        return self.period.replace("-", "–")

    @property
    def is_in_force(self) -> bool:
        return self.status == EditionStatus.IN_FORCE

    @property
    def is_public(self) -> bool:
        return edition_is_public(self.status)

    def root(self) -> StrategyElement | None:
        return StrategyElement.objects.filter(edition=self, parent__isnull=True).first()

    def _set_status(self, status: str, **fields) -> None:
        """Write the status and re-derive the public flag of the edition's tree (the draft
        edition's document counts as unpublished: strategy/public.py)."""
        for name, value in {"status": status, **fields}.items():
            setattr(self, name, value)
        Edition.objects.filter(pk=self.pk).update(status=status, **fields)
        StrategyElement.objects.filter(edition=self).refresh_public()

    def send_to_consultation(self, deadline: datetime.date) -> None:
        """Utkast → høring: the public sees the edition, marked as a consultation draft."""
        with tree_lock():
            self.refresh_from_db()
            if self.status != EditionStatus.DRAFT:
                raise ValidationError("Bare en utgave i utkast kan sendes på høring.")
            if deadline is None:
                raise ValidationError("Høringsfristen må fylles ut.")
            self._set_status(EditionStatus.CONSULTATION, consultation_deadline=deadline)
        ContentVersion.bump()

    def adopt(self, adopted_on: datetime.date | None = None, case_reference: str = "") -> None:
        """Utkast or høring → gjeldende; the edition in force until now → erstattet, with the
        date and this edition as its successor. One transaction: the portal never has two
        editions in force, nor none."""
        with tree_lock():
            self.refresh_from_db()
            if self.status not in (EditionStatus.DRAFT, EditionStatus.CONSULTATION):
                raise ValidationError("Bare en utgave i utkast eller på høring kan vedtas.")
            if not StrategyElement.objects.filter(edition=self, parent__isnull=True).exists():
                raise ValidationError("Utgaven har ikke noe dokument.")
            now = timezone.now()
            former = Edition.objects.select_for_update().filter(status=EditionStatus.IN_FORCE)
            for edition in former:
                edition._set_status(EditionStatus.SUPERSEDED, superseded_at=now, replaced_by=self)
            self._set_status(
                EditionStatus.IN_FORCE,
                in_force_since=now,
                adopted_on=adopted_on or self.adopted_on,
                case_reference=case_reference or self.case_reference,
            )
        ContentVersion.bump()

    def url_for_path(self, path: str) -> str:
        """The URL of an element path in this edition: the plain URL while in force."""
        if self.is_in_force:
            if not path:
                return reverse("strategy:front-page")
            return reverse("strategy:element", kwargs={"element_path": path})
        if not path:
            return reverse("strategy:edition-front-page", kwargs={"period": self.period})
        return reverse(
            "strategy:edition-element", kwargs={"period": self.period, "element_path": path}
        )


class StrategyElement(MPTTModel):
    """One node of the strategy: the document itself, a focus area, a goal, a strategy, ...

    Order among siblings is the tree order (django-mptt's ``lft``), changed by moving nodes.
    """

    parent = TreeForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="overordnet element",
    )
    edition = models.ForeignKey(
        Edition,
        on_delete=models.PROTECT,
        related_name="elements",
        verbose_name="utgave",
        editable=False,
        help_text="Settes fra det overordnede elementet.",
    )
    # The same element ("work") in the edition this one was copied from.
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="successors",
        verbose_name="forgjenger",
    )
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    code = models.CharField(
        "referansekode",
        max_length=20,
        blank=True,
        help_text="Kort, permanent kode som brukes i lenker og sitater, f.eks. «T-S2». "
        "Står feltet tomt, får elementet neste ledige kode. Koden kan ikke endres senere.",
    )
    title = models.CharField("tittel", max_length=500, blank=True)
    slug = models.SlugField(
        "adresse (slug)",
        max_length=80,
        blank=True,
        help_text="Lages fra tittelen når feltet står tomt; æ, ø og å blir ae, o og a.",
    )
    path = models.CharField("sti", max_length=MAX_PATH_LENGTH, editable=False)
    body = models.TextField(
        "brødtekst",
        blank=True,
        help_text="Avsnitt skilles med en tom linje. Enkel Markdown: *kursiv*, **fet**, "
        "lister og lenker.",
    )
    is_published = models.BooleanField("publisert", default=False)
    # Derived, never edited: published and every ancestor published (strategy/public.py).
    # Kept right by save(), the manager's moves, queryset updates and the fixture load, in
    # the same transaction; left out of fixtures and history, where it would only go stale.
    is_public = models.BooleanField(
        "offentlig",
        default=False,
        editable=False,
        serialize=False,
        help_text="Publisert, og alle overordnede elementer er publisert.",
    )
    created_at = models.DateTimeField("opprettet", auto_now_add=True)
    updated_at = models.DateTimeField("sist endret", auto_now=True)

    objects = StrategyElementManager()
    # Tree numbers are left out: a restore must never write an old lft/rght back into the tree.
    history = HistoricalRecords(
        excluded_fields=[*TREE_FIELDS, "is_public"], verbose_name="historikk"
    )

    class MPTTMeta:
        order_insertion_by: list[str] = []

    class Meta:
        verbose_name = "strategielement"
        verbose_name_plural = "strategielementer"
        # Codes and paths repeat across editions (the next edition's T-S2 is a copy); inside
        # one edition each names one element.
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="unique_code_per_edition"),
            models.UniqueConstraint(fields=["edition", "path"], name="unique_path_per_edition"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_title}".strip()

    def get_absolute_url(self) -> str:
        return self.edition.url_for_path(self.path)

    def get_edition_permalink(self) -> str:
        """The edition-qualified permanent link, /r/2025-2028/T-S2/."""
        return reverse(
            "strategy:edition-permalink",
            kwargs={"period": self.edition.period, "code": self.code},
        )

    @property
    def display_title(self) -> str:
        return title_or_opening(self.title, self.body)

    def cached_ancestors(self) -> list[StrategyElement]:
        """Ancestors from the root down, read from a tree built by ``linked()``."""
        ancestors = []
        node = self
        while node.parent_id is not None:
            node = node.parent
            ancestors.append(node)
        return ancestors[::-1]

    @property
    def anchor(self) -> str:
        """The ``id`` this element carries on its parent's page."""
        return self.code.lower()

    def check_parent_kind(self, parent: StrategyElement | None) -> None:
        parent_kind = parent.kind if parent else None
        if self.kind not in allowed_child_kinds(parent_kind):
            kind_label = Kind(self.kind).label if self.kind in Kind.values else self.kind
            if parent is None:
                raise ValidationError(
                    {"parent": f"«{kind_label}» må ligge under et annet element."}
                )
            allowed = ", ".join(Kind(k).label for k in allowed_child_kinds(parent_kind))
            raise ValidationError(
                {
                    "parent": f"«{kind_label}» kan ikke ligge under "
                    f"«{Kind(parent.kind).label}». Tillatt her: {allowed or 'ingen'}."
                }
            )

    def clean(self) -> None:
        super().clean()
        self.check_parent_kind(self.parent)
        if not self.title and self.kind != Kind.INTRODUCTION:
            raise ValidationError({"title": "Tittel må fylles ut."})
        if not self.title and not self.body:
            raise ValidationError({"body": "En tekst uten tittel må ha brødtekst."})
        if self.parent and not self.parent.parent and self.slug_or_default() in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": f"Adressen «{self.slug_or_default()}» er reservert av portalen."}
            )
        self.check_code()

    def check_code(self) -> None:
        """A code, once given, is permanent: it cannot change and a deleted element's code is
        never handed out again (printed council documents still cite it)."""
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("code", flat=True).first()
            if stored is not None and stored != self.code:
                raise ValidationError(
                    {"code": f"Referansekoden «{stored}» er permanent og kan ikke endres."}
                )
            return
        if not self.code:
            return
        if not CODE_PATTERN.fullmatch(self.code):
            raise ValidationError(
                {
                    "code": "Referansekoden kan bare ha store bokstaver A–Z, sifre og "
                    "bindestrek mellom delene, f.eks. «T-S2»."
                }
            )
        edition_id = self.edition_of_new_element()
        if type(self).objects.filter(edition_id=edition_id, code=self.code).exists():
            raise ValidationError(
                {"code": f"Referansekoden «{self.code}» er allerede i bruk i denne utgaven."}
            )
        if DeletedElement.objects.filter(edition_id=edition_id, code=self.code).exists():
            raise ValidationError(
                {
                    "code": f"Referansekoden «{self.code}» ble brukt av et slettet element og "
                    "kan ikke brukes på nytt."
                }
            )

    def assign_code(self) -> None:
        """Give a new element the next code of its parent and kind, never one issued before:
        the live elements and the tombstones of deleted ones are the record of issued codes."""
        letters = KIND_CODE_LETTERS.get(self.kind, "X")
        stem = code_prefix(self.kind, self.parent) + letters
        if len(stem) + 4 > type(self)._meta.get_field("code").max_length:
            # Under a very long hand-written code the prefix is dropped rather than overflow.
            stem = letters
        edition_id = self.edition_of_new_element()
        issued = [
            *type(self)
            .objects.filter(edition_id=edition_id, code__startswith=stem)
            .values_list("code", flat=True),
            *DeletedElement.objects.filter(
                edition_id=edition_id, code__startswith=stem
            ).values_list("code", flat=True),
        ]
        self.code = next_code(stem, issued)

    def edition_of_new_element(self) -> int | None:
        """The edition an element belongs to: its parent's (a document brings its own)."""
        if self.parent_id is not None:
            return (
                type(self)
                .objects.filter(pk=self.parent_id)
                .values_list("edition_id", flat=True)
                .first()
            )
        return self.edition_id

    def validate_unique(self, exclude=None) -> None:
        # The path is derived on save, where a clash gets a numbered slug instead of an error.
        super().validate_unique(exclude={*(exclude or ()), "path"})

    def validate_constraints(self, exclude=None) -> None:
        # The edition comes from the parent on save; check_code checks the code per edition.
        super().validate_constraints(exclude={*(exclude or ()), "path", "code", "edition"})

    def slug_or_default(self) -> str:
        return self.slug or norwegian_slugify(self.title or self.display_title)

    def compute_path(self) -> str:
        if self.parent is None:
            return ""
        segment = self.slug
        if self.kind in KIND_URL_SEGMENT:
            segment = f"{KIND_URL_SEGMENT[self.kind]}/{segment}"
        return f"{self.parent.path}/{segment}".strip("/")

    def save(self, *args, **kwargs) -> None:
        with tree_lock():
            self.slug = self.slug_or_default()
            old_path = old_code = None
            # Whether the public saw this element before the write (None: a new element).
            self.was_public = None
            if self.pk:
                stored = (
                    type(self)
                    .objects.filter(pk=self.pk)
                    .values_list("path", "code", "parent_id", "is_public", *TREE_FIELDS)
                    .first()
                )
                if stored is not None:
                    old_path, old_code, stored_parent_id, self.was_public, *tree = stored
                    # This copy may be older than a move or rename by someone else: compare
                    # the parent with the database's (so mptt moves instead of writing a
                    # stale parent next to fresh lft/rght), build the path on the parent's
                    # current path, and take the tree numbers as they are now, so that the
                    # subtree updated below is this element's subtree and no other.
                    self._mptt_cached_fields["parent"] = stored_parent_id
                    for name, value in zip(TREE_FIELDS, tree, strict=True):
                        setattr(self, name, value)
            if old_code is not None and old_code != self.code:
                raise ValidationError(
                    {"code": f"Referansekoden «{old_code}» er permanent og kan ikke endres."}
                )
            parent = None
            if self.parent_id is not None:
                self.parent = parent = (
                    type(self).objects.select_related("edition").get(pk=self.parent_id)
                )
                self.edition = parent.edition
            elif self.edition_id is None:
                self.edition = Edition.objects.for_new_document()
            else:
                self.edition = Edition.objects.get(pk=self.edition_id)
            self.is_public = is_public_under(
                self.is_published,
                parent.is_public if parent is not None else self.edition.is_public,
            )
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "is_public"}
            if not self.code:
                self.assign_code()
            self.path = self.compute_path()
            if self.path != old_path:
                self.path = self._unique_path(self.path)
            super().save(*args, **kwargs)
            if old_path is not None and old_path != self.path:
                ElementPath.objects.record(self.edition_id, old_path, self.code)
                self.update_paths()
            if self.was_public is not None and self.was_public != self.is_public:
                self.update_public_below()

    def seen_by_public(self) -> bool:
        """Whether the last write of this element changed what the public sees: it was
        public before it or is public after it (see strategy/signals.py)."""
        return bool(getattr(self, "was_public", True)) or self.is_public

    def _unique_path(self, path: str) -> str:
        """A second sibling with the same title gets "-2", "-3", ... appended to its slug."""
        others = type(self).objects.filter(edition_id=self.edition_id).exclude(pk=self.pk)
        candidate, number = path, 1
        while others.filter(path=candidate).exists():
            number += 1
            candidate = f"{path}-{number}"
        if candidate != path:
            self.slug = candidate.rsplit("/", 1)[-1]
        return candidate

    def update_paths(self) -> None:
        """Recompute the stored path of this element and everything below it."""
        with tree_lock():
            # Which rows are "below it" comes from lft/rght as they are now, not as this copy
            # read them: a concurrent move elsewhere shifts them.
            self.refresh_from_db(fields=TREE_FIELDS)
            elements = list(self.get_descendants(include_self=True).select_related("parent"))
            by_pk = {element.pk: element for element in elements}
            for element in elements:  # tree order: a parent is always fixed before its child
                if element.parent_id in by_pk:
                    element.parent = by_pk[element.parent_id]
                new_path = element.compute_path()
                if element.pk == self.pk and new_path != element.path:
                    # A move can land next to a sibling with the same slug.
                    new_path = element._unique_path(new_path)
                    self.slug = element.slug
                    type(self).objects.filter(pk=element.pk).update(slug=element.slug)
                if new_path != element.path:
                    ElementPath.objects.record(element.edition_id, element.path, element.code)
                    element.path = new_path
                    type(self).objects.filter(pk=element.pk).update(path=new_path)

    def update_public_below(self) -> None:
        """Derive the stored public flag of everything below this element from this element's
        stored flag, after that changed (published, unpublished, moved under a draft)."""
        with tree_lock():
            self.refresh_from_db(fields=[*TREE_FIELDS, "is_public"])
            if self.is_leaf_node():
                return
            rows = (
                self.get_descendants()
                .order_by("lft")
                .values_list("pk", "parent_id", "is_published", "is_public", "edition__status")
            )
            _store_public_flags(rows, {self.pk: self.is_public})

    def delete(self, *args, **kwargs):
        with tree_lock():
            return super().delete(*args, **kwargs)

    def move_to(self, target, position="first-child"):
        type(self).objects.move_node(self, target, position)


class Source(models.Model):
    """A footnote: a source that annotates a phrase in an element's body text."""

    element = models.ForeignKey(
        StrategyElement,
        on_delete=models.CASCADE,
        related_name="sources",
        verbose_name="element",
    )
    number = models.PositiveSmallIntegerField(
        "nummer", help_text="Fotnotens nummer i dokumentet, f.eks. 1 for [1]."
    )
    text = models.TextField("tekst")
    url = models.URLField("lenke", max_length=500, blank=True)
    anchor = models.CharField(
        "henviser til",
        max_length=200,
        blank=True,
        help_text="Ordene i brødteksten som fotnoten hører til; merket settes rett etter dem.",
    )

    class Meta:
        ordering = ["number"]
        verbose_name = "kilde"
        verbose_name_plural = "kilder"
        constraints = [
            models.UniqueConstraint(
                fields=["element", "number"], name="unique_source_number_per_element"
            ),
        ]

    history = HistoricalRecords(verbose_name="historikk")

    def __str__(self) -> str:
        return f"[{self.number}] {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return f"{self.element.get_absolute_url()}#{self.html_id}"

    @property
    def html_id(self) -> str:
        return f"kilde-{self.number}"


# The fields an editor can change in a draft and get back from an earlier version.
DRAFT_FIELDS = ("title", "slug", "body")


class PendingChange(models.Model):
    """Unpublished edits of a published element: the public keeps seeing the element as it is
    until the draft is published."""

    element = models.OneToOneField(
        StrategyElement,
        on_delete=models.CASCADE,
        related_name="pending_change",
        verbose_name="element",
    )
    title = models.CharField("tittel", max_length=500, blank=True)
    slug = models.SlugField("adresse (slug)", max_length=80, blank=True)
    body = models.TextField("brødtekst", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lagret av",
    )
    updated_at = models.DateTimeField("sist lagret", auto_now=True)

    class Meta:
        verbose_name = "utkast"
        verbose_name_plural = "utkast"

    def __str__(self) -> str:
        return f"Utkast til {self.element}"

    def get_absolute_url(self) -> str:
        return reverse("admin:strategy_strategyelement_preview", args=[self.element_id])

    def apply_to(self, element: StrategyElement) -> StrategyElement:
        """Puts the draft's text on an element in memory (for the preview and for publishing)."""
        for field in DRAFT_FIELDS:
            setattr(element, field, getattr(self, field))
        return element


# The public text of an element: a change of these while the public sees it needs a note.
PUBLIC_TEXT_FIELDS = ("title", "body")
CHANGE_NOTE_MAX_LENGTH = 100  # simple-history's change reason column


def publish(element: StrategyElement, user=None, note: str = "") -> StrategyElement:
    """Makes an element live with its pending draft applied, in one transaction. A change of
    the text the public already sees needs a short change note («Språklig rettelse»): it is
    listed publicly under «Endringer» on the element's page."""
    note = " ".join(note.split())
    with tree_lock():
        element = StrategyElement.objects.select_for_update().get(pk=element.pk)
        before = {field: getattr(element, field) for field in PUBLIC_TEXT_FIELDS}
        draft = PendingChange.objects.filter(element=element).first()
        if draft is not None:
            draft.apply_to(element)
        text_changed = any(getattr(element, f) != v for f, v in before.items())
        if element.is_public and text_changed and not note:
            raise ValidationError(
                {
                    "note": "Skriv en kort endringsmerknad, f.eks. «Språklig rettelse»: teksten "
                    "er offentlig, og endringen vises under «Endringer» på elementets side."
                }
            )
        if len(note) > CHANGE_NOTE_MAX_LENGTH:
            raise ValidationError(
                {"note": f"Endringsmerknaden kan ha høyst {CHANGE_NOTE_MAX_LENGTH} tegn."}
            )
        element.is_published = True
        element.full_clean()
        element._history_user = user
        element._change_reason = note or "Publisert"
        element.save()
        if draft is not None:
            draft.delete()
    return element


def copy_edition_tree(source: Edition, target: Edition, user=None) -> None:
    """Insert a copy of ``source``'s tree into ``target`` (empty), level by level: the nested-set
    numbers are the source's with a new tree id, so the order is kept exactly. Runs inside the
    caller's tree lock; every copy and source gets its first history row."""
    elements = list(StrategyElement.objects.filter(edition=source).order_by("level", "lft"))
    if not elements:
        return
    tree_id = (StrategyElement.objects.aggregate(models.Max("tree_id"))["tree_id__max"] or 0) + 1
    copies: dict[int, StrategyElement] = {}
    reason = f"Kopiert fra utgave {source.period_label}"
    for level in sorted({element.level for element in elements}):
        batch = []
        for element in (e for e in elements if e.level == level):
            copy = StrategyElement(
                edition=target,
                predecessor_id=element.pk,
                parent=copies[element.parent_id] if element.parent_id else None,
                kind=element.kind,
                code=element.code,
                title=element.title,
                slug=element.slug,
                path=element.path,
                body=element.body,
                is_published=element.is_published,
                is_public=False,  # a draft edition; refresh_public below derives it anyway
                lft=element.lft,
                rght=element.rght,
                level=element.level,
                tree_id=tree_id,
            )
            copies[element.pk] = copy
            batch.append(copy)
        StrategyElement.objects.bulk_create(batch)
        StrategyElement.history.bulk_history_create(
            batch, default_user=user, default_change_reason=reason
        )
    sources = [
        Source(
            element=copies[source_row.element_id],
            number=source_row.number,
            text=source_row.text,
            url=source_row.url,
            anchor=source_row.anchor,
        )
        for source_row in Source.objects.filter(element__edition=source)
    ]
    Source.objects.bulk_create(sources)
    Source.history.bulk_history_create(sources, default_user=user, default_change_reason=reason)
    StrategyElement.objects.filter(edition=target).refresh_public()


class ElementPathQuerySet(models.QuerySet):
    def record(self, edition_id: int, path: str, code: str) -> None:
        """Remember that ``path`` of an edition led to the element ``code``; the latest owner
        of a path wins."""
        if path:
            self.update_or_create(edition_id=edition_id, path=path, defaults={"code": code})


class ElementPath(models.Model):
    """A path an element had before it was renamed, moved or deleted, so the old link still
    answers (301 to the element's current page, or 410 if it is gone). Keyed by the permanent
    code, not a foreign key, so the record outlives the element."""

    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="former_paths", verbose_name="utgave"
    )
    path = models.CharField("tidligere sti", max_length=MAX_PATH_LENGTH)
    code = models.CharField("referansekode", max_length=20, db_index=True)
    recorded_at = models.DateTimeField("registrert", auto_now=True)

    objects = ElementPathQuerySet.as_manager()

    class Meta:
        verbose_name = "tidligere adresse"
        verbose_name_plural = "tidligere adresser"
        constraints = [
            models.UniqueConstraint(fields=["edition", "path"], name="unique_former_path")
        ]

    def __str__(self) -> str:
        return f"/{self.path}/ → {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("strategy:element", kwargs={"element_path": self.path})


class DeletedElement(models.Model):
    """The tombstone of a deleted element: its code stays issued, and, if the public could see
    it when it was deleted, its old URLs answer 410 Gone with a page saying what it was, when
    it was removed, and where its parent is."""

    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="tombstones", verbose_name="utgave"
    )
    code = models.CharField("referansekode", max_length=20)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    title = models.CharField("tittel", max_length=500, blank=True)
    path = models.CharField("siste sti", max_length=MAX_PATH_LENGTH, blank=True)
    parent_code = models.CharField("overordnet elements kode", max_length=20, blank=True)
    parent_title = models.CharField("overordnet elements tittel", max_length=500, blank=True)
    # A draft (or anything under one) that is deleted leaves a tombstone too, so that its code
    # is never issued again; but its links stay plain 404s, as before it was deleted.
    was_public = models.BooleanField("var offentlig da det ble slettet", default=False)
    deleted_at = models.DateTimeField("slettet", auto_now_add=True)

    class Meta:
        verbose_name = "slettet element"
        verbose_name_plural = "slettede elementer"
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="unique_tombstone_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse(
            "strategy:edition-permalink",
            kwargs={"period": self.edition.period, "code": self.code},
        )


@receiver(pre_delete, sender=StrategyElement, dispatch_uid="strategy-element-tombstone")
def record_deleted_element(sender, instance: StrategyElement, **kwargs) -> None:
    """Runs for every element a delete removes, also the descendants that the cascade takes
    with it and rows deleted through a queryset or the admin's bulk action. What is recorded is
    read from the database (one query): the instance may be a copy older than a move."""
    fields = ("title", "body", "path", "is_public")
    stored = (
        StrategyElement.objects.filter(pk=instance.pk)
        .values(*fields, "parent__code", "parent__title", "parent__is_public")
        .first()
    ) or {**{name: getattr(instance, name) for name in fields}, "parent__is_public": False}
    instance.was_public = stored["is_public"]
    ElementPath.objects.record(instance.edition_id, stored["path"], instance.code)
    # Only what the public could see goes on the 410 page; a public element's parent is public.
    parent_shown = bool(stored["parent__is_public"])
    DeletedElement.objects.update_or_create(
        edition_id=instance.edition_id,
        code=instance.code,
        defaults={
            "kind": instance.kind,
            "title": title_or_opening(stored["title"], stored["body"]),
            "path": stored["path"],
            "was_public": stored["is_public"],
            "parent_code": stored["parent__code"] if parent_shown else "",
            "parent_title": stored["parent__title"] if parent_shown else "",
        },
    )


class ContentVersion(models.Model):
    """One row that changes whenever what the public sees may have changed (a save, move or
    delete of a public element or of its sources, see strategy/signals.py). Public pages
    derive their ETag and Last-Modified from it, read in one query. A random token, not a
    counter, so that a restored backup never repeats a version that meant other content."""

    SINGLETON_PK = 1

    token = models.CharField("versjon", max_length=32)
    changed_at = models.DateTimeField("sist endret")

    class Meta:
        verbose_name = "innholdsversjon"
        verbose_name_plural = "innholdsversjoner"

    def __str__(self) -> str:
        return f"{self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"

    def get_absolute_url(self) -> str:
        return reverse("strategy:front-page")

    @classmethod
    def bump(cls) -> None:
        from django.utils import timezone

        # One upsert: concurrent writers never race on creating the row.
        cls.objects.bulk_create(
            [cls(pk=cls.SINGLETON_PK, token=uuid.uuid4().hex, changed_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["token", "changed_at"],
        )

    @classmethod
    def current(cls) -> ContentVersion | None:
        return cls.objects.filter(pk=cls.SINGLETON_PK).first()
