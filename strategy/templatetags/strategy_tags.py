from django import template
from django.utils.safestring import SafeString

from strategy.models import StrategyElement
from strategy.presentation import ChildGroup, child_groups
from strategy.text import render_body

register = template.Library()


@register.simple_tag
def body_html(element: StrategyElement) -> SafeString:
    """The element's body as sanitised HTML with its footnote markers."""
    return render_body(element.body, element.sources.all())


@register.filter
def heading_level(depth: int) -> int:
    """HTML has six heading levels; deeper parts of the tree share the last one."""
    return min(int(depth), 6)


@register.filter
def groups(element: StrategyElement) -> list[ChildGroup]:
    return child_groups(element)


@register.filter
def add_one(depth: int) -> int:
    return int(depth) + 1
