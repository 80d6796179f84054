from django import template
from django.urls import reverse
from django.utils.safestring import SafeString

from strategy.models import Edition, StrategyElement
from strategy.text import render_body

register = template.Library()


@register.filter
def markdown_text(body: str) -> SafeString:
    """A past version's body as sanitised HTML (its footnotes are not versioned: no markers)."""
    return render_body(body, [])


@register.filter
def edition_url(edition: Edition, name: str) -> str:
    """One of the edition's own pages or files («whole-strategy», «strategy-json», …): the
    plain address while it is in force, /utgaver/<periode>/… otherwise."""
    return edition.url_for(name)


@register.filter
def element_json_url(element: StrategyElement) -> str:
    """The element's open data in its own edition (not the same code in the edition in force)."""
    return element.edition.url_for("element-json", code=element.code)


@register.filter
def element_pdf_url(element: StrategyElement) -> str:
    """The PDF of a chapter (a focus area …) in its own edition; none for other kinds."""
    if not element.kind_facts.is_chapter:
        return ""
    return element.edition.url_for("element-pdf", code=element.code)


@register.filter
def reader_url(element: StrategyElement) -> str:
    """Where a link to an element leads its reader: its page, or for an element of a draft
    edition (no public page yet; only editors see such links) its form in the admin."""
    if element.edition.is_public:
        return element.get_absolute_url()
    return reverse("admin:strategy_strategyelement_change", args=[element.pk])
