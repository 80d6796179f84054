"""WCAG 2.1 AA in a real browser: every public page, found by crawling from the front page, is
checked by axe-core and the Nu Html Checker, at phone width and at 200 % zoom, with and without
JavaScript; the keyboard path through the front page is walked with the Tab key."""

from __future__ import annotations

import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from strategy.models import Kind, StrategyElement
from tests import browser

# django_db makes pytest-django create the test database; the data itself is loaded once for
# the module by the ``site`` fixture, outside each test's transaction.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

MISSING_PAGE = "/denne-siden-finnes-ikke/"
# The widths of the reflow checks: 320 CSS px (WCAG 1.4.10) and a 1280 px screen at 200 % zoom.
NARROW, ZOOMED, WIDE = 320, 640, 1280


@pytest.fixture(scope="module")
def site(chromium, django_db_setup, django_db_blocker):
    """The portal with the real strategy, served for the whole module, so that the pages are
    crawled once and every test below reads the same crawl (started after Playwright, see
    ``browser.live_site``)."""
    with browser.live_site(
        django_db_blocker, lambda: call_command("load_strategy", "strategy", verbosity=0), chromium
    ) as url:
        yield url


@pytest.fixture(scope="module")
def pages(site, chromium) -> dict[str, browser.PageReport]:
    """Every page reachable from the front page (plus the 404 page), each run through axe-core
    at full width and measured for horizontal overflow at 320 px and at 200 % zoom."""
    context = chromium.new_context(viewport={"width": WIDE, "height": 900}, bypass_csp=True)
    page = context.new_page()

    def inspect(page, report):
        if report.status == 200 or report.path == MISSING_PAGE:
            report.axe_violations = browser.run_axe(page)
            for width in (NARROW, ZOOMED):
                report.overflow[width] = browser.overflow_at(page, width)
            page.set_viewport_size({"width": WIDE, "height": 900})

    reports = browser.crawl(page, site, seeds=seeds(), inspect=inspect)
    context.close()
    return reports


@pytest.fixture(scope="module")
def pages_without_javascript(site, chromium) -> dict[str, browser.PageReport]:
    context = chromium.new_context(java_script_enabled=False)
    reports = browser.crawl(context.new_page(), site, seeds=seeds())
    context.close()
    return reports


def element_urls() -> set[str]:
    return {
        element.get_absolute_url()
        for element in StrategyElement.objects.public().exclude(kind=Kind.DOCUMENT)
    }


def seeds() -> list[str]:
    """The front page, a missing page, and every element's permanent address: council
    documents link to elements that no page of the portal links to (the untitled closing
    text). Every other page (the whole strategy, the statement, pages added later) is found
    by following links."""
    return ["/", MISSING_PAGE, *sorted(element_urls())]


def paths(reports: dict[str, browser.PageReport]) -> set[str]:
    return {
        urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        for url in reports
    }


def test_the_crawl_reaches_every_published_page(pages):
    """Bug prevented: a crawler that does not follow links, so every check below passes on
    the seeds while the pages only reachable by a link go unchecked."""
    found = paths(pages)
    assert len(element_urls()) > 50
    assert element_urls() <= found
    linked_only = {
        reverse("strategy:whole-strategy"),
        reverse("strategy:accessibility-statement"),
        reverse("strategy:api"),
    }
    assert not linked_only & set(seeds())
    assert linked_only <= found, sorted(linked_only - found)
    problems = {
        report.path: report.status
        for report in pages.values()
        if report.status != (404 if report.path == MISSING_PAGE else 200)
    }
    assert not problems, problems


def test_no_axe_core_violations_on_any_page(pages):
    """Bug prevented: a WCAG 2.0/2.1 A or AA failure (contrast below 4.5:1, a link or button
    without a name, a missing label, wrong ARIA) on any public page."""
    # One line per rule and element, with the pages it occurs on: a fault in base.html
    # reads as one problem, not sixty.
    found: dict[str, list[str]] = {}
    for report in pages.values():
        for violation in report.axe_violations:
            for node in violation["nodes"]:
                key = f"{violation['id']} ({violation['impact']}): {violation['help']}\n    {node}"
                found.setdefault(key, []).append(report.path)
    assert not found, "axe-core fant brudd:\n" + "\n".join(
        f"  {problem}\n    sider: {', '.join(paths[:3])}"
        + (f" og {len(paths) - 3} til" if len(paths) > 3 else "")
        for problem, paths in found.items()
    )


