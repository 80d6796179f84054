"""sitemap.xml and robots.txt: every public page, and no draft, for search engines."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property

from ..infrastructure.origin import absolute_url
from ..models import Edition, StrategyElement
from .opendata import Urls


class OriginSitemap(Sitemap):
    """Locations on the configured origin: Django's sitemaps would take the request's host
    and scheme."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.CANONICAL_ORIGIN).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.CANONICAL_ORIGIN).netloc


class ElementSitemap(OriginSitemap):
    """Every public element: exactly the element pages that answer 200 (the document's own
    page is the front page). One query."""

    def items(self) -> list[StrategyElement]:
        return list(StrategyElement.objects.public().linked().values())

    def location(self, item: StrategyElement) -> str:
        return self.urls.page(item)

    @cached_property
    def urls(self) -> Urls:
        return Urls(absolute=False)

    def lastmod(self, item: StrategyElement):
        return item.updated_at


class PageSitemap(OriginSitemap):
    """Pages that are not elements: «Hele strategien» of every public edition (the one in
    force at its plain address, the others under /utgaver/<periode>/), the list of editions,
    the change log and the strategy map. One query. (Each edition's front page is its
    document's page, in ``ElementSitemap``.)"""

    def items(self) -> list[str]:
        editions = Edition.objects.public().order_by("-period")
        return [
            *(edition.url_for("whole-strategy") for edition in editions),
            reverse("strategy:editions"),
            reverse("strategy:change-log"),
            reverse("strategy:strategy-map"),
        ]

    def location(self, item: str) -> str:
        return item


SITEMAPS = {"elementer": ElementSitemap, "sider": PageSitemap}


def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = absolute_url(reverse("strategy:sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
