"""Citation box, link previews (canonical, description, Open Graph), sitemap, robots.txt, the
print stylesheet; reference managers (Highwire and Dublin Core meta, RIS, BibTeX, CSL-JSON),
schema.org JSON-LD, and embedding (the card, its frame headers, oEmbed)."""

import datetime
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import bibtexparser
import pytest
import rispy
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator
from rdflib import RDF, Graph, Namespace

from strategy.models import Kind, StrategyElement
from strategy.public_site import citation
from tests.helpers import page_text, status_of
from tests.test_security import STRICT_CSP

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ORIGIN = settings.CANONICAL_ORIGIN


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
        "Strategiske føringer for Osloregionen 2025–2028, Osloregionen IPR\n"
        "Utgave 2025–2028 (gjeldende)\n"
        "Innsatsområdene › Transport og mobilitet › Strategi T-S2\n"
        "Ved å videreutvikle miljø- og klimavennlige transportløsninger for gods- og "
        "logistikktransport\n"
        f"Teksten slik den lyder 26. november 2026: {ORIGIN}/r/2025-2028/T-S2/2026-11-26/\n"
        f"Permanent lenke: {ORIGIN}/r/2025-2028/T-S2/\n"
        "Hentet 26. november 2026"
    )


def test_citation_of_an_element_with_text_is_exact(client, strategy, fixed_day):
    """Bug prevented: the element's text left out of the citation, or its «» and quotes
    escaped as HTML entities in the pasted text."""
    assert citation_of(client, "V") == (
        "Strategiske føringer for Osloregionen 2025–2028, Osloregionen IPR\n"
        "Utgave 2025–2028 (gjeldende)\n"
        "Visjon V\n"
        "Visjon\n"
        "Vår visjon er at «Osloregionen skal være en bærekraftig og internasjonal "
        "konkurransedyktig region».\n"
        f"Teksten slik den lyder 26. november 2026: {ORIGIN}/r/2025-2028/V/2026-11-26/\n"
        f"Permanent lenke: {ORIGIN}/r/2025-2028/V/\n"
        "Hentet 26. november 2026"
    )


def test_citation_paragraphs_and_markdown_become_plain_lines(client, strategy, fixed_day):
    """Bug prevented: Markdown stars or footnote markers in the citation; a typed tag stays
    text, as on the page."""
    element = StrategyElement.objects.get(code="T-S1")
    element.body = "Første *avsnitt* med <b>fet</b> tekst.\n\n- punkt én\n- punkt «to»"
    element.save()
    lines = citation_of(client, "T-S1").split("\n")
    assert lines[4:7] == ["Første avsnitt med <b>fet</b> tekst.", "punkt én", "punkt «to»"]


def test_citation_box_works_without_javascript(client, strategy):
    """Bug prevented: the citation only reachable through a script (no JS, strict CSP), or
    inline script that a Content-Security-Policy will block."""
    html = client.get(StrategyElement.objects.get(code="T-S2").get_absolute_url()).content.decode()
    assert "Sitér / Del lenke" in html
    assert re.search(r"<button[^>]*data-copy-target=\"sitat-tekst\"[^>]*hidden", html)
    scripts = [
        (attrs, body)
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        if attrs != ' type="application/ld+json"'  # structured data, not script
    ]
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    # No style attribute on any tag (the «Bygg inn» snippet shows one as escaped text).
    assert not re.search(r"<[^<>]*\sstyle=", html) and "<style" not in html
    script = finders.find("js/citation.js")
    assert script and "navigator.clipboard" in Path(script).read_text(encoding="utf-8")
    assert status_of(client, "/static/js/citation.js") == 200


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
        canonical = f'<link rel="canonical" href="{ORIGIN}{url}">'
        assert head.count(canonical) == 1, url
        assert f'<meta property="og:url" content="{ORIGIN}{url}">' in head, url
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
    pages = [*public_pages(), reverse("strategy:editions"), reverse("strategy:change-log")]
    expected = [f"{ORIGIN}{url}" for url in pages]
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
        assert f"{ORIGIN}{element.get_absolute_url()}" not in urls, element.code
    assert len(urls) == len(public_pages()) + 2 - hidden.count() - 1  # + /utgaver/, /endringer/
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_robots_txt_points_to_the_sitemap(client, strategy):
    """Bug prevented: search engines not finding the sitemap, or crawling the admin."""
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_print_stylesheet_is_linked_on_every_page_and_has_the_print_rules(client, strategy):
    """Bug prevented: "Hele strategien" printing with the menu, without link targets or
    reference codes, or with items split across A4 pages."""
    for url in (reverse("strategy:whole-strategy"), reverse("strategy:front-page"), "/r/T-S2/"):
        html = client.get(url, follow=True).content.decode()
        assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
    assert status_of(client, "/static/css/print.css") == 200
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


