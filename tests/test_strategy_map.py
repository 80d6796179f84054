"""The strategy map (issue 15): drawn by the server from the tree, on the front page and on
its own page with a text alternative, downloadable as SVG and PNG, following every edit."""

import re
import struct
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.urls import reverse

from strategy.models import Kind, StrategyElement
from strategy.public_site import strategy_map
from tests.helpers import main_html

SVG = "{http://www.w3.org/2000/svg}"
MAP_PAGE = reverse("strategy:strategy-map")
MAP_SVG = reverse("strategy:strategy-map-svg")
MAP_PNG = reverse("strategy:strategy-map-png")


def inline_svgs(html: str) -> list[str]:
    return re.findall(r'<svg [^>]*class="strategy-map__svg.*?</svg>', html, flags=re.S)


def linked_boxes(svg: str) -> list[tuple[str, str]]:
    """(href, title) of every linked box, in drawing order."""
    return re.findall(r'<a href="([^"]+)" class="map-link[^"]*"><title>([^<]*)</title>', svg)


def expected_boxes(with_vision: bool = True) -> list[StrategyElement]:
    """Vision, overall goals, each focus area followed by its sub-goals, then the themes."""
    get = StrategyElement.objects.get
    boxes = [get(code="V")] if with_vision else []
    boxes += [get(code=code) for code in ("M1", "M2", "M3")]
    for area in StrategyElement.objects.filter(kind=Kind.FOCUS_AREA).order_by("lft"):
        boxes += [area, *area.get_children().filter(kind=Kind.SUBGOAL)]
    return boxes + list(StrategyElement.objects.filter(kind=Kind.THEME).order_by("lft"))


def test_the_map_page_draws_the_shape_of_the_strategy_with_a_link_in_every_box(client, strategy):
    """Bug prevented: a map missing the vision, a goal, a focus area, its sub-goal or a theme,
    in the wrong order, or with a box that leads nowhere."""
    html = client.get(MAP_PAGE).content.decode()
    svgs = inline_svgs(html)
    assert len(svgs) == 2  # the wide and the narrow drawing
    expected = [(e.get_absolute_url(), e.code) for e in expected_boxes()]
    assert len(expected) == 1 + 3 + 4 * 2 + 5
    for svg in svgs:
        boxes = linked_boxes(svg)
        assert [(href, title.split(":")[0].split()[-1]) for href, title in boxes] == expected
        for href, _title in boxes:
            assert client.get(href).status_code == 200, href


def test_the_front_page_shows_the_map_right_after_the_vision(client, strategy):
    """Bug prevented: the strategy's shape coming after three screens of text, or the vision
    drawn twice (once as text, once in the map just under it)."""
    html = main_html(client.get(reverse("strategy:front-page")).content.decode())
    vision = html.index('class="vision"')
    the_map = html.index('class="strategy-map"')
    first_other = html.index('id="i1"')  # «Fra visjon til overordnede strategier»
    assert vision < the_map < first_other
    svgs = inline_svgs(html)
    assert len(svgs) == 2
    expected = [e.get_absolute_url() for e in expected_boxes(with_vision=False)]
    for svg in svgs:
        assert [href for href, _ in linked_boxes(svg)] == expected
    assert f'href="{MAP_PAGE}"' in html


def test_every_box_and_the_map_itself_have_a_title(client, strategy):
    """Bug prevented: an SVG a screen reader announces as an unnamed graphic, or boxes whose
    link has no name (WCAG 1.1.1, 2.4.4)."""
    html = client.get(MAP_PAGE).content.decode()
    for svg in inline_svgs(html):
        labelled = re.search(r'aria-labelledby="([^"]+)"', svg).group(1)
        assert re.search(
            rf'<title id="{labelled}">Strategikart: '
            r"Strategiske føringer for Osloregionen 2025–2028<",
            svg,
        )
        assert svg.count("<a ") == svg.count("</title>") - 1 == 17
    transport = StrategyElement.objects.get(code="T")
    assert f"<title>Innsatsområde T: {transport.title}</title>" in html


def test_the_text_alternative_has_the_same_structure_as_a_list(client, strategy):
    """Bug prevented: a map whose content a reader who cannot see it (or prints the page
    without it) cannot get: the same boxes as nested lists, with the same links."""
    html = main_html(client.get(MAP_PAGE).content.decode())
    text = html[html.index('<ul class="map-list">') :]
    text = text[: text.index("</section>")]
    hrefs = re.findall(r'<a href="([^"]+)"', text)
    assert hrefs == [e.get_absolute_url() for e in expected_boxes()]
    assert "Tverrgående temaer, på tvers av alle innsatsområdene" in text
    # The sub-goal is nested under its focus area.
    transport = StrategyElement.objects.get(code="T")
    subgoal = StrategyElement.objects.get(code="T-D")
    nested = re.search(
        rf'href="{transport.get_absolute_url()}">[^<]*</a>\s*<ul><li>Delmål .*?'
        rf'href="{subgoal.get_absolute_url()}"',
        text,
        flags=re.S,
    )
    assert nested


