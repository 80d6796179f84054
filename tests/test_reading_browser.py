"""Issue 15 in a real browser (Debian's Chromium via Playwright): the phone header, footnote
targets, the contents column, the strategy map's boxes and focus, printing «Hele
strategien», the «Skriv ut» button and the size of a first visit."""

from __future__ import annotations

import io
import re
from datetime import date
from urllib.parse import urljoin, urlsplit

import pypdf
import pytest
from django.conf import settings
from django.urls import reverse

from strategy.models import Kind, StrategyElement
from tests.test_accessibility import site  # noqa: F401 (a module fixture; chromium: conftest)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WHOLE = reverse("strategy:whole-strategy")
MAP = reverse("strategy:strategy-map")
NORWEGIAN_MONTHS = [
    *("januar", "februar", "mars", "april", "mai", "juni", "juli", "august"),
    *("september", "oktober", "november", "desember"),
]


@pytest.fixture(scope="module")
def urls(site):  # noqa: F811
    """What the tests visit, read once from the database (before Playwright's loop runs)."""
    focus_areas = list(StrategyElement.objects.filter(kind=Kind.FOCUS_AREA).order_by("lft"))
    return {
        "focus_area": focus_areas[2].get_absolute_url(),
        "element": StrategyElement.objects.get(code="T-S2").get_absolute_url(),
        "focus_areas": [
            (area.code, area.get_children().filter(kind=Kind.STRATEGY).last().title)
            for area in focus_areas
        ],
    }


def new_page(chromium, width, height=900, **options):
    context = chromium.new_context(viewport={"width": width, "height": height}, **options)
    return context, context.new_page()


def test_the_phone_header_is_compact_and_folds_without_javascript(chromium, site):  # noqa: F811
    """Bug prevented: a header that takes 330 of 844 px on a 320 px phone, and a menu or
    search that needs JavaScript to open."""
    context, page = new_page(chromium, 320, 844, java_script_enabled=False)
    page.goto(site)
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 100, header
    menu_link = page.locator(".site-nav a", has_text="Hele strategien")
    search = page.locator("#sok-felt")
    assert not menu_link.is_visible() and not search.is_visible()
    for toggle in page.locator(".fold__toggle").all():
        box = toggle.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
    page.get_by_text("Meny", exact=True).click()
    assert menu_link.is_visible()
    page.get_by_text("Søk", exact=True).first.click()
    assert search.is_visible()
    assert not menu_link.is_visible()  # one panel at a time
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()

    context, page = new_page(chromium, 1280)
    page.goto(site)
    assert page.locator(".site-nav a", has_text="Hele strategien").is_visible()
    assert page.locator("#sok-felt").is_visible()
    assert not page.locator(".fold__toggle").first.is_visible()
    context.close()


def test_footnote_markers_are_24px_targets_with_a_way_back(chromium, site):  # noqa: F811
    """Bug prevented: an 18 × 15 px footnote marker, and a jump to the sources that leaves
    the reader there (WCAG 2.2, 2.5.8)."""
    context, page = new_page(chromium, 390, 844)
    page.goto(site)
    markers = page.locator(".fotnote a")
    assert markers.count() >= 2
    for marker in markers.all():
        box = marker.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, box
    first = markers.first
    marker_id = first.get_attribute("id")
    first.click()
    assert urlsplit(page.url).fragment == first.get_attribute("href").lstrip("#")
    page.locator(f'.sources__back[href="#{marker_id}"]').click()
    assert urlsplit(page.url).fragment == marker_id
    top = page.evaluate(f"document.getElementById('{marker_id}').getBoundingClientRect().top")
    assert 0 <= top < 844
    context.close()


def test_the_contents_stay_in_view_beside_the_text_on_a_wide_screen(chromium, site, urls):  # noqa: F811
    """Bug prevented: the content using the left 60 % of a 1280 px screen, and a contents
    list that scrolls away."""
    for path in (WHOLE, urls["focus_area"]):
        context, page = new_page(chromium, 1280)
        page.goto(urljoin(site, path))
        toc = page.locator("nav.toc")
        main = page.locator(".with-contents__main, .element__main").first
        assert toc.bounding_box()["x"] + toc.bounding_box()["width"] <= main.bounding_box()["x"]
        page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
        box = toc.bounding_box()
        assert 0 <= box["y"] <= 100, (path, box)  # still on screen, at the top
        context.close()
    context, page = new_page(chromium, 390)
    page.goto(urljoin(site, WHOLE))
    assert page.locator("nav.toc").evaluate("el => getComputedStyle(el).position") == "static"
    context.close()


def test_an_element_page_uses_the_width_for_the_citation_and_the_siblings(
    chromium,
    site,  # noqa: F811
    urls,
):
    """Bug prevented: a short strategy page leaving most of a wide screen empty."""
    context, page = new_page(chromium, 1280)
    page.goto(urljoin(site, urls["element"]))
    text = page.locator(".element__main").bounding_box()
    aside = page.locator(".element__aside").bounding_box()
    assert aside["x"] >= text["x"] + text["width"]
    assert aside["y"] < text["y"] + text["height"]
    context.close()


