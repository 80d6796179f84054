"""What an element's public page knows about editions and time: the edition it belongs to, its
successor in the edition in force or its predecessors, its published versions (the public
«Endringer» list) and the text as it stood at the end of a given day (the dated view).

The versions are read from django-simple-history (``StrategyElement.history``), which keeps every
saved state of an element with its date and change reason: a version is *published* when the
element was published in it, and a *public change* is a published version whose title or text
differs from the published version before it. The change note is the version's change reason
(written by ``StrategyElement.publish(..., note=...)``). No second table: the history already
holds every state with its date, and a second copy could disagree with it.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import html
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from ..models import (
    PUBLIC_TEXT_FIELDS,
    DeletedElement,
    EditionStatus,
    Source,
    StrategyElement,
    link_elements,
)
from ..public import edition_is_public, is_public_under

# Phrases simple-history writes for states that are not a change of the public text, and the
# beginnings of those the portal writes itself (loading the fixture, copying an edition).
NO_NOTE_REASONS = frozenset({"Publisert", "Utgangspunkt", ""})
SYSTEM_REASON_STARTS = ("Lastet fra ", "Kopiert fra utgave ")


# The history columns a ``Version`` is read from, in ``Version.of_row``'s order.
VERSION_COLUMNS = (
    "history_id",
    "history_date",
    "history_type",
    "is_published",
    *PUBLIC_TEXT_FIELDS,
    "history_change_reason",
)


@dataclass
class Version:
    """One saved state of an element: when, whether published, its text, and the note."""

    history_id: int | None
    date: datetime.datetime
    kind: str  # "+", "~" or "-" (simple-history's history_type)
    is_published: bool
    title: str
    body: str
    note: str

    @classmethod
    def of_row(cls, history_id, date, kind, published, title, body, note) -> Version:
        """A version from a history row read with ``VERSION_COLUMNS``."""
        return cls(history_id, date, kind, published, title, body, note or "")

    @property
    def text(self) -> tuple[str, str]:
        return (self.title, self.body)

    @property
    def day(self) -> datetime.date:
        """The day (Europe/Oslo) of this version: its dated URL."""
        return timezone.localtime(self.date, oslo()).date()

    @property
    def public_note(self) -> str:
        """The editor's change note; none for what the portal itself recorded."""
        if self.note in NO_NOTE_REASONS or self.note.startswith(SYSTEM_REASON_STARTS):
            return ""
        return self.note


def oslo() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in Oslo: a dated view shows the text as it stood then."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, oslo())


def versions_of(element_id: int, edition, live: StrategyElement | None = None) -> list[Version]:
    """Every saved state of an element, oldest first (one query). An element that has never
    been saved since it was loaded from the fixture has no history: its live row, since it
    was created, is its only version. In an edition that became public after it was started
    (a copy sent on consultation or adopted), what the editors saved before then was never
    public: the last of those states is the first version, dated when the public first saw
    it, so no dated view shows a draft and «Endringer» starts from the text made public."""
    rows = (
        StrategyElement.history.filter(id=element_id)
        .order_by("history_date", "history_id")
        .values_list(*VERSION_COLUMNS)
    )
    versions = [Version.of_row(*row) for row in rows]
    if not versions and live is not None:
        versions = [
            Version(None, live.created_at, "+", live.is_published, live.title, live.body, "")
        ]
    return since_public(versions, edition.public_since)


def since_public(versions: list[Version], public_since: datetime.datetime | None) -> list[Version]:
    """``versions`` as the public saw them: from ``public_since`` on (see ``versions_of``)."""
    if public_since is None:
        return versions
    before = [version for version in versions if version.date < public_since]
    if not before:
        return versions
    if before[-1].kind == "-":  # deleted before the public saw it: it never was public
        return versions[len(before) :]
    first = dataclasses.replace(before[-1], date=public_since, note="")
    return [first, *versions[len(before) :]]


@dataclass
class Change:
    """One published change of an element's words: the version, the one before, the element,
    and which of the element's changes it is (1 for the first: a link text that stays)."""

    new: Version
    old: Version
    element: StrategyElement
    number: int


