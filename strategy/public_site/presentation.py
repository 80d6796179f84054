"""Shapes an in-memory tree into what the templates show: groups of siblings under headings,
the header menu, the neighbours of an element and the in-page table of contents."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.utils import timezone

from ..models import Kind, StrategyElement
from ..slugs import norwegian_slugify
from .citation import norwegian_date


@dataclass
class ChildGroup:
    kind: str
    heading: str
    elements: list[StrategyElement] = field(default_factory=list)
    parent: StrategyElement | None = None

    @property
    def kind_facts(self) -> Kind:
        """The kind of the group's elements, which says how the group is laid out."""
        return Kind(self.kind)

    @property
    def is_list(self) -> bool:
        return self.kind_facts.is_list

    @property
    def is_cards(self) -> bool:
        return self.kind_facts.is_cards

    @property
    def is_text(self) -> bool:
        return self.kind_facts.is_text

    @property
    def anchor(self) -> str:
        """The group's ``id``, unique on a page that shows several parents' groups:
        "t-strategier" for the strategies of Transport (code T)."""
        owner = self.parent.anchor if self.parent is not None else "gruppe"
        return f"{owner}-{norwegian_slugify(self.heading or self.kind)}"


def child_groups(element: StrategyElement) -> list[ChildGroup]:
    """Consecutive children of one kind form a group ("Utfordringer", "Strategier", ...)."""
    return [
        ChildGroup(kind, Kind(kind).group_heading, list(members), element)
        for kind, members in groupby(element.get_children(), key=lambda child: child.kind)
    ]


def navigation(root: StrategyElement) -> list[StrategyElement]:
    """The parts of the strategy (focus areas, cross-cutting themes) for the header menu."""
    return [child for child in root.get_children() if child.kind == Kind.SECTION]


def same_kind_siblings(element: StrategyElement) -> list[StrategyElement]:
    """The element and its siblings of the same kind, in tree order."""
    if element.parent_id is None:
        return [element]
    return [sibling for sibling in element.parent.get_children() if sibling.kind == element.kind]


def neighbours(
    element: StrategyElement, siblings: list[StrategyElement]
) -> tuple[StrategyElement | None, StrategyElement | None]:
    """The previous and the next of ``siblings`` around ``element``."""
    position = next(i for i, sibling in enumerate(siblings) if sibling.pk == element.pk)
    previous = siblings[position - 1] if position > 0 else None
    following = siblings[position + 1] if position + 1 < len(siblings) else None
    return previous, following


def siblings_heading(element: StrategyElement) -> str:
    """The heading over the list of the element's siblings: natural Norwegian for every kind
    and place («Overordnede mål», «Strategiens deler», «Strategier i Transport og mobilitet»)."""
    kind = element.kind_facts
    heading = kind.sibling_heading or kind.group_heading or kind.label
    parent = element.parent if element.parent_id else None
    if parent is None or kind.sibling_heading:
        return heading
    if parent.kind == Kind.DOCUMENT:
        return f"Overordnede {heading.lower()}"
    if parent.kind == Kind.SECTION:
        return f"Alle {heading.lower()}"
    return f"{heading} i {parent.title}"


@dataclass
class TocEntry:
    anchor: str
    label: str
    children: list[TocEntry] = field(default_factory=list)
    # The same title also links to the element's own page from the text: the contents'
    # link says that it stays on this page, so that a list of links tells the two apart.
    also_linked: bool = False


def document_contents(root: StrategyElement) -> list[TocEntry]:
    """The table of contents of «Hele strategien»: the document's texts with a title, its
    groups, and its parts with their focus areas or themes (the anchors of
    ``tree_children.html``)."""
    entries = []
    for group in child_groups(root):
        if group.is_list:
            entries.append(TocEntry(group.anchor, group.heading))
            continue
        for item in group.elements:
            if not item.title:
                continue
            children = [
                TocEntry(child.anchor, child.title, also_linked=True)
                for child in item.get_children()
                if child.kind_facts.is_cards
            ]
            # tree_children.html links the heading of everything but a plain text.
            entries.append(
                TocEntry(item.anchor, item.title, children, also_linked=not group.is_text)
            )
    return entries


def element_contents(element: StrategyElement, groups: list[ChildGroup]) -> list[TocEntry]:
    """The table of contents of a focus area's page: its introduction and its groups."""
    entries = [TocEntry("innledning-tittel", "Innledning")] if element.body else []
    return entries + [TocEntry(group.anchor, group.heading) for group in groups if group.heading]


def edition(changed_at: datetime.datetime) -> str:
    """Which text of the strategy a printout or PDF shows: the version of the content, by the
    time it last changed (a printed page must tell an older text from a newer one)."""
    return f"Versjon {norwegian_date(timezone.localtime(changed_at).date())}"
