"""WCAG 2.1 AA for the pages that only exist with several editions (issue 13), in a real
browser. tests/test_accessibility.py crawls the portal with one edition in force; here the
module prepares three once – 2025–2028 superseded (T-S2 reworded with a change note before
the adoption), 2029–2032 in force (T-S2 retitled, T-S1 not continued, one new strategy with a
published correction) and 2033–2036 on consultation – and checks a fixed list of their pages,
each kind in each status it exists in, with axe-core, the Nu Html Checker, for horizontal
scrolling at 320 px and at 200 % zoom, for ``<html lang="nb">``, landmarks, headings,
breadcrumbs and link texts (``tests/browser.py``, as the crawl), and without JavaScript. The
addresses come from the data (``reverse`` and the models), never typed in. One live server
and one Chromium for the module."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from strategy.models import Edition, Kind, PendingChange, StrategyElement
from strategy.public_site import edition_pages
from tests import browser
from tests.test_editions import element
from tests.test_editions_data import reword

# django_db makes pytest-django create the test database; the data itself is prepared once
# for the module by the ``site`` fixture, outside each test's transaction.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# The widths of the reflow checks: 320 CSS px (WCAG 1.4.10) and a 1280 px screen at 200 % zoom.
NARROW, ZOOMED, WIDE = 320, 640, 1280
IN_FORCE, CONSULTATION = "2029-2032", "2033-2036"  # 2025-2028: the fixture's edition
OLD_DAY = datetime.date(2026, 3, 1)  # before reword()'s change of 12 March 2026
BEFORE_THE_LOAD = datetime.date(2024, 12, 31)  # reword() dates the load 1 January 2025
REWORDED = "Ved å endre ordlyden i 2026"
NEW_TITLE = "Ved å samordne godstransporten i hele regionen fra 2029"
ADDED_TITLE = "Ved å prøve en helt ny strategi for sykkelekspressveier"
ADDED_CORRECTED = "Ved å prøve en helt ny strategi for regionale sykkelekspressveier"


@dataclass(frozen=True)
class Target:
    """A page to check: what it is, its address, the status it answers with and a text its
    main content must show (so that the check cannot pass on a page without the banner,
    difference or notice it is here for)."""

    name: str
    path: str
    shows: str
    status: int = 200


def dated(edition: Edition, code: str, day: datetime.date) -> str:
    return reverse(
        "strategy:dated-element", kwargs={"period": edition.period, "code": code, "day": day}
    )


def with_day(path: str, day: datetime.date) -> str:
    return f"{path}?{urlencode({edition_pages.DAY_PARAMETER: day.isoformat()})}"


def change_page(item: StrategyElement) -> str:
    """The word-level difference of the element's latest public change."""
    (new, _old), *_earlier = edition_pages.public_changes(
        edition_pages.versions_of(item.pk, item.edition, item)
    )
    return reverse(
        "strategy:element-change",
        kwargs={"period": item.edition.period, "code": item.code, "version_id": new.history_id},
    )


def search(word: str, edition: Edition) -> str:
    return f"{reverse('strategy:search')}?{urlencode({'q': word, 'utgave': edition.period})}"