def recent_changes(edition, limit: int) -> list[Change]:
    """The latest ``limit`` public changes in an edition, newest first, of the elements that
    are public now: the «Endringer» of every element page, in one list. Two queries, whatever
    the size of the tree and its history (every version is read: whether a version changed
    the public words depends on the published one before it)."""
    elements = {
        element.pk: element for element in StrategyElement.objects.public().filter(edition=edition)
    }
    rows = (
        StrategyElement.history.filter(edition_id=edition.pk)
        .order_by("id", "history_date", "history_id")
        .values_list("id", *VERSION_COLUMNS)
    )
    by_element: dict[int, list[Version]] = {}
    for element_id, *columns in rows:
        if element_id not in elements:  # deleted, or not public now
            continue
        by_element.setdefault(element_id, []).append(Version.of_row(*columns))
    changes = []
    for element_id, versions in by_element.items():
        pairs = public_changes(since_public(versions, edition.public_since))  # newest first
        changes += [
            Change(new, old, elements[element_id], len(pairs) - index)
            for index, (new, old) in enumerate(pairs)
        ]
    changes.sort(key=lambda change: (change.new.date, change.new.history_id), reverse=True)
    return changes[:limit]


def published_versions(versions: list[Version]) -> list[Version]:
    """The versions the public saw a change in: the first published one, then each published
    one whose title or text differs from the published one before it."""
    shown: list[Version] = []
    for version in versions:
        if version.kind == "-" or not version.is_published:
            continue
        if not shown or version.text != shown[-1].text:
            shown.append(version)
    return shown


def public_changes(versions: list[Version]) -> list[tuple[Version, Version]]:
    """The «Endringer» list, newest first: (version, the published version before it)."""
    shown = published_versions(versions)
    return [(shown[i], shown[i - 1]) for i in range(len(shown) - 1, 0, -1)]


@dataclass
class DatedAnswer:
    """What a dated URL answers: a version (200), or why not (404 not yet / 410 deleted)."""

    status: int
    version: Version | None = None
    deleted_at: datetime.datetime | None = None
    changed_since: bool = False


def as_of(versions: list[Version], day: datetime.date) -> DatedAnswer:
    """The element as it stood at the end of ``day`` (Europe/Oslo)."""
    limit = end_of_day(day)
    before = [version for version in versions if version.date < limit]
    if not before:
        return DatedAnswer(404)
    last = before[-1]
    if last.kind == "-":
        return DatedAnswer(410, deleted_at=last.date)
    published = [v for v in before if v.is_published and v.kind != "-"]
    if not published or not last.is_published:
        return DatedAnswer(404)
    version = published[-1]
    latest = published_versions(versions)
    changed = (bool(latest) and latest[-1].text != version.text) or versions[-1].kind == "-"
    return DatedAnswer(200, version=version, changed_since=changed)


