"""Shapes an in-memory tree into what the templates show: groups of siblings under headings."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from .models import KIND_GROUP_HEADING, Kind, StrategyElement

LIST_KINDS = frozenset({Kind.CHALLENGE, Kind.GOAL, Kind.STRATEGY, Kind.SUBGOAL})
CARD_KINDS = frozenset({Kind.FOCUS_AREA, Kind.THEME})


@dataclass
class ChildGroup:
    kind: str
    heading: str
    elements: list[StrategyElement] = field(default_factory=list)

    @property
    def is_list(self) -> bool:
        return self.kind in LIST_KINDS

    @property
    def is_cards(self) -> bool:
        return self.kind in CARD_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind == Kind.INTRODUCTION


def child_groups(element: StrategyElement) -> list[ChildGroup]:
    """Consecutive children of one kind form a group ("Utfordringer", "Strategier", ...)."""
    return [
        ChildGroup(kind, KIND_GROUP_HEADING.get(kind, ""), list(members))
        for kind, members in groupby(element.get_children(), key=lambda child: child.kind)
    ]
