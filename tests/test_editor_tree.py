"""The editors' element list as a lazy tree (strategy/admin/changelist.py): the top levels first, a
subtree on demand, filters and search showing every match, a fixed number of queries at 5,000
elements, and every row's actions."""

import re

from strategy.admin.changelist import DEFAULT_OPEN_LEVELS
from strategy.models import PendingChange, StrategyElement
from tests.admin_helpers import admin_url, assert_tree_intact
from tests.editor_helpers import get
from tests.factories import build_generated_tree

# Session, user, the user's and the group's permissions, the rows, their count, the editions
# and the parts for the filters; what matters is that it is the same at 54 and at 5,071
# elements.
DEFAULT_VIEW_QUERIES = 8
OPENED_VIEW_QUERIES = 9  # + the check that the opened elements' ancestors are open


def rows(html: str) -> list[int]:
    """The primary keys of the rows on the page, in order."""
    return [int(pk) for pk in re.findall(r'class="tree-node" data-pk="(\d+)"', html)]


def toggle_of(html: str, element: StrategyElement) -> str:
    """The href of the open/close link of ``element``'s row."""
    start = html.index(f'data-pk="{element.pk}"')
    match = re.search(r'class="tree-toggle( open)?" href="([^"]+)"', html[start : start + 600])
    assert match, f"no toggle for {element.code}"
    return match.group(2).replace("&amp;", "&")


def test_the_list_opens_with_the_top_levels_only(editor_client, strategy):
    """Bug prevented: the whole tree drawn on one page (5,551 px for 54 elements, seconds at
    thousands), which nobody can work in."""
    html = editor_client.get(admin_url("changelist")).content.decode()
    expected = StrategyElement.objects.filter(level__lte=DEFAULT_OPEN_LEVELS).order_by("lft")
    assert rows(html) == [element.pk for element in expected]
    assert get("T").pk in rows(html)  # the focus areas and themes are there ...
    assert get("T-S2").pk not in rows(html)  # ... their items open on demand
    assert "Listen viser de øverste nivåene" in html


def test_opening_and_closing_a_subtree_with_plain_links(editor_client, strategy):
    """Bug prevented: a subtree that can only be opened by JavaScript, or a closed node whose
    opened descendants stay on the page."""
    transport = get("T")
    html = editor_client.get(admin_url("changelist")).content.decode()
    assert "Vis de 7 elementene under T" in html
    opened = editor_client.get(admin_url("changelist") + toggle_of(html, transport))
    html = opened.content.decode()
    children = [child.pk for child in transport.get_children()]
    shown = rows(html)
    assert shown[shown.index(transport.pk) + 1 : shown.index(transport.pk) + 8] == children
    assert "Skjul de 7 elementene under T" in html

    # Closing the part above closes the focus area opened inside it too.
    part = get("IO")
    closed = editor_client.get(admin_url("changelist") + toggle_of(html, part)).content.decode()
    assert transport.pk not in rows(closed) and children[0] not in rows(closed)
    reopened = editor_client.get(admin_url("changelist") + toggle_of(closed, part))
    assert transport.pk in rows(reopened.content.decode())
    assert children[0] not in rows(reopened.content.decode())


def test_a_crafted_open_list_shows_nothing_under_a_closed_node(editor_client, strategy):
    """Bug prevented: ?apne= naming an element whose parent is closed, putting its children on
    the page without their parent (or a 500 on garbage in the parameter)."""
    root, transport = get("OR"), get("T")
    html = editor_client.get(admin_url("changelist"), {"apne": f"{transport.pk}"}).content
    assert rows(html.decode()) == [root.pk]
    html = editor_client.get(admin_url("changelist"), {"apne": f"{root.pk},x,,-3,{10**30}"})
    assert html.status_code == 200
    assert rows(html.content.decode()) == [root.pk, *(c.pk for c in root.get_children())]


