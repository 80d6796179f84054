"""Every string an editor sees in the admin is Norwegian: a crawl of every admin page an editor
can reach (list, add, change, history, compare, publish, restore, delete, drafts, moves,
login, password change, and the pages after errors) fails on any of a list of known English UI
texts of Django and django-mptt, in the text and in the attributes a screen reader reads, and
in the strings mptt's script shows. The same check finds nothing in the owner's content, and
finds plenty in the same pages rendered in English (so it can fail)."""

from __future__ import annotations

import json
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse

from strategy.models import Edition, PendingChange, StrategyElement
from tests.admin_helpers import admin_url, element_form_data, make_editor
from tests.editor_helpers import CODE_TAGS, ENGLISH

# Attributes whose text a person sees or a screen reader reads.
READ_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder", "aria-description", "summary"}
# Pages of one kind (per element, per filter value) are visited this many times.
PER_SHAPE = 2


class _UiText(HTMLParser):
    """The texts of a page an editor meets: text nodes, read attributes, the labels of
    buttons, and the messages django-mptt's script shows (data-context)."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in CODE_TAGS:
            self._skip += 1
        if tag in {"script", "style"}:
            self._skip += 1
            if attributes.get("data-context"):
                self.texts += json.loads(attributes["data-context"])["messages"].values()
        for name in READ_ATTRIBUTES & attributes.keys():
            self.texts.append(attributes[name] or "")
        if tag == "input" and attributes.get("type") in {"submit", "button", "reset"}:
            self.texts.append(attributes.get("value") or "")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if tag in {"script", "style", *CODE_TAGS}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data)


def read(html: str) -> _UiText:
    parser = _UiText()
    parser.feed(html)
    return parser


def english_in(html: str) -> list[str]:
    return sorted({m for text in read(html).texts for m in ENGLISH.findall(text)})


def shape(url: str) -> str:
    """A page's kind: its path with numbers replaced, and the names of its query parameters."""
    parts = urlsplit(url)
    query = sorted(part.split("=")[0] for part in parts.query.split("&") if part)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(query)


def followed(url: str) -> bool:
    path = urlsplit(url).path
    return (
        path.startswith("/admin/")
        and "logout" not in path
        and not path.startswith(("/admin/r/", "/admin/jsi18n/"))
    )


def crawl(client, seeds: list[str]) -> dict[str, str]:
    """Every admin page reachable by links from the seeds, each kind of page up to PER_SHAPE
    times. Returns the HTML by address; a page that is not 200 fails the test."""
    queue, seen, shapes, pages = deque(seeds), set(seeds), {}, {}
    while queue:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        html = response.content.decode()
        pages[url] = html
        for href in read(html).links:
            target, _fragment = urldefrag(urljoin(url, href.replace("&amp;", "&")))
            target = target.removeprefix("http://testserver")
            if not followed(target) or target in seen:
                continue
            seen.add(target)
            if shapes.get(shape(target), 0) < PER_SHAPE:
                shapes[shape(target)] = shapes.get(shape(target), 0) + 1
                queue.append(target)
    return pages


@pytest.fixture
def editor(db):
    editor = make_editor()
    editor.set_password("et-godt-passord-2026")
    editor.save()
    return editor


def prepare(client, strategy) -> list[str]:
    """Content for every kind of page (versions, a draft, a move) and the seeds of the crawl,
    among them the pages reached by forms rather than links."""
    goal = StrategyElement.objects.get(code="M1")
    for title in ("Å endre en gang", "Å endre to ganger"):
        client.post(
            admin_url("change", goal.pk),
            {**element_form_data(StrategyElement.objects.get(code="M1"), title=title)},
        )
    PendingChange.objects.create(element=StrategyElement.objects.get(code="M2"), title="Å x")
    versions = list(StrategyElement.history.filter(id=goal.pk).order_by("history_id"))
    return [
        "/admin/",
        admin_url("changelist")
        + f"?apne={strategy.pk},{StrategyElement.objects.get(code='IO').pk}",
        admin_url("compare", goal.pk)
        + f"?fra={versions[0].history_id}&til={versions[-1].history_id}",
        reverse("admin:password_change"),
    ]


