"""Footnote markers in rendered body text: only in text, never inside a tag or a link."""

from html.parser import HTMLParser

import pytest

from strategy.models import Source
from strategy.text import render_body


class _Structure(HTMLParser):
    """The tags of a fragment, checking that links are never nested and tags balance."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.hrefs: list[str] = []
        self.nested_links = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            if "a" in self.open:
                self.nested_links += 1
            self.hrefs.append(dict(attrs).get("href", ""))
        if tag != "br":
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (self.open, tag)
        self.open.pop()


def structure(html: str) -> _Structure:
    parser = _Structure()
    parser.feed(html)
    parser.close()
    assert parser.open == []
    return parser


def source(number: int, anchor: str) -> Source:
    return Source(number=number, text=f"Kilde {number}", anchor=anchor)


LINK = "https://www.osloregionen.no/klima/"
BODY = f'Les om [klima og miljø]({LINK} "Om klima") i regionen. Klima er viktig.'


@pytest.mark.parametrize(
    ("anchor", "before_marker"),
    [
        # In the address and the title attribute before it is in the text: after the link.
        ("klima", "klima og miljø</a>"),
        ("klima og miljø", "klima og miljø</a>"),  # the link's whole text
        ("Klima er", "regionen. Klima er"),  # plain text after the link
        ("osloregionen", "Klima er viktig."),  # only in the address: at the end instead
    ],
)
def test_a_marker_never_lands_inside_a_link_or_its_address(anchor, before_marker):
    """Bug prevented: a footnote whose words sit inside a Markdown link writing the marker into
    the link's href (href=".../klima<sup…") or a link inside the link, breaking the page."""
    html = render_body(BODY, [source(1, anchor)])
    parsed = structure(html)
    assert parsed.nested_links == 0
    assert parsed.hrefs == [LINK, "#kilde-1"]
    assert f'href="{LINK}" title="Om klima"' in html
    assert html[: html.index('<sup class="fotnote">')].endswith(before_marker)


def test_markers_of_several_sources_never_land_inside_each_other():
    """Bug prevented: a second source whose words ("Kilde 1", "1") appear in the first
    marker putting its marker inside the first one."""
    html = render_body("Tall 1 og tall 2.", [source(1, "Tall"), source(2, "1")])
    parsed = structure(html)
    assert parsed.nested_links == 0
    assert parsed.hrefs == ["#kilde-1", "#kilde-2"]
    first, second = html.index("#kilde-1"), html.index("#kilde-2")
    assert first < second
    assert "Tall<sup" in html and "1<sup" in html


def test_two_sources_on_the_same_words_keep_their_order():
    """Bug prevented: footnotes [1][2] on the same words printed as [2][1]."""
    html = render_body("Klima og miljø.", [source(1, "Klima"), source(2, "Klima")])
    assert html.index("[1]") < html.index("[2]")
    assert structure(html).nested_links == 0
