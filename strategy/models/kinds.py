"""The kinds of element and everything the portal knows about each: one table (``KIND_FACTS``),
read through properties of the ``Kind`` choices (``Kind.GOAL.group_heading``), so that a new
kind or a changed rule is written in one row. Templates ask an element's kind
(``element.kind_facts.is_chapter``) instead of comparing strings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db import models

# How a group of these elements is laid out among a parent's children.
Shape = Literal["root", "banner", "text", "list", "parts", "cards"]


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

    @classmethod
    def label_of(cls, value: str) -> str:
        """The Norwegian name of a stored kind; an unknown value (a broken fixture, an old
        history row) as it stands."""
        return cls(value).label if value in cls.values else str(value or "")

    @property
    def facts(self) -> KindFacts:
        return KIND_FACTS[self]

    @property
    def children(self) -> tuple[Kind, ...]:
        """The kinds that may stand directly under this one."""
        return self.facts.children

    @property
    def parents(self) -> tuple[Kind, ...]:
        """The kinds this one may stand directly under (none: only as a root)."""
        return tuple(kind for kind in Kind if self in kind.children)

    @property
    def code_letters(self) -> str:
        return self.facts.code_letters

    @property
    def code_prefixed(self) -> bool:
        return self.facts.code_prefixed

    @property
    def url_segment(self) -> str:
        return self.facts.url_segment

    @property
    def group_heading(self) -> str:
        return self.facts.group_heading

    @property
    def sibling_heading(self) -> str:
        return self.facts.sibling_heading

    @property
    def named_by_title(self) -> bool:
        return self.facts.named_by_title

    @property
    def is_chapter(self) -> bool:
        return self.facts.is_chapter

    @property
    def is_container(self) -> bool:
        """A part, focus area or theme: it holds items, and its body is a long
        introduction (quoted as an excerpt)."""
        return self.facts.shape in ("parts", "cards")

    @property
    def is_root(self) -> bool:
        return self.facts.shape == "root"

    @property
    def is_banner(self) -> bool:
        return self.facts.shape == "banner"

    @property
    def is_text(self) -> bool:
        return self.facts.shape == "text"

    @property
    def is_list(self) -> bool:
        return self.facts.shape == "list"

    @property
    def is_parts(self) -> bool:
        return self.facts.shape == "parts"

    @property
    def is_cards(self) -> bool:
        return self.facts.shape == "cards"


@dataclass(frozen=True, kw_only=True)
class KindFacts:
    """What the portal knows about one kind. A row names what sets its kind apart; the rest
    are the defaults below."""

    # The letter(s) of its automatically assigned code, followed by a number.
    code_letters: str
    # How a group of these is laid out among a parent's children.
    shape: Shape
    # False: cited on its own ("T", "TT3"), its code carries no prefix of its parent's code.
    code_prefixed: bool = True
    # Which kinds may stand directly under it. The document is the only root.
    children: tuple[Kind, ...] = ()
    # Items of a list get a kind segment in their URL (".../strategier/ved-a-.../");
    # containers (parts, focus areas, themes) stand on their slug alone: "".
    url_segment: str = ""
    # The heading over a group of these among a parent's children ("": no heading).
    group_heading: str = ""
    # How a page names these beside each other when that is not the group heading
    # ("Strategiens deler"); "": the group heading, placed under the parent.
    sibling_heading: str = ""
    # Its own name says what it is («Innsatsområdene (IO)»): never shown as «Del IO».
    named_by_title: bool = False
    # A chapter of its own: a table of contents, a PDF, an introduction under the heading
    # «Innledning», and its items name it beside their kind.
    is_chapter: bool = False


KIND_FACTS: dict[Kind, KindFacts] = {
    Kind.DOCUMENT: KindFacts(
        code_letters="OR",
        shape="root",
        code_prefixed=False,
        children=(
            Kind.VISION,
            Kind.INTRODUCTION,
            Kind.CHALLENGE,
            Kind.GOAL,
            Kind.STRATEGY,
            Kind.SECTION,
        ),
    ),
    Kind.VISION: KindFacts(code_letters="V", shape="banner"),
    Kind.INTRODUCTION: KindFacts(
        code_letters="I", shape="text", url_segment="tekst", sibling_heading="Innledende tekster"
    ),
    Kind.CHALLENGE: KindFacts(
        code_letters="U", shape="list", url_segment="utfordringer", group_heading="Utfordringer"
    ),
    Kind.GOAL: KindFacts(code_letters="M", shape="list", url_segment="mal", group_heading="Mål"),
    Kind.STRATEGY: KindFacts(
        code_letters="S", shape="list", url_segment="strategier", group_heading="Strategier"
    ),
    Kind.SECTION: KindFacts(
        code_letters="DEL",
        shape="parts",
        code_prefixed=False,
        children=(Kind.INTRODUCTION, Kind.FOCUS_AREA, Kind.THEME),
        sibling_heading="Strategiens deler",
        named_by_title=True,
    ),
    Kind.FOCUS_AREA: KindFacts(
        code_letters="F",
        shape="cards",
        code_prefixed=False,
        children=(Kind.INTRODUCTION, Kind.CHALLENGE, Kind.SUBGOAL, Kind.STRATEGY),
        group_heading="Innsatsområder",
        is_chapter=True,
    ),
    Kind.SUBGOAL: KindFacts(
        code_letters="D", shape="list", url_segment="delmal", group_heading="Delmål"
    ),
    Kind.THEME: KindFacts(
        code_letters="TT", shape="cards", code_prefixed=False, group_heading="Tverrgående temaer"
    ),
}


def allowed_child_kinds(parent_kind: str | None) -> tuple[Kind, ...]:
    """The kinds that may stand under an element of ``parent_kind`` (None: at the root)."""
    if parent_kind is None:
        return (Kind.DOCUMENT,)
    return Kind(parent_kind).children if parent_kind in Kind.values else ()


def allowed_parent_kinds(kind: str) -> tuple[Kind, ...]:
    """The kinds an element of ``kind`` may stand under."""
    return Kind(kind).parents if kind in Kind.values else ()
