"""What an element's public page knows about editions and time: the edition it belongs to, its
successor in the edition in force or its predecessors, its published versions (the public
«Endringer» list) and the text as it stood at the end of a given day (the dated view).

The versions are read from django-simple-history (``StrategyElement.history``), which keeps every
saved state of an element with its date and change reason: a version is *published* when the
element was published in it, and a *public change* is a published version whose title or text
differs from the published version before it. The change note is the version's change reason
(written by ``publish(..., note=...)``). No second table: the history already holds every state
with its date, and a second copy could disagree with it.
"""

from __future__ import annotations

import datetime
import difflib
import html
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .models import PUBLIC_TEXT_FIELDS, EditionStatus, StrategyElement

# Phrases simple-history writes for states that are not a change of the public text.
NO_NOTE_REASONS = frozenset({"Publisert", "Utgangspunkt", ""})


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

    @property
    def text(self) -> tuple[str, str]:
        return (self.title, self.body)

    @property
    def day(self) -> datetime.date:
        """The day (Europe/Oslo) of this version: its dated URL."""
        return timezone.localtime(self.date, oslo()).date()

    @property
    def public_note(self) -> str:
        return "" if self.note in NO_NOTE_REASONS else self.note


def oslo() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in Oslo: a dated view shows the text as it stood then."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, oslo())


def versions_of(element_id: int, live: StrategyElement | None = None) -> list[Version]:
    """Every saved state of an element, oldest first (one query). An element that has never
    been saved since it was loaded from the fixture has no history: its live row, since it
    was created, is its only version."""
    rows = (
        StrategyElement.history.filter(id=element_id)
        .order_by("history_date", "history_id")
        .values_list(
            "history_id",
            "history_date",
            "history_type",
            "is_published",
            *PUBLIC_TEXT_FIELDS,
            "history_change_reason",
        )
    )
    versions = [
        Version(pk, date, kind, published, title, body, note or "")
        for pk, date, kind, published, title, body, note in rows
    ]
    if not versions and live is not None:
        versions = [
            Version(None, live.created_at, "+", live.is_published, live.title, live.body, "")
        ]
    return versions


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


def today() -> datetime.date:
    return timezone.localdate()


def element_context(element: StrategyElement) -> dict:
    """The edition banner, the links between editions and the «Endringer» list of an element's
    page: a fixed number of queries whatever the tree size and history length."""
    edition = element.edition
    superseded = edition.status == EditionStatus.SUPERSEDED
    return {
        "strategy_edition": edition,
        "successor": successor_in_force(element) if superseded else None,
        "predecessors": predecessors(element),
        "changes": public_changes(versions_of(element.pk, element)),
    }


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
        if (before.title, before.body) == (element.title, element.body):
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
