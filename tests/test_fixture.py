import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from strategy.models import Kind, Source, StrategyElement

FIXTURE = Path(settings.FIXTURE_DIRS[0]) / "strategy.json"


def tree_snapshot():
    return list(
        StrategyElement.objects.order_by("pk").values_list(
            "pk", "parent_id", "lft", "rght", "tree_id", "level"
        )
    )


def test_fixture_loads_into_a_consistent_tree(strategy):
    """Bug prevented: a fixture whose nested-set numbers disagree with its parent links, which
    makes mptt queries (descendants, ancestors) silently wrong."""
    before = tree_snapshot()
    StrategyElement.objects.rebuild()
    assert tree_snapshot() == before
    assert StrategyElement.objects.count() == 54


def test_loading_twice_adds_nothing(strategy):
    """Bug prevented: a second `loaddata strategy` duplicating the strategy."""
    before = (tree_snapshot(), list(Source.objects.values_list("pk", "element_id", "number")))
    call_command("load_strategy", "strategy", verbosity=0)
    after = (tree_snapshot(), list(Source.objects.values_list("pk", "element_id", "number")))
    assert after == before


def test_stored_paths_match_the_tree(strategy):
    """Bug prevented: a fixture whose stored URL paths do not follow its slugs and parents,
    so links resolve to the wrong element or to nothing."""
    for element in StrategyElement.objects.select_related("parent"):
        assert element.path == element.compute_path(), element.code


@pytest.mark.parametrize(
    ("parent_code", "kind", "expected"),
    [
        ("OR", Kind.CHALLENGE, 3),
        ("OR", Kind.GOAL, 3),
        ("OR", Kind.STRATEGY, 7),
        ("K", Kind.CHALLENGE, 2),
        ("K", Kind.SUBGOAL, 1),
        ("K", Kind.STRATEGY, 2),
        ("KM", Kind.CHALLENGE, 3),
        ("KM", Kind.SUBGOAL, 1),
        ("KM", Kind.STRATEGY, 3),
        ("T", Kind.CHALLENGE, 3),
        ("T", Kind.SUBGOAL, 1),
        ("T", Kind.STRATEGY, 3),
        ("B", Kind.CHALLENGE, 2),
        ("B", Kind.SUBGOAL, 1),
        ("B", Kind.STRATEGY, 4),
        ("IO", Kind.FOCUS_AREA, 4),
        ("TT", Kind.THEME, 5),
    ],
)
def test_every_part_has_its_elements(strategy, parent_code, kind, expected):
    """Bug prevented: the garbled PDF order putting an item under the wrong heading."""
    parent = StrategyElement.objects.get(code=parent_code)
    assert parent.get_children().filter(kind=kind).count() == expected


def test_garbled_extract_is_placed_where_the_owner_meant(strategy):
    """Bug prevented: following the extract's reading order, where "Mål" stands above the
    strategies and the focus-area intros stand before their headings."""
    goals = StrategyElement.objects.get(code="OR").get_children().filter(kind=Kind.GOAL)
    assert all(goal.title.startswith("Å ") for goal in goals)
    strategies = StrategyElement.objects.get(code="OR").get_children().filter(kind=Kind.STRATEGY)
    assert all(strategy.title.startswith("Ved å ") for strategy in strategies)
    competitiveness = StrategyElement.objects.get(title="Konkurransekraft og næringsutvikling")
    assert competitiveness.body.startswith("Osloregionen har en sterk kompetanse")
    assert "\n\nTilgang til kompetanse" in competitiveness.body
    transport = StrategyElement.objects.get(title="Transport og mobilitet")
    assert transport.body.startswith("Framskrivninger fra Statistisk sentralbyrå")
    assert transport.sources.get().text.endswith("NOU 2023: 25")
    city = StrategyElement.objects.get(title="By- og regionutvikling")
    assert city.get_children().get(kind=Kind.SUBGOAL).title.startswith("Å skape en flerkjernet")


def test_footnotes_annotate_the_right_words(strategy):
    """Bug prevented: footnotes [1] and [2] losing the phrase they explain."""
    one = Source.objects.get(number=1)
    two = Source.objects.get(number=2)
    assert one.anchor == "flerkjernet"
    assert "«flerkjernet utvikling»" in one.text
    assert two.anchor == "ekte, berikende og banebrytende"
    assert two.url == "https://www.osloregionen.no/prosjekt/osloregionen-profileringsarbeid/"
    for source in (one, two):
        assert source.anchor in source.element.body


def test_no_layout_debris_in_the_content():
    """Bug prevented: page numbers, vertical letters and hyphen-broken words leaking in."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    texts = [
        value
        for item in data
        for key, value in item["fields"].items()
        if key in {"title", "body", "text"}
    ]
    joined = "\n".join(texts)
    assert "TV\nE" not in joined and "T E M A E R" not in joined
    assert "  " not in joined
    for text in texts:
        for paragraph in text.split("\n\n"):
            assert "\n" not in paragraph  # lines of a paragraph are joined
            assert paragraph.strip() not in {"1", "2", "3", "8", "x"}
    # Real hyphens survive the joining of broken lines.
    assert "samfunns- og næringsutvikling" in joined
    assert "mål- og resultatoppnåelse" in joined
    assert "(2022- tall)" in joined
    # The owner's typography is kept.
    assert "FN’s bærekraftsmål" in joined
    assert "«Osloregionen skal være en bærekraftig og internasjonal" in joined


def test_a_test_without_the_strategy_starts_from_an_empty_database(db):
    """Bug prevented: the strategy loaded once per session leaking into tests that build their
    own content (codes taken, another current document, other query counts)."""
    from strategy.models import ContentVersion, SearchWord

    assert not StrategyElement.objects.exists()
    assert not Source.objects.exists()
    assert not StrategyElement.history.exists()
    assert not SearchWord.objects.exists()
    assert ContentVersion.current() is None


def test_the_strategy_fixture_is_what_loading_it_in_the_test_gives(strategy):
    """Bug prevented: the rows put back per test differing from a real load (dates, history,
    versions, public flags), so that tests pass on content no load produces."""
    rows = list(StrategyElement.objects.order_by("pk").values())
    history = list(StrategyElement.history.order_by("history_id").values_list("id", "code"))
    StrategyElement.objects.all().delete()
    StrategyElement.history.all().delete()
    call_command("load_strategy", "strategy", verbosity=0)
    assert list(StrategyElement.objects.order_by("pk").values()) == rows
    reloaded = list(StrategyElement.history.order_by("history_id").values_list("id", "code"))
    assert reloaded[-len(history) :] == history
