from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from .infrastructure import health
from .public_site import (
    accessibility,
    dcat,
    edition_urls,
    map_pages,
    opendata,
    pdf,
    permalinks,
    sharing,
    sitemaps,
    views,
)
from .public_site.converters import CodeConverter, ElementPathConverter

register_converter(ElementPathConverter, "element_path")
register_converter(CodeConverter, "code")

app_name = "strategy"

urlpatterns = [
    path("", views.front_page, name="front-page"),
    path("hele-strategien/", views.whole_strategy, name="whole-strategy"),
    path("r/<code:code>/", permalinks.permalink, name="permalink"),
    path("r/<code:code>/kort/", sharing.card, name="card"),
    path(
        "r/<code:code>/referanse.ris",
        sharing.reference_file,
        {"reference_format": "ris"},
        name="reference-ris",
    ),
    path(
        "r/<code:code>/referanse.bib",
        sharing.reference_file,
        {"reference_format": "bibtex"},
        name="reference-bibtex",
    ),
    path(
        "r/<code:code>/referanse.json",
        sharing.reference_file,
        {"reference_format": "csl"},
        name="reference-csl",
    ),
    path("oembed", sharing.oembed, name="oembed"),
    path("api/", opendata.api_documentation, name="api"),
    path("strategikart/", map_pages.map_page, name="strategy-map"),
    path("strategikart.svg", map_pages.map_svg, name="strategy-map-svg"),
    path("strategikart.png", map_pages.map_png, name="strategy-map-png"),
    path("pdf/strategien.pdf", pdf.strategy_pdf, name="strategy-pdf"),
    path("pdf/<code:code>.pdf", pdf.element_pdf, name="element-pdf"),
    path("favicon.ico", views.favicon, name="favicon"),
    # The editions: /r/<periode>/<kode>/…, /utgaver/… (strategy/public_site/edition_urls.py).
    *edition_urls.patterns(),
    path("api/strategi.json", opendata.strategy_json, name="strategy-json"),
    path("api/strategi.csv", opendata.elements_csv, name="elements-csv"),
    path("api/elementer/<code:code>.json", opendata.element_json, name="element-json"),
    path("api/skjema/<slug:name>.schema.json", opendata.json_schema, name="json-schema"),
    path("api/katalog.ttl", dcat.catalogue_turtle, name="dcat-turtle"),
    path("api/katalog.jsonld", dcat.catalogue_json_ld, name="dcat-json-ld"),
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
