from django import template
from django.utils.safestring import SafeString

from strategy.text import render_body

register = template.Library()


@register.filter
def markdown_text(body: str) -> SafeString:
    """A past version's body as sanitised HTML (its footnotes are not versioned: no markers)."""
    return render_body(body, [])