def prepare_editions() -> list[Target]:
    """The three editions of the module docstring; returns the pages to check."""
    call_command("load_strategy", "strategy", verbosity=0)
    old_t_s2, _original = reword("T-S2", REWORDED)
    superseded = old_t_s2.edition

    in_force = Edition.objects.start_new(IN_FORCE)
    retitled = element(in_force, "T-S2")
    retitled.title = NEW_TITLE
    retitled.save()
    element(in_force, "T-S1").delete()
    added = StrategyElement.objects.create(
        parent=element(in_force, "T"), kind=Kind.STRATEGY, title=ADDED_TITLE, is_published=True
    )
    in_force.adopt(datetime.date(2028, 12, 1), "28/123")
    # A change in force, published with its note: its word-level difference in this status.
    PendingChange.objects.create(
        element=added, title=ADDED_CORRECTED, slug=added.slug, body=added.body
    )
    added.publish(note="Språklig rettelse")
    # A second one: the «Endringer» list then has two of each link, each naming its change.
    PendingChange.objects.create(
        element=added, title=f"{ADDED_CORRECTED} igjen", slug=added.slug, body=added.body
    )
    added.publish(note="Ny rettelse")

    consultation = Edition.objects.start_new(CONSULTATION)
    consultation.send_to_consultation(datetime.date(2032, 10, 1))

    superseded.refresh_from_db()
    in_force.refresh_from_db()
    today = timezone.localdate()
    old_t_s1 = element(superseded, "T-S1")
    old_t_s2 = element(superseded, "T-S2")
    t_s2 = element(in_force, "T-S2")
    added = element(in_force, added.code)  # its edition as adopted: the plain address
    draft_t_s2 = element(consultation, "T-S2")
    compare = "strategy:compare-editions"
    return [
        Target("utgavelisten", reverse("strategy:editions"), "Alle utgaver, nyeste først"),
        Target("endringsloggen", reverse("strategy:change-log"), "Ny rettelse"),
        # 2025–2028, superseded.
        Target("erstattet: forside", superseded.url_for("front-page"), "utgaven er erstattet"),
        Target("erstattet: hele strategien", superseded.url_for("whole-strategy"), "er erstattet"),
        Target(
            "erstattet: hele strategien på en dato",
            with_day(superseded.url_for("whole-strategy"), OLD_DAY),
            "Slik strategien lød 1. mars 2026",
        ),
        Target(
            "erstattet: element med etterfølger",
            old_t_s2.get_absolute_url(),
            f"T-S2 {NEW_TITLE}",
        ),
        Target(
            "erstattet: element ikke videreført",
            old_t_s1.get_absolute_url(),
            "ikke videreført",
        ),
        Target(
            "erstattet: datert, endret siden",
            dated(superseded, "T-S2", OLD_DAY),
            "Slik teksten lød 1. mars 2026. Teksten er endret siden",
        ),
        Target(
            "erstattet: datert, uendret siden",
            dated(superseded, "T-S2", today),
            "Teksten er ikke endret siden",
        ),
        Target("erstattet: endring ord for ord", change_page(old_t_s2), "ordlyden"),
        Target(
            "erstattet: datert før elementet fantes",
            dated(superseded, "T-S2", BEFORE_THE_LOAD),
            "fantes ikke",
            404,
        ),
        Target("erstattet: søk", search("ordlyden", superseded), "T-S2"),
        # 2029–2032, in force.
        Target("gjeldende: forside", in_force.url_for("front-page"), "Gjeldende"),
        Target("gjeldende: utgavens forside", in_force.get_absolute_url(), "Gjeldende"),
        Target("gjeldende: hele strategien", in_force.url_for("whole-strategy"), NEW_TITLE),
        Target(
            "gjeldende: hele strategien på en dato",
            with_day(in_force.url_for("whole-strategy"), today),
            NEW_TITLE,
        ),
        Target(
            "gjeldende: element med ny ordlyd",
            t_s2.get_absolute_url(),
            "Ny ordlyd i utgave 2029–2032",
        ),
        Target("gjeldende: nytt element", added.get_absolute_url(), "Språklig rettelse"),
        Target("gjeldende: endring ord for ord", change_page(added), "regionale"),
        Target("gjeldende: datert", dated(in_force, "T-S2", today), NEW_TITLE),
        Target(
            "gjeldende: datert før elementet fantes",
            dated(in_force, "T-S2", OLD_DAY),
            "fantes ikke",
            404,
        ),
        Target("gjeldende: søk", search("godstransporten", in_force), NEW_TITLE),
        Target(
            "sammenligning erstattet–gjeldende",
            reverse(compare, kwargs={"period": superseded.period, "other": in_force.period}),
            "2 endret, 1 nye, 1 ikke videreført",  # + the document's title (its period)
        ),
        # 2033–2036, on consultation.
        Target("høring: forside", consultation.url_for("front-page"), "Høringsutkast"),
        Target("høring: hele strategien", consultation.url_for("whole-strategy"), "Høringsutkast"),
        Target(
            "høring: hele strategien på en dato",
            with_day(consultation.url_for("whole-strategy"), today),
            "Høringsutkast",
        ),
        Target("høring: element", draft_t_s2.get_absolute_url(), "Høringsutkast"),
        Target("høring: datert", dated(consultation, "T-S2", today), NEW_TITLE),
        Target("høring: søk", search("godstransporten", consultation), NEW_TITLE),
        Target(
            "sammenligning gjeldende–høring",
            reverse(compare, kwargs={"period": in_force.period, "other": consultation.period}),
            "1 endret, 0 nye, 0 ikke videreført",  # the document's title (its period)
        ),
    ]


@pytest.fixture(scope="module")
def site(chromium, django_db_setup, django_db_blocker):
    """The portal with the three editions, served for the whole module (started after
    Playwright, see ``browser.live_site``), and the pages to check."""
    targets: list[Target] = []
    with browser.live_site(
        django_db_blocker, lambda: targets.extend(prepare_editions()), chromium
    ) as url:
        yield url, targets


def main_text(page) -> str:
    """The main content's text, spaces collapsed. ``textContent``, not ``innerText``: the
    sections of «Hele strategien» are ``content-visibility: auto``, and Chromium leaves the
    ones off screen out of ``innerText``."""
    return " ".join(page.evaluate("() => document.querySelector('main').textContent").split())


@dataclass
class Checked:
    target: Target
    report: browser.PageReport
    text: str  # the main content's text (``main_text``)


