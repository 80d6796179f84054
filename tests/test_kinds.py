"""The kinds carry their facts in one table (issue 12, point 3)."""

import dataclasses
from pathlib import Path

import pytest

from strategy.models import KIND_FACTS, Kind, KindFacts, allowed_child_kinds, allowed_parent_kinds

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_every_kind_has_every_fact():
    """Bug prevented: a kind added to the choices but missing from one of the tables that
    describe kinds (a KeyError on its page, or a silent default)."""
    assert set(KIND_FACTS) == set(Kind)
    names = [field.name for field in dataclasses.fields(KindFacts)]
    for kind in Kind:
        facts = kind.facts
        assert isinstance(facts, KindFacts)
        for name in names:
            assert getattr(facts, name) is not None, (kind, name)
        assert facts.code_letters and facts.code_letters.isupper()
        assert all(child in Kind for child in facts.children)


def test_the_table_says_what_the_strategy_is():
    """The document is the only root; items of a list get a segment in their URL; codes are
    unique per kind; a section reads by its own name."""
    assert allowed_child_kinds(None) == (Kind.DOCUMENT,)
    assert allowed_parent_kinds(Kind.DOCUMENT) == ()
    assert allowed_parent_kinds(Kind.STRATEGY) == (Kind.DOCUMENT, Kind.FOCUS_AREA)
    assert allowed_parent_kinds(Kind.INTRODUCTION) == (
        Kind.DOCUMENT,
        Kind.SECTION,
        Kind.FOCUS_AREA,
    )
    assert len({kind.code_letters for kind in Kind}) == len(Kind)
    assert Kind.STRATEGY.url_segment == "strategier" and Kind.FOCUS_AREA.url_segment == ""
    assert Kind.SECTION.named_by_title and not Kind.FOCUS_AREA.named_by_title
    assert [kind for kind in Kind if kind.is_chapter] == [Kind.FOCUS_AREA]
    assert [kind for kind in Kind if kind.is_root] == [Kind.DOCUMENT]


@pytest.mark.parametrize(
    ("value", "label"), [("goal", "Mål"), ("section", "Del"), ("gammel", "gammel"), ("", "")]
)
def test_a_stored_kind_is_named_in_one_place(value, label):
    """Bug prevented: three copies of the fallback for a kind the choices do not know."""
    assert Kind.label_of(value) == label


def test_templates_ask_the_kind_instead_of_comparing_strings():
    """Bug prevented: templates that decide by ``kind == "focus_area"`` and miss a kind the
    table changes."""
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "kind ==" in path.read_text() or "kind !=" in path.read_text()
    ]
    assert offenders == []
