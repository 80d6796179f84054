"""Citation box, link previews (canonical, description, Open Graph), sitemap, robots.txt and
the print stylesheet."""

import datetime
import re
from html import unescape
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from strategy import citation
from strategy.models import Kind, StrategyElement

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def fixed_day(monkeypatch):
    monkeypatch.setattr(citation, "today", lambda: datetime.date(2026, 11, 26))


def citation_of(client, code: str) -> str:
    html = client.get(StrategyElement.objects.get(code=code).get_absolute_url()).content.decode()
    match = re.search(r'<pre class="citation__text" id="sitat-tekst">(.*?)</pre>', html, re.S)
    assert match, code
    return unescape(match.group(1))


def test_citation_of_a_strategy_is_exact(client, strategy, fixed_day):
    """Bug prevented: a citation missing the code, the hierarchy or the permanent link, or
    with markup that shows up when pasted into a saksframlegg."""
    assert citation_of(client, "T-S2") == (
        "Strategi for Osloregionen, Osloregionen IPR\n"
        "Innsatsområdene › Transport og mobilitet › Strategi T-S2\n"
        "Ved å videreutvikle miljø- og klimavennlige transportløsninger for gods- og "
        "logistikktransport\n"
        "Permanent lenke: http://testserver/r/T-S2/\n"
        "Hentet 26. november 2026"
    )


def test_citation_of_an_element_with_text_is_exact(client, strategy, fixed_day):
    """Bug prevented: the element's text left out of the citation, or its «» and quotes
    escaped as HTML entities in the pasted text."""
    assert citation_of(client, "V") == (
        "Strategi for Osloregionen, Osloregionen IPR\n"
        "Visjon V\n"
        "Visjon\n"
        "Vår visjon er at «Osloregionen skal være en bærekraftig og internasjonal "
        "konkurransedyktig region».\n"
        "Permanent lenke: http://testserver/r/V/\n"
        "Hentet 26. november 2026"
    )


def test_citation_paragraphs_and_markdown_become_plain_lines(client, strategy, fixed_day):
    """Bug prevented: Markdown stars or footnote markers in the citation; a typed tag stays
    text, as on the page."""
    element = StrategyElement.objects.get(code="T-S1")
    element.body = "Første *avsnitt* med <b>fet</b> tekst.\n\n- punkt én\n- punkt «to»"
    element.save()
    lines = citation_of(client, "T-S1").split("\n")
    assert lines[3:6] == ["Første avsnitt med <b>fet</b> tekst.", "punkt én", "punkt «to»"]


def test_citation_box_works_without_javascript(client, strategy):
    """Bug prevented: the citation only reachable through a script (no JS, strict CSP), or
    inline script that a Content-Security-Policy will block."""
    html = client.get(StrategyElement.objects.get(code="T-S2").get_absolute_url()).content.decode()
    assert "Sitér / Del lenke" in html
    assert re.search(r"<button[^>]*data-copy-target=\"sitat-tekst\"[^>]*hidden", html)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert " style=" not in html and "<style" not in html
    script = finders.find("js/citation.js")
    assert script and "navigator.clipboard" in Path(script).read_text(encoding="utf-8")
    assert client.get("/static/js/citation.js").status_code == 200


def public_pages() -> dict[str, StrategyElement | None]:
    pages: dict[str, StrategyElement | None] = {
        reverse("strategy:front-page"): None,
        reverse("strategy:whole-strategy"): None,
        reverse("strategy:strategy-map"): None,
    }
    for element in StrategyElement.objects.exclude(kind=Kind.DOCUMENT):
        pages[element.get_absolute_url()] = element
    return pages


def test_every_public_page_has_canonical_description_and_open_graph(client, strategy):
    """Bug prevented: a link pasted into e-mail or Teams showing no title or text, or search
    engines indexing the same page under two addresses."""
    for url, element in public_pages().items():
        html = client.get(url).content.decode()
        head = html[: html.index("</head>")]
        canonical = f'<link rel="canonical" href="http://testserver{url}">'
        assert head.count(canonical) == 1, url
        assert f'<meta property="og:url" content="http://testserver{url}">' in head, url
        description = re.search(r'<meta name="description" content="([^"]+)">', head)
        og_title = re.search(r'<meta property="og:title" content="([^"]+)">', head)
        assert description and og_title, url
        assert '<meta property="og:description" content="' in head, url
        assert '<meta property="og:locale" content="nb_NO">' in head, url
        if element is not None:
            assert unescape(og_title.group(1)) == element.display_title, url
            words = unescape(description.group(1))
            expected = element.body.split()[0] if element.body else element.title[:40]
            assert words.startswith(expected), url
            assert len(words) <= 200, url


def test_error_pages_are_not_indexed(client, strategy):
    """Bug prevented: a 404 or 410 page declaring itself the canonical page of its URL."""
    html = client.get("/finnes-ikke/").content.decode()
    assert 'rel="canonical"' not in html and 'content="noindex"' in html


def sitemap_urls(client) -> list[str]:
    response = client.get(reverse("strategy:sitemap"))
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]


def test_sitemap_lists_every_public_page_once(client, strategy):
    """Bug prevented: pages search engines never find, or duplicate entries."""
    urls = sitemap_urls(client)
    expected = [f"http://testserver{url}" for url in public_pages()]
    assert sorted(urls) == sorted(expected)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_sitemap_lists_no_draft_nor_anything_under_one(client, strategy):
    """Bug prevented: the sitemap announcing drafts (or items under a draft) to the world."""
    StrategyElement.objects.filter(code="T").update(is_published=False)
    StrategyElement.objects.filter(code="S3").update(is_published=False)
    hidden = StrategyElement.objects.get(code="T").get_descendants(include_self=True)
    urls = sitemap_urls(client)
    for element in [*hidden, StrategyElement.objects.get(code="S3")]:
        assert f"http://testserver{element.get_absolute_url()}" not in urls, element.code
    assert len(urls) == len(public_pages()) - hidden.count() - 1
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_robots_txt_points_to_the_sitemap(client, strategy):
    """Bug prevented: search engines not finding the sitemap, or crawling the admin."""
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_print_stylesheet_is_linked_on_every_page_and_has_the_print_rules(client, strategy):
    """Bug prevented: "Hele strategien" printing with the menu, without link targets or
    reference codes, or with items split across A4 pages."""
    for url in (reverse("strategy:whole-strategy"), reverse("strategy:front-page"), "/r/T-S2/"):
        html = client.get(url, follow=True).content.decode()
        assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
    assert client.get("/static/css/print.css").status_code == 200
    css = Path(finders.find("css/print.css")).read_text(encoding="utf-8")
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert re.search(r"@page\s*{[^}]*size:\s*A4", rules)
    # Paper gets each element's absolute permanent link after its title, not every link's
    # relative path (issue 15).
    assert "a[href]::after" not in rules
    assert re.search(r"\[data-permalink\]::after\s*{[^}]*attr\(data-permalink\)", rules)
    nav_rule = re.search(r"([^{}]*){ display: none !important; }", rules).group(1)
    for hidden in (
        ".site-nav",
        ".site-search",
        ".fold__toggle",
        ".breadcrumbs",
        ".skip-link",
        ".page-actions",
        ".citation",
    ):
        assert hidden in nav_rule
    assert re.search(r"\.item,[^{]*{ break-inside: avoid", rules)
    code_rule = re.search(r"\.code\s*{([^}]*)}", rules).group(1)
    assert "display: none" not in code_rule