@pytest.fixture(scope="module")
def pages(site, chromium) -> list[Checked]:
    """Each page once at full width: axe-core, then its overflow at 320 px and at 200 % zoom.
    axe-core is added as a script of the page, hence ``bypass_csp`` (as in the crawl)."""
    url, targets = site
    context = chromium.new_context(viewport={"width": WIDE, "height": 900}, bypass_csp=True)
    page = context.new_page()
    checked = []
    for target in targets:
        response = page.goto(urljoin(url, target.path), wait_until="load")
        report = browser.PageReport(url=page.url, status=response.status, html=response.text())
        report.facts = page.evaluate(browser.PAGE_FACTS_JS)
        text = main_text(page)
        report.axe_violations = browser.run_axe(page)
        for width in (NARROW, ZOOMED):
            report.overflow[width] = browser.overflow_at(page, width)
        page.set_viewport_size({"width": WIDE, "height": 900})
        checked.append(Checked(target, report, text))
    context.close()
    return checked


def test_each_page_answers_and_shows_what_it_is_checked_for(site, pages):
    """Bug prevented: checks that pass on the wrong page – a redirect to the plain address, a
    404 instead of the edition's page, or a page without the banner, difference or notice
    (superseded, consultation draft, «Ny ordlyd», dated text, «fantes ikke») it is here for."""
    url, targets = site
    assert len({target.path for target in targets}) == len(targets)
    problems = [
        (item.target.name, item.report.status, item.report.url)
        for item in pages
        if item.report.status != item.target.status
        or item.report.url != urljoin(url, item.target.path)
        or item.target.shows not in item.text
    ]
    assert not problems, problems


def test_no_axe_core_violations_on_the_edition_pages(pages):
    """Bug prevented: a banner, difference (<del>/<ins>), table or notice of the editions that
    fails WCAG 2.0/2.1 A or AA (contrast, a link without a name, wrong ARIA) – pages the
    one-edition crawl never reaches."""
    found = {
        item.target.name: [(v["id"], v["impact"], v["nodes"]) for v in item.report.axe_violations]
        for item in pages
        if item.report.axe_violations
    }
    assert not found, found


def test_the_edition_pages_are_valid_html(pages, tmp_path):
    """Bug prevented: invalid markup on the edition pages (a duplicate id between two banners,
    a block inside <p>, a misplaced attribute) that assistive technology reads differently from
    what the browser shows."""
    errors = browser.validate_html({item.target.name: item.report.html for item in pages}, tmp_path)
    assert len(list(tmp_path.iterdir())) == len(pages)
    assert not errors, errors


def test_no_horizontal_scrolling_on_the_edition_pages(pages):
    """Bug prevented: a long period, code, difference or table of editions that makes a
    phone reader (320 CSS px) or a reader zoomed to 200 % scroll sideways (WCAG 1.4.10)."""
    overflowing = {
        (item.target.name, width): found
        for item in pages
        for width, found in item.report.overflow.items()
        if found is not None
    }
    assert all(len(item.report.overflow) == 2 for item in pages)
    assert not overflowing, overflowing


def test_the_edition_pages_are_norwegian_with_landmarks_headings_and_breadcrumbs(pages):
    """Bug prevented: an edition page whose language a screen reader cannot tell (no
    ``lang="nb"``, so it reads Norwegian with English rules), or that lacks the header, main
    or footer landmark or the skip link, has two <h1> or a skipped heading level (a dated
    view, a difference or the comparison built on another page's outline), or breadcrumbs
    that do not mark the current page."""
    assert {item.target.name: item.report.facts["lang"] for item in pages} == {
        item.target.name: "nb" for item in pages
    }
    problems = [
        (item.target.name, problem)
        for item in pages
        for problem in browser.structure_problems(item.report.facts)
        + browser.breadcrumb_problems(item.report.facts)
    ]
    assert not problems, problems


def test_the_links_of_the_edition_pages_make_sense_out_of_context(pages):
    """Bug prevented: one link text leading to two places – «T-S2» to both editions' T-S2, or
    «Teksten slik den lød da» for two changes in the «Endringer» list – or an empty or
    «les mer» link, which a screen reader's list of links cannot tell apart (WCAG 2.4.4)."""
    problems = [
        (item.target.name, problem)
        for item in pages
        for problem in browser.link_problems(item.report.facts)
    ]
    assert not problems, problems


def test_the_edition_pages_work_without_javascript(site, chromium, pages):
    """Bug prevented: an edition page that only works with JavaScript – a status or text
    that a script puts in, or a visible button (a search, a «Kopier») that does nothing
    without it."""
    url, targets = site
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    problems = []
    for target in targets:
        response = page.goto(urljoin(url, target.path))
        facts = page.evaluate(browser.PAGE_FACTS_JS)
        if response.status != target.status or target.shows not in main_text(page):
            problems.append((target.name, response.status))
        if facts["deadButtons"]:
            problems.append((target.name, facts["deadButtons"]))
    context.close()
    assert not problems, problems
