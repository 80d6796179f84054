from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from . import accessibility, health, opendata, permalinks, sitemaps, views
from .converters import CodeConverter, ElementPathConverter

register_converter(ElementPathConverter, "element_path")
register_converter(CodeConverter, "code")

app_name = "strategy"

urlpatterns = [
    path("", views.front_page, name="front-page"),
    path("hele-strategien/", views.whole_strategy, name="whole-strategy"),
    path("r/<code:code>/", permalinks.permalink, name="permalink"),
    path("api/strategi.json", opendata.strategy_json, name="strategy-json"),
    path("api/strategi.csv", opendata.elements_csv, name="elements-csv"),
    path("api/elementer/<code:code>.json", opendata.element_json, name="element-json"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots-txt"),
    path(
        "tilgjengelighet/",
        accessibility.accessibility_statement,
        name="accessibility-statement",
    ),
    path("helse/", health.health, name="health"),
    path("sok/", views.search, name="search"),
    path("sok/forslag/", views.search_suggestions, name="search-suggestions"),
    # Last: every other path is looked up among the elements' stored paths.
    path("<element_path:element_path>/", views.element_detail, name="element"),
]
