from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from . import accessibility, edition_views, health, opendata, permalinks, sitemaps, views
from .converters import CodeConverter, DateConverter, ElementPathConverter, PeriodConverter

register_converter(ElementPathConverter, "element_path")
register_converter(CodeConverter, "code")
register_converter(PeriodConverter, "period")
register_converter(DateConverter, "day")

app_name = "strategy"

urlpatterns = [
    path("", views.front_page, name="front-page"),
    path("hele-strategien/", views.whole_strategy, name="whole-strategy"),
    path("r/<code:code>/", permalinks.permalink, name="permalink"),
    path(
        "r/<period:period>/<code:code>/",
        permalinks.edition_permalink,
        name="edition-permalink",
    ),
    path(
        "r/<period:period>/<code:code>/<day:day>/",
        edition_views.dated_element,
        name="dated-element",
    ),
    path(
        "r/<period:period>/<code:code>/endringer/<int:version_id>/",
        edition_views.element_change,
        name="element-change",
    ),
    path("utgaver/", edition_views.edition_list, name="editions"),
    path("utgaver/<period:period>/", edition_views.edition_front_page, name="edition-front-page"),
    path(
        "utgaver/<period:period>/hele-strategien/",
        edition_views.edition_whole_strategy,
        name="edition-whole-strategy",
    ),
    path(
        "utgaver/<period:period>/sammenlign/<period:other>/",
        edition_views.compare_editions,
        name="compare-editions",
    ),
    path(
        "utgaver/<period:period>/<element_path:element_path>/",
        edition_views.edition_element,
        name="edition-element",
    ),
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
    # Last: every other path is looked up among the elements' stored paths.
    path("<element_path:element_path>/", views.element_detail, name="element"),
]
