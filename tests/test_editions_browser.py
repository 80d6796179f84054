"""A new edition's whole cycle in a real browser (Debian's Chromium via Playwright), as the
secretariat works it (README «Slik jobber sekretariatet med en ny utgave»): an editor of the
«Redaktør» group starts edition 2029–2032 in the admin, changes an element's title in it, sends
it on consultation and adopts it, by the labelled fields and buttons a person uses; a second,
anonymous browser context reads the public pages after each step. Everything after the set-up
goes through the browser: no ORM call while Playwright's event loop runs."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from strategy.models import StrategyElement
from tests import browser
from tests.admin_helpers import make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "et-langt-passord-for-sekretariatet"
CODE = "T-S2"
NEW_TITLE = "Ved å samordne billetter og ruter for hele regionen fra 2029"


@pytest.fixture(scope="module")
def site(chromium, django_db_setup, django_db_blocker):
    """The portal with the real strategy (the 2025–2028 edition in force) and an editor with a
    password, on 127.0.0.1; with what the test needs to know of T-S2 before the browser runs."""
    element = {}

    def prepare() -> None:
        call_command("load_strategy", "strategy", verbosity=0)
        editor = make_editor()
        editor.set_password(PASSWORD)
        editor.save()
        item = StrategyElement.objects.get(code=CODE)
        element.update(title=item.title, path=item.path, parent=item.parent.code)

    with browser.live_site(django_db_blocker, prepare, chromium) as url:
        yield url, element


def new_page(chromium):
    """A page in a browser context of its own (its own cookies: the reader is not logged in)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)  # a missing button fails in seconds, not in half a minute
    return context.new_page()


def follow(page, locator) -> None:
    """Click a link or a button that loads a new page, and wait for that page."""
    with page.expect_navigation():
        locator.click()


def messages(page) -> str:
    return page.locator(".messagelist").inner_text()


def public_page(page, url: str) -> tuple[int, str]:
    """The status and the main text of a public page, as an anonymous reader gets it."""
    response = page.goto(url)
    return response.status, page.locator("main").inner_text()


