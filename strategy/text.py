"""Body text: a small Markdown subset, sanitised, with the footnote markers of its sources."""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import markdown
import nh3
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .validators import LINK_SCHEMES

if TYPE_CHECKING:
    from .models import Source

ALLOWED_TAGS = {"p", "ul", "ol", "li", "a", "em", "strong", "br", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = set(LINK_SCHEMES)

# A tag in nh3's output. Exact for it: nh3 writes every attribute value in double quotes with
# any " inside escaped, and escapes < and > in text, so a > ends a tag only outside quotes.
TAG = re.compile(r'<(/?)([a-z0-9]+)(?:[^>"]|"[^"]*")*>')


@lru_cache(maxsize=50_000)
def render_markdown(text: str) -> str:
    """Markdown to HTML that can only contain the tags above: whatever an editor types
    (``<script>``, ``onclick=``, ``javascript:`` links), nothing executable reaches a page."""
    # Raw HTML is not part of the editors' subset: what they type as a tag is shown as text
    # (the brief: "an editor's <script> is shown as text"); nh3 below is the second wall.
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    html = markdown.markdown(text, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def footnote_marker(source: Source) -> str:
    """The marker links to the source; its ``id`` is where the source's «Tilbake» link leads."""
    return format_html(
        '<sup class="fotnote"><a id="{}" href="#{}" aria-label="Kilde {}">[{}]</a></sup>',
        source.marker_html_id,
        source.html_id,
        source.number,
        source.number,
    )


def marker_position(html: str, anchor: str) -> int | None:
    """Where the marker for ``anchor`` (escaped like the HTML) goes: right after its first
    occurrence in the text, never inside a tag or an attribute (a link's address may contain
    the same word), and after the link when the words are a link's text (a link inside a
    link is not HTML). None when the text does not contain the words."""
    link_depth = 0
    found_in_link = False
    start = 0
    for tag in [*TAG.finditer(html), None]:
        end = tag.start() if tag else len(html)
        offset = html.find(anchor, start, end) if not found_in_link else -1
        if offset != -1:
            if not link_depth:
                return offset + len(anchor)
            found_in_link = True
        if tag is None:
            break
        if tag.group(2) == "a":
            link_depth += -1 if tag.group(1) else 1
            if found_in_link and not link_depth:
                return tag.end()
        start = tag.end()
    return None


def render_body(text: str, sources: Iterable[Source] = ()) -> SafeString:
    html = render_markdown(text)
    # Positions in the rendered text as it is: one marker never lands inside another.
    insertions: list[tuple[int, int, str]] = []
    for order, source in enumerate(sources):
        # Escaped as nh3 escapes text (quotes stay as they are).
        anchor = html_module.escape(source.anchor, quote=False)
        position = marker_position(html, anchor) if anchor else None
        if position is None:
            # No anchor phrase (or it was edited away): the marker closes the text instead.
            position = html.rfind("</p>") if "</p>" in html else len(html)
        insertions.append((position, order, footnote_marker(source)))
    for position, _order, marker in sorted(insertions, reverse=True):
        html = html[:position] + marker + html[position:]
    return mark_safe(html)