def test_filters_and_search_show_every_match(editor_client, strategy):
    """Bug prevented: a search hit deep in the tree hidden because its parent is closed."""
    transport = get("T")
    html = editor_client.get(admin_url("changelist"), {"under": transport.pk}).content.decode()
    subtree = transport.get_descendants(include_self=True)
    assert rows(html) == [element.pk for element in subtree]
    assert "tree-toggle" not in html
    html = editor_client.get(admin_url("changelist"), {"q": "logistikktransport"}).content.decode()
    assert get("T-S2").pk in rows(html)
    for bad in ("x", "-1", "9999999", "9" * 40):
        response = editor_client.get(admin_url("changelist"), {"under": bad})
        assert response.status_code in (200, 302)  # Django's «?e=1» for a bad filter, never 500


def test_every_row_offers_its_actions(editor_client, strategy):
    """Bug prevented: rows without «Legg til under», «Vis på nettstedet», «Forhåndsvis» or the
    keyboard moves, or a «Flytt opp» on the first child that cannot move up."""
    part = get("IO")
    first, last = part.get_children().first(), part.get_children().last()
    PendingChange.objects.create(element=first, title=first.title, body="Nytt.")
    html = editor_client.get(admin_url("changelist")).content.decode()

    def actions(element):
        start = html.index(f'data-pk="{element.pk}"')
        return html[start : html.index("</tr>", start)]

    first_row, last_row = actions(first), actions(last)
    assert f"{admin_url('add')}?parent={first.pk}" in first_row and "Legg til under" in first_row
    assert f'href="{first.get_absolute_url()}">Vis på nettstedet' in first_row
    assert f'href="{admin_url("preview", first.pk)}">Forhåndsvis' in first_row
    assert "utkast venter" in first_row  # the pending draft is marked
    assert f'value="{first.pk}:ned"' in first_row and f'value="{first.pk}:opp"' not in first_row
    assert f'value="{last.pk}:opp"' in last_row and f'value="{last.pk}:ned"' not in last_row
    assert admin_url("move_to", first.pk) in first_row
    assert 'form="strategy-move-form"' in first_row
    assert '<form id="strategy-move-form" method="post"' in html


def test_the_bulk_built_tree_is_a_valid_tree(db):
    """Bug prevented: query-count tests at 5,000 elements passing on a tree whose nested-set
    numbers, kinds or paths are wrong (it is inserted in bulk, not through save())."""
    build_generated_tree(focus_areas=3, items_per_group=4, themes=2)
    assert_tree_intact()


def test_the_list_runs_a_fixed_number_of_queries_at_5000_elements(
    editor_client, strategy, django_assert_num_queries
):
    """Bug prevented: an element list whose queries (or rows) grow with the strategy, which
    made it take seconds at thousands of elements."""
    opened = f"{get('OR').pk},{get('IO').pk}"
    with django_assert_num_queries(DEFAULT_VIEW_QUERIES):
        assert editor_client.get(admin_url("changelist")).status_code == 200
    with django_assert_num_queries(OPENED_VIEW_QUERIES):
        editor_client.get(admin_url("changelist"), {"apne": opened})

    # 49 focus areas of 102 elements; 30 items right under the document, as in a real strategy.
    generated = build_generated_tree(49, items_per_group=50, themes=20, top_items=10)
    assert StrategyElement.objects.count() > 5000
    area = StrategyElement.objects.get(code="GEN-F7")
    PendingChange.objects.bulk_create(
        PendingChange(element=element, title="Utkast", body="")
        for element in StrategyElement.objects.filter(level=1)
    )
    with django_assert_num_queries(DEFAULT_VIEW_QUERIES):
        response = editor_client.get(admin_url("changelist"))
    shown = rows(response.content.decode())
    top = StrategyElement.objects.filter(level__lte=DEFAULT_OPEN_LEVELS)
    assert shown == list(top.order_by("tree_id", "lft").values_list("pk", flat=True))
    assert len(shown) < 200
    opened = f"{generated.pk},{area.parent_id},{area.pk}"
    with django_assert_num_queries(OPENED_VIEW_QUERIES):
        response = editor_client.get(admin_url("changelist"), {"apne": opened})
    assert set(area.get_children().values_list("pk", flat=True)) <= set(
        rows(response.content.decode())
    )
