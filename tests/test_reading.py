"""Reading the strategy anywhere (issue 15): the order of an element page, previous/next,
the contents, footnotes with a way back, natural headings, short citations on long texts,
the print button, the icons and compressed pages."""

import gzip
import re
import struct
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from strategy.models import Kind, StrategyElement
from tests.helpers import headings, main_html, page_text, status_of

WHOLE_STRATEGY = reverse("strategy:whole-strategy")


def html_of(client, element_or_url) -> str:
    url = element_or_url if isinstance(element_or_url, str) else element_or_url.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_an_element_page_reads_text_then_previous_next_then_citation_then_siblings(
    client, strategy
):
    """Bug prevented: on a phone, the siblings (and any way on) only after the whole citation
    box."""
    html = main_html(html_of(client, StrategyElement.objects.get(code="T-S2")))
    order = [
        html.index("<h1>"),
        html.index('class="pager"'),
        html.index('class="citation"'),
        html.index('class="siblings"'),
    ]
    assert order == sorted(order)


def test_previous_and_next_lead_to_the_neighbours_of_the_same_kind(client, strategy):
    """Bug prevented: no way to the next strategy but back up the tree, or a «next» that
    jumps to another kind (the sub-goal after the challenges)."""
    get = StrategyElement.objects.get
    html = html_of(client, get(code="T-S2"))
    assert re.search(rf'href="{get(code="T-S1").get_absolute_url()}" rel="prev"', html)
    assert re.search(rf'href="{get(code="T-S3").get_absolute_url()}" rel="next"', html)
    first = html_of(client, get(code="T-U1"))
    assert 'rel="prev"' not in first
    assert re.search(rf'href="{get(code="T-U2").get_absolute_url()}" rel="next"', first)
    last = html_of(client, get(code="TT5"))
    assert re.search(rf'href="{get(code="TT4").get_absolute_url()}" rel="prev"', last)
    assert 'rel="next"' not in last
    assert 'class="pager"' not in html_of(client, get(code="T-D"))  # the only sub-goal


def test_section_pages_read_naturally(client, strategy):
    """Bug prevented: the headings «Overordnede del» and «Del IO» on a part's page."""
    for code in ("IO", "TT"):
        html = html_of(client, StrategyElement.objects.get(code=code))
        text = page_text(main_html(html))
        assert "Overordnede del" not in text and f"Del {code}" not in text
        assert "Strategiens deler" in headings(html, 2)
    introduction = html_of(client, StrategyElement.objects.get(code="I1"))
    assert "Innledende tekster" in headings(introduction, 2)
    assert "Overordnede mål" in headings(html_of(client, StrategyElement.objects.get(code="M1")), 2)


def citation_of(html: str) -> str:
    match = re.search(r'<pre class="citation__text" id="sitat-tekst">(.*?)</pre>', html, re.S)
    return unescape(match.group(1))


@pytest.mark.parametrize("code", ["TT", "T", "KM", "TT4"])
def test_long_texts_are_cited_by_title_and_a_short_excerpt(client, strategy, code):
    """Bug prevented: the citation box of a focus area, theme or part repeating its whole
    introduction (several paragraphs) instead of what a saksframlegg needs."""
    element = StrategyElement.objects.get(code=code)
    lines = citation_of(html_of(client, element)).split("\n")
    excerpt = lines[-3]
    assert len(excerpt) <= 200
    first_words = " ".join(element.body.split()[:5])
    assert excerpt.startswith(first_words)
    assert excerpt.endswith(" …")
    assert len(lines) == (5 if element.kind == Kind.SECTION else 6)
    if element.kind == Kind.SECTION:
        assert lines[1] == f"{element.title} ({element.code})"
    else:
        assert lines[2] == element.title


def test_short_texts_are_still_cited_in_full(client, strategy):
    """Bug prevented: the excerpt rule cutting a vision or a strategy short."""
    vision = StrategyElement.objects.get(code="V")
    assert "konkurransedyktig region»." in citation_of(html_of(client, vision))