# --- Reference managers: meta tags and downloads -------------------------------------------


class _HeadMeta(HTMLParser):
    """The <meta name=…> and <link> tags of a page's head."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "meta" and "name" in attributes:
            self.meta.setdefault(attributes["name"], []).append(attributes.get("content", ""))
        elif tag == "link":
            self.links.append(attributes)


def head_of(client, url: str) -> _HeadMeta:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    html = response.content.decode()
    parser = _HeadMeta()
    parser.feed(html[: html.index("</head>")])
    return parser


def test_element_pages_carry_highwire_and_dublin_core_for_zotero(client, strategy):
    """Bug prevented: Zotero's page import saving an element as an untitled web page, without
    author, date, number or permanent link."""
    for element in StrategyElement.objects.exclude(kind=Kind.DOCUMENT):
        meta = head_of(client, element.get_absolute_url()).meta
        day = timezone.localdate(element.updated_at)
        expected = {
            "citation_title": [element.display_title],
            "citation_author": ["Osloregionen IPR"],
            "citation_publisher": ["Osloregionen IPR"],
            "citation_technical_report_institution": ["Osloregionen IPR"],
            "citation_technical_report_number": [element.code],
            "citation_publication_date": [day.strftime("%Y/%m/%d")],
            "citation_language": ["nb"],
            "citation_public_url": [f"{ORIGIN}/r/2025-2028/{element.code}/"],
            "DC.title": [element.display_title],
            "DC.creator": ["Osloregionen IPR"],
            "DC.date": [day.isoformat()],
            "DC.language": ["nb"],
            "DC.identifier": [f"{ORIGIN}/r/2025-2028/{element.code}/"],
        }
        assert {name: meta.get(name) for name in expected} == expected, element.code


def reference_file(client, code: str, suffix: str, content_type: str) -> str:
    response = client.get(f"/r/{code}/referanse.{suffix}")
    assert response.status_code == 200
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    filename = f"osloregionen-{code.lower()}.{suffix}"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    return response.content.decode()


def test_reference_downloads_parse_in_ris_bibtex_and_csl_json(client, strategy):
    """Bug prevented: «Last ned referanse» files that reference managers cannot read, or read
    as something else than a report of Osloregionen IPR with the code as its number."""
    element = StrategyElement.objects.get(code="KM")
    day = timezone.localdate(element.updated_at)
    abstract = " ".join(citation.plain_lines(element.body))
    assert abstract.startswith("Klimaendringer og naturkrise")

    [ris] = rispy.loads(reference_file(client, "KM", "ris", "application/x-research-info-systems"))
    assert ris == {
        "type_of_reference": "RPRT",
        "title": "Klima, miljø og natur",
        "authors": ["Osloregionen IPR"],
        "publisher": "Osloregionen IPR",
        "tertiary_title": "Strategiske føringer for Osloregionen 2025–2028",
        "type_of_work": "Innsatsområde",
        "issn": "KM",  # RIS's SN: a report's number
        "year": str(day.year),
        "date": day.strftime("%Y/%m/%d"),
        "language": "nb",
        "urls": [f"{ORIGIN}/r/2025-2028/KM/"],
        "abstract": abstract,
    }

    bib = bibtexparser.loads(reference_file(client, "KM", "bib", "application/x-bibtex"))
    [entry] = bib.entries
    assert entry == {
        "ENTRYTYPE": "techreport",
        "ID": "osloregionen-km",
        "title": "Klima, miljø og natur",
        "author": "{Osloregionen IPR}",
        "institution": "Osloregionen IPR",
        "type": "Innsatsområde",
        "number": "KM",
        "series": "Strategiske føringer for Osloregionen 2025–2028",
        "year": str(day.year),
        "date": day.isoformat(),
        "language": "norsk",
        "url": f"{ORIGIN}/r/2025-2028/KM/",
        "abstract": abstract,
    }

    [item] = json.loads(
        reference_file(client, "KM", "json", "application/vnd.citationstyles.csl+json")
    )
    assert item == {
        "id": "osloregionen-km",
        "type": "report",
        "title": "Klima, miljø og natur",
        "author": [{"literal": "Osloregionen IPR"}],
        "publisher": "Osloregionen IPR",
        "genre": "Innsatsområde",
        "number": "KM",
        "collection-title": "Strategiske føringer for Osloregionen 2025–2028",
        "issued": {"date-parts": [[day.year, day.month, day.day]]},
        "language": "nb",
        "URL": f"{ORIGIN}/r/2025-2028/KM/",
        "abstract": abstract,
    }


def test_reference_files_survive_tex_characters_and_line_breaks(client, strategy):
    """Bug prevented: a title with «}», «%» or «&» breaking the BibTeX entry (fields after it
    lost), or a line break in the text ending a RIS field early."""
    element = StrategyElement.objects.get(code="T-S1")
    element.title = "Mål } 50 % & {nye} tog_linjer"
    element.body = "Første linje\nandre linje.\n\nNytt avsnitt."
    element.save()
    [entry] = bibtexparser.loads(
        reference_file(client, "T-S1", "bib", "application/x-bibtex")
    ).entries
    assert entry["title"] == (
        r"Mål {\textbraceright} 50 \% \& {\textbraceleft}nye{\textbraceright} tog\_linjer"
    )
    assert entry["number"] == "T-S1" and entry["url"] == f"{ORIGIN}/r/2025-2028/T-S1/"
    [ris] = rispy.loads(
        reference_file(client, "T-S1", "ris", "application/x-research-info-systems")
    )
    assert ris["title"] == element.title
    assert ris["abstract"] == "Første linje andre linje. Nytt avsnitt."
    assert ris["issn"] == "T-S1"


def test_reference_downloads_of_drafts_and_unknown_codes_are_404(client, strategy):
    """Bug prevented: a draft's text leaking through its reference file."""
    StrategyElement.objects.filter(code="T").update(is_published=False)
    for code in ("T", "T-S2", "FINNES-IKKE"):
        for suffix in ("ris", "bib", "json"):
            assert client.get(f"/r/{code}/referanse.{suffix}").status_code == 404, code


