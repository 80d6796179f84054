from django import template
from django.utils.safestring import SafeString, mark_safe

from strategy.models import StrategyElement
from strategy.public_site import strategy_map
from strategy.public_site.presentation import ChildGroup, child_groups
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


@register.simple_tag
def strategy_map_svgs(the_map: strategy_map.StrategyMap, with_vision: bool = True) -> SafeString:
    """Both layouts of the map, inline (their text is escaped by ``render_svg``); the
    stylesheet shows the one that fits the screen."""
    return mark_safe(
        "".join(
            strategy_map.render_svg(
                the_map, layout, StrategyElement.get_absolute_url, with_vision=with_vision
            )
            for layout in strategy_map.LAYOUTS
        )
    )
