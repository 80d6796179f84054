from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

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
    {"admin", "static", "media", "hele-strategien", "r", "sok", "api", "data", "om"}
)


MAX_PATH_LENGTH = 1000


def allowed_child_kinds(parent_kind: str | None) -> tuple[str, ...]:
    if parent_kind is None:
        return (Kind.DOCUMENT,)
    return ALLOWED_CHILDREN.get(parent_kind, ())


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

    def ancestors_of(self, elements) -> StrategyElementQuerySet:
        """The ancestors of all the given elements, in one query on the indexed stored paths:
        an ancestor's path is a prefix of its descendant's ("innsatsomrader" of
        "innsatsomrader/transport/strategier/ved-a-…"). A prefix that is only a kind segment
        may name an unrelated element; callers follow ``parent_id`` from the element, so such
        an extra row is never taken for an ancestor."""
        paths = {""}
        for element in elements:
            segments = element.path.split("/")
            paths.update("/".join(segments[:end]) for end in range(1, len(segments)))
        trees = {element.tree_id for element in elements}
        return self.filter(path__in=paths, tree_id__in=trees)

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

    def current_document(self) -> StrategyElement | None:
        """The strategy the portal shows: the first published document."""
        return self.documents().published().order_by("tree_id").first()

    def linked(self) -> dict[int, StrategyElement]:
        """Run the query once and link every row to its parent and children in memory, so that
        templates walk the tree without further queries (what mptt's ``get_cached_trees`` does,
        but in linear time). A row whose parent is not among the results - it sits under a
        draft - is left out with its whole subtree. Returns the elements by primary key."""
        parent_field = StrategyElement._meta.get_field("parent")
        nodes: dict[int, StrategyElement] = {}
        for element in self.order_by("tree_id", "lft"):
            element._cached_children = []
            if element.parent_id is not None:
                parent = nodes.get(element.parent_id)
                if parent is None:
                    continue
                parent_field.set_cached_value(element, parent)
                parent._cached_children.append(element)
            nodes[element.pk] = element
        return nodes


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
        help_text="Kort, permanent kode som brukes i lenker og sitater, f.eks. «T-S2».",
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
            old_path = None
            if self.pk:
                old_path = (
                    type(self).objects.filter(pk=self.pk).values_list("path", flat=True).first()
                )
            self.path = self.compute_path()
            if self.path != old_path:
                self.path = self._unique_path(self.path)
            super().save(*args, **kwargs)
            if old_path is not None and old_path != self.path:
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

    def __str__(self) -> str:
        return f"[{self.number}] {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return f"{self.element.get_absolute_url()}#{self.html_id}"

    @property
    def html_id(self) -> str:
        return f"kilde-{self.number}"