def test_the_citation_box_offers_the_embed_code_and_the_downloads(client, strategy):
    """Bug prevented: a web editor who has to write the iframe by hand, or reference files
    nobody finds."""
    html = client.get(StrategyElement.objects.get(code="T-S2").get_absolute_url()).content
    html = html.decode()
    snippet = re.search(r'<pre class="[^"]*" id="bygg-inn-kode">(.*?)</pre>', html, re.S)
    assert snippet
    code = unescape(snippet.group(1))
    assert code == (
        f'<iframe src="{ORIGIN}/r/2025-2028/T-S2/kort/" width="480" height="280" '
        'title="Strategi T-S2: Ved å videreutvikle miljø- og klimavennlige transportløsninger '
        'for gods- og logistikktransport" loading="lazy" style="border:0;max-width:100%">'
        "</iframe>"
    )
    assert re.search(r'<button[^>]*data-copy-target="bygg-inn-kode"[^>]*hidden', html)
    for suffix in ("ris", "bib", "json"):
        link = f'href="/r/2025-2028/T-S2/referanse.{suffix}" download="osloregionen-t-s2.{suffix}"'
        assert link in html, suffix


# --- Structured data (schema.org JSON-LD) ---------------------------------------------------

SCHEMA = Namespace("https://schema.org/")


