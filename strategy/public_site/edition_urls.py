"""The editions' addresses (issue 13), spliced into strategy/urls.py before the catch-all
element path:

- /r/<periode>/<kode>/ – the edition-qualified permanent link (301 to the element's page)
- /r/<periode>/<kode>/<ÅÅÅÅ-MM-DD>/ – the element as it stood at the end of that day (Oslo)
- /r/<periode>/<kode>/endringer/<nr>/ – the word-level difference of one published change
- /utgaver/ – every public edition
- /utgaver/<periode>/ , …/hele-strategien/ , …/<sti>/ – an edition not in force
- /utgaver/<periode>/sammenlign/<periode>/ – two editions compared element by element
"""

from django.urls import path, register_converter

from . import edition_views, permalinks
from .converters import DateConverter, PeriodConverter

register_converter(PeriodConverter, "period")
register_converter(DateConverter, "day")


def patterns() -> list:
    """The editions' URL patterns. A function, so that strategy/urls.py registers its own
    converters (code, element path) before these patterns use them."""
    return [
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
        path(
            "utgaver/<period:period>/", edition_views.edition_front_page, name="edition-front-page"
        ),
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
    ]
