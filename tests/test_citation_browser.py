"""The citation box and the print stylesheet in a real browser (Chromium via Playwright)."""

import pytest
from django.conf import settings

from strategy.models import StrategyElement
from tests.browser import running_chromium

pytestmark = pytest.mark.browser


@pytest.fixture
def element_url(transactional_db, strategy, live_server):
    return live_server.url + StrategyElement.objects.get(code="T-S2").get_absolute_url()


@pytest.fixture
def browser(element_url):
    """Chromium (tests/browser.py). Depends on ``element_url`` so that every ORM call is made
    before Playwright starts its event loop: in that loop Django would open a second,
    never-closed connection."""
    with running_chromium() as instance:
        yield instance


def test_kopier_copies_the_citation(browser, element_url):
    """Bug prevented: a "Kopier" button that does nothing, or copies something else than the
    citation shown."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(element_url)
    button = page.get_by_role("button", name="Kopier", exact=True)
    assert button.is_visible()
    button.click()
    page.wait_for_selector(".citation__status:has-text('Kopiert.')")
    copied = page.evaluate("navigator.clipboard.readText()")
    shown = page.locator("#sitat-tekst").text_content()
    assert copied == shown
    assert f"Permanent lenke: {settings.CANONICAL_ORIGIN}/r/T-S2/" in copied
    context.close()


def test_without_javascript_the_citation_is_there_and_no_dead_button(browser, element_url):
    """Bug prevented: a button that cannot work without JavaScript, or a citation that only
    a script puts on the page."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(element_url)
    assert page.locator("#sitat-tekst").is_visible()
    assert "Strategi T-S2" in page.locator("#sitat-tekst").text_content()
    assert not page.get_by_role("button", name="Kopier", exact=True).is_visible()
    context.close()


def test_print_hides_navigation_keeps_codes_and_writes_out_links(browser, element_url):
    """Bug prevented: a printout with the menu, the search and breadcrumbs, without
    reference codes, or with a long relative path after every link instead of the element's
    absolute permanent link (issue 15)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(element_url)
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".site-search").is_visible()
    assert not page.locator(".breadcrumbs").is_visible()
    assert page.locator(".element__code .code").is_visible()
    permalink = page.locator(".print-only")
    assert permalink.is_visible()
    # On the configured origin, whatever host served the page.
    assert permalink.text_content().endswith(f"{settings.CANONICAL_ORIGIN}/r/T-S2/")
    after = page.evaluate(
        "[...document.querySelectorAll('main a')].map((a) =>"
        " getComputedStyle(a, '::after').content).filter((c) => c.includes('('))"
    )
    assert after == []
    context.close()