def test_every_page_is_valid_html(pages, tmp_path):
    """Bug prevented: invalid markup (duplicate ids, a <div> inside a <p>, a misplaced
    attribute) that assistive technology reads differently from what the browser shows."""
    errors = browser.validate_html(
        {report.path: report.html for report in pages.values()}, tmp_path
    )
    assert len(list(tmp_path.iterdir())) == len(pages)
    assert not errors, "Nu Html Checker fant feil:\n" + "\n".join(
        f"  {url}\n    " + "\n    ".join(found) for url, found in errors.items()
    )


def test_landmarks_skip_link_and_heading_structure_on_every_page(pages):
    """Bug prevented: a page without its header, menu, main or footer landmark, without the
    skip link, with two <h1> or none, or with a heading level skipped (h2 → h4)."""
    problems = [
        (report.path, problem)
        for report in pages.values()
        for problem in browser.structure_problems(report.facts)
    ]
    assert not problems, problems


def test_breadcrumbs_are_a_labelled_nav_marking_the_current_page(pages):
    """Bug prevented: breadcrumbs that a screen reader cannot tell from the main menu, or that
    do not say which page the reader is on."""
    element_pages = [report for report in pages.values() if report.facts["isElementPage"]]
    assert len(element_pages) > 50
    for report in element_pages:
        assert len(report.facts["breadcrumbs"]) == 1, report.path
    problems = [
        (report.path, problem)
        for report in pages.values()
        for problem in browser.breadcrumb_problems(report.facts)
    ]
    assert not problems, problems


def test_links_make_sense_out_of_context(pages):
    """Bug prevented: "les mer"/"klikk her" links, empty links, and one link text leading to
    two different pages, which a screen reader's list of links cannot tell apart."""
    problems = [
        (report.path, problem)
        for report in pages.values()
        for problem in browser.link_problems(report.facts)
    ]
    assert not problems, problems


def test_no_horizontal_scrolling_at_320_px_and_at_200_percent_zoom(pages):
    """Bug prevented: a long word, code, table or menu that makes a phone reader (320 CSS px)
    or a reader zoomed to 200 % scroll sideways to read each line (WCAG 1.4.10, 1.4.4)."""
    checked = [report for report in pages.values() if report.overflow]
    assert len(checked) == len(pages)
    overflowing = {
        (report.path, width): found
        for report in checked
        for width, found in report.overflow.items()
        if found is not None
    }
    assert not overflowing, overflowing


def test_pages_are_ready_for_a_strict_content_security_policy(pages):
    """Bug prevented: inline <script>, <style> or style="" (blocked by the coming CSP, so the
    page would break) and scripts, fonts or stylesheets loaded from another site."""
    problems = {
        report.path: {
            key: report.facts[key]
            for key in (
                "inlineScripts",
                "externalScripts",
                "styleAttributes",
                "styleElements",
                "externalStylesheets",
            )
            if report.facts[key]
        }
        for report in pages.values()
    }
    assert not {path: found for path, found in problems.items() if found}


def test_everything_works_without_javascript(pages, pages_without_javascript):
    """Bug prevented: pages or links that only exist when JavaScript runs (a menu built by a
    script), and visible buttons that do nothing without JavaScript."""
    assert paths(pages_without_javascript) == paths(pages)
    for report in pages_without_javascript.values():
        expected = 404 if report.path == MISSING_PAGE else 200
        assert report.status == expected, report.path
        assert report.facts["deadButtons"] == [], (report.path, report.facts["deadButtons"])


