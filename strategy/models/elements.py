"""Elements of the strategy and their tree: the queryset (``public()``, ``linked()`` …), the
manager's tree verbs (move, restore a deleted element), and the element's own verbs (save,
publish, save a draft, restore a version). Every verb is one transaction under the tree lock
(strategy/tree.py), and is called alike by the admin, the editor's views, the management commands
and the tests."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import Signal, receiver
from django.urls import reverse
from django.utils.text import normalize_newlines
from django.utils.timezone import localtime
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet
from simple_history.models import HistoricalRecords

from ..public import derive_public_flags, edition_is_public, is_public_under
from ..slugs import norwegian_slugify
from ..tree import tree_lock
from ..validators import (
    MISSING_CODE_MESSAGE,
    validate_body_length,
    validate_code,
    validate_line,
    validate_slug,
    validate_text,
)
from .addresses import MAX_PATH_LENGTH, DeletedElement, ElementPath
from .changes import PUBLIC_TEXT_FIELDS, check_change_note
from .drafts import DRAFT_FIELDS, PendingChange
from .editions import Edition, EditionStatus
from .kinds import Kind, allowed_child_kinds
from .sources import Source, deleted_along_reason

# First path segments that belong to the portal itself, never to an element.
RESERVED_SLUGS = frozenset(
    {"admin", "static", "media", "hele-strategien", "r", "sok", "api", "data", "om", "helse"}
) | {"tilgjengelighet", "strategikart", "pdf", "utgaver", "endringer"}  # …, the change log


# django-mptt's nested-set numbers: any other writer's insert, move or delete may shift them, so
# a copy of an element read earlier must read them again under the tree lock before it uses them.
TREE_FIELDS = ("lft", "rght", "tree_id", "level")

# Sent when a queryset update or a fixture load changed the public flag of elements (``pks``);
# single saves, moves and deletes report through Django's own post_save and post_delete.
public_flags_changed = Signal()

# The printed strategy's items under the document are "S1", "M2", ... with no prefix; council
# documents already cite them that way, so new items of that document follow suit.
UNPREFIXED_DOCUMENT_CODE = "OR"


def code_prefix(kind: str, parent: StrategyElement | None) -> str:
    """What a new element's code starts with: "T-" for a strategy under Transport (code T)."""
    if parent is None or (kind in Kind.values and not Kind(kind).code_prefixed):
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

    def documents_of(self, period: str | None) -> StrategyElementQuerySet:
        """The public document an address names: /utgaver/<periode>/… that edition's (a public
        one), a plain address (``period`` None) the edition in force's."""
        if period is None:
            return self.current_documents()
        return self.documents().public().filter(edition__period=period).select_related("edition")

    def document_of(self, period: str | None) -> StrategyElement | None:
        return self.documents_of(period).first()

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


@dataclass(frozen=True)
class RestoredElement:
    """What ``restore_deleted`` brought back: the element, how many elements in all (it and
    its subtree), how many sources, and a note when it could not go back to its old place."""

    element: StrategyElement
    count: int
    sources: int
    place: str


