from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.urls import reverse
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet
from simple_history.models import HistoricalRecords

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
) | {"tilgjengelighet"}  # the accessibility statement


MAX_PATH_LENGTH = 1000

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


def allowed_child_kinds(parent_kind: str | None) -> tuple[str, ...]:
    if parent_kind is None:
        return (Kind.DOCUMENT,)
    return ALLOWED_CHILDREN.get(parent_kind, ())


def link_elements(elements: Iterable[StrategyElement]) -> dict[int, StrategyElement]:
    """Link elements given in tree order (parents before children) to their parent and
    children in memory; see ``StrategyElementQuerySet.linked()``."""
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


class StrategyElementQuerySet(TreeQuerySet):
    def published(self) -> StrategyElementQuerySet:
        """Elements marked published. Use :meth:`public_subtree` style helpers to also hide
        the descendants of a draft; this filter alone looks at the element itself."""
        return self.filter(is_published=True)

    def visible(self) -> StrategyElementQuerySet:
        """Published elements none of whose ancestors is a draft: what the public may find."""
        draft_ancestor = StrategyElement.objects.filter(
            # Implied by the conditions below, but lets the database drop drafts without
            # children (most drafts) before comparing them with every row.
            models.Q(rght__gt=models.F("lft") + 1),
            is_published=False,
            tree_id=models.OuterRef("tree_id"),
            lft__lt=models.OuterRef("lft"),
            rght__gt=models.OuterRef("rght"),
        )
        return self.published().exclude(models.Exists(draft_ancestor))

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

    def current_documents(self) -> StrategyElementQuerySet:
        """The published documents, the one the portal shows first (see current_document)."""
        return self.documents().published().order_by("tree_id")

    def current_document(self) -> StrategyElement | None:
        """The strategy the portal shows: the first published document."""
        return self.current_documents().first()

    def linked(self) -> dict[int, StrategyElement]:
        """Run the query once and link every row to its parent and children in memory, so that
        templates walk the tree without further queries (what mptt's ``get_cached_trees`` does,
        but in linear time). A row whose parent is not among the results - it sits under a
        draft - is left out with its whole subtree. Returns the elements by primary key."""
        return link_elements(self.order_by("tree_id", "lft"))

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
    def move_node(self, node, target, position="last-child"):
        """Every move, from the admin's drag and drop or from code, goes through here."""
        with tree_lock():
            node.refresh_from_db()
            target.refresh_from_db()
            new_parent = target if position in ("first-child", "last-child") else target.parent
            node.check_parent_kind(new_parent)
            super().move_node(node, target, position)
            node.refresh_from_db()
            node.update_paths()

    def rebuild(self, *args, **kwargs) -> None:
        with tree_lock():
            super().rebuild(*args, **kwargs)

    def partial_rebuild(self, *args, **kwargs) -> None:
        with tree_lock():
            super().partial_rebuild(*args, **kwargs)


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
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    code = models.CharField(
        "referansekode",
        max_length=20,
        unique=True,
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
    path = models.CharField("sti", max_length=MAX_PATH_LENGTH, unique=True, editable=False)
    body = models.TextField(
        "brødtekst",
        blank=True,
        help_text="Avsnitt skilles med en tom linje. Enkel Markdown: *kursiv*, **fet**, "
        "lister og lenker.",
    )
    is_published = models.BooleanField("publisert", default=False)
    created_at = models.DateTimeField("opprettet", auto_now_add=True)
    updated_at = models.DateTimeField("sist endret", auto_now=True)

    objects = StrategyElementManager()
    # Tree numbers are left out: a restore must never write an old lft/rght back into the tree.
    history = HistoricalRecords(
        excluded_fields=["lft", "rght", "tree_id", "level"], verbose_name="historikk"
    )

    class MPTTMeta:
        order_insertion_by: list[str] = []

    class Meta:
        verbose_name = "strategielement"
        verbose_name_plural = "strategielementer"

    def __str__(self) -> str:
        return f"{self.code} {self.display_title}".strip()

    def get_absolute_url(self) -> str:
        if not self.path:
            return reverse("strategy:front-page")
        return reverse("strategy:element", kwargs={"element_path": self.path})

    @property
    def display_title(self) -> str:
        """The title, or for an untitled text the opening words of its body."""
        if self.title:
            return self.title
        words = self.body.split()
        return " ".join(words[:8]) + (" …" if len(words) > 8 else "")

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
        if DeletedElement.objects.filter(code=self.code).exists():
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
        issued = [
            *type(self).objects.filter(code__startswith=stem).values_list("code", flat=True),
            *DeletedElement.objects.filter(code__startswith=stem).values_list("code", flat=True),
        ]
        self.code = next_code(stem, issued)

    def validate_unique(self, exclude=None) -> None:
        # The path is derived on save, where a clash gets a numbered slug instead of an error.
        super().validate_unique(exclude={*(exclude or ()), "path"})

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
            if self.pk:
                stored = (
                    type(self)
                    .objects.filter(pk=self.pk)
                    .values_list("path", "code", "parent_id")
                    .first()
                )
                if stored is not None:
                    old_path, old_code, stored_parent_id = stored
                    # This copy may be older than a move or rename by someone else: compare
                    # the parent with the database's (so mptt moves instead of writing a
                    # stale parent next to fresh lft/rght) and build the path on the
                    # parent's current path.
                    self._mptt_cached_fields["parent"] = stored_parent_id
            if old_code is not None and old_code != self.code:
                raise ValidationError(
                    {"code": f"Referansekoden «{old_code}» er permanent og kan ikke endres."}
                )
            if self.parent_id is not None:
                self.parent = type(self).objects.get(pk=self.parent_id)
            if not self.code:
                self.assign_code()
            self.path = self.compute_path()
            if self.path != old_path:
                self.path = self._unique_path(self.path)
            super().save(*args, **kwargs)
            if old_path is not None and old_path != self.path:
                ElementPath.objects.record(old_path, self.code)
                self.update_paths()

    def _unique_path(self, path: str) -> str:
        """A second sibling with the same title gets "-2", "-3", ... appended to its slug."""
        others = type(self).objects.exclude(pk=self.pk)
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
                    ElementPath.objects.record(element.path, element.code)
                    element.path = new_path
                    type(self).objects.filter(pk=element.pk).update(path=new_path)

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


def publish(element: StrategyElement, user=None) -> StrategyElement:
    """Makes an element live with its pending draft applied, in one transaction."""
    with tree_lock():
        element = StrategyElement.objects.select_for_update().get(pk=element.pk)
        draft = PendingChange.objects.filter(element=element).first()
        if draft is not None:
            draft.apply_to(element)
        element.is_published = True
        element.full_clean()
        element._history_user = user
        element._change_reason = "Publisert"
        element.save()
        if draft is not None:
            draft.delete()
    return element


class ElementPathQuerySet(models.QuerySet):
    def record(self, path: str, code: str) -> None:
        """Remember that ``path`` led to the element ``code``; the latest owner of a path wins."""
        if path:
            self.update_or_create(path=path, defaults={"code": code})


class ElementPath(models.Model):
    """A path an element had before it was renamed, moved or deleted, so the old link still
    answers (301 to the element's current page, or 410 if it is gone). Keyed by the permanent
    code, not a foreign key, so the record outlives the element."""

    path = models.CharField("tidligere sti", max_length=MAX_PATH_LENGTH, unique=True)
    code = models.CharField("referansekode", max_length=20, db_index=True)
    recorded_at = models.DateTimeField("registrert", auto_now=True)

    objects = ElementPathQuerySet.as_manager()

    class Meta:
        verbose_name = "tidligere adresse"
        verbose_name_plural = "tidligere adresser"

    def __str__(self) -> str:
        return f"/{self.path}/ → {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("strategy:element", kwargs={"element_path": self.path})


class DeletedElement(models.Model):
    """The tombstone of a deleted element: its code stays issued, and its old URLs answer 410
    Gone with a page saying what it was, when it was removed, and where its parent is."""

    code = models.CharField("referansekode", max_length=20, unique=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    title = models.CharField("tittel", max_length=500, blank=True)
    path = models.CharField("siste sti", max_length=MAX_PATH_LENGTH, blank=True)
    parent_code = models.CharField("overordnet elements kode", max_length=20, blank=True)
    parent_title = models.CharField("overordnet elements tittel", max_length=500, blank=True)
    deleted_at = models.DateTimeField("slettet", auto_now_add=True)

    class Meta:
        verbose_name = "slettet element"
        verbose_name_plural = "slettede elementer"

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("strategy:permalink", kwargs={"code": self.code})


@receiver(pre_delete, sender=StrategyElement, dispatch_uid="strategy-element-tombstone")
def record_deleted_element(sender, instance: StrategyElement, **kwargs) -> None:
    """Runs for every element a delete removes, also the descendants that the cascade takes
    with it and rows deleted through a queryset or the admin's bulk action."""
    parent = (
        StrategyElement.objects.filter(pk=instance.parent_id).values("code", "title").first()
        if instance.parent_id
        else None
    ) or {"code": "", "title": ""}
    ElementPath.objects.record(instance.path, instance.code)
    DeletedElement.objects.update_or_create(
        code=instance.code,
        defaults={
            "kind": instance.kind,
            "title": instance.display_title,
            "path": instance.path,
            "parent_code": parent["code"],
            "parent_title": parent["title"],
        },
    )


class ContentVersion(models.Model):
    """One row that changes whenever published content may have changed (any save, move or
    delete of an element or a source, see strategy/signals.py). Public pages derive their
    ETag and Last-Modified from it, read in one query. A random token, not a counter, so that a
    restored backup never repeats a version that meant other content."""

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


# Search's own tables (the strategy's words, synonym groups) live in their own module.
from .search_models import SearchWord, SynonymGroup, SynonymLink  # noqa: E402, F401