def json_ld_of(client, url: str) -> tuple[dict, Graph]:
    html = client.get(url, follow=True).content.decode()
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block)
    assert data["@context"] == "https://schema.org"
    # The same JSON-LD with schema.org's context given inline (no network in the tests).
    graph = Graph().parse(
        data=json.dumps({**data, "@context": {"@vocab": "https://schema.org/"}}), format="json-ld"
    )
    return data, graph


def test_front_page_has_schema_org_json_ld_for_the_document_and_its_publisher(client, strategy):
    """Bug prevented: search engines not knowing what the portal publishes and who publishes
    it, or JSON-LD that does not parse."""
    _data, graph = json_ld_of(client, "/")
    [report] = graph.subjects(RDF.type, SCHEMA.Report)
    assert str(graph.value(report, SCHEMA.name)) == strategy.title
    assert str(graph.value(report, SCHEMA.url)) == f"{ORIGIN}/"
    assert str(graph.value(report, SCHEMA.inLanguage)) == "nb"
    assert str(graph.value(report, SCHEMA.license)) == "https://data.norge.no/nlod/no/2.0"
    publisher = graph.value(report, SCHEMA.publisher)
    assert (publisher, RDF.type, SCHEMA.GovernmentOrganization) in graph
    assert str(graph.value(publisher, SCHEMA.name)) == "Osloregionen IPR"
    [site] = graph.subjects(RDF.type, SCHEMA.WebSite)
    search = graph.value(site, SCHEMA.potentialAction)
    assert str(graph.value(search, SCHEMA.target)) == (f"{ORIGIN}/sok/?q={{search_term_string}}")


def test_every_element_page_has_schema_org_json_ld(client, strategy):
    """Bug prevented: an element page whose structured data is missing, invalid or describes
    another element."""
    for element in StrategyElement.objects.exclude(kind=Kind.DOCUMENT):
        data, graph = json_ld_of(client, element.get_absolute_url())
        [work] = graph.subjects(RDF.type, SCHEMA.CreativeWork)
        assert str(graph.value(work, SCHEMA.name)) == element.display_title, element.code
        assert str(graph.value(work, SCHEMA.identifier)) == element.code
        assert str(graph.value(work, SCHEMA.url)) == f"{ORIGIN}{element.get_absolute_url()}"
        assert str(graph.value(work, SCHEMA.sameAs)) == f"{ORIGIN}/r/2025-2028/{element.code}/"
        part_of = graph.value(work, SCHEMA.isPartOf)
        assert str(graph.value(part_of, SCHEMA.name)) == strategy.title
        assert data["genre"] == element.get_kind_display()


# --- Embedding: the card, its frame headers, oEmbed -------------------------------------------

STRICT_FRAME = "frame-ancestors 'none'"


def test_every_element_has_a_card_made_for_an_iframe(client, strategy):
    """Bug prevented: a municipality copying a strategy's text by hand onto its web site (and
    it going stale), because there is nothing light and self-contained to embed."""
    for element in StrategyElement.objects.all():
        response = client.get(f"/r/{element.code.lower()}/kort/")
        assert response.status_code == 200, element.code
        html = response.content.decode()
        text = page_text(html)
        assert '<html lang="nb">' in html
        assert '<link rel="stylesheet" href="/static/css/card.css">' in html
        assert '<meta name="robots" content="noindex">' in html
        assert "<script" not in html and not re.search(r"<[^<>]*\sstyle=", html)
        assert f"{element.code} {element.get_kind_display()}" in text, element.code
        assert element.display_title in text, element.code
        assert f"Fra «{strategy.title}», Osloregionen IPR" in text, element.code
        page = f"{ORIGIN}{element.get_absolute_url()}"
        assert f'<a href="{page}" target="_blank" rel="noopener">' in html, element.code
        assert len(response.content) < 3000, element.code
    html = client.get("/r/KM/kort/").content.decode()
    assert "Klimaendringer og naturkrise er to overgripende utfordringer" in page_text(html)


