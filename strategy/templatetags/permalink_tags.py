from django import template

from strategy.infrastructure.origin import absolute_url as origin_url
from strategy.models import StrategyElement
from strategy.public_site.citation import excerpt_of
from strategy.public_site.opendata import Urls

register = template.Library()


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
    return excerpt_of(element.body) or element.title


@register.simple_tag(takes_context=True)
def permanent_url(context, element: StrategyElement) -> str:
    """The element's absolute permanent link (``https://…/r/T-S2/``) on the configured origin,
    for the printout and the PDF. One URL builder per request: a page lists many elements."""
    request = context.get("request")
    if request is None:
        return Urls().permalink(element)
    urls = getattr(request, "permanent_urls", None)
    if urls is None:
        urls = request.permanent_urls = Urls()
    return urls.permalink(element)
