"""Fixed query counts of the editions' pages at size (issue 13, §6): 2,000 elements with 20
published versions each - the dated element page, the element page with its «Endringer», the
dated «Hele strategien» and the comparison of two editions."""

import datetime

import pytest
from django.utils import timezone

from strategy.models import Edition, StrategyElement
from tests.factories import build_generated_tree
from tests.snapshots import put_back, tables_written_by
from tests.test_editions import (
    COMPARISON_QUERIES,
    DATED_VIEW_QUERIES,
    ELEMENT_PAGE_QUERIES,
    text_of,
)

VERSIONS = 20


def build_long_history() -> None:
    """A generated tree (2,000+ elements), every element published in 20 wordings, one a day."""
    root = build_generated_tree(focus_areas=20, items_per_group=50, themes=20)
    elements = list(StrategyElement.objects.filter(edition=root.edition))
    assert len(elements) >= 2000
    start = timezone.now() - datetime.timedelta(days=VERSIONS + 1)
    titles = {element.pk: element.title for element in elements}
    for number in range(VERSIONS):
        for element in elements:
            element.title = f"{titles[element.pk]} v{number}"
        StrategyElement.history.bulk_history_create(
            elements,
            update=number > 0,
            default_change_reason=f"Endring nr. {number}",
            default_date=start + datetime.timedelta(days=number),
        )
    StrategyElement.objects.bulk_update(elements, ["title"])


@pytest.fixture(scope="module")
def long_history_tables(django_db_setup, django_db_blocker):
    """Built once for the module (5 s), put back in each test (a fraction of that)."""
    return tables_written_by(build_long_history, django_db_blocker)


@pytest.fixture
def long_history(long_history_tables, db) -> Edition:
    put_back(long_history_tables)
    return Edition.objects.get()


# content version, the document with its edition; the tree at the date: the elements, their
# latest versions, the ids with a history, the tombstones' places, the sources' latest
# versions, the sources with a history, the sources without
DATED_WHOLE_STRATEGY_QUERIES = 9


def test_dated_element_page_and_change_list_do_not_grow_with_tree_or_history(
    client, long_history, django_assert_num_queries
):
    """Prevents a dated page or an «Endringer» list that costs a query per version or per
    element: at 2,000 elements with 20 published versions each the counts are those of a
    small tree."""
    item = StrategyElement.objects.get(edition=long_history, code="GEN-F3-S7")
    middle = (timezone.now() - datetime.timedelta(days=VERSIONS // 2)).date().isoformat()
    with django_assert_num_queries(DATED_VIEW_QUERIES):
        response = client.get(f"/r/{long_history.period}/GEN-F3-S7/{middle}/")
    assert response.status_code == 200 and "Slik teksten lød" in text_of(response)
    with django_assert_num_queries(ELEMENT_PAGE_QUERIES):
        page = text_of(client.get(item.get_absolute_url()))
    assert "Endring nr. 19" in page and "Endring nr. 1." in page


def test_dated_whole_strategy_does_not_grow_with_tree_or_history(
    client, long_history, django_assert_num_queries
):
    """Prevents «Hele strategien» at a date reading the history element by element."""
    middle = (timezone.now() - datetime.timedelta(days=VERSIONS // 2)).date().isoformat()
    with django_assert_num_queries(DATED_WHOLE_STRATEGY_QUERIES):
        response = client.get("/hele-strategien/", {"dato": middle})
    # The wording of that day (v10 or v11, by the hour the test runs), not today's (v19).
    text = text_of(response)
    assert response.status_code == 200 and (" v10" in text or " v11" in text)
    assert " v19" not in text


def test_comparison_does_not_grow_with_tree_or_history(
    client, long_history, django_assert_num_queries
):
    """Prevents the comparison of two large editions costing a query per element."""
    old = long_history
    new = Edition.objects.start_new(f"{int(old.period[5:]) + 1}-{int(old.period[5:]) + 4}")
    changed = StrategyElement.objects.get(edition=new, code="GEN-F3-S7")
    changed.title = "En ny ordlyd i neste utgave"
    changed.save()
    new.send_to_consultation(timezone.localdate())
    with django_assert_num_queries(COMPARISON_QUERIES):
        response = client.get(f"/utgaver/{old.period}/sammenlign/{new.period}/")
    assert response.status_code == 200
    assert "1 endret, 0 nye, 0 ikke videreført" in text_of(response)


CHANGE_LOG_QUERIES = 6  # content version, document, elements, their history, navigation (2)


def test_the_change_log_does_not_grow_with_tree_or_history(
    client, long_history, django_assert_num_queries
):
    """Prevents the site-wide change log costing a query per element or per version."""
    with django_assert_num_queries(CHANGE_LOG_QUERIES):
        response = client.get("/endringer/")
    text = text_of(response)
    assert response.status_code == 200 and "(de 100 siste)" in text
    assert text.count('class="changes__list"') == 1 and text.count("Endring nr. 19") == 100