def test_the_secretariat_starts_consults_on_and_adopts_an_edition_in_a_browser(chromium, site):
    """Bug prevented: an edition cycle that works with the test client but not for a person in
    a browser – a step without a labelled field or a button to press, a confirmation that
    cannot be reached, rows of the new edition that cannot be told from the edition in force
    (so the change lands in the wrong one), or a public page that shows the draft too early or
    loses the 2025–2028 wording after the adoption."""
    url, t_s2 = site
    admin, reader = (new_page(chromium) for _ in range(2))
    plain_url = f"{url}/{t_s2['path']}/"

    # 1. Log in as an editor of the secretariat.
    admin.goto(f"{url}/admin/")
    admin.get_by_label("Brukernavn").fill("redaktor")
    admin.get_by_label("Passord").fill(PASSWORD)
    follow(admin, admin.get_by_role("button", name="Logg inn"))
    assert admin.url == f"{url}/admin/"

    # 2. Admin → Utgaver → «Start ny utgave», period 2029-2032: listed as a draft.
    follow(admin, admin.get_by_role("link", name="Utgaver", exact=True))
    follow(admin, admin.get_by_role("link", name="Start ny utgave"))
    assert "Den gjeldende utgaven endres ikke" in admin.locator("#content-main").inner_text()
    admin.get_by_label("Periode").fill("2029-2032")
    follow(admin, admin.get_by_role("button", name="Start ny utgave"))
    assert "Utgave 2029–2032 er startet som utkast" in messages(admin)
    follow(admin, admin.locator(".breadcrumbs").get_by_role("link", name="Utgaver"))
    status_of = {
        row.get_by_role("link").first.inner_text(): row.locator("td.field-status").inner_text()
        for row in admin.locator("#result_list tbody tr").all()
    }
    assert status_of == {"2029-2032": "Utkast", "2025-2028": "Gjeldende"}

    # 3. The new edition's T-S2 gets a new title: reached from the edition, in its own list.
    follow(admin, admin.get_by_role("link", name="2029-2032"))
    assert admin.get_by_role("link", name="Vis på nettsted").count() == 0  # 404 for all
    follow(admin, admin.get_by_role("link", name="Elementene i utgaven"))
    listed = admin.locator("#result_list").inner_text()
    assert "utgave 2029–2032 (utkast)" in listed and "2025–2028 (gjeldende)" not in listed
    follow(admin, admin.get_by_role("link", name=f"Vis de 7 elementene under {t_s2['parent']}"))
    row_link = f"{CODE} {t_s2['title']}"
    follow(admin, admin.locator("#result_list").get_by_role("link", name=row_link, exact=True))
    form_top = admin.locator("#content-main").inner_text()
    assert "Utgave 2029–2032 er et utkast" in form_top, form_top
    admin.get_by_label("Tittel").fill(NEW_TITLE)
    admin.get_by_label("Endringsmerknad").fill("Ny formulering i utgave 2029–2032")
    follow(admin, admin.get_by_role("button", name="Lagre og publiser nå"))
    assert "ble endret" in messages(admin), messages(admin)

    status, text = public_page(reader, plain_url)
    assert status == 200 and t_s2["title"] in text and NEW_TITLE not in text
    assert public_page(reader, f"{url}/utgaver/2029-2032/")[0] == 404
    assert public_page(reader, f"{url}/r/2029-2032/{CODE}/")[0] == 404

    # 4. «Send på høring» with a deadline: public, marked as a consultation draft.
    follow(admin, admin.locator(".breadcrumbs").get_by_role("link", name="Hjem"))
    follow(admin, admin.get_by_role("link", name="Utgaver", exact=True))
    follow(admin, admin.get_by_role("link", name="2029-2032"))
    follow(admin, admin.get_by_role("link", name="Send på høring"))
    admin.get_by_label("Høringsfrist").fill("2028-10-01")
    follow(admin, admin.get_by_role("button", name="Send utgave 2029–2032 på høring"))
    assert "er sendt på høring" in messages(admin)

    status, text = public_page(reader, f"{url}/utgaver/2029-2032/")
    assert status == 200 and "Høringsutkast" in text and "1. oktober 2028" in text
    status, text = public_page(reader, f"{url}/r/2029-2032/{CODE}/")
    assert status == 200 and NEW_TITLE in text and "Høringsutkast" in text
    assert reader.url == f"{url}/utgaver/2029-2032/{t_s2['path']}/"
    status, text = public_page(reader, plain_url)
    assert t_s2["title"] in text and NEW_TITLE not in text  # 2025–2028 is still in force

    # 5. «Vedta» with a date and a case reference; refused until the adoption is confirmed.
    on_site = admin.get_by_role("link", name="Vis på nettsted")
    assert on_site.get_attribute("href") == "/utgaver/2029-2032/"  # public from the consultation
    follow(admin, admin.get_by_role("link", name="Vedta"))
    admin.get_by_label("Vedtaksdato").fill("2028-12-01")
    admin.get_by_label("Saksnummer").fill("28/123")
    adopt_url = admin.url
    confirm = admin.get_by_label("Jeg bekrefter at representantskapet har vedtatt denne utgaven")
    # Not confirmed: the browser itself keeps the form (a required box), the server never asked.
    admin.get_by_role("button", name="Vedta utgave 2029–2032").click()
    assert admin.url == adopt_url and confirm.evaluate("box => box.validity.valueMissing")
    confirm.check()
    follow(admin, admin.get_by_role("button", name="Vedta utgave 2029–2032"))
    assert "Utgave 2029–2032 er gjeldende" in messages(admin)

    status, text = public_page(reader, plain_url)
    assert status == 200 and NEW_TITLE in text and t_s2["title"] not in text
    status, text = public_page(reader, f"{url}/r/2025-2028/{CODE}/")
    assert reader.url == f"{url}/utgaver/2025-2028/{t_s2['path']}/"
    assert status == 200 and t_s2["title"] in text and "Denne utgaven er erstattet" in text
    successor = reader.locator(".notice--edition").get_by_role("link", name=NEW_TITLE)
    assert successor.get_attribute("href") == f"/{t_s2['path']}/"
    follow(reader, successor)
    assert reader.url == plain_url and NEW_TITLE in reader.locator("h1").inner_text()

    reader.goto(f"{url}/utgaver/")
    listed = {
        row.locator("th").inner_text(): row.locator("td").first.inner_text()
        for row in reader.locator("table.editions tbody tr").all()
    }
    assert listed == {"2029–2032": "Gjeldende", "2025–2028": "Erstattet"}
    assert "1. desember 2028 (sak 28/123)" in reader.locator("table.editions").inner_text()
