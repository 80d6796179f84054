from django import template
from django.utils.text import Truncator

from strategy.citation import plain_lines
from strategy.models import StrategyElement

register = template.Library()

DESCRIPTION_LENGTH = 200


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """Canonical and Open Graph URLs must be absolute; built from the request's own host."""
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@register.filter
def summary(element: StrategyElement) -> str:
    """What a link preview (e-mail, Teams, search results) shows under the title: the
    element's text as plain text, cut at a word; the title (already og:title) when the
    element has no text of its own, as most strategies and goals."""
    words = " ".join(plain_lines(element.body)) or element.title
    return Truncator(words).chars(DESCRIPTION_LENGTH)