def test_the_map_follows_edits(client, strategy):
    """Bug prevented: a map drawn once by hand that goes stale when the secretariat renames a
    focus area, adds a theme or unpublishes one."""
    transport = StrategyElement.objects.get(code="T")
    transport.title = "Mobilitet og transport for alle"
    transport.save()
    section = StrategyElement.objects.get(code="TT")
    StrategyElement.objects.create(
        parent=section, kind=Kind.THEME, title="Beredskap", is_published=True
    )
    StrategyElement.objects.filter(code="TT2").update(is_published=False)
    from strategy.models import ContentVersion

    ContentVersion.bump()  # .update() bypasses the signals, as a raw SQL change would
    for url in (reverse("strategy:front-page"), MAP_PAGE, MAP_SVG):
        html = client.get(url).content.decode()
        assert "Mobilitet og transport for alle" in html, url
        assert "Beredskap" in html, url
        assert "Grønn næringstransport" not in html, url


def test_text_and_fill_colours_meet_the_contrast_minimum():
    """Bug prevented: box text that low-vision readers cannot read (WCAG 1.4.3, 4.5:1)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for name, (fill, ink) in strategy_map.COLOUR_PAIRS.items():
        light, dark = sorted((luminance(fill), luminance(ink)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, name


def test_long_words_are_hyphenated_at_a_compound_seam_to_fit_the_box():
    """Bug prevented: «hovedstadsregionen» running out of a narrow box on a phone."""
    lines = strategy_map.wrap("Styrke hovedstadsregionen som en ledende storbyregion", 110, 13)
    assert "hovedstads-" in lines and "regionen som" in lines
    assert strategy_map.wrap("Konkurransekraft og næringsutvikling", 110, 13, bold=True)[:2] == [
        "Konkurranse-",
        "kraft og",
    ]
    for line in lines:
        assert strategy_map.text_width(line, 13) <= 110


def test_the_svg_download_is_a_file_of_its_own_with_absolute_links(client, strategy):
    """Bug prevented: a downloaded map that does not open outside the portal, or whose links
    break on a slide (relative paths)."""
    response = client.get(MAP_SVG)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="strategiske-foringer-for-osloregionen-2025-2028-strategikart.svg"'
    )
    assert response["ETag"]
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    assert (
        root.find(f"{SVG}title").text
        == "Strategikart: Strategiske føringer for Osloregionen 2025–2028"
    )
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert len(links) == 17
    assert all(link.startswith(f"{settings.CANONICAL_ORIGIN}/") for link in links)
    assert "<style" not in response.content.decode()  # colours are attributes: no CSS needed
    again = client.get(MAP_SVG, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_the_png_download_is_a_sharp_picture_for_slides(client, strategy):
    """Bug prevented: a PNG too small for a projector, or not a PNG at all."""
    response = client.get(MAP_PNG)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].endswith('-strategikart.png"')
    png = response.content
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 2 * strategy_map.WIDE.width == 1920
    assert height > 1000


@pytest.mark.parametrize("url", [MAP_PAGE, MAP_SVG, MAP_PNG])
def test_without_a_document_the_map_is_a_404(client, db, url):
    """Bug prevented: a 500 from the map of an empty portal."""
    assert client.get(url).status_code == 404


def test_the_map_of_2000_elements_has_20_columns_and_stays_in_its_box(client, generated_tree):
    """Bug prevented: a map that breaks (or loads thousands of items) on a big strategy."""
    the_map = strategy_map.build_map(
        strategy_map.map_elements(generated_tree).linked()[generated_tree.pk]
    )
    assert len(the_map.columns) == 20 and len(the_map.themes) == 20
    svg = strategy_map.render_svg(the_map, strategy_map.WIDE, lambda e: "/", standalone=True)
    root = ElementTree.fromstring(svg)
    width, height = (float(n) for n in root.get("viewBox").split()[2:])
    for rect in root.iter(f"{SVG}rect"):
        assert float(rect.get("x", 0)) + float(rect.get("width")) <= width + 0.1
        assert float(rect.get("y", 0)) + float(rect.get("height")) <= height + 0.1
