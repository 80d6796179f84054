import pytest
from django.conf import settings
from django.urls import reverse

from strategy.models import Kind, StrategyElement
from strategy.text import render_markdown
from tests.helpers import element_html, headings, main_html, normalise, page_text

FRONT_PAGE = reverse("strategy:front-page")
WHOLE_STRATEGY = reverse("strategy:whole-strategy")


def text_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return page_text(main_html(response.content.decode()))


def paragraphs(element: StrategyElement) -> list[str]:
    """What a reader must find of this element: its title and each paragraph as rendered."""
    found = [element.title] if element.title else []
    found += [page_text(p) for p in render_markdown(element.body).split("</p>") if page_text(p)]
    return [normalise(item) for item in found]


def right_page(element: StrategyElement) -> str:
    """Where the source puts an element: top-level items on the front page, a focus area's
    items on its page, themes on the themes page."""
    if element.kind in {Kind.SECTION, Kind.FOCUS_AREA, Kind.THEME}:
        return element.get_absolute_url()
    if element.parent.kind == Kind.DOCUMENT:
        return FRONT_PAGE
    return element.parent.get_absolute_url()


def test_every_element_is_verbatim_on_its_right_page_its_own_page_and_the_whole(client, strategy):
    """Bug prevented: a heading, challenge, goal, sub-goal or strategy of the source that no
    page shows, or shows altered (escaped quotes, dropped ’, changed hyphens)."""
    pages: dict[str, str] = {}

    def text(url):
        if url not in pages:
            pages[url] = text_of(client, url)
        return pages[url]

    elements = StrategyElement.objects.exclude(kind=Kind.DOCUMENT).select_related("parent")
    assert elements.count() == 53
    for element in elements:
        for expected in paragraphs(element):
            assert expected in text(right_page(element)), (element.code, expected[:60])
            assert expected in text(element.get_absolute_url()), (element.code, expected[:60])
            assert expected in text(WHOLE_STRATEGY), (element.code, expected[:60])


def test_sources_are_numbered_notes_with_their_marker(client, strategy):
    """Bug prevented: footnotes dropped from the page or detached from their words."""
    html = client.get(FRONT_PAGE).content.decode()
    assert 'href="#kilde-1"' in html and 'id="kilde-1"' in html
    assert 'href="#kilde-2"' in html and 'id="kilde-2"' in html
    assert "https://www.osloregionen.no/prosjekt/osloregionen-profileringsarbeid/" in html
    assert "flerkjernet<sup" in html
    assert "banebrytende<sup" in html
    transport = StrategyElement.objects.get(code="T")
    html = client.get(transport.get_absolute_url()).content.decode()
    assert 'id="kilde-3"' in html and "NOU 2023: 25" in html


def test_front_page_shows_vision_levels_and_entries(client, strategy):
    """Bug prevented: a front page that does not lead to every focus area and theme."""
    response = client.get(FRONT_PAGE)
    html = response.content.decode()
    assert '<html lang="nb">' in html
    text = page_text(main_html(html))
    assert "«Osloregionen skal være en bærekraftig og internasjonal konkurransedyktig region»" in (
        text
    )
    for heading in ("Utfordringer", "Mål", "Strategier"):
        assert heading in headings(html, 2)
    for element in StrategyElement.objects.filter(kind__in=[Kind.FOCUS_AREA, Kind.THEME]):
        assert f'href="{element.get_absolute_url()}"' in html


@pytest.mark.parametrize(
    "title",
    [
        "Konkurransekraft og næringsutvikling",
        "Klima, miljø og natur",
        "Transport og mobilitet",
        "By- og regionutvikling",
    ],
)
def test_focus_area_page_is_headed_by_its_name_with_its_parts(client, strategy, title):
    """Bug prevented: a focus area page without its own name or a part of its content."""
    element = StrategyElement.objects.get(title=title)
    html = client.get(element.get_absolute_url()).content.decode()
    assert headings(html, 1) == [title]
    assert {"Innledning", "Utfordringer", "Delmål", "Strategier"} <= set(headings(html, 2))


def test_theme_pages(client, strategy):
    """Bug prevented: a cross-cutting theme that cannot be reached or lacks its own page."""
    section = StrategyElement.objects.get(code="TT")
    html = client.get(section.get_absolute_url()).content.decode()
    assert headings(html, 1) == ["Tverrgående temaer"]
    for theme in section.get_children():
        assert theme.title in headings(html, 2)
        theme_html = client.get(theme.get_absolute_url()).content.decode()
        assert headings(theme_html, 1) == [theme.title]


def test_element_page_shows_its_context(client, strategy):
    """Bug prevented: a page a council document links to that does not say where in the
    strategy the element stands."""
    element = StrategyElement.objects.get(code="T-S2")
    html = client.get(element.get_absolute_url()).content.decode()
    assert 'aria-label="Brødsmulesti"' in html
    crumbs = element_html(html, "nav", aria_label="Brødsmulesti")
    for ancestor in ("Forside", "Innsatsområdene", "Transport og mobilitet"):
        assert ancestor in crumbs
    assert 'aria-current="page"' in crumbs
    for sibling in element.parent.get_children().filter(kind=Kind.STRATEGY):
        assert f'href="{sibling.get_absolute_url()}"' in html
    assert "T-S2" in html


def test_unknown_urls_are_norwegian_404s(client, strategy):
    """Bug prevented: a 500 or an English error page for a mistyped or malformed address."""
    for url in (
        "/finnes-ikke/",
        "/innsatsomrader/klima-milj-og-natur/",
        "/innsatsomrader/transport-og-mobilitet/strategier/",
        "/%00/",
        "/" + "a/" * 400,
        "/innsatsomrader/../admin/",
        "/innsatsomrader/klima miljø/",
        "/" + "a" * 5000 + "/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Fant ikke siden" in response.content.decode()


def test_drafts_are_hidden_with_everything_under_them(client, strategy):
    """Bug prevented: a draft element (or its children) visible to the public."""
    transport = StrategyElement.objects.get(code="T")
    strategy_item = StrategyElement.objects.get(code="T-S1")
    StrategyElement.objects.filter(pk=transport.pk).update(is_published=False)
    assert client.get(transport.get_absolute_url()).status_code == 404
    assert client.get(strategy_item.get_absolute_url()).status_code == 404
    for url in (FRONT_PAGE, WHOLE_STRATEGY, transport.parent.get_absolute_url()):
        html = client.get(url).content.decode()
        assert transport.get_absolute_url() not in html
        assert strategy_item.title not in html


def test_static_files_are_served_by_the_app(client, strategy):
    """Bug prevented: pages pointing to stylesheets nobody serves (or to a CDN)."""
    html = client.get(FRONT_PAGE).content.decode()
    # The canonical and Open Graph URLs are absolute, on the portal's configured origin.
    origin = settings.CANONICAL_ORIGIN + "/"
    assert "http://" not in html.replace("http://www.w3.org", "").replace(origin, "")
    stylesheet = html.split('rel="stylesheet" href="')[1].split('"')[0]
    assert stylesheet.startswith("/static/")
