"""The strategy map's own page and its downloads (SVG and PNG for slides)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..infrastructure.caching import public_page
from ..models import StrategyElement
from ..slugs import norwegian_slugify
from . import strategy_map
from .opendata import Urls
from .page import not_found, page_context

PNG_WIDTH = 2 * strategy_map.WIDE.width  # sharp on a projector and on a 4K slide


def _map_of_current_document() -> strategy_map.StrategyMap | None:
    root = StrategyElement.objects.current_document()
    if root is None:
        return None
    nodes = strategy_map.map_elements(root).linked()
    return strategy_map.build_map(nodes[root.pk])


@public_page
def map_page(request: HttpRequest) -> HttpResponse:
    """The map on a page of its own, with its text alternative shown as a list."""
    the_map = _map_of_current_document()
    if the_map is None:
        return not_found(request)
    return render(
        request,
        "strategy/strategy_map.html",
        {
            "root": the_map.document,
            "strategy_map": the_map,
            **page_context(the_map.document),
        },
    )


def _download(request: HttpRequest, content: bytes, content_type: str, suffix: str, root):
    response = HttpResponse(content, content_type=content_type)
    filename = f"{norwegian_slugify(root.title) or 'strategi'}-strategikart.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _standalone_svg(request: HttpRequest, the_map: strategy_map.StrategyMap) -> str:
    """The wide map as a file of its own, whose links work from a slide: absolute URLs."""
    urls = Urls()
    return strategy_map.render_svg(
        the_map, strategy_map.WIDE, urls.page, standalone=True, id_prefix="strategikart"
    )


@public_page
def map_svg(request: HttpRequest) -> HttpResponse:
    the_map = _map_of_current_document()
    if the_map is None:
        return not_found(request)
    svg = _standalone_svg(request, the_map)
    return _download(request, svg.encode(), "image/svg+xml; charset=utf-8", "svg", the_map.document)


@public_page
def map_png(request: HttpRequest) -> HttpResponse:
    the_map = _map_of_current_document()
    if the_map is None:
        return not_found(request)
    png = strategy_map.render_png(_standalone_svg(request, the_map), PNG_WIDTH)
    return _download(request, png, "image/png", "png", the_map.document)