def visible_focus(page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return {
            tag: el.tagName.toLowerCase(),
            id: el.id,
            text: (el.innerText || '').replace(/\\s+/g, ' ').trim(),
            inHeaderNav: el.closest('.site-nav') !== null,
            inMain: el.closest('main') !== null,
            index: Number(el.dataset.tabIndexInDom ?? -1),
            outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
            box: el.getBoundingClientRect().toJSON(),
          };
        }"""
    )


def test_keyboard_skip_link_focus_order_and_visible_focus(site, chromium):
    """Bug prevented: a skip link that is not the first Tab stop or does not move focus to the
    main content, a focus order that jumps around the page, and focus without a visible
    outline (WCAG 2.4.1, 2.4.3, 2.4.7)."""
    context = chromium.new_context(viewport={"width": WIDE, "height": 900})
    page = context.new_page()
    page.goto(site)

    page.keyboard.press("Tab")
    first = visible_focus(page)
    assert first["text"] == "Hopp til hovedinnhold"
    assert first["outline"]
    assert first["box"]["top"] >= 0 and first["box"]["height"] > 0, "skip link not shown"
    page.keyboard.press("Enter")
    assert visible_focus(page)["id"] == "hovedinnhold"
    page.keyboard.press("Tab")
    assert visible_focus(page)["inMain"], "Tab after the skip link must stay in the content"

    page.goto(site)
    tabbable = page.evaluate(
        """() => {
          const all = [...document.querySelectorAll('a[href], button, input, select, textarea')];
          all.forEach((el, i) => { el.dataset.tabIndexInDom = i; });
          return all.length;
        }"""
    )
    stops = []
    for _ in range(tabbable + 1):
        page.keyboard.press("Tab")
        focus = visible_focus(page)
        if focus["tag"] == "body" or (stops and focus["index"] <= stops[-1]["index"]):
            break  # past the last link, focus leaves the page
        stops.append(focus)
    assert len(stops) > 20
    assert [stop["index"] for stop in stops] == sorted(stop["index"] for stop in stops)
    assert [stop["text"] for stop in stops if not stop["outline"]] == []
    menu = [stop for stop in stops if stop["inHeaderNav"]]
    assert menu[0]["text"] == "Forside" and menu[-1]["text"] == "Hele strategien"
    positions = [(round(stop["box"]["top"]), stop["box"]["left"]) for stop in menu]
    assert positions == sorted(positions), "menu focus order differs from its visual order"
    context.close()


def test_copy_buttons_put_the_citation_on_the_clipboard(site, chromium, pages):
    """Bug prevented: a "Kopier" button that copies nothing, or something other than the
    citation shown next to it. Contract: ``button[data-copy-target="ID"]`` copies the text of
    the element with that id."""
    context = chromium.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site)
    # The check itself works: this browser lets the test read what a page copies.
    probe = "Strategi for Osloregionen – prøvetekst"
    assert (
        page.evaluate(
            "async (text) => { await navigator.clipboard.writeText(text);"
            " return navigator.clipboard.readText(); }",
            probe,
        )
        == probe
    )

    with_buttons = {
        url: report.facts["copyTargets"]
        for url, report in pages.items()
        if report.facts["copyTargets"]
    }
    if not with_buttons:
        # No citation box yet: the portal has no copy button anywhere, and the loop below
        # will exercise each one as soon as a page gets one.
        assert sum(len(r.facts["copyTargets"]) for r in pages.values()) == 0
    for url, targets in with_buttons.items():
        page.goto(url)
        for target in targets:
            page.evaluate("() => navigator.clipboard.writeText('')")
            expected = page.evaluate(
                "(id) => { const el = document.getElementById(id);"
                " return el ? (el.value ?? el.innerText).trim() : null; }",
                target,
            )
            assert expected, (url, f"no element with id {target!r} to copy")
            page.click(f'button[data-copy-target="{target}"]')
            copied = page.evaluate("() => navigator.clipboard.readText()")
            assert copied.strip() == expected, (url, target, copied)
    context.close()


def png_width(path) -> int:
    with open(path, "rb") as png:
        header = png.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", header[16:20])[0]


def test_screenshots_for_a_person_to_look_at(site, chromium):
    """Bug prevented: a layout nobody has looked at on a phone (390 px) or a desktop
    (1280 px); the pictures land in screenshots/ (git-ignored)."""
    focus_area = StrategyElement.objects.filter(kind=Kind.FOCUS_AREA).first()
    element = StrategyElement.objects.filter(kind=Kind.STRATEGY, level=3).first()
    shots = {
        "forside": "/",
        "innsatsomrade": focus_area.get_absolute_url(),
        "element": element.get_absolute_url(),
    }
    browser.SCREENSHOTS.mkdir(exist_ok=True)
    for width in (390, 1280):
        context = chromium.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for name, path in shots.items():
            response = page.goto(urljoin(site, path))
            assert response.status == 200, path
            target = browser.SCREENSHOTS / f"{name}-{width}.png"
            target.unlink(missing_ok=True)
            page.screenshot(path=target, full_page=True)
            assert png_width(target) == width
        context.close()


# --- The embeddable card: checked like every page, and framed by another site -------------


def card_urls() -> dict[str, str]:
    """One card per kind of element, and the card of an unknown code (a 404 that frames)."""
    cards = {}
    for kind in Kind.values:
        element = StrategyElement.objects.public().filter(kind=kind).first()
        if element is not None:
            cards[kind] = reverse("strategy:card", kwargs={"code": element.code})
    cards["ukjent"] = reverse("strategy:card", kwargs={"code": "FINNES-IKKE"})
    return cards


def test_embed_cards_pass_axe_and_the_html_checker(site, chromium, tmp_path):
    """Bug prevented: a card that fails WCAG (contrast, link name, language) or is invalid
    HTML on the municipalities' pages, where the portal's own checks never look."""
    # As in the crawl: axe-core is injected as an inline script (the framing test below
    # enforces the policy).
    context = chromium.new_context(viewport={"width": 480, "height": 280}, bypass_csp=True)
    page = context.new_page()
    cards = card_urls()
    assert len(cards) == len(Kind.values) + 1
    html, problems = {}, {}
    for name, path in cards.items():
        response = page.goto(urljoin(site, path))
        assert response.status == (404 if name == "ukjent" else 200), path
        html[path] = response.text()
        facts = page.evaluate(browser.PAGE_FACTS_JS)
        assert facts["lang"] == "nb", path
        assert [h["level"] for h in facts["headings"]] == [1], path
        assert facts["inlineScripts"] == 0 and not facts["styleAttributes"], path
        violations = browser.run_axe(page)
        if violations:
            problems[path] = [(v["id"], v["nodes"]) for v in violations]
        for width in (200, 320):
            assert browser.overflow_at(page, width) is None, (path, width)
        page.set_viewport_size({"width": 480, "height": 280})
    context.close()
    assert not problems, problems
    errors = browser.validate_html(html, tmp_path)
    assert not errors, errors


class _HostPage(BaseHTTPRequestHandler):
    """Another web site (another origin: another port) that frames the portal."""

    body = b""

    def do_GET(self):  # the name http.server calls
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def other_site(site):
    """A page on another origin with an iframe of a card and one of an ordinary page."""
    element = StrategyElement.objects.get(code="T-S2")
    card = urljoin(site, reverse("strategy:card", kwargs={"code": "T-S2"}))
    ordinary = urljoin(site, element.get_absolute_url())
    handler = type(
        "Host",
        (_HostPage,),
        {
            "body": (
                '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>Kommune'
                f'</title></head><body><h1>Kommunen</h1><iframe id="kort" src="{card}" '
                'width="480" height="280" title="Kort"></iframe><iframe id="side" '
                f'src="{ordinary}" width="480" height="280" title="Side"></iframe></body></html>'
            ).encode()
        },
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", card, ordinary
    finally:
        server.shutdown()
        server.server_close()


def test_the_card_is_framed_by_a_page_from_another_origin(chromium, other_site):
    """Bug prevented: the «Bygg inn» code showing an empty, refused frame on the
    municipality's page (frame-ancestors or X-Frame-Options), while an ordinary page of the
    portal must still be refused there. The policy is enforced (no bypass) and the card
    breaks none of it."""
    host, card, ordinary = other_site
    assert urlsplit(host).netloc != urlsplit(card).netloc
    context = chromium.new_context()
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(host, wait_until="load")
    frames = {frame.url: frame for frame in page.frames}
    assert card in frames, list(frames)
    title = StrategyElement.objects.get(code="T-S2").title
    assert frames[card].locator("h1").inner_text() == title
    assert frames[card].evaluate("() => getComputedStyle(document.body).margin") == "0px"
    assert ordinary not in frames or frames[ordinary].locator("h1").count() == 0
    # Chromium names the refused frame's origin only; the card's frame has loaded (above).
    refusals = [text for text in console if "frame-ancestors" in text]
    assert len(refusals) == 1, console
    assert "frame-ancestors 'none'" in refusals[0] and urlsplit(card).netloc in refusals[0]
    assert not [text for text in console if "Content Security Policy" in text and card in text]
    context.close()


def test_pages_with_structured_data_break_no_content_security_policy(site, chromium):
    """Bug prevented: the JSON-LD block (or anything else new on the element pages) refused
    by the strict policy, which the crawl above does not enforce."""
    context = chromium.new_context()
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    for path in ("/", StrategyElement.objects.get(code="T-S2").get_absolute_url(), "/api/"):
        response = page.goto(urljoin(site, path))
        assert response.status == 200, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert not [text for text in console if "Content Security Policy" in text], console
    context.close()