class StrategyElementManager(TreeManager.from_queryset(StrategyElementQuerySet)):
    def get_queryset(self, *args, **kwargs) -> StrategyElementQuerySet:
        # An element's URL depends on its edition's status (plain while in force, under
        # /utgaver/<periode>/ otherwise): fetched in the same query, never one per element.
        return super().get_queryset(*args, **kwargs).select_related("edition")

    def move_node(
        self,
        node,
        target,
        position="last-child",
        expected_version: int | None = None,
        expected_target_version: int | None = None,
    ):
        """Every move, from the admin's drag and drop or from code, goes through here. The
        expected versions are those the editor's tree list showed: a moved or edited node or
        target since then refuses the move (``StaleVersion``). The move saves the node, which
        counts its version up."""
        with tree_lock():
            node.refresh_from_db()
            target.refresh_from_db()
            check_version(node, expected_version)
            check_version(target, expected_target_version)
            new_parent = target if position in ("first-child", "last-child") else target.parent
            # Documents may be ordered among each other (each keeps its edition); an element
            # never goes under another edition's.
            if new_parent is not None and new_parent.edition_id != node.edition_id:
                raise ValidationError(
                    {"parent": "Et element kan bare flyttes innenfor sin egen utgave."}
                )
            node.validate_under(new_parent)
            super().move_node(node, target, position)
            node.refresh_from_db()
            node.update_paths()

    def restore_deleted(
        self,
        code: str,
        user=None,
        expected_tombstone: int | None = None,
        edition: Edition | None = None,
    ) -> RestoredElement:
        """Brings a deleted element back with everything its deletion took along (the
        subtree and the sources), in one transaction: same code (and primary key where it is
        free), under its former parent wherever that is now, after the sibling it followed,
        with its text and published state as deleted. Its tombstones go, so its links answer
        again instead of 410. ``expected_tombstone`` is the tombstone the editor saw: if the
        element was restored and deleted again since, the restore is refused. Codes repeat
        across editions: ``edition`` names the one (None: the latest deletion of the code)."""
        with tree_lock():
            tombstone = DeletedElement.objects.of_code(code, edition).first()
            if tombstone is None or (
                expected_tombstone is not None and tombstone.pk != expected_tombstone
            ):
                if self.filter(code=code, **({"edition": edition} if edition else {})).exists():
                    raise ValidationError(f"«{code}» er allerede gjenopprettet av noen andre.")
                if tombstone is None:
                    raise ValidationError(
                        f"Det finnes ikke noe slettet element med koden «{code}»."
                    )
                raise ValidationError(
                    f"«{code}» er gjenopprettet og slettet på nytt etter at du åpnet siden. "
                    "Ingenting er gjenopprettet; se over den nye slettingen og prøv igjen."
                )
            batch = {
                stone.code: stone
                for stone in DeletedElement.objects.filter(
                    edition_id=tombstone.edition_id, deleted_with=tombstone.deleted_with
                )
            }
            records = {}
            for record in StrategyElement.history.filter(
                edition_id=tombstone.edition_id, code__in=batch, history_type="-"
            ).order_by("history_date", "history_id"):
                records[record.code] = record  # the latest deletion of each code wins
            if code not in records:
                raise ValidationError(
                    f"Det finnes ingen lagret versjon av «{code}», så det kan ikke gjenopprettes."
                )
            parent, gone_parent = self.parent_of_deleted(records[code])
            if gone_parent is not None:
                raise ValidationError(
                    f"Det overordnede elementet «{gone_parent}» er også slettet. "
                    "Gjenopprett det først"
                    + (
                        " – da kommer dette elementet tilbake sammen med det."
                        if tombstone.deleted_with != tombstone.code
                        else "."
                    )
                )
            # The subtree as it was deleted: the batch's records below this one, in tree order.
            children: dict[int, list] = {}
            for record in records.values():
                children.setdefault(record.parent_id, []).append(record)
            subtree, stack = [], [records[code]]
            while stack:
                record = stack.pop()
                subtree.append(record)
                stack.extend(children.get(record.id, []))
            subtree.sort(key=lambda record: batch[record.code].tree_order)
            subtree.remove(records[code])
            subtree.insert(0, records[code])
            DeletedElement.objects.filter(
                edition_id=tombstone.edition_id, code__in=[record.code for record in subtree]
            ).delete()

            restored: dict[int, StrategyElement] = {}
            place = ""
            for record in subtree:
                element = self.model(
                    pk=None if self.filter(pk=record.id).exists() else record.id,
                    parent=parent if record.code == code else restored[record.parent_id],
                    kind=record.kind,
                    code=record.code,
                    title=record.title,
                    slug=record.slug,
                    body=record.body,
                    is_published=record.is_published,
                    version=record.version + 1,
                )
                element.full_clean()
                if record.code == code and parent is not None:
                    place = self._make_room(element, parent, tombstone)
                # Its descendants follow in tree order, each as the last child of its parent.
                element._history_user = user
                element._change_reason = "Gjenopprettet etter sletting"
                element.save(force_insert=True)
                self.filter(pk=element.pk).update(created_at=record.created_at)
                restored[record.id] = element
            sources = Source.objects.restore_deleted(
                restored, deleted_with=tombstone.deleted_with, user=user
            )
            element = self.get(pk=restored[records[code].id].pk)
        return RestoredElement(
            element=element,
            count=len(restored),
            sources=sources,
            place=place,
        )

    def last_deletion(self, code: str, edition_id: int | None = None):
        """The history's row of the latest deletion of ``code`` (None: never deleted), in one
        edition when given (codes repeat across editions)."""
        deletions = StrategyElement.history.filter(code=code, history_type="-")
        if edition_id is not None:
            deletions = deletions.filter(edition_id=edition_id)
        return deletions.order_by("-history_date", "-history_id").first()

    def parent_of_deleted(self, record) -> tuple[StrategyElement | None, str | None]:
        """Where a deleted element (its history's deletion row, see ``last_deletion``) goes
        back: its former parent as it is now, or ``(None, "<code> <title>")`` when that parent
        is deleted too. Read from the history, since the tombstone names a parent only where
        the public could see it."""
        if record is None or record.parent_id is None:
            return None, None
        parent = self.filter(pk=record.parent_id).first()
        if parent is not None:
            return parent, None
        gone = (
            StrategyElement.history.filter(id=record.parent_id)
            .order_by("-history_date", "-history_id")
            .values_list("code", "title")
            .first()
        ) or ("", "")
        return None, f"{gone[0]} {gone[1]}".strip()

    def _make_room(self, element, parent, tombstone) -> str:
        """Sets a restored element up to be inserted where it stood: after the sibling it
        followed, or first, or (when that is no longer possible) last. Returns a note for the
        last case."""
        siblings = self.filter(parent=parent).order_by("lft")
        if not tombstone.tree_order:
            note = f"sist under «{parent}», fordi den gamle plassen ikke er kjent"
            target, position = parent, "last-child"
        elif tombstone.previous_sibling_code:
            previous = siblings.filter(code=tombstone.previous_sibling_code).first()
            if previous is None:
                note = (
                    f"sist under «{parent}», fordi «{tombstone.previous_sibling_code}», som "
                    "det stod etter, ikke lenger står der"
                )
                target, position = parent, "last-child"
            else:
                note, target, position = "", previous, "right"
        else:
            first = siblings.first()
            note, target, position = "", first or parent, "left" if first else "last-child"
        self.insert_node(element, target, position, save=False, allow_existing_pk=True)
        return note

    # The editors' moves: drag and drop, «Flytt opp», «Flytt ned», «Flytt til …» and the undo
    # of any of them all end in move_element, one transaction under the tree lock.

    def move_element(
        self,
        element: StrategyElement,
        target: StrategyElement,
        position: str,
        user=None,
        expected_version: int | None = None,
        expected_target_version: int | None = None,
    ) -> Move:
        """Moves ``element`` relative to ``target`` (mptt's positions: "first-child",
        "last-child", "left", "right"), records the move in the element's history and returns
        where it stood before and stands now. Refuses with a Norwegian ``ValidationError``."""
        if position not in MOVE_POSITIONS:
            raise ValidationError("Ukjent plassering for flyttingen.")
        with tree_lock():
            element = self.get(pk=element.pk)
            target = self.get(pk=target.pk)
            element.check_movable(user)
            if element.pk == target.pk or element.is_ancestor_of(target):
                raise ValidationError(f"«{element}» kan ikke flyttes inn i seg selv.")
            before = Placement.of(element)
            # mptt's move_node saves the node before its path is updated; the one version
            # recorded is the one below, with the new path and the reason.
            element.skip_history_when_saving = True
            self.move_node(
                element,
                target,
                position,
                expected_version=expected_version,
                expected_target_version=expected_target_version,
            )
            del element.skip_history_when_saving
            element.refresh_from_db()
            StrategyElement.history.bulk_history_create(
                [element], update=True, default_user=user, default_change_reason="Flyttet"
            )
            return Move(element, before, Placement.of(element))

    def move_up(self, element: StrategyElement, user=None) -> Move:
        """Swaps the element with the sibling before it."""
        return self._move_step(element, user, up=True)

    def move_down(self, element: StrategyElement, user=None) -> Move:
        """Swaps the element with the sibling after it."""
        return self._move_step(element, user, up=False)

    def _move_step(self, element: StrategyElement, user, up: bool) -> Move:
        with tree_lock():
            element = self.get(pk=element.pk)
            element.check_movable(user)
            neighbour = element.get_previous_sibling() if up else element.get_next_sibling()
            if neighbour is None:
                raise ValidationError(f"«{element}» står allerede {'øverst' if up else 'nederst'}.")
            return self.move_element(element, neighbour, "left" if up else "right", user)

    def move_back(self, element: StrategyElement, placement: Placement, user=None) -> Move:
        """Puts an element back where a move found it (the undo of a move): under the same
        parent, right after the same sibling. Refused when that place no longer exists."""
        with tree_lock():
            parent = self.filter(pk=placement.parent_id).first()
            after = self.filter(pk=placement.after_id).first() if placement.after_id else None
            if parent is None or (placement.after_id and after is None):
                raise ValidationError("Plassen elementet stod på, finnes ikke lenger.")
            if after is not None and after.parent_id != parent.pk:
                raise ValidationError(
                    f"«{after}» står ikke lenger under «{parent}»; flytt elementet med "
                    "«Flytt til …» i stedet."
                )
            if after is not None:
                return self.move_element(element, after, "right", user)
            return self.move_element(element, parent, "first-child", user)

    def copy_edition(self, source: Edition, target: Edition, user=None) -> None:
        """Inserts a copy of ``source``'s tree into ``target`` (empty), level by level, in one
        transaction under the tree lock: the nested-set numbers are the source's with a new
        tree id, so the order is kept exactly. Every copy remembers its original
        (``predecessor``); every copy and source gets its first history row. The document's
        title names the new period where it named the old one."""
        with tree_lock():
            elements = list(self.filter(edition=source).order_by("level", "lft"))
            if not elements:
                return
            tree_id = (self.aggregate(models.Max("tree_id"))["tree_id__max"] or 0) + 1
            copies: dict[int, StrategyElement] = {}
            reason = f"Kopiert fra utgave {source.period_label}"
            for level in sorted({element.level for element in elements}):
                batch = []
                for element in (e for e in elements if e.level == level):
                    title = element.title
                    if element.parent_id is None:  # «… for Osloregionen 2025–2028»: its period
                        title = title.replace(source.period_label, target.period_label)
                    duplicate = self.model(
                        edition=target,
                        predecessor_id=element.pk,
                        parent=copies[element.parent_id] if element.parent_id else None,
                        kind=element.kind,
                        code=element.code,
                        title=title,
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
                    copies[element.pk] = duplicate
                    batch.append(duplicate)
                self.bulk_create(batch)
                self.model.history.bulk_history_create(
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
            Source.history.bulk_history_create(
                sources, default_user=user, default_change_reason=reason
            )
            self.filter(edition=target).refresh_public()

    def rebuild(self, *args, **kwargs) -> None:
        with tree_lock():
            super().rebuild(*args, **kwargs)

    def partial_rebuild(self, *args, **kwargs) -> None:
        with tree_lock():
            super().partial_rebuild(*args, **kwargs)


MOVE_POSITIONS = ("first-child", "last-child", "left", "right")


@dataclass(frozen=True)
class Placement:
    """Where an element stands: under which parent, right after which sibling (None: first).
    Enough to put it back there (``move_back``)."""

    parent_id: int | None
    after_id: int | None

    @classmethod
    def of(cls, element: StrategyElement) -> Placement:
        previous = element.get_previous_sibling()
        return cls(element.parent_id, previous.pk if previous else None)


@dataclass(frozen=True)
class Move:
    """One move an editor made: the element as it stands now, and its place before and after."""

    element: StrategyElement
    before: Placement
    after: Placement


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
        validators=[validate_code],
        help_text="Kort, permanent kode som brukes i lenker og sitater, f.eks. «T-S2». "
        "Står feltet tomt, får elementet neste ledige kode. Koden kan ikke endres senere.",
    )
    title = models.CharField("tittel", max_length=500, blank=True, validators=[validate_line])
    # A CharField, not a SlugField: Django's slug check allows capitals, which
    # ``validate_slug`` (the project's one rule) refuses with its own message.
    slug = models.CharField(
        "adresse (slug)",
        max_length=80,
        blank=True,
        db_index=True,
        validators=[validate_slug],
        help_text="Lages fra tittelen når feltet står tomt; æ, ø og å blir ae, o og a.",
    )
    path = models.CharField("sti", max_length=MAX_PATH_LENGTH, editable=False)
    body = models.TextField(
        "brødtekst",
        blank=True,
        validators=[validate_text, validate_body_length],
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
    # Optimistic locking: one more on every save, draft, move and publish. An editor's form,
    # confirmation page or tree list carries the number it was opened at, and a write
    # expecting an older number is refused (see StaleVersion), so the second of two editors
    # never silently undoes the first.
    version = models.PositiveIntegerField("versjon", default=1, editable=False)

    # The version a caller saw; ``save()`` refuses to write over a newer one. None: no check.
    expected_version: int | None = None

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
    def kind_facts(self) -> Kind:
        """The element's kind as the ``Kind`` choice, which carries the kind's facts: what a
        template asks (``element.kind_facts.is_chapter``) instead of comparing strings."""
        return Kind(self.kind)

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

    def check_movable(self, user=None) -> None:
        """A document is the root of its strategy: moving it among the documents changes
        which strategy the portal shows, so only a superuser may (``may_be_taken_down_by``)."""
        if self.parent_id is None and not self.may_be_taken_down_by(user):
            raise ValidationError(
                f"«{self}» er et strategidokument og kan ikke flyttes av en redaktør. "
                "Bare en superbruker kan flytte strategidokumentet."
            )

    def check_parent_kind(self, parent: StrategyElement | None) -> None:
        parent_kind = parent.kind if parent else None
        if self.kind not in allowed_child_kinds(parent_kind):
            kind_label = Kind.label_of(self.kind)
            if parent is None:
                raise ValidationError(
                    {"parent": f"«{kind_label}» må ligge under et annet element."}
                )
            allowed = ", ".join(kind.label for kind in allowed_child_kinds(parent_kind))
            raise ValidationError(
                {
                    "parent": f"«{kind_label}» kan ikke ligge under "
                    f"«{Kind.label_of(parent.kind)}». Tillatt her: {allowed or 'ingen'}."
                }
            )

    # Derived on save (the path, from the slugs) or by mptt (the tree numbers): no door sets
    # them, and a new element has none yet. ``strategy.integrity`` checks them in a fixture.
    DERIVED_FIELDS = frozenset({"path", "lft", "rght", "tree_id", "level"})

    def clean_fields(self, exclude=None) -> None:
        super().clean_fields(exclude={*(exclude or ()), *self.DERIVED_FIELDS})

    def clean(self) -> None:
        super().clean()
        self.check_rules()
        self.check_code()

    def check_rules(self) -> None:
        """The rules about the element and its place that need nothing but its parent (in
        memory): the kind under the parent, a title, an address that can be made, and no
        reserved address at the top."""
        self.check_parent_kind(self.parent)
        if not self.title and self.kind != Kind.INTRODUCTION:
            raise ValidationError({"title": "Tittel må fylles ut."})
        if not self.title and not self.body:
            raise ValidationError({"body": "En tekst uten tittel må ha brødtekst."})
        if self.parent and not self.slug_or_default():
            raise ValidationError(
                {"slug": "Det kan ikke lages en adresse av tittelen. Skriv inn en adresse."}
            )
        if self.parent and not self.parent.parent and self.slug_or_default() in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": f"Adressen «{self.slug_or_default()}» er reservert av portalen."}
            )

    def validate_under(self, parent: StrategyElement | None) -> None:
        """Everything ``full_clean()`` checks, for this element moved under ``parent``: a move
        must not put an element where the form would refuse it."""
        moved = copy.copy(self)  # its own field cache: setting the parent leaves self alone
        moved.parent = parent
        moved.full_clean()

    def check_code(self) -> None:
        """A code, once given, is permanent: it cannot change and a deleted element's code is
        never handed out again (printed council documents still cite it). Its form is checked
        by the field's validator (``validate_code``)."""
        if not self.code:
            if self.pk is not None:  # a stored element (a fixture's too) always has one
                raise ValidationError({"code": MISSING_CODE_MESSAGE})
            return  # a new element gets the next free code on save
        if self.pk is not None:
            self.check_code_kept(
                type(self).objects.filter(pk=self.pk).values_list("code", flat=True).first()
            )
            return
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

    def check_code_kept(self, stored: str | None) -> None:
        """The rule that a code never changes, for ``full_clean()`` and for ``save()`` alike:
        refuses when this copy's code differs from the ``stored`` one (None: not stored)."""
        if stored is not None and stored != self.code:
            raise ValidationError(
                {"code": f"Referansekoden «{stored}» er permanent og kan ikke endres."}
            )

    def assign_code(self) -> None:
        """Give a new element the next code of its parent and kind, never one issued before:
        the live elements and the tombstones of deleted ones are the record of issued codes."""
        letters = Kind(self.kind).code_letters if self.kind in Kind.values else "X"
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
        kind_segment = Kind(self.kind).url_segment if self.kind in Kind.values else ""
        if kind_segment:
            segment = f"{kind_segment}/{segment}"
        return f"{self.parent.path}/{segment}".strip("/")

    def save(self, *args, expected_version: int | None = None, **kwargs) -> None:
        """Saves under the tree lock. With ``expected_version`` (or the ``expected_version``
        attribute, set by the admin's form), a newer version in the database is refused with
        ``StaleVersion`` and nothing is written."""
        if expected_version is not None:
            self.expected_version = expected_version
        with tree_lock():
            self.slug = self.slug_or_default()
            # A browser posts a textarea with CRLF: an untouched body must stay unchanged.
            self.body = normalize_newlines(self.body)
            old_path = old_code = None
            # Whether the public saw this element before the write (None: a new element).
            self.was_public = None
            if self.pk:
                stored = (
                    type(self)
                    .objects.filter(pk=self.pk)
                    .values_list("path", "code", "parent_id", "is_public", "version", *TREE_FIELDS)
                    .first()
                )
                if stored is not None:
                    old_path, old_code, stored_parent_id, self.was_public, stored_version, *tree = (
                        stored
                    )
                    stored_tree = dict(zip(TREE_FIELDS, tree, strict=True))
                    # This copy may be older than a move or rename by someone else: compare
                    # the parent with the database's (so mptt moves instead of writing a
                    # stale parent next to fresh lft/rght), build the path on the parent's
                    # current path, and take the tree numbers as they are now, so that the
                    # subtree updated below is this element's subtree and no other. Not the
                    # parent while mptt's own move_node saves the node: it has moved the tree
                    # numbers already (so they match the database) and saves to write the new
                    # parent, which the database does not have yet.
                    if any(getattr(self, name) != value for name, value in stored_tree.items()):
                        self._mptt_cached_fields["parent"] = stored_parent_id
                    for name, value in stored_tree.items():
                        setattr(self, name, value)
                    if self.expected_version is not None and self.expected_version != (
                        stored_version
                    ):
                        raise StaleVersion(self.pk, self.expected_version)
                    self.version = stored_version + 1
                    if kwargs.get("update_fields") is not None:
                        kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            self.expected_version = None  # consumed: the next save of this copy is a new one
            self.check_code_kept(old_code)
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

    def may_be_taken_down_by(self, user) -> bool:
        """The document carries the whole strategy: unpublishing, deleting or moving it takes
        everything down at once, so only a superuser may do it."""
        return self.kind != Kind.DOCUMENT or bool(getattr(user, "is_superuser", False))

    def ensure_baseline(self) -> None:
        """Content loaded before loads were recorded in the history (see the ``load_strategy``
        command) has no version yet; keep its state as the first version before an editor's
        first change, so that it can be compared with and restored. It is nobody's edit: no
        user."""
        history = type(self).history
        # Under the lock: two editors' first changes must not both record a baseline.
        with tree_lock():
            if not history.filter(id=self.pk).exists():
                live = type(self).objects.get(pk=self.pk)
                live._history_user = None  # not the editor of the request that got here first
                history.bulk_history_create(
                    [live], default_change_reason="Utgangspunkt", default_date=live.updated_at
                )

    def save_draft(
        self, values: dict, user=None, expected_version: int | None = None
    ) -> PendingChange:
        """Keeps ``values`` (title, slug, body) as the element's unpublished draft, in one
        transaction. The draft counts as a new version of the element (so a form opened before
        it is stale), but the element's row, its history and the public pages stay as they
        are."""
        with tree_lock():
            stored = type(self).objects.select_for_update().get(pk=self.pk)
            check_version(stored, expected_version)
            draft, _ = PendingChange.objects.update_or_create(
                element=stored,
                defaults={
                    **{field: values.get(field, "") for field in DRAFT_FIELDS},
                    "author": user,
                },
            )
            type(self).objects.filter(pk=stored.pk).update(version=models.F("version") + 1)
        return draft

    def discard_draft(self, user=None, reason: str = "Forkastet") -> bool:
        """Throws the element's draft away, if it has one (see ``PendingChange.discard``), in
        one transaction. Returns whether there was one."""
        with tree_lock():
            draft = PendingChange.objects.filter(element_id=self.pk).first()
            if draft is None:
                return False
            draft.discard(user, reason=reason)
        return True

    def publish(
        self, user=None, expected_version: int | None = None, note: str = ""
    ) -> StrategyElement:
        """Makes the element live with its pending draft applied, in one transaction, and
        returns it as stored. With ``expected_version`` (what the editor's confirmation page
        showed), a newer version or draft is refused with ``StaleVersion``. A change of the
        text the public already sees needs a short change note («Språklig rettelse»,
        ``check_change_note``): it is listed publicly under «Endringer» on the element's page."""
        note = " ".join(note.split())
        with tree_lock():
            element = type(self).objects.select_for_update().get(pk=self.pk)
            check_version(element, expected_version)
            before = {field: getattr(element, field) for field in PUBLIC_TEXT_FIELDS}
            draft = PendingChange.objects.filter(element=element).first()
            if draft is not None:
                draft.apply_to(element)
            check_change_note(element.is_public, before, element, note)
            element.is_published = True
            element.full_clean()
            element._history_user = user
            element._change_reason = note or "Publisert"
            element.save()
            if draft is not None:
                draft._history_user = user
                draft._change_reason = "Publisert"
                draft.delete()
        return element

    def restore_version(self, version, user=None, expected_version: int | None = None):
        """Puts an earlier version's title, slug and body (``version``: a historical record of
        this element) back on the element, in one transaction. Its place in the tree, kind and
        code stay: an old version never rewrites the tree."""
        if version.id != self.pk:
            raise ValidationError(f"Versjonen hører ikke til «{self}».")
        with tree_lock():
            element = type(self).objects.select_for_update().get(pk=self.pk)
            check_version(element, expected_version)
            for field in DRAFT_FIELDS:
                setattr(element, field, getattr(version, field))
            element.full_clean()
            element._history_user = user
            element._change_reason = f"Gjenopprettet versjon nr. {version.history_id}"
            element.save()
        return element

    # Templates never call these: a page that shows an element must not write it.
    ensure_baseline.alters_data = True
    save_draft.alters_data = True
    discard_draft.alters_data = True
    publish.alters_data = True
    restore_version.alters_data = True

    def move_to(self, target, position="first-child"):
        type(self).objects.move_node(self, target, position)


# The fields of an element an editor's form changes, with the labels the editor knows them by.
EDITED_FIELDS: dict[str, str] = {
    "parent_id": "Overordnet element",
    "kind": "Type",
    "title": "Tittel",
    "slug": "Adresse (slug)",
    "body": "Brødtekst",
    "is_published": "Publisert",
}


class StaleVersion(ValidationError):
    """The element was saved, moved or given a draft by someone else after this editor
    opened it (their form, confirmation page or tree list): the write is refused."""

    def __init__(self, pk: int, expected: int) -> None:
        self.pk = pk
        self.expected = expected
        self.changed = changed_since(pk, expected)
        what = f" Endret siden da: {', '.join(self.changed)}." if self.changed else ""
        element = StrategyElement.objects.filter(pk=pk).first()
        super().__init__(
            f"«{element}» er endret av noen andre etter at du åpnet den"
            f"{last_change_note(pk)}.{what} Ingenting er lagret.",
            code="stale",
        )


def check_version(element: StrategyElement, expected: int | None) -> None:
    """Refuses a write based on an older version of ``element`` (as read from the database
    under the tree lock). ``expected`` None: the caller asks for no check."""
    if expected is not None and element.version != expected:
        raise StaleVersion(element.pk, expected)


def changed_since(pk: int, version: int) -> list[str]:
    """The labels of the fields that differ between ``version`` of an element (from its
    history) and the element now, with «Utkast» when a draft was saved since."""
    element = StrategyElement.objects.filter(pk=pk).first()
    if element is None:
        return []
    then = (
        StrategyElement.history.filter(id=pk, version__lte=version)
        .order_by("-version", "-history_id")
        .first()
    )
    changed = (
        [
            label
            for field, label in EDITED_FIELDS.items()
            if getattr(then, field) != getattr(element, field)
        ]
        if then is not None
        else []
    )
    draft = PendingChange.objects.filter(element_id=pk).first()
    if draft is not None and (then is None or draft.updated_at > then.history_date):
        changed.append("Utkast")
    return changed


def last_change_note(pk: int) -> str:
    """« (sist av kari 28.11.2026 kl. 14.03)»: who saved the element (or its draft) last."""
    saved = (
        StrategyElement.history.filter(id=pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    draft = PendingChange.objects.filter(element_id=pk).select_related("author").first()
    candidates = []
    if saved is not None:
        candidates.append((saved.history_date, saved.history_user))
    if draft is not None:
        candidates.append((draft.updated_at, draft.author))
    if not candidates:
        return ""
    when, who = max(candidates, key=lambda candidate: candidate[0])
    name = who.get_username() if who is not None else "ukjent"
    return f" (sist av {name} {localtime(when):%d.%m.%Y kl. %H.%M})"


@receiver(pre_delete, sender=StrategyElement, dispatch_uid="strategy-element-tombstone")
def record_deleted_element(sender, instance: StrategyElement, origin=None, **kwargs) -> None:
    """Runs for every element a delete removes, also the descendants that the cascade takes
    with it and rows deleted through a queryset or the admin's bulk action. What is recorded is
    read from the database (one query): the instance may be a copy older than a move.
    ``origin`` is the element whose deletion started it all (every delete goes through
    ``delete()``)."""
    fields = ("title", "body", "path", "is_public", "lft")
    stored = (
        StrategyElement.objects.filter(pk=instance.pk)
        .values(*fields, "parent__code", "parent__title", "parent__is_public")
        .first()
    ) or {**{name: getattr(instance, name) for name in fields}, "parent__is_public": False}
    instance.was_public = stored["is_public"]
    ElementPath.objects.record(instance.edition_id, stored["path"], instance.code)
    # Only what the public could see goes on the 410 page; a public element's parent is public.
    parent_shown = bool(stored["parent__is_public"])
    deleted_with = origin.code if isinstance(origin, StrategyElement) else instance.code
    previous = ""
    if deleted_with == instance.code and instance.parent_id:
        # Still in the tree: pre_delete runs before any row goes.
        sibling = instance.get_previous_sibling()
        previous = sibling.code if sibling is not None else ""
    # The history's "-" row says what took it along (and nothing left over from an earlier
    # save of this copy).
    instance._change_reason = (
        deleted_along_reason(deleted_with) if deleted_with != instance.code else None
    )
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
            "deleted_with": deleted_with,
            "previous_sibling_code": previous,
            "tree_order": stored["lft"],
        },
    )


@receiver(pre_delete, sender=Source, dispatch_uid="strategy-source-deleted-along")
def mark_source_deleted_along(sender, instance: Source, origin=None, **kwargs) -> None:
    """A source that goes with its element's deletion says so in its history, so a restore of
    that element brings back exactly these sources."""
    if isinstance(origin, StrategyElement):
        instance._change_reason = deleted_along_reason(origin.code)
