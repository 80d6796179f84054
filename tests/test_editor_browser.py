"""The element list's drag and drop in a real browser (Chromium via Playwright): mptt's script
posts the move, ours (static/js/admin-move-versions.js) adds the versions the list showed, and
a list loaded before someone else's save is refused. Everything after the set-up goes through
the browser: no ORM call while Playwright's event loop runs."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.browser import running_chromium

PASSWORD = "riktig-passord-42"

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_urls(transactional_db, strategy, live_server):
    from strategy.models import StrategyElement

    for name in ("redaktor-a", "redaktor-b"):
        get_user_model().objects.create_superuser(name, f"{name}@example.com", PASSWORD)
    pks = dict(StrategyElement.objects.values_list("code", "pk"))
    return {
        "login": live_server.url + reverse("admin:login"),
        "list": live_server.url + reverse("admin:strategy_strategyelement_changelist"),
        "change_s3": live_server.url
        + reverse("admin:strategy_strategyelement_change", args=[pks["S3"]]),
        "pks": pks,
    }


@pytest.fixture
def browser(admin_urls):
    """Chromium (tests/browser.py), started after every ORM call of the set-up."""
    with running_chromium() as instance:
        yield instance


def logged_in(browser, urls, username):
    page = browser.new_context(viewport={"width": 1400, "height": 2400}).new_page()
    page.goto(urls["login"])
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    return page


def row(page, pk):
    return page.locator(f'tr:has(.tree-node[data-pk="{pk}"])')


def drag_before(page, pks, item, target):
    """Drags ``item``'s handle onto the top third of ``target``'s row ("move before")."""
    handle = row(page, pks[item]).locator(".drag-handle").bounding_box()
    target_box = row(page, pks[target]).bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(target_box["x"] + 200, target_box["y"] + 3, steps=8)
    with page.expect_navigation():  # mptt's script reloads the list after the post
        page.mouse.up()


def listed_codes(page) -> list[str]:
    """The codes of the listed rows, in order (each row's title starts with its code)."""
    titles = page.locator("#result_list .tree-title").all_inner_texts()
    return [title.split()[0] for title in titles]


def test_drag_and_drop_moves_with_the_listed_versions(browser, admin_urls):
    """Bug prevented: the version check refusing every real drag and drop (the list's
    script not sending what the server requires), or a move that does not happen."""
    page = logged_in(browser, admin_urls, "redaktor-a")
    page.goto(admin_urls["list"])
    codes = listed_codes(page)
    assert codes.index("S1") < codes.index("S2") < codes.index("S3")
    drag_before(page, admin_urls["pks"], "S3", "S1")
    codes = listed_codes(page)
    assert codes.index("S3") < codes.index("S1") < codes.index("S2")
    assert "er flyttet" in page.locator(".messagelist").inner_text()


def test_drag_and_drop_on_a_list_older_than_someone_else_s_save_is_refused(browser, admin_urls):
    """Bug prevented: A's list, loaded before B saved the element, moving it on the strength
    of that old picture of the tree."""
    page_a = logged_in(browser, admin_urls, "redaktor-a")
    page_a.goto(admin_urls["list"])

    page_b = logged_in(browser, admin_urls, "redaktor-b")
    page_b.goto(admin_urls["change_s3"])
    page_b.fill("#id_title", "Ved å endre mens A ser på listen")
    # S3's title is public text: its change needs a change note (issue 13), or B saves nothing.
    page_b.fill("#id_change_note", "Ny tittel")
    with page_b.expect_navigation():
        page_b.click("input[name=_save]")

    drag_before(page_a, admin_urls["pks"], "S3", "S1")
    message = page_a.locator(".messagelist").inner_text()
    assert "Flyttingen ble avvist" in message and "endret av noen andre" in message
    assert "redaktor-b" in message
    codes = listed_codes(page_a)
    assert codes.index("S1") < codes.index("S3")  # not moved
    assert "Ved å endre mens A ser på listen" in page_a.content()  # the reloaded list is fresh