def word_diff(old: str, new: str) -> SafeString:
    """Word-level difference as HTML: <del> for removed words, <ins> for added ones."""
    old_words, new_words = old.split(), new.split()
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(html.escape(" ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{html.escape(' '.join(old_words[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{html.escape(' '.join(new_words[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts))  # every word was escaped above


def successor_in_force(element: StrategyElement) -> StrategyElement | None:
    """The public element of the edition in force that continues ``element`` (copied from
    it, directly or through editions in between). One query per edition in between."""
    current = element
    seen = {element.pk}
    while True:
        following = (
            StrategyElement.objects.public()
            .filter(predecessor=current)
            .select_related("edition")
            .first()
        )
        if following is None or following.pk in seen:
            return None
        if following.edition.status == EditionStatus.IN_FORCE:
            return following
        seen.add(following.pk)
        current = following


def predecessors(element: StrategyElement) -> list[StrategyElement]:
    """The public elements this one continues, newest edition first."""
    found: list[StrategyElement] = []
    pk = element.predecessor_id
    while pk is not None and len(found) < 50:
        earlier = StrategyElement.objects.public().filter(pk=pk).select_related("edition").first()
        if earlier is None:
            break
        found.append(earlier)
        pk = earlier.predecessor_id
    return found


def same_words(one: StrategyElement, other: StrategyElement) -> bool:
    """Whether two elements (of two editions, say) have the same public title and text."""
    return all(getattr(one, field) == getattr(other, field) for field in PUBLIC_TEXT_FIELDS)


def today() -> datetime.date:
    return timezone.localdate()


def element_context(element: StrategyElement) -> dict:
    """The edition banner, the links between editions and the «Endringer» list of an element's
    page: a fixed number of queries whatever the tree size and history length."""
    edition = element.edition
    superseded = edition.status == EditionStatus.SUPERSEDED
    versions = versions_of(element.pk, edition, element)
    shown = published_versions(versions)
    earlier = predecessors(element)
    return {
        "strategy_edition": edition,
        "successor": successor_in_force(element) if superseded else None,
        "predecessors": earlier,
        # A plain address printed before this edition was adopted showed the element it
        # continues: say so when the words differ, so that the change is never silent.
        "reworded_from": earlier[0]
        if earlier and edition.is_in_force and not same_words(earlier[0], element)
        else None,
        "changes": public_changes(versions),
        # The days of the first published text and of the text shown (JSON-LD's dates).
        "published_on": shown[0].day if shown else None,
        "changed_on": shown[-1].day if shown else None,
    }


def shown_elements(edition) -> list[StrategyElement]:
    """An edition's elements in tree order as its readers see them: the public ones; of a
    draft edition (public to no one yet), those that will be public when it is sent on
    consultation - published, under published parents (the rule of ``strategy/public.py``,
    as if the edition were public). One query."""
    if edition.is_public:
        return list(StrategyElement.objects.public().filter(edition=edition).order_by("lft"))
    shown: list[StrategyElement] = []
    public: dict[int | None, bool] = {None: True}
    for element in StrategyElement.objects.filter(edition=edition).order_by("lft"):
        public[element.pk] = is_public_under(
            element.is_published, public.get(element.parent_id, False)
        )
        if public[element.pk]:
            shown.append(element)
    return shown


@dataclass
class Comparison:
    unchanged: list[tuple[StrategyElement, StrategyElement]]
    changed: list[tuple[StrategyElement, StrategyElement, SafeString, SafeString]]
    new: list[StrategyElement]
    not_continued: list[StrategyElement]


def compare(old: list[StrategyElement], new: list[StrategyElement]) -> Comparison:
    """Match a later edition's elements to an earlier one's by their predecessor links (the
    same work); an element of the later edition copied from further back matches nothing."""
    by_pk = {element.pk: element for element in old}
    matched: set[int] = set()
    result = Comparison([], [], [], [])
    for element in new:
        before = by_pk.get(element.predecessor_id)
        if before is None:
            result.new.append(element)
            continue
        matched.add(before.pk)
        if same_words(before, element):
            result.unchanged.append((before, element))
        else:
            result.changed.append(
                (
                    before,
                    element,
                    word_diff(before.title, element.title),
                    word_diff(before.body, element.body),
                )
            )
    result.not_continued = [element for element in old if element.pk not in matched]
    return result


# --- The whole edition at a date ---------------------------------------------------------------
# «Hele strategien» and the open data take ``?dato=ÅÅÅÅ-MM-DD``: the public tree as it stood at
# the end of that day, read from the same history as an element's dated view.

DAY_PARAMETER = "dato"


class BadDay(ValueError):
    """A ``?dato=`` that is no date, or a day still to come: the message says which."""


def requested_day(value: str | None) -> datetime.date | None:
    """The day a ``?dato=`` asks for (None: no date, today's text). Raises ``BadDay`` with a
    Norwegian message for anything else."""
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise BadDay(
            f"«{value[:20]}» er ikke en dato. Skriv datoen som ÅÅÅÅ-MM-DD, f.eks. 2026-03-01."
        ) from None
    if len(value) != len("2026-03-01"):
        raise BadDay("Skriv datoen som ÅÅÅÅ-MM-DD, f.eks. 2026-03-01.")
    if day > today():
        raise BadDay("Datoen har ikke vært ennå.")
    return day


def past_instance(model, row):
    """A model instance with a history row's values, no query (simple-history's ``instance``
    reads the fields its history leaves out from the database, one query per row). The caller
    sets what the history does not keep."""
    instance = model(**{field.attname: getattr(row, field.attname) for field in row.tracked_fields})
    instance._state.adding = False  # a stored object's past: mptt reads its children
    return instance


def _latest_rows(history, limit: datetime.datetime, **filters) -> list:
    """The latest history row of every object at ``limit``, in one query and one pass: rows
    numbered per object, newest first (a window function), and the first of each kept. A
    correlated subquery per row took 22 s on PostgreSQL for 2,000 elements with 20 versions
    each, where this takes well under one."""
    newest_first = Window(
        RowNumber(),
        partition_by=[F("id")],
        order_by=[F("history_date").desc(), F("history_id").desc()],
    )
    return list(
        history.filter(history_date__lt=limit, **filters)
        .annotate(newest=newest_first)
        .filter(newest=1)
    )


def tree_as_of(edition, day: datetime.date) -> dict[int, StrategyElement]:
    """The public tree of ``edition`` at the end of ``day`` (Europe/Oslo), linked in memory in
    tree order, each element with the sources it had then. Seven queries, whatever the size of
    the tree and the length of its history. An element or source never saved since it was
    loaded has no history: its stored row, since it was created, is its only version. Order
    among siblings is today's (the history does not keep the tree numbers); a deleted element
    takes the place it had when it was deleted."""
    limit = end_of_day(day)
    if edition.public_since is not None and limit <= edition.public_since:
        return {}  # the public had not seen the edition yet
    live = {
        element.pk: element
        for element in StrategyElement.objects.filter(edition=edition).select_related(None)
    }
    states: dict[int, StrategyElement] = {}
    for row in _latest_rows(StrategyElement.history, limit, edition_id=edition.pk):
        if row.history_type != "-":
            states[row.id] = past_instance(StrategyElement, row)
    recorded = set(
        StrategyElement.history.filter(edition_id=edition.pk)
        .values_list("id", flat=True)
        .distinct()
    )
    for pk, element in live.items():
        if pk not in recorded and element.created_at < limit:
            states[pk] = element
    places = dict(DeletedElement.objects.filter(edition=edition).values_list("code", "tree_order"))
    nodes: dict[int, StrategyElement] = {}
    children: dict[int | None, list[StrategyElement]] = {}
    tree_id = next((element.tree_id for element in live.values()), 0)
    for pk, state in states.items():
        # The tree numbers are not in the history (a past version's would be stale): today's,
        # or for a deleted element its place at the deletion. Set, so none is read lazily.
        state.edition = edition
        state.tree_id = tree_id
        state.lft = live[pk].lft if pk in live else places.get(state.code, 0)
        state.rght = live[pk].rght if pk in live else state.lft + 1
        children.setdefault(state.parent_id, []).append(state)
    for siblings in children.values():
        siblings.sort(key=lambda state: state.lft)
    # Depth first from the document: published, under a public parent, in an edition the
    # public may see (the same rule as ``strategy/public.py``'s, applied to the past).
    stack = [
        (root, edition_is_public(edition.status), 0) for root in reversed(children.get(None, []))
    ]
    ordered: list[StrategyElement] = []
    while stack:
        state, parent_public, level = stack.pop()
        state.is_public = is_public_under(state.is_published, parent_public)
        if not state.is_public:
            continue
        state.level = level
        ordered.append(state)
        stack.extend((child, True, level + 1) for child in reversed(children.get(state.pk, [])))
    nodes = link_elements(ordered)
    _attach_sources_as_of(nodes, limit)
    return nodes


def _attach_sources_as_of(nodes: dict[int, StrategyElement], limit: datetime.datetime) -> None:
    sources: dict[int, list[Source]] = {pk: [] for pk in nodes}
    states = {
        row.id: past_instance(Source, row)
        for row in _latest_rows(Source.history, limit, element_id__in=list(nodes))
        if row.history_type != "-"
    }
    recorded = set(
        Source.history.filter(element_id__in=list(nodes)).values_list("id", flat=True).distinct()
    )
    # Sources never saved since they were loaded: their stored rows.
    for source in Source.objects.filter(element_id__in=list(nodes)).exclude(pk__in=recorded):
        states.setdefault(source.pk, source)
    for source in sorted(states.values(), key=lambda source: source.number):
        if source.element_id in sources:
            sources[source.element_id].append(source)
    for pk, node in nodes.items():
        node._prefetched_objects_cache = {"sources": sources[pk]}
