from django import template
from django.utils.text import Truncator

from strategy.citation import plain_lines
from strategy.models import StrategyElement
from strategy.origin import absolute_url as origin_url

register = template.Library()

DESCRIPTION_LENGTH = 200


@register.simple_tag
def absolute_url(path: str) -> str:
    """Canonical and Open Graph URLs must be absolute: on the configured origin, whatever
    host the request named."""
    return origin_url(path)


@register.filter
def summary(element: StrategyElement) -> str:
    """What a link preview (e-mail, Teams, search results) shows under the title: the
    element's text as plain text, cut at a word; the title (already og:title) when the
    element has no text of its own, as most strategies and goals."""
    words = " ".join(plain_lines(element.body)) or element.title
    return Truncator(words).chars(DESCRIPTION_LENGTH)
