"""Search in a real browser (Debian's Chromium via Playwright): the suggestions as you type as
an ARIA combobox, used with the keyboard; axe-core and the Nu Html Checker on the results page
with its filters, "Mente du …?" and synonyms; and the page without JavaScript."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from strategy.models import StrategyElement, SynonymGroup
from strategy.models.vocabulary import install_starting_synonyms
from tests import browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

BOX = "#sok-felt"
LISTBOX = "#sok-felt-forslag"


@pytest.fixture(scope="module")
def site(chromium, django_db_setup, django_db_blocker):
    """The portal with the real strategy and the starting synonyms on 127.0.0.1, started after
    Playwright (see ``browser.live_site``)."""
    urls = {}

    def prepare() -> None:
        call_command("load_strategy", "strategy", verbosity=0)
        install_starting_synonyms(SynonymGroup)
        urls.update(
            (code, StrategyElement.objects.get(code=code).get_absolute_url())
            for code in ("T", "T-S1", "T-S2")
        )

    with browser.live_site(django_db_blocker, prepare, chromium) as url:
        yield url, urls


@pytest.fixture
def page(site, chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site[0] + "/")
    yield page
    context.close()


def box_state(page) -> dict:
    return page.evaluate(
        """() => {
            const box = document.querySelector('#sok-felt');
            const list = document.getElementById(box.getAttribute('aria-controls'));
            return {
                role: box.getAttribute('role'),
                expanded: box.getAttribute('aria-expanded'),
                autocomplete: box.getAttribute('aria-autocomplete'),
                active: box.getAttribute('aria-activedescendant'),
                listRole: list && list.getAttribute('role'),
                listHidden: list ? list.hidden : null,
                options: list ? [...list.querySelectorAll('[role=option]')].map((o) => ({
                    id: o.id, text: o.textContent, selected: o.getAttribute('aria-selected'),
                })) : [],
                status: document.querySelector('.site-search [role=status]').textContent,
                value: box.value,
                focused: document.activeElement === box,
            };
        }"""
    )


def type_in_box(page, text: str) -> None:
    page.focus(BOX)
    page.keyboard.type(text)
    page.wait_for_selector(f"{LISTBOX} [role=option]", state="visible")


def test_suggestions_are_a_combobox_used_with_the_keyboard(page, site):
    """Bug prevented: suggestions a keyboard or screen-reader user cannot reach, that steal
    the focus from the box, or that a mouse is needed to open."""
    type_in_box(page, "tra")
    state = box_state(page)
    assert (state["role"], state["expanded"], state["autocomplete"]) == ("combobox", "true", "list")
    assert state["listRole"] == "listbox" and not state["listHidden"]
    assert 0 < len(state["options"]) <= 8
    assert state["options"][0]["text"] == "T Transport og mobilitet"
    assert "forslag" in state["status"] and state["focused"] and state["active"] is None

    page.keyboard.press("ArrowDown")
    state = box_state(page)
    assert state["active"] == state["options"][0]["id"]
    assert [o["selected"] for o in state["options"]][:2] == ["true", "false"]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    state = box_state(page)
    assert state["active"] == state["options"][0]["id"] and state["focused"]

    page.keyboard.press("Escape")  # closes the list, keeps the text
    state = box_state(page)
    assert (state["expanded"], state["listHidden"], state["value"]) == ("false", True, "tra")
    page.keyboard.press("Escape")  # then clears the box
    assert box_state(page)["value"] == ""

    type_in_box(page, "t-s")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == site[1]["T-S2"]


def test_enter_without_a_chosen_suggestion_searches(page):
    """Bug prevented: the suggestions swallowing Enter, so that the search itself no longer
    works with the keyboard."""
    type_in_box(page, "transport")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/sok/" and "q=transport" in page.url
    assert page.locator(".search-result").count() > 0


def test_a_suggestion_opens_with_a_click(page, site):
    """Bug prevented: an option that a pointer cannot choose (the box's blur closing the list
    before the click lands)."""
    type_in_box(page, "transport og")
    with page.expect_navigation():
        page.locator(f"{LISTBOX} [role=option]").first.click()
    assert urlsplit(page.url).path == site[1]["T"]


def test_no_axe_violations_with_suggestions_open_and_on_the_results_page(site, chromium, tmp_path):
    """Bug prevented: the combobox, the filters, "Mente du …?" or the synonym note failing
    WCAG 2.1 AA (names, roles, contrast) or being invalid HTML."""
    # axe-core is injected as a script of its own: the strict CSP would refuse it.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(site[0] + "/")
    type_in_box(page, "tra")
    page.keyboard.press("ArrowDown")
    assert browser.run_axe(page) == []
    html = {}
    for query in ("transport", "transprot", "buss", "transport&omrade=T&type=strategy"):
        response = page.goto(f"{site[0]}/sok/?q={query}")
        html[f"/sok/?q={query}"] = response.text()  # as served, before axe-core is added
        assert browser.run_axe(page) == [], query
    assert page.locator(".search-filters [aria-current=true]").count() == 2
    context.close()
    errors = browser.validate_html(html, tmp_path)
    assert errors == {}, errors


def test_without_javascript_the_box_is_a_plain_form_and_filters_are_links(site, chromium):
    """Bug prevented: a search box or filters that only work with JavaScript."""
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site[0] + "/")
    assert page.locator(BOX).get_attribute("role") is None
    assert page.locator(LISTBOX).count() == 0
    page.fill(BOX, "transport")
    with page.expect_navigation():
        page.press(BOX, "Enter")
    everything = page.locator(".search-result").count()
    with page.expect_navigation():
        page.locator(".search-filters a", has_text="Transport og mobilitet").click()
    narrowed = page.locator(".search-result").count()
    assert 0 < narrowed < everything
    assert "omrade=T" in page.url
    context.close()