def test_every_admin_page_an_editor_reaches_is_norwegian(client, editor, strategy):
    """Bug prevented: English left in the editors' admin («EXPAND TREE», «move node before
    node», «Please correct the error below.», «- Select an option -», alt="True", …)."""
    client.force_login(editor)
    pages = crawl(client, prepare(client, strategy))
    kinds = {shape(url) for url in pages}
    for expected in (
        "/admin/?",
        "/admin/strategy/strategyelement/?",
        "/admin/strategy/strategyelement/add/?parent",
        "/admin/strategy/strategyelement/N/change/?",
        "/admin/strategy/strategyelement/N/history/?",
        "/admin/strategy/strategyelement/N/historikk/sammenlign/?fra&til",
        "/admin/strategy/strategyelement/N/publiser/?",
        "/admin/strategy/strategyelement/N/historikk/N/gjenopprett/?",
        "/admin/strategy/strategyelement/N/delete/?",
        "/admin/strategy/strategyelement/N/flytt/?",
        "/admin/strategy/strategyelement/N/forhandsvis/?",
        "/admin/strategy/pendingchange/?",
        "/admin/strategy/pendingchange/N/forkast/?",
        "/admin/password_change/?",
        "/admin/strategy/edition/?",  # the editions (issue 13)
        "/admin/strategy/edition/ny/?",
        "/admin/strategy/edition/N/change/?",
    ):
        assert expected in kinds, f"the crawl never reached {expected}"

    # Pages behind forms: a move (its message and undo), errors, the end of a password change.
    element = StrategyElement.objects.get(code="K-U2")
    client.post(admin_url("move_step"), {"flytt": f"{element.pk}:opp"})
    pages["etter flytting"] = client.get(admin_url("changelist")).content.decode()
    element = StrategyElement.objects.get(code="K-U2")  # the form opened after the move
    pages["feil i skjemaet"] = client.post(
        admin_url("change", element.pk), element_form_data(element, title="", body="")
    ).content.decode()
    pages["feil ved flytting"] = client.post(admin_url("move_to", element.pk)).content.decode()
    pages["passord endret"] = client.post(
        reverse("admin:password_change"),
        {
            "old_password": "et-godt-passord-2026",
            "new_password1": "enda-bedre-passord-2027",
            "new_password2": "enda-bedre-passord-2027",
        },
        follow=True,
    ).content.decode()
    pages["feil passord"] = client.post(
        reverse("admin:password_change"), {"old_password": "feil"}
    ).content.decode()
    # The next edition's pages: its draft, the consultation and the adoption with their
    # confirmations and errors, and the comparison the secretariat prepares it with.
    draft = Edition.objects.start_new("2029-2032", user=editor)
    edition_pages = {
        "utgave i utkast": reverse("admin:strategy_edition_change", args=[draft.pk]),
        "send på høring": reverse("admin:strategy_edition_consult", args=[draft.pk]),
        "vedta": reverse("admin:strategy_edition_adopt", args=[draft.pk]),
        "sammenligning med utkastet": f"/utgaver/2025-2028/sammenlign/{draft.period}/",
    }
    for name, url in edition_pages.items():
        pages[name] = client.get(url).content.decode()
    pages["høring uten frist"] = client.post(edition_pages["send på høring"]).content.decode()
    pages["vedtak ubekreftet"] = client.post(
        edition_pages["vedta"], {"adopted_on": "2028-12-01"}
    ).content.decode()
    assert "Bekreft vedtaket" in pages["vedtak ubekreftet"]
    assert "Send utgave 2029–2032 på høring" in pages["send på høring"]
    assert "Vedta utgave 2029–2032" in pages["vedta"]
    assert "Hva er endret fra utgave 2025–2028 til 2029–2032" in pages["sammenligning med utkastet"]
    pages["utlogget"] = client.post(reverse("admin:logout")).content.decode()
    pages["innlogging"] = client.get(reverse("admin:login")).content.decode()
    pages["feil innlogging"] = client.post(
        reverse("admin:login"), {"username": editor.username, "password": "feil"}
    ).content.decode()
    assert "Rett feilen nedenfor." in pages["feil i skjemaet"]  # Django's count form
    assert "Vennligst oppgi gyldig brukernavn og passord" in pages["feil innlogging"]

    found = {url: english_in(html) for url, html in pages.items()}
    assert {url: words for url, words in found.items() if words} == {}
    assert len(pages) > 25


def test_the_check_can_fail_and_spares_the_owners_content(client, editor, strategy):
    """Bug prevented: a language check that passes because it cannot see English (or that
    fails on the strategy's own words, like «metro governance»)."""
    owner_text = " ".join(
        f"{title} {body}" for title, body in StrategyElement.objects.values_list("title", "body")
    )
    assert "governance" in owner_text
    assert ENGLISH.findall(owner_text) == []
    assert english_in(client.get(strategy.get_absolute_url()).content.decode()) == []

    client.force_login(editor)
    with override_settings(LANGUAGES=[("nb", "Norsk bokmål"), ("en", "English")]):
        english = client.get(admin_url("changelist"), headers={"accept-language": "en"})
    found = english_in(english.content.decode())
    assert {"Search", "Home", "Log out", "Expand tree"} <= set(found)
