import pytest
from django.core.exceptions import ValidationError

from strategy.models import Kind, StrategyElement


def assert_tree_consistent():
    before = list(
        StrategyElement.objects.order_by("pk").values_list("pk", "lft", "rght", "tree_id", "level")
    )
    StrategyElement.objects.rebuild()
    after = list(
        StrategyElement.objects.order_by("pk").values_list("pk", "lft", "rght", "tree_id", "level")
    )
    assert after == before
    for element in StrategyElement.objects.select_related("parent"):
        assert element.path == element.compute_path()


@pytest.mark.parametrize(
    ("parent_code", "kind"),
    [
        ("T", Kind.FOCUS_AREA),
        ("T", Kind.THEME),
        ("OR", Kind.SUBGOAL),
        ("T-S1", Kind.STRATEGY),
        ("TT", Kind.GOAL),
        ("IO", Kind.DOCUMENT),
    ],
)
def test_wrong_kind_under_parent_is_refused_in_norwegian(strategy, parent_code, kind):
    """Bug prevented: a focus area inside a strategy, or a sub-goal on the top level."""
    parent = StrategyElement.objects.get(code=parent_code)
    element = StrategyElement(parent=parent, kind=kind, code="NY-1", title="Nytt element")
    with pytest.raises(ValidationError) as error:
        element.full_clean()
    assert "kan ikke ligge under" in str(error.value)


def test_only_a_document_can_be_a_root(db):
    """Bug prevented: stray top-level elements outside any strategy."""
    element = StrategyElement(kind=Kind.STRATEGY, code="X", title="Løs strategi")
    with pytest.raises(ValidationError) as error:
        element.full_clean()
    assert "må ligge under" in str(error.value)


def test_allowed_child_is_accepted_and_gets_a_path(strategy):
    """Bug prevented: validation so strict that editors cannot add a normal strategy."""
    area = StrategyElement.objects.get(code="T")
    element = StrategyElement(
        parent=area, kind=Kind.STRATEGY, code="T-S4", title="Ved å prøve noe nytt i Ås"
    )
    element.full_clean()
    element.save()
    assert (
        element.path == "innsatsomrader/transport-og-mobilitet/strategier/ved-a-prove-noe-nytt-i-as"
    )
    assert_tree_consistent()


def test_same_title_twice_gets_a_unique_path(strategy):
    """Bug prevented: an IntegrityError (500) when an editor adds a second item with a title
    that already exists under the same parent."""
    area = StrategyElement.objects.get(code="T")
    existing = area.get_children().get(code="T-S2")
    twin = StrategyElement(parent=area, kind=Kind.STRATEGY, code="T-S9", title=existing.title)
    twin.save()
    assert twin.path == existing.path + "-2"
    assert_tree_consistent()


def test_move_keeps_tree_and_paths_consistent(strategy):
    """Bug prevented: a move that leaves nested-set numbers or stored paths of the moved
    subtree stale."""
    item = StrategyElement.objects.get(code="T-S2")
    target = StrategyElement.objects.get(code="KM")
    item.move_to(target, "last-child")
    item.refresh_from_db()
    assert item.parent_id == target.pk
    assert item.path.startswith("innsatsomrader/klima-miljo-og-natur/strategier/")
    assert_tree_consistent()


def test_moving_a_subtree_updates_descendant_paths(strategy):
    """Bug prevented: children keeping the URL of their parent's old place."""
    area = StrategyElement.objects.get(code="T")
    area.slug = "transport"
    area.save()
    child = StrategyElement.objects.get(code="T-S1")
    assert child.path.startswith("innsatsomrader/transport/strategier/")
    assert_tree_consistent()


def test_move_to_a_wrong_kind_is_refused_and_changes_nothing(strategy):
    """Bug prevented: drag and drop putting a strategy under a strategy (broken structure)."""
    item = StrategyElement.objects.get(code="T-S2")
    target = StrategyElement.objects.get(code="T-S1")
    before = list(StrategyElement.objects.order_by("pk").values_list("pk", "lft", "rght"))
    with pytest.raises(ValidationError):
        item.move_to(target, "last-child")
    assert list(StrategyElement.objects.order_by("pk").values_list("pk", "lft", "rght")) == before


def test_delete_removes_the_subtree_and_keeps_the_tree_consistent(strategy):
    """Bug prevented: orphans or gaps in the nested set after deleting a focus area."""
    StrategyElement.objects.get(code="K").delete()
    assert not StrategyElement.objects.filter(code__startswith="K-").exists()
    assert_tree_consistent()


def test_reserved_top_level_slug_is_refused(strategy):
    """Bug prevented: an element at /hele-strategien/ or /admin/ shadowed by the portal."""
    root = StrategyElement.objects.get(code="OR")
    element = StrategyElement(parent=root, kind=Kind.SECTION, code="X", title="Admin")
    with pytest.raises(ValidationError) as error:
        element.full_clean()
    assert "reservert" in str(error.value)
