"""The ready-to-paste citation of an element for a council document (saksframlegg)."""

from __future__ import annotations

import datetime
from html import unescape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import Truncator

from .models import Kind, StrategyElement
from .text import render_markdown


def today() -> datetime.date:
    return timezone.localdate()


def norwegian_date(day: datetime.date) -> str:
    """26. november 2026 – the way a Norwegian document writes a date."""
    with translation.override("nb"):
        return date_format(day, "j. F Y")


def plain_lines(markdown_text: str) -> list[str]:
    """Body text as plain lines, one per paragraph or list item: a citation is pasted into
    a word processor, where HTML or Markdown marks would show."""
    html = render_markdown(markdown_text)
    for closing in ("</p>", "</li>", "<br>", "<br />"):
        html = html.replace(closing, "\n")
    text = unescape(strip_tags(html))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


# The length of an excerpt: a link preview's description, a long text's citation.
EXCERPT_LENGTH = 200


def excerpt_of(markdown_text: str, length: int = EXCERPT_LENGTH) -> str:
    """The opening of a body text as one plain line of at most ``length`` characters, cut
    after a whole word and closed with «…» when shortened."""
    text = " ".join(plain_lines(markdown_text))
    if len(text) <= length:
        return text
    return Truncator(text).chars(length, truncate="…").rsplit(" ", 1)[0].rstrip(",;:") + " …"


def citation_text(
    element: StrategyElement,
    ancestors: list[StrategyElement],
    permanent_url: str,
    day: datetime.date,
    *,
    excerpt: bool = False,
) -> str:
    """Strategy, place in the hierarchy with the code, the element's own words (or, with
    ``excerpt``, the opening of a long text), the permanent link and the date it was read.
    ``ancestors`` runs from the document down. A part of the strategy is named by its title
    and code («Innsatsområdene (IO)»): its kind, «Del», says nothing to a reader."""
    root = ancestors[0] if ancestors else element
    trail = [ancestor.display_title for ancestor in ancestors[1:]]
    if element.kind == Kind.SECTION:
        trail.append(f"{element.display_title} ({element.code})")
    else:
        trail.append(f"{element.get_kind_display()} {element.code}")
    text = [excerpt_of(element.body)] if excerpt and element.body else plain_lines(element.body)
    lines = [
        f"{root.title}, {settings.PORTAL['OWNER']}",
        " › ".join(trail),
        *([element.title] if element.title and element.kind != Kind.SECTION else []),
        *text,
        f"Permanent lenke: {permanent_url}",
        f"Hentet {norwegian_date(day)}",
    ]
    return "\n".join(lines)
