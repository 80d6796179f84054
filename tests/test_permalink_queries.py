"""The permanent-link answers (301, 410, 404), the open-data endpoints, the embeddable card,
oEmbed and the reference files run a fixed number of SQL queries, on the real strategy and on a
tree of 2,000+ elements."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from strategy.models import Kind, StrategyElement
from tests.factories import build_generated_tree

ORIGIN = settings.CANONICAL_ORIGIN

# /r/<code>/ → 301: the element by code, with its stored public flag (no ancestor query).
# Old path → 301: the element by path (none) + the path record + the one above.
# 410: + the tombstone + the error page's menu (document + top of the tree).
# Unknown path → 404: the element by path + the path record + the menu (one more than before
# permanent links, for the path record).
# Every path through the element view also reads the content version first (ETag, page
# cache): one more query for old-path 301/410 and unknown-path 404.
# The open-data answers read the content version too (ETag, page cache): one more each.
# JSON of the whole tree: document + tree + sources; of one element: element + its family +
# sources. CSV and sitemap: the tree in one query.
# The rest of the open data, each with the content version first: the /api/ page the error
# pages' menu (document + top of the tree); a schema nothing more; the DCAT catalogue the
# document. The card, the reference files and oEmbed for a permanent link: the public element
# + its ancestors; oEmbed for a page's path the same; for an old path + the path record first
# (the element by path finds nothing); for the front page + the current document.
EXPECTED = {
    "permalink-301": 2,  # + the edition of unqualified links (issue 13)
    "old-path-301": 5,
    "permalink-410": 6,
    "old-path-410": 9,
    "unknown-404": 6,
    "strategy-json": 4,
    "element-json": 5,  # + its versions, for «endringer» (issue 13)
    "csv": 2,
    "sitemap": 2,  # + the public editions, for their «Hele strategien» (issue 13)
    "robots": 0,
    "api-page": 3,
    "json-schema": 1,
    "dcat-turtle": 2,
    "dcat-json-ld": 2,
    "card": 3,
    "reference-ris": 3,
    "reference-bibtex": 3,
    "reference-csl": 3,
    "oembed-permalink": 3,
    "oembed-page": 3,
    "oembed-old-path": 5,
    "oembed-front-page": 4,
    # The same under /utgaver/<periode>/ and /r/<periode>/<kode>/ (issue 13): the document of
    # the edition named instead of the edition in force's; the CSV reads that document first.
    "edition-strategy-json": 4,
    "edition-element-json": 5,
    "edition-csv": 3,
    "edition-card": 3,
    "edition-reference-ris": 3,
    "oembed-edition-page": 3,
}
STATUS = {"permalink-301": 301, "old-path-301": 301, "permalink-410": 410, "old-path-410": 410}


def prepare(root: StrategyElement) -> dict[str, str]:
    """Rename one deep item and delete another; return a URL for each kind of answer."""
    elements = StrategyElement.objects.filter(tree_id=root.tree_id)
    renamed = elements.filter(kind=Kind.STRATEGY, level=3).last()
    old_path = renamed.path
    renamed.slug = "nytt-navn-for-testen"
    renamed.save()
    deleted = elements.filter(kind=Kind.CHALLENGE, level=3).last()
    deleted_path = deleted.path
    deleted_code = deleted.code
    deleted.delete()
    return {
        "permalink-301": f"/r/{renamed.code.lower()}/",
        "old-path-301": f"/{old_path}/",
        "permalink-410": f"/r/{deleted_code}/",
        "old-path-410": f"/{deleted_path}/",
        "unknown-404": "/innsatsomrader/finnes-ikke/",
        "strategy-json": reverse("strategy:strategy-json"),
        "element-json": reverse("strategy:element-json", kwargs={"code": renamed.parent.code}),
        "csv": reverse("strategy:elements-csv"),
        "sitemap": reverse("strategy:sitemap"),
        "robots": reverse("strategy:robots-txt"),
        "api-page": reverse("strategy:api"),
        "json-schema": reverse("strategy:json-schema", kwargs={"name": "strategi"}),
        "dcat-turtle": reverse("strategy:dcat-turtle"),
        "dcat-json-ld": reverse("strategy:dcat-json-ld"),
        "card": reverse("strategy:card", kwargs={"code": renamed.code}),
        "reference-ris": reverse("strategy:reference-ris", kwargs={"code": renamed.code}),
        "reference-bibtex": reverse("strategy:reference-bibtex", kwargs={"code": renamed.code}),
        "reference-csl": reverse("strategy:reference-csl", kwargs={"code": renamed.code}),
        "oembed-permalink": oembed(f"/r/{renamed.code}/"),
        "oembed-page": oembed(renamed.get_absolute_url()),
        "oembed-old-path": oembed(f"/{old_path}/"),
        "oembed-front-page": oembed("/"),
        **edition_urls(renamed),
    }


def edition_urls(element: StrategyElement) -> dict[str, str]:
    period = {"period": element.edition.period}
    in_edition = {**period, "code": element.code}
    return {
        "edition-strategy-json": reverse("strategy:edition-strategy-json", kwargs=period),
        "edition-element-json": reverse("strategy:edition-element-json", kwargs=in_edition),
        "edition-csv": reverse("strategy:edition-elements-csv", kwargs=period),
        "edition-card": reverse("strategy:edition-card", kwargs=in_edition),
        "edition-reference-ris": reverse("strategy:edition-reference-ris", kwargs=in_edition),
        "oembed-edition-page": oembed(f"/utgaver/{element.edition.period}/{element.path}/"),
    }


def oembed(path: str) -> str:
    return f"{reverse('strategy:oembed')}?{urlencode({'url': f'{ORIGIN}{path}'})}"


def assert_fixed_queries(client, django_assert_num_queries, urls: dict[str, str]) -> None:
    for name, url in urls.items():
        with django_assert_num_queries(EXPECTED[name]):
            response = client.get(url)
        assert response.status_code == STATUS.get(name, 404 if "404" in name else 200), name


def test_permanent_links_and_open_data_run_fixed_queries(
    client, strategy, django_assert_num_queries
):
    """Bug prevented: redirects, 410 pages or exports that query once per element, ancestor
    or old path and slow down as the strategy and its history grow."""
    assert_fixed_queries(client, django_assert_num_queries, prepare(strategy))

    StrategyElement.objects.get(pk=strategy.pk).delete()
    generated = build_generated_tree(focus_areas=20, items_per_group=50, themes=20)
    assert StrategyElement.objects.filter(tree_id=generated.tree_id).count() >= 2000
    assert_fixed_queries(client, django_assert_num_queries, prepare(generated))
