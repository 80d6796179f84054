"""Body text: a small Markdown subset, sanitised, with the footnote markers of its sources."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import markdown
import nh3
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from .models import Source

ALLOWED_TAGS = {"p", "ul", "ol", "li", "a", "em", "strong", "br", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


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


def render_body(text: str, sources: Iterable[Source] = ()) -> SafeString:
    html = render_markdown(text)
    for source in sources:
        anchor = escape(source.anchor) if source.anchor else ""
        position = html.find(anchor) if anchor else -1
        if position == -1:
            # No anchor phrase (or it was edited away): the marker closes the text instead.
            position = html.rfind("</p>") if "</p>" in html else len(html)
        else:
            position += len(anchor)
        html = html[:position] + footnote_marker(source) + html[position:]
    return mark_safe(html)