BOX_FIT_JS = """
(svg) => [...svg.querySelectorAll('a.map-link')].flatMap((link) => {
  const box = link.querySelector('rect').getBBox();
  return [...link.querySelectorAll('text')].map((text) => {
    const t = text.getBBox();
    const inside = t.x >= box.x - 0.5 && t.y >= box.y - 0.5
      && t.x + t.width <= box.x + box.width + 0.5 && t.y + t.height <= box.y + box.height + 0.5;
    return inside ? null : link.querySelector('title').textContent;
  }).filter(Boolean);
})
"""


@pytest.mark.parametrize(("width", "layout"), [(320, "smal"), (390, "smal"), (1280, "bred")])
def test_the_map_text_stays_inside_its_boxes(chromium, site, width, layout):  # noqa: F811
    """Bug prevented: box text running out of its box, or overlapping the next, in the
    browser's own font at phone and desktop width."""
    context, page = new_page(chromium, width)
    page.goto(urljoin(site, MAP))
    svg = page.locator(f"svg.strategy-map__svg--{layout}")
    assert svg.is_visible()
    other = "bred" if layout == "smal" else "smal"
    assert not page.locator(f"svg.strategy-map__svg--{other}").is_visible()
    assert svg.evaluate(BOX_FIT_JS) == []
    assert svg.bounding_box()["width"] <= width
    context.close()


def test_each_map_box_shows_its_focus(chromium, site):  # noqa: F811
    """Bug prevented: keyboard users tabbing through the map without seeing where they are."""
    context, page = new_page(chromium, 1280)
    page.goto(urljoin(site, MAP))
    page.locator("svg.strategy-map__svg--bred a.map-link").first.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const el = document.activeElement; const s = getComputedStyle(el);
           const rect = el.querySelector('rect'); return {
             map: el.classList.contains('map-link'), outline: s.outlineStyle,
             width: parseFloat(s.outlineWidth), stroke: getComputedStyle(rect).stroke }; }"""
    )
    assert focused["map"] and focused["outline"] != "none" and focused["width"] >= 2
    assert focused["stroke"] == "rgb(30, 43, 60)"
    context.close()


def test_print_button_prints_and_is_hidden_without_javascript(chromium, site, urls):  # noqa: F811
    """Bug prevented: a «Skriv ut» button that does nothing, or shows without JavaScript."""
    context, page = new_page(chromium, 1280)
    page.goto(urljoin(site, urls["focus_area"]))
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.get_by_role("button", name="Skriv ut").click()
    assert page.evaluate("window.printed") is True
    context.close()
    context, page = new_page(chromium, 1280, java_script_enabled=False)
    page.goto(urljoin(site, urls["focus_area"]))
    assert not page.get_by_role("button", name="Skriv ut").is_visible()
    assert page.get_by_role("link", name="Last ned PDF").is_visible()
    context.close()


def test_hele_strategien_prints_with_contents_page_numbers_and_a_running_head(
    chromium,
    site,  # noqa: F811
    urls,
):
    """Bug prevented: a printout with the search box, relative paths after every link, focus
    areas split over half-empty pages, and pages that do not say what they are from."""
    context, page = new_page(chromium, 1280)
    page.goto(urljoin(site, WHOLE))
    reader = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    context.close()
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages]
    today = date.today()
    printed = f"Skrevet ut {today.day}. {NORWEGIAN_MONTHS[today.month - 1]} {today.year}"
    assert 6 <= len(pages) <= 14, len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Side {number} av {len(pages)}" in text, number
        assert (
            "Strategiske føringer for Osloregionen 2025–2028 · Versjon " in text and printed in text
        ), number
    whole = " ".join(pages)
    assert "Innhold" in pages[0] or "Innhold" in pages[1]
    assert "Søk" not in pages[0] and "Meny" not in pages[0]
    assert "(/innsatsomrader" not in whole and "(/" not in whole
    # The permanent link is on the configured origin, whatever host served the page, and names
    # the edition (issue 13), as on the element page's print line (test_reading.py).
    assert f"{settings.CANONICAL_ORIGIN}/r/2025-2028/T-S2/" in whole.replace(" ", "")
    squeezed = [text.replace(" ", "") for text in pages]
    for code, last_strategy in urls["focus_areas"]:
        # The focus area's heading carries its permanent link; its last strategy ends it.
        start = next(i for i, text in enumerate(squeezed) if f"/r/2025-2028/{code}/" in text)
        end = next(
            i for i, text in enumerate(squeezed) if last_strategy[:40].replace(" ", "") in text
        )
        assert end - start <= 1, (code, start, end)  # together, or over two pages at most


def test_a_first_visit_stays_under_50_kb(chromium, site, urls):  # noqa: F811
    """Bug prevented: a front page whose map (or anything else) makes a phone download more
    than 50 KB before it shows anything."""
    for path in ("/", urls["focus_area"], urls["element"], WHOLE, MAP):
        context, page = new_page(chromium, 390)
        responses = []
        page.on("requestfinished", lambda request, found=responses: found.append(request))
        page.goto(urljoin(site, path), wait_until="networkidle")
        transferred = sum(
            request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
            for request in responses
        )
        assert transferred < 50_000, (path, transferred)
        context.close()
