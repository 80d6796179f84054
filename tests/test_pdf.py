"""«Last ned PDF» (issue 15): the whole strategy and each focus area as a tagged PDF made by
WeasyPrint, opened here with pypdf and pikepdf; made once per content version and served
from a cache."""

import io
import re
import threading
import time

import pikepdf
import pypdf
import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from strategy.models import ContentVersion, Kind, StrategyElement
from strategy.public_site import citation, pdf
from strategy.text import render_markdown
from tests.helpers import normalise, page_text

WHOLE = reverse("strategy:strategy-pdf")


ORIGIN = settings.CANONICAL_ORIGIN


def focus_area_pdf(code: str) -> str:
    return reverse("strategy:element-pdf", kwargs={"code": code})


@pytest.fixture(autouse=True)
def pdf_cache(settings, tmp_path):
    """Each test its own PDF cache folder."""
    settings.PDF_CACHE_DIR = tmp_path / "pdf"
    return settings.PDF_CACHE_DIR


@pytest.fixture
def renders(monkeypatch):
    """Counts the PDFs made (their HTML written for WeasyPrint), by the element's code."""
    made = []
    real = pdf.pdf_html

    def counting(*args, **kwargs):
        made.append(args[1].code)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "pdf_html", counting)
    return made


@pytest.fixture(scope="module")
def whole_pdf(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole strategy's PDF, made once for the module's read-only checks."""
    from django.core.management import call_command
    from django.test import Client, override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(PDF_CACHE_DIR=tmp_path_factory.mktemp("pdf")),
    ):
        call_command("load_strategy", "strategy", verbosity=0)
        try:
            response = Client().get(WHOLE)
            elements = list(StrategyElement.objects.exclude(kind=Kind.DOCUMENT).order_by("lft"))
            version = ContentVersion.current()
        finally:
            call_command("flush", interactive=False, verbosity=0)
    assert response.status_code == 200
    return response, elements, version


def pdf_text(content: bytes) -> list[str]:
    """Each page's text, without the footnote markers («transport[3].»), which the page text
    of the HTML leaves out too."""
    return [
        normalise(re.sub(r"\[\d+\]", "", page.extract_text()))
        for page in pypdf.PdfReader(io.BytesIO(content)).pages
    ]


def paragraphs(element: StrategyElement) -> list[str]:
    found = [element.title] if element.title else []
    found += [page_text(p) for p in render_markdown(element.body).split("</p>") if page_text(p)]
    return [normalise(item) for item in found]


def test_the_pdf_holds_the_whole_strategy_verbatim(whole_pdf):
    """Bug prevented: a PDF that drops a paragraph, or changes the owner's words (hyphenation,
    «», ’ lost) - council cases attach it as the strategy."""
    response, elements, _version = whole_pdf
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content))
    assert len(elements) == 53
    for element in elements:
        for expected in paragraphs(element):
            assert expected in text, (element.code, expected[:60])


def test_every_page_carries_the_edition_the_date_it_was_made_and_its_number(whole_pdf):
    """Bug prevented: a loose printed page that cannot be traced to its text and date."""
    response, _elements, version = whole_pdf
    pages = pdf_text(response.content)
    assert len(pages) >= 5
    edition = f"Versjon {citation.norwegian_date(timezone.localtime(version.changed_at).date())}"
    made = f"Laget {citation.norwegian_date(citation.today())}"
    for number, text in enumerate(pages, start=1):
        assert edition in text, number
        assert made in text, number
        assert f"Side {number} av {len(pages)}" in text, number
        assert "Strategiske føringer for Osloregionen 2025–2028" in text, number


def test_bookmarks_follow_the_headings(whole_pdf):
    """Bug prevented: a long PDF without a navigable outline."""
    response, elements, _version = whole_pdf
    reader = pypdf.PdfReader(io.BytesIO(response.content))

    def titles(outline) -> list[str]:
        found = []
        for item in outline:
            found += titles(item) if isinstance(item, list) else [item.title]
        return found

    bookmarks = titles(reader.outline)
    assert bookmarks[0] == "Strategiske føringer for Osloregionen 2025–2028"
    for element in elements:
        if element.kind in {Kind.SECTION, Kind.FOCUS_AREA, Kind.THEME}:
            assert element.title in bookmarks, element.code
    for heading in ("Utfordringer", "Mål", "Strategier", "Delmål", "Kilder"):
        assert heading in bookmarks
    assert "Innhold" not in bookmarks  # the contents page is not a chapter


def test_metadata_title_author_and_language(whole_pdf):
    """Bug prevented: a PDF that a screen reader announces as «untitled» in English, or that
    a case archive cannot file by title and author."""
    response, _elements, _version = whole_pdf
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == "Strategiske føringer for Osloregionen 2025–2028"
    assert reader.metadata.author == "Osloregionen IPR"
    with pikepdf.open(io.BytesIO(response.content)) as document:
        assert str(document.Root.Lang) == "nb"
        assert document.Root.ViewerPreferences.DisplayDocTitle is True
        with document.open_metadata() as xmp:
            assert xmp["dc:title"] == "Strategiske føringer for Osloregionen 2025–2028"
            assert "Osloregionen IPR" in str(xmp["dc:creator"])
            assert xmp["pdfuaid:part"] == "1"  # PDF/UA-1


def test_the_pdf_is_tagged_for_assistive_technology(whole_pdf):
    """Bug prevented: an untagged PDF (no reading order, headings or lists for a screen
    reader), which universal design rules do not accept."""
    response, _elements, _version = whole_pdf
    with pikepdf.open(io.BytesIO(response.content)) as document:
        assert document.Root.MarkInfo.Marked is True
        roles: set[str] = set()

        def walk(node, depth=0):
            if depth > 60:
                return
            if isinstance(node, pikepdf.Dictionary):
                if "/S" in node:
                    roles.add(str(node.S))
                kids = node.get("/K")
                if kids is not None:
                    walk(kids, depth + 1)
            elif isinstance(node, pikepdf.Array):
                for kid in node:
                    walk(kid, depth + 1)

        walk(document.Root.StructTreeRoot.K)
    assert {"/H1", "/H2", "/H3", "/P", "/L", "/LI", "/Link"} <= roles


def test_permanent_links_are_clickable(whole_pdf):
    """Bug prevented: a printed link nobody can click in the PDF attached to a council case."""
    response, elements, _version = whole_pdf
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    uris = {
        annotation.get_object()["/A"].get("/URI")
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link"
        and "/URI" in annotation.get_object().get("/A", {})
    }
    for element in elements:
        if element.kind in {Kind.STRATEGY, Kind.FOCUS_AREA, Kind.THEME}:
            assert f"{settings.CANONICAL_ORIGIN}/r/2025-2028/{element.code}/" in uris, element.code


def test_a_focus_area_pdf_holds_that_focus_area_only(client, strategy):
    """Bug prevented: a focus area's PDF with the whole strategy in it, or with a part of the
    focus area missing."""
    transport = StrategyElement.objects.get(code="T")
    response = client.get(focus_area_pdf("t"))  # codes in any case, as /r/<code>/
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="transport-og-mobilitet.pdf"'
    text = " ".join(pdf_text(response.content))
    for element in transport.get_descendants(include_self=True):
        for expected in paragraphs(element):
            assert expected in text, element.code
    assert StrategyElement.objects.get(code="K-S1").title not in text
    assert "NOU 2023: 25" in text  # its source
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert (
        reader.metadata.title
        == "Transport og mobilitet – Strategiske føringer for Osloregionen 2025–2028"
    )


@pytest.mark.parametrize("code", ["T-S2", "TT1", "IO", "OR", "FINNES-IKKE", "K" * 20])
def test_only_focus_areas_have_a_pdf(client, strategy, code):
    """Bug prevented: a 500, or a PDF for something that is not a focus area."""
    assert client.get(focus_area_pdf(code)).status_code == 404


def test_a_draft_focus_area_has_no_pdf(client, strategy):
    """Bug prevented: a draft leaking out as a PDF."""
    StrategyElement.objects.filter(code="T").update(is_published=False)
    ContentVersion.bump()
    assert client.get(focus_area_pdf("T")).status_code == 404


def test_a_pdf_is_made_once_per_content_version_and_then_read_from_the_cache(
    client, strategy, renders, pdf_cache
):
    """Bug prevented: WeasyPrint running for every download (seconds each), or a stale PDF
    after an edit."""
    first = client.get(WHOLE)
    assert renders == ["OR"]
    caches["pages"].clear()  # the page cache is per worker: a worker without it
    second = client.get(WHOLE)
    assert renders == ["OR"]  # read from the file cache, not made again
    assert second.content == first.content
    assert len(list(pdf_cache.glob("*.pdf"))) == 1

    transport = StrategyElement.objects.get(code="T")
    transport.title = "Transport og mobilitet i hele regionen"
    transport.save()
    third = client.get(WHOLE)
    assert renders == ["OR", "OR"]
    assert "Transport og mobilitet i hele regionen" in " ".join(pdf_text(third.content))
    assert len(list(pdf_cache.glob("*.pdf"))) == 1  # the old version's file is removed


def test_concurrent_first_requests_make_the_pdf_once(strategy, pdf_cache, monkeypatch):
    """Bug prevented: five workers each laying out the same PDF after an edit."""
    made = []

    def write(html: str, base_url: str) -> bytes:
        made.append(html)
        time.sleep(0.1)  # the others arrive while this one lays it out
        return b"%PDF-1.7 prove"

    monkeypatch.setattr(pdf, "write_pdf", write)
    started = threading.Barrier(5)
    results = []

    def worker():
        started.wait()
        results.append(pdf.cached_pdf("OR", "versjon-1", lambda: ("<p>Prøve</p>", ORIGIN)))

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == ["<p>Prøve</p>"]
    assert results == [b"%PDF-1.7 prove"] * 5


def test_a_pdf_that_takes_long_answers_503_and_is_served_once_made(
    client, strategy, pdf_cache, monkeypatch, settings
):
    """Bug prevented: the first download after an edit of a large strategy (15 s of layout at
    2,000 elements) running into gunicorn's timeout, which kills the worker and shows the
    reader a bare 502. The request gives up waiting first, says in Norwegian that the PDF is
    being made, and the next request gets it."""
    settings.PDF_WAIT_SECONDS = 0.05
    real = pdf.write_pdf
    layouts = []

    def slow(html: str, base_url: str) -> bytes:
        layouts.append(1)
        time.sleep(0.5)
        return real(html, base_url)

    monkeypatch.setattr(pdf, "write_pdf", slow)
    waiting = client.get(WHOLE)
    assert waiting.status_code == 503 and waiting["Retry-After"] == "10"
    assert "no-store" in waiting["Cache-Control"]
    text = waiting.content.decode()
    assert "PDF-en lages nå" in text and f'href="{WHOLE}" download' in text
    deadline = time.monotonic() + 30
    while not list(pdf_cache.glob("strategien-*.pdf")) and time.monotonic() < deadline:
        time.sleep(0.1)
    ready = client.get(WHOLE)
    assert ready.status_code == 200 and ready.content.startswith(b"%PDF")
    assert layouts == [1]  # made once, by the first request's thread


def test_the_pdf_has_proper_headers_and_answers_304(client, strategy):
    """Bug prevented: a PDF re-downloaded in full every time, or opened as text."""
    response = client.get(WHOLE)
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="strategiske-foringer-for-osloregionen-2025-2028.pdf"'
    )
    assert response["ETag"] and response["Last-Modified"]
    assert "must-revalidate" in response["Cache-Control"]
    assert "Content-Encoding" not in response  # already compressed: never gzipped again
    again = client.get(WHOLE, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_pages_never_touch_the_pdf_cache(client, strategy, renders, pdf_cache):
    """Bug prevented: a page view that makes (or checks) a PDF and gets slower for it."""
    transport = StrategyElement.objects.get(code="T")
    for url in (
        reverse("strategy:front-page"),
        reverse("strategy:whole-strategy"),
        transport.get_absolute_url(),
    ):
        with CaptureQueriesContext(connection):
            assert client.get(url).status_code == 200
    assert renders == []
    assert not pdf_cache.exists() or not any(pdf_cache.iterdir())


def test_pages_link_to_their_pdf(client, strategy):
    """Bug prevented: a PDF nobody finds: «Last ned PDF» on «Hele strategien» and on every
    focus area's page, and nowhere else."""
    html = client.get(reverse("strategy:whole-strategy")).content.decode()
    assert f'<a class="page-actions__link" href="{WHOLE}" download>Last ned PDF</a>' in html
    for element in StrategyElement.objects.exclude(kind=Kind.DOCUMENT):
        html = client.get(element.get_absolute_url()).content.decode()
        link = f'href="{focus_area_pdf(element.code)}" download>Last ned PDF</a>'
        assert (link in html) == (element.kind == Kind.FOCUS_AREA), element.code


