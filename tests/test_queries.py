"""Every public page runs a fixed number of SQL queries, whatever the size of the tree."""

from django.urls import reverse

from strategy.models import Kind, StrategyElement
from strategy.public_site import pdf
from tests.factories import build_generated_tree

# (page, expected queries): the content version (ETag, strategy/infrastructure/caching.py), then
# front page and whole strategy = document + tree + sources; element page = element + its context +
# sources; the strategy map (page, SVG, PNG) = document + the map's elements; a PDF from the file
# cache = document (or the focus area) and no rendering. Once a worker has rendered a page for the
# current content version, it answers from memory after the version query alone
# (CACHED_PAGE_QUERIES).
PAGES = {
    "front-page": 4,
    "whole-strategy": 4,
    # + the element's versions, for its public «Endringer» list (public_site/edition_pages.py)
    "section": 5,
    "focus-area": 5,
    "strategy-item": 5,
    "theme": 5,
    "strategy-map": 3,
    "strategy-map-svg": 3,
    "strategy-map-png": 3,
    "strategy-pdf": 2,
    "focus-area-pdf": 2,
}
CACHED_PAGE_QUERIES = 1


def page_urls() -> dict[str, str]:
    root = StrategyElement.objects.current_document()
    elements = StrategyElement.objects.filter(tree_id=root.tree_id)
    return {
        "front-page": reverse("strategy:front-page"),
        "whole-strategy": reverse("strategy:whole-strategy"),
        "section": elements.filter(kind=Kind.SECTION).first().get_absolute_url(),
        "focus-area": elements.filter(kind=Kind.FOCUS_AREA).last().get_absolute_url(),
        "strategy-item": elements.filter(kind=Kind.STRATEGY, level=3).last().get_absolute_url(),
        "theme": elements.filter(kind=Kind.THEME).last().get_absolute_url(),
        "strategy-map": reverse("strategy:strategy-map"),
        "strategy-map-svg": reverse("strategy:strategy-map-svg"),
        "strategy-map-png": reverse("strategy:strategy-map-png"),
        "strategy-pdf": reverse("strategy:strategy-pdf"),
        "focus-area-pdf": reverse(
            "strategy:element-pdf", kwargs={"code": elements.filter(kind=Kind.FOCUS_AREA)[0].code}
        ),
    }


def make_pdfs(client) -> None:
    """A PDF is made once per content version (several queries, and seconds of WeasyPrint)
    and then read from the file cache: the counts below are those of every later request
    (in a worker that does not have it in memory yet)."""
    from django.core.cache import caches

    for name in ("strategy-pdf", "focus-area-pdf"):
        assert client.get(page_urls()[name]).status_code == 200
    caches["pages"].clear()


def assert_fixed_queries(client, django_assert_num_queries):
    for name, url in page_urls().items():
        with django_assert_num_queries(PAGES[name]):
            response = client.get(url)
        assert response.status_code == 200, (name, url)
        with django_assert_num_queries(CACHED_PAGE_QUERIES):
            again = client.get(url)
        assert again.status_code == 200, (name, url)
        assert again.content == response.content, (name, url)


def test_query_count_is_fixed_on_the_real_strategy_and_on_2000_elements(
    client, strategy, django_assert_num_queries, settings, tmp_path, monkeypatch
):
    """Bug prevented: N+1 queries (one per child, per source, per ancestor) that make pages
    slow as the secretariat adds content."""
    settings.PDF_CACHE_DIR = tmp_path
    make_pdfs(client)
    assert_fixed_queries(client, django_assert_num_queries)

    StrategyElement.objects.get(pk=strategy.pk).delete()
    generated = build_generated_tree(focus_areas=20, items_per_group=50, themes=20)
    assert StrategyElement.objects.filter(tree_id=generated.tree_id).count() >= 2000
    # What is counted is serving a PDF from the file cache; making one of 2,000 elements
    # takes WeasyPrint minutes and no query more than on the real strategy.
    monkeypatch.setattr(pdf, "write_pdf", lambda *args, **kwargs: b"%PDF-1.7")
    make_pdfs(client)
    assert_fixed_queries(client, django_assert_num_queries)
