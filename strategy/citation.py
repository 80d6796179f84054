"""The ready-to-paste citation of an element for a council document (saksframlegg)."""

from __future__ import annotations

import datetime
from html import unescape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import strip_tags

from .models import StrategyElement
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


def citation_text(
    element: StrategyElement,
    ancestors: list[StrategyElement],
    permanent_url: str,
    day: datetime.date,
    dated_url: str = "",
) -> str:
    """Strategy and edition, place in the hierarchy with the code, the element's own words, the
    link to the text as it reads today (``dated_url``: the words quoted, for ever), the
    always-current permanent link and the date it was read. ``ancestors`` runs from the
    document down."""
    root = ancestors[0] if ancestors else element
    trail = [ancestor.display_title for ancestor in ancestors[1:]]
    trail.append(f"{element.get_kind_display()} {element.code}")
    edition = element.edition
    lines = [
        f"{root.title}, {settings.PORTAL['OWNER']}",
        f"Utgave {edition.period_label} ({edition.get_status_display().lower()})",
        " › ".join(trail),
        *([element.title] if element.title else []),
        *plain_lines(element.body),
        *([f"Teksten slik den lyder {norwegian_date(day)}: {dated_url}"] if dated_url else []),
        f"Permanent lenke: {permanent_url}",
        f"Hentet {norwegian_date(day)}",
    ]
    return "\n".join(lines)
