"""The ready-to-paste citation of an element for a council document (saksframlegg)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from html import unescape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import Truncator

from ..models import StrategyElement
from ..text import render_markdown


def today() -> datetime.date:
    return timezone.localdate()


def norwegian_date(day: datetime.date) -> str:
    """26. november 2026 – the way a Norwegian document writes a date."""
    with translation.override("nb"):
        return date_format(day, "j. F Y")


def plain_lines(markdown_text: str) -> list[str]:
    """Body text as plain lines, one per paragraph or list item: a citation is pasted into
    a word processor, where HTML or Markdown marks would show."""
    html = render_markdown(markdown_text)
    for closing in ("</p>", "</li>", "<br>", "<br />"):
        html = html.replace(closing, "\n")
    text = unescape(strip_tags(html))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


# The length of an excerpt: a link preview's description, a long text's citation.
EXCERPT_LENGTH = 200


def excerpt_of(markdown_text: str, length: int = EXCERPT_LENGTH) -> str:
    """The opening of a body text as one plain line of at most ``length`` characters, cut
    after a whole word and closed with «…» when shortened."""
    text = " ".join(plain_lines(markdown_text))
    if len(text) <= length:
        return text
    return Truncator(text).chars(length, truncate="…").rsplit(" ", 1)[0].rstrip(",;:") + " …"


def citation_text(
    element: StrategyElement,
    ancestors: list[StrategyElement],
    permanent_url: str,
    day: datetime.date,
    dated_url: str = "",
    *,
    excerpt: bool = False,
) -> str:
    """Strategy and edition, place in the hierarchy with the code, the element's own words (or,
    with ``excerpt``, the opening of a long text), the link to the text as it reads today
    (``dated_url``: the words quoted, for ever), the always-current permanent link and the date
    it was read. ``ancestors`` runs from the document down. A part of the strategy is named by
    its title and code («Innsatsområdene (IO)»): its kind, «Del», says nothing to a reader."""
    root = ancestors[0] if ancestors else element
    trail = [ancestor.display_title for ancestor in ancestors[1:]]
    if element.kind_facts.named_by_title:
        trail.append(f"{element.display_title} ({element.code})")
    else:
        trail.append(f"{element.get_kind_display()} {element.code}")
    text = [excerpt_of(element.body)] if excerpt and element.body else plain_lines(element.body)
    edition = element.edition
    lines = [
        f"{root.title}, {settings.PORTAL['OWNER']}",
        f"Utgave {edition.period_label} ({edition.get_status_display().lower()})",
        " › ".join(trail),
        *([element.title] if element.title and not element.kind_facts.named_by_title else []),
        *text,
        *([f"Teksten slik den lyder {norwegian_date(day)}: {dated_url}"] if dated_url else []),
        f"Permanent lenke: {permanent_url}",
        f"Hentet {norwegian_date(day)}",
    ]
    return "\n".join(lines)


# --- Reference managers and structured data ---------------------------------------------
# Zotero, EndNote, Mendeley and search engines read an element as a report of Osloregionen IPR
# whose number is the element's code, in the series of the strategy document. One record
# (``Reference``) feeds every format, so they never disagree.

LANGUAGE = "nb"


@dataclass(frozen=True)
class Reference:
    code: str
    kind: str  # "Strategi", "Mål", …
    title: str
    document: str  # the strategy document's title; the edition once there are editions
    date: datetime.date  # when this element's published text last changed
    permanent_url: str
    page_url: str
    abstract: str

    @classmethod
    def of(
        cls,
        element: StrategyElement,
        ancestors: list[StrategyElement],
        permanent_url: str,
        page_url: str,
    ) -> Reference:
        root = ancestors[0] if ancestors else element
        return cls(
            code=element.code,
            kind=element.get_kind_display(),
            title=element.display_title,
            document=root.title,
            date=timezone.localdate(element.updated_at),
            permanent_url=permanent_url,
            page_url=page_url,
            abstract=" ".join(plain_lines(element.body)),
        )

    @property
    def author(self) -> str:
        return settings.PORTAL["OWNER"]

    @property
    def key(self) -> str:
        """A citation key that reads well and is the same for every download."""
        return f"osloregionen-{self.code.lower()}"

    @property
    def full_title(self) -> str:
        return f"{self.kind} {self.code}: {self.title}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def ris(reference: Reference) -> str:
    """RIS (Research Information Systems): a report (``RPRT``); Zotero reads ``SN`` of a report
    as its number and ``M3`` as its type."""
    fields = [
        ("TY", "RPRT"),
        ("TI", reference.title),
        ("AU", reference.author),
        ("PB", reference.author),
        ("T3", reference.document),
        ("M3", reference.kind),
        ("SN", reference.code),
        ("PY", str(reference.date.year)),
        ("DA", reference.date.strftime("%Y/%m/%d")),
        ("LA", LANGUAGE),
        ("UR", reference.permanent_url),
        *([("AB", reference.abstract)] if reference.abstract else []),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in fields)


# BibTeX counts every brace, escaped or not, to find a field's end: a brace of the text becomes
# a balanced group with a TeX command for the character.
BIBTEX_SPECIALS = {
    "\\": r"{\textbackslash}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"{\textasciicircum}",
    "~": r"{\textasciitilde}",
}


def bibtex_value(text: str) -> str:
    """Text inside a BibTeX field's braces: TeX's special characters escaped, so that a title
    with «{», «%» or «&» neither breaks the file nor turns into TeX commands."""
    return "".join(BIBTEX_SPECIALS.get(character, character) for character in _one_line(text))


def bibtex(reference: Reference) -> str:
    """BibTeX (also read by biblatex): ``@techreport`` with the organisation as the author,
    in double braces so that it is not split into first and last names."""
    fields = [
        ("title", bibtex_value(reference.title)),
        ("author", "{" + bibtex_value(reference.author) + "}"),
        ("institution", bibtex_value(reference.author)),
        ("type", bibtex_value(reference.kind)),
        ("number", bibtex_value(reference.code)),
        ("series", bibtex_value(reference.document)),
        ("year", str(reference.date.year)),
        ("date", reference.date.isoformat()),
        ("language", "norsk"),
        ("url", reference.permanent_url),
        *([("abstract", bibtex_value(reference.abstract))] if reference.abstract else []),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@techreport{{{reference.key},\n{body}\n}}\n"


def csl_json(reference: Reference) -> list[dict]:
    """CSL-JSON, the citation processors' own format (Zotero, Pandoc, citeproc)."""
    item = {
        "id": reference.key,
        "type": "report",
        "title": reference.title,
        "author": [{"literal": reference.author}],
        "publisher": reference.author,
        "genre": reference.kind,
        "number": reference.code,
        "collection-title": reference.document,
        "issued": {"date-parts": [[reference.date.year, reference.date.month, reference.date.day]]},
        "language": LANGUAGE,
        "URL": reference.permanent_url,
    }
    if reference.abstract:
        item["abstract"] = reference.abstract
    return [item]


def _organisation() -> dict:
    return {
        "@type": "GovernmentOrganization",
        "name": settings.PORTAL["OWNER"],
        "url": settings.PORTAL["OWNER_URL"],
    }


def schema_org_edition(
    document_title: str, edition_url: str, period: str, status: str, series_url: str
) -> dict:
    """An edition of the strategy as schema.org: a report (the edition's document) with its
    period as its version, part of the series of editions (issue 13)."""
    return {
        "@type": "Report",
        "name": document_title,
        "url": edition_url,
        "version": period,
        "creativeWorkStatus": status,
        "isPartOf": {"@type": "CreativeWorkSeries", "name": DOCUMENT_SERIES, "url": series_url},
    }


# The document across its editions (the owner adopts one per four-year period).
DOCUMENT_SERIES = "Strategiske føringer for Osloregionen"


def schema_org_element(
    reference: Reference,
    front_page_url: str,
    licence_url: str,
    json_url: str,
    edition: dict | None = None,
    published: datetime.date | None = None,
    modified: datetime.date | None = None,
) -> dict:
    """schema.org for an element's page: a part of an edition (``schema_org_edition``) of the
    strategy document. ``published`` and ``modified``: the days of its first published text
    and of its latest published change (the version shown)."""
    modified = modified or reference.date
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": reference.title,
        "alternateName": reference.full_title,
        "identifier": reference.code,
        "genre": reference.kind,
        "url": reference.page_url,
        "sameAs": reference.permanent_url,
        "inLanguage": LANGUAGE,
        "dateModified": modified.isoformat(),
        "version": modified.isoformat(),
        **({"datePublished": published.isoformat()} if published else {}),
        "author": _organisation(),
        "publisher": _organisation(),
        "license": licence_url,
        "isPartOf": edition
        or {"@type": "Report", "name": reference.document, "url": front_page_url},
        "encoding": {
            "@type": "MediaObject",
            "contentUrl": json_url,
            "encodingFormat": "application/json",
            "license": licence_url,
        },
    }
    if reference.abstract:
        data["abstract"] = reference.abstract
    return data


def schema_org_document(
    document: Reference, front_page_url: str, licence_url: str, search_url: str
) -> dict:
    """schema.org for the front page: the strategy document, its publisher, and the site with
    its search."""
    return {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Report",
                "name": document.title,
                "identifier": document.code,
                "url": front_page_url,
                "sameAs": document.permanent_url,
                "inLanguage": LANGUAGE,
                "dateModified": document.date.isoformat(),
                "author": _organisation(),
                "publisher": _organisation(),
                "license": licence_url,
                **({"abstract": document.abstract} if document.abstract else {}),
            },
            {
                "@type": "WebSite",
                "name": document.title,
                "url": front_page_url,
                "inLanguage": LANGUAGE,
                "publisher": _organisation(),
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": f"{search_url}?q={{search_term_string}}",
                    "query-input": "required name=search_term_string",
                },
            },
        ],
    }
