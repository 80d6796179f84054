"""The editions' addresses (issue 13), spliced into strategy/urls.py before the catch-all
element path:

- /r/<periode>/<kode>/ – the edition-qualified permanent link (301 to the element's page)
- /r/<periode>/<kode>/<ÅÅÅÅ-MM-DD>/ – the element as it stood at the end of that day (Oslo)
- /r/<periode>/<kode>/endringer/<nr>/ – the word-level difference of one published change
- /r/<periode>/<kode>/kort/, …/referanse.ris|bib|json – the card and the reference files
- /utgaver/<periode>/api/strategi.json|csv, …/api/elementer/<kode>.json – the edition's open data
- /utgaver/<periode>/pdf/strategien.pdf, …/pdf/<kode>.pdf – the edition's PDFs
- /utgaver/ – every public edition
- /endringer/, /endringer.atom – the changes of the words in the edition in force, newest first
- /utgaver/<periode>/ , …/hele-strategien/ , …/<sti>/ – an edition not in force
- /utgaver/<periode>/sammenlign/<periode>/ – two editions compared element by element
"""

from django.urls import path, register_converter

from . import edition_views, opendata, pdf, permalinks, sharing
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
        path("r/<period:period>/<code:code>/kort/", sharing.card, name="edition-card"),
        *(
            path(
                f"r/<period:period>/<code:code>/referanse.{suffix}",
                sharing.reference_file,
                {"reference_format": reference_format},
                name=f"edition-reference-{reference_format}",
            )
            for reference_format, (_type, suffix, _write) in sharing.REFERENCE_FORMATS.items()
        ),
        path("utgaver/", edition_views.edition_list, name="editions"),
        path("endringer/", edition_views.change_log, name="change-log"),
        path("endringer.atom", edition_views.change_feed, name="change-feed"),
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
            "utgaver/<period:period>/api/strategi.json",
            opendata.strategy_json,
            name="edition-strategy-json",
        ),
        path(
            "utgaver/<period:period>/api/strategi.csv",
            opendata.elements_csv,
            name="edition-elements-csv",
        ),
        path(
            "utgaver/<period:period>/api/elementer/<code:code>.json",
            opendata.element_json,
            name="edition-element-json",
        ),
        path(
            "utgaver/<period:period>/pdf/strategien.pdf",
            pdf.strategy_pdf,
            name="edition-strategy-pdf",
        ),
        path(
            "utgaver/<period:period>/pdf/<code:code>.pdf",
            pdf.element_pdf,
            name="edition-element-pdf",
        ),
        path(
            "utgaver/<period:period>/<element_path:element_path>/",
            edition_views.edition_element,
            name="edition-element",
        ),
    ]