def anchors(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


@pytest.mark.parametrize("where", ["whole", "focus_area"])
def test_the_contents_lead_to_every_part_of_the_page(client, strategy, where):
    """Bug prevented: an in-page table of contents with a dead entry, or without a part."""
    if where == "whole":
        html = html_of(client, WHOLE_STRATEGY)
        expected = {"v", "i1", "or-utfordringer", "or-mal", "or-strategier", "io", "t"}
        expected |= {"tt", "tt1", "tt5", "kilder-tittel"}
    else:
        html = html_of(client, StrategyElement.objects.get(code="T"))
        expected = {"innledning-tittel", "t-utfordringer", "t-delmal", "t-strategier"}
        expected |= {"kilder-tittel", "sitat-tittel", "sosken-tittel"}
    toc = html[html.index('<nav class="toc"') :]
    toc = toc[: toc.index("</nav>")]
    targets = [target.lstrip("#") for target in re.findall(r'href="(#[^"]+)"', toc)]
    assert expected <= set(targets), expected - set(targets)
    assert set(targets) <= anchors(html), set(targets) - anchors(html)
    assert len(targets) == len(set(targets))


def test_only_focus_areas_and_the_whole_strategy_have_contents(client, strategy):
    """Bug prevented: a contents box on a page with nothing to jump between."""
    for code in ("T-S2", "TT1", "IO", "V"):
        assert '<nav class="toc"' not in html_of(client, StrategyElement.objects.get(code=code))


@pytest.mark.parametrize("url", ["/", WHOLE_STRATEGY, "/innsatsomrader/transport-og-mobilitet/"])
def test_every_footnote_marker_and_source_lead_to_each_other(client, strategy, url):
    """Bug prevented: a footnote that jumps to the sources with no way back, or a «Tilbake»
    link to a marker that is not on the page (a source listed without its text)."""
    html = main_html(html_of(client, url))
    markers = re.findall(r'<a id="(henvisning-\d+)" href="#(kilde-\d+)"', html)
    backs = re.findall(r'<li id="(kilde-\d+)"[^>]*>.*?href="#(henvisning-\d+)"', html, re.S)
    assert markers
    assert sorted((source, marker) for marker, source in markers) == sorted(backs)
    for _source, marker in backs:
        assert html.count(f'id="{marker}"') == 1


def test_the_print_button_is_a_script_enhancement(client, strategy):
    """Bug prevented: a «Skriv ut» button that does nothing without JavaScript, or inline
    script that the strict CSP blocks."""
    for url in (WHOLE_STRATEGY, "/innsatsomrader/transport-og-mobilitet/", "/strategikart/"):
        html = html_of(client, url)
        assert re.search(r'<button type="button" [^>]*data-print hidden>Skriv ut</button>', html)
        assert '<script src="/static/js/print.js" defer></script>' in html
    script = Path(finders.find("js/print.js")).read_text(encoding="utf-8")
    assert "window.print()" in script and "button.hidden = false" in script
    assert "adoptedStyleSheets" in script  # no style="" attribute for the running head


def test_printouts_name_the_document_and_its_edition(client, strategy):
    """Bug prevented: printed pages that do not say what they are from or which version."""
    html = html_of(client, WHOLE_STRATEGY)
    head = re.search(r'data-running-head="([^"]+)"', html).group(1)
    assert re.fullmatch(r"Strategi for Osloregionen · Versjon \d+\. \w+ \d{4}", unescape(head))
    permalink = html_of(client, StrategyElement.objects.get(code="T-S2"))
    assert (
        f'<p class="print-only">Permanent lenke: {settings.CANONICAL_ORIGIN}/r/T-S2/</p>'
        in permalink
    )
    assert f'data-permalink="{settings.CANONICAL_ORIGIN}/r/T-S2/"' in html


def test_favicon_and_touch_icon(client, strategy):
    """Bug prevented: a 404 for /favicon.ico in every browser console (Lighthouse 96)."""
    html = html_of(client, "/")
    for icon in ("icons/favicon.ico", "icons/favicon.svg", "icons/apple-touch-icon.png"):
        assert f'href="/static/{icon}"' in html
        assert status_of(client, f"/static/{icon}") == 200
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/icons/favicon.ico"
    with open(finders.find("icons/apple-touch-icon.png"), "rb") as png:
        header = png.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (180, 180)


def test_pages_are_sent_gzipped_once_compressed(client, strategy):
    """Bug prevented: a first visit of the front page with its map over 50 KB, or a gzipped
    page sent to a client that did not ask for it."""
    plain = client.get("/")
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    packed = client.get("/", headers={"accept-encoding": "gzip, deflate, br"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 4
    assert packed["ETag"] == f"W/{plain['ETag']}"
    again = client.get("/", headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]})
    assert again.status_code == 304