def test_a_superseded_edition_keeps_its_own_pdfs(client, strategy, pdf_cache):
    """Bug prevented: after a new edition is adopted, the 2025–2028 focus area's page offered
    «Last ned PDF» of the same code in the edition in force (/pdf/T.pdf), and the 2025–2028
    strategy had no PDF at all - the document council cases attach."""
    from strategy.models import Edition

    following = Edition.objects.start_new("2029-2032")
    renamed = StrategyElement.objects.get(edition=following, code="T")
    renamed.title = "Mobilitet fra 2029"
    renamed.save()
    following.adopt(timezone.localdate(), "28/1")
    old_area = StrategyElement.objects.select_related("edition").get(
        edition__period="2025-2028", code="T"
    )
    page = client.get(old_area.get_absolute_url()).content.decode()
    assert 'href="/utgaver/2025-2028/pdf/T.pdf" download>Last ned PDF' in page
    area_pdf = client.get("/utgaver/2025-2028/pdf/T.pdf")
    assert area_pdf["Content-Disposition"] == (
        'attachment; filename="transport-og-mobilitet-2025-2028.pdf"'
    )
    text = " ".join(pdf_text(area_pdf.content))
    assert "Transport og mobilitet" in text and "Mobilitet fra 2029" not in text
    assert "Mobilitet fra 2029" in " ".join(pdf_text(client.get(focus_area_pdf("T")).content))
    whole_page = client.get("/utgaver/2025-2028/hele-strategien/").content.decode()
    assert 'href="/utgaver/2025-2028/pdf/strategien.pdf" download>' in whole_page
    whole = client.get("/utgaver/2025-2028/pdf/strategien.pdf")
    assert whole["Content-Disposition"] == (
        'attachment; filename="strategiske-foringer-for-osloregionen-2025-2028.pdf"'
    )
    reader = pypdf.PdfReader(io.BytesIO(whole.content))
    assert reader.metadata.title == "Strategiske føringer for Osloregionen 2025–2028"
    # Each edition's PDFs are cached apart: the other edition's does not evict it.
    client.get(WHOLE)
    cached = sorted(path.name.rsplit("-", 1)[0] for path in pdf_cache.glob("strategien-*.pdf"))
    assert cached == ["strategien-2025-2028", "strategien-2029-2032"]
    # A dated «Hele strategien» offers no PDF (it would be today's text).
    dated = client.get("/hele-strategien/", {"dato": timezone.localdate().isoformat()})
    assert "Last ned PDF" not in dated.content.decode()
    assert client.get("/utgaver/1999-2002/pdf/strategien.pdf").status_code == 404


def test_a_failing_layout_is_an_error_not_a_pdf_being_made_for_ever(
    strategy, pdf_cache, monkeypatch
):
    """Bug prevented: a WeasyPrint failure in the layout thread that the reader would see as
    «PDF-en lages nå» on every try, and nobody in the log."""

    def broken(html: str, base_url: str) -> bytes:
        raise ValueError("ødelagt stilark")

    monkeypatch.setattr(pdf, "write_pdf", broken)
    with pytest.raises(ValueError, match="ødelagt stilark"):
        pdf.cached_pdf("OR", "versjon-1", lambda: ("<p>Prøve</p>", ORIGIN))
    assert list(pdf_cache.glob("OR-*.pdf")) == []