def test_only_the_card_may_be_framed_by_other_sites(client, strategy):
    """Bug prevented: the card refused inside another site's iframe, or the frame permission
    leaking to the rest of the portal (clickjacking of pages, search or admin)."""
    card = client.get("/r/T-S2/kort/")
    policy = card["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and STRICT_FRAME not in policy
    assert policy.replace("frame-ancestors *", STRICT_FRAME) == STRICT_CSP
    assert not card.has_header("X-Frame-Options")
    for answer in (client.get("/r/T-S2/kort/"), client.get("/r/FINNES-IKKE/kort/")):
        assert "frame-ancestors *" in answer["Content-Security-Policy"], answer.status_code
        assert not answer.has_header("X-Frame-Options"), answer.status_code
    # A 304 updates the headers the browser stored with the card: never with a denial.
    not_modified = client.get("/r/T-S2/kort/", HTTP_IF_NONE_MATCH=card["ETag"])
    assert not_modified.status_code == 304
    assert not not_modified.has_header("X-Frame-Options")
    assert STRICT_FRAME not in not_modified.get("Content-Security-Policy", "")
    StrategyElement.objects.get(code="B-S4").delete()
    element = StrategyElement.objects.get(code="T-S2")
    for url in (
        "/",
        element.get_absolute_url(),
        "/hele-strategien/",
        "/api/",
        "/sok/?q=transport",
        "/tilgjengelighet/",
        "/finnes-ikke/",
        "/r/B-S4/",
        "/r/T-S2/referanse.ris",
        "/api/strategi.json",
        f"/oembed?url={ORIGIN}/",
        "/admin/login/",
    ):
        response = client.get(url)
        assert STRICT_FRAME in response["Content-Security-Policy"], url
        assert response["X-Frame-Options"] == "DENY", url


def test_the_card_of_a_draft_or_unknown_code_is_a_framable_404(client, strategy):
    """Bug prevented: a draft's title shown on another site through its card, or a broken
    frame (the portal's framing-denied 404 page) where the card used to be."""
    StrategyElement.objects.filter(code="T").update(is_published=False)
    for code in ("T", "T-S2", "FINNES-IKKE"):
        response = client.get(f"/r/{code}/kort/")
        assert response.status_code == 404, code
        html = response.content.decode()
        assert f"Fant ikke elementet {code}" in page_text(html)
        assert "Transport og mobilitet" not in html
        assert "frame-ancestors *" in response["Content-Security-Policy"]


def oembed(client, **params):
    return client.get("/oembed", params)


def test_oembed_gives_the_card_for_every_address_of_an_element(client, strategy):
    """Bug prevented: a CMS that supports oEmbed unable to embed an element from the link an
    editor has (the page, the permanent link, an old link, the card itself)."""
    validator = Draft202012Validator(
        client.get("/api/skjema/oembed.schema.json").json(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    element = StrategyElement.objects.get(code="T-S2")
    old_path = element.path
    page = f"{ORIGIN}{element.get_absolute_url()}"
    for url in (
        page,
        f"{ORIGIN}/r/t-s2/",
        f"{ORIGIN}/r/T-S2/kort/",
        f"{ORIGIN}/r/2025-2028/T-S2/",
        f"{ORIGIN}/r/2025-2028/T-S2/kort/",
        f"{ORIGIN}/utgaver/2025-2028/{element.path}/",
    ):
        response = oembed(client, url=url, format="json")
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json"
        data = response.json()
        assert list(validator.iter_errors(data)) == [], url
        assert data["type"] == "rich" and data["version"] == "1.0"
        assert (data["width"], data["height"]) == (480, 280)
        assert data["html"] == (
            f'<iframe src="{ORIGIN}/r/2025-2028/T-S2/kort/" width="480" height="280" '
            f'title="Strategi T-S2: {element.title}" loading="lazy" '
            'style="border:0;max-width:100%"></iframe>'
        )
        assert data["provider_url"] == f"{ORIGIN}/"
    element.slug = "nytt-navn"
    element.save()
    moved = oembed(client, url=f"{ORIGIN}/{old_path}/").json()
    assert f'src="{ORIGIN}/r/2025-2028/T-S2/kort/"' in moved["html"]
    for front_page in (f"{ORIGIN}/", f"{ORIGIN}/utgaver/2025-2028/"):
        front = oembed(client, url=front_page).json()
        assert f'src="{ORIGIN}/r/2025-2028/OR/kort/"' in front["html"]
    assert oembed(client, url=page).status_code == 200  # format=json is the default


def test_oembed_respects_maxwidth_and_maxheight(client, strategy):
    """Bug prevented: an embed wider or taller than the space the CMS has for it."""
    url = f"{ORIGIN}/r/T-S2/"
    for params, size in (
        ({"maxwidth": "300"}, (300, 280)),
        ({"maxheight": "200"}, (480, 200)),
        ({"maxwidth": "320", "maxheight": "150"}, (320, 150)),
        ({"maxwidth": "2000", "maxheight": "2000"}, (480, 280)),
    ):
        data = oembed(client, url=url, **params).json()
        assert (data["width"], data["height"]) == size, params
        assert f'width="{size[0]}" height="{size[1]}"' in data["html"], params


def test_oembed_refuses_drafts_unknown_addresses_other_sites_and_formats(client, strategy):
    """Bug prevented: a draft embedded on another site through oEmbed, or a 500 for a
    malformed request; the statuses are the oEmbed specification's."""
    StrategyElement.objects.filter(code="T").update(is_published=False)
    draft_page = f"{ORIGIN}{StrategyElement.objects.get(code='T-S2').get_absolute_url()}"
    cases = [
        ({"url": draft_page}, 404, "Fant ingen publisert side"),
        ({"url": f"{ORIGIN}/r/T/"}, 404, "Fant ingen publisert side"),
        ({"url": f"{ORIGIN}/finnes-ikke/"}, 404, "Fant ingen publisert side"),
        ({"url": f"{ORIGIN}/api/strategi.json"}, 404, "Fant ingen publisert side"),
        ({"url": "https://example.org/r/S1/"}, 404, "Fant ingen publisert side"),
        ({"url": "javascript:alert(1)"}, 404, "Fant ingen publisert side"),
        ({"url": "http://[ugyldig/"}, 404, "Fant ingen publisert side"),
        ({"url": f"{ORIGIN}/r/S1/", "format": "xml"}, 501, "Bare format=json"),
        ({}, 400, "Mangler «url»"),
        ({"url": f"{ORIGIN}/r/S1/", "maxwidth": "bred"}, 400, "«maxwidth» må være"),
        ({"url": f"{ORIGIN}/r/S1/", "maxheight": "0"}, 400, "«maxheight» må være"),
        ({"url": f"{ORIGIN}/r/S1/", "maxwidth": "-5"}, 400, "«maxwidth» må være"),
    ]
    for params, status, message in cases:
        response = oembed(client, **params)
        assert response.status_code == status, params
        assert message in response.json()["feil"], params
    assert oembed(client, url=f"{ORIGIN}/r/S1/").status_code == 200


def test_element_pages_announce_their_oembed_endpoint(client, strategy):
    """Bug prevented: a CMS finding no oEmbed endpoint on the page an editor pastes."""
    for code in ("T-S2", "KM", "V", "TT3"):
        element = StrategyElement.objects.get(code=code)
        links = head_of(client, element.get_absolute_url()).links
        [discovery] = [link for link in links if link.get("type") == "application/json+oembed"]
        assert discovery["rel"] == "alternate"
        assert discovery["title"] == f"{element.get_kind_display()} {code}: {element.title}"
        response = client.get(discovery["href"])
        assert response.status_code == 200, code
        assert f'src="{ORIGIN}/r/2025-2028/{code}/kort/"' in response.json()["html"]
