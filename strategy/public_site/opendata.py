"""Open data: the strategy as JSON (whole tree and per element) and CSV, under NLOD 2.0, with a
JSON Schema per JSON format and a Norwegian documentation page at /api/; the headers every API
answer carries (licence, CORS); and the importer that turns the whole-tree JSON back into a
tree."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.timezone import localtime
from django.views.decorators.http import require_safe

from ..infrastructure.caching import content_version, public_page
from ..infrastructure.origin import absolute_url
from ..models import (
    DeletedElement,
    Edition,
    EditionStatus,
    Kind,
    Source,
    StrategyElement,
)
from ..tree import tree_lock
from ..validators import CODE_PATTERN, MISSING_CODE_MESSAGE, describe
from . import citation, edition_pages
from .accessibility import SECRETARIAT_EMAIL
from .page import page_context

FORMAT_VERSION = 1

PUBLISHER = "Osloregionen interkommunalt politisk råd (IPR)"

LICENCE = {
    "navn": "Norsk lisens for offentlige data (NLOD) 2.0",
    "kortnavn": "NLOD-2.0",
    "url": "https://data.norge.no/nlod/no/2.0",
}

JSON_OPTIONS = {"ensure_ascii": False, "indent": 2}


class Urls:
    """Absolute URLs (on the configured origin) of many elements, or only their paths.
    ``reverse()`` costs a tenth of a millisecond, which for thousands of elements is most
    of an export's time: each URL pattern is reversed once with a placeholder and then
    filled in."""

    PLACEHOLDER = "PLACEHOLDER0"
    PERIOD = "0000-0000"

    def __init__(self, absolute: bool = True) -> None:
        base = absolute_url("") if absolute else ""
        self._base = base
        self._front_page = base + reverse("strategy:front-page")
        # An element of an edition for ever: /r/<periode>/<kode>/… (issue 13).
        self._edition_patterns = {
            name: base
            + reverse(f"strategy:{name}", kwargs={"period": self.PERIOD, "code": self.PLACEHOLDER})
            for name in ("edition-permalink", "edition-card")
        }
        self._patterns = {
            name: base + reverse(f"strategy:{name}", kwargs={key: self.PLACEHOLDER})
            for name, key in (
                ("element", "element_path"),
                ("element-json", "code"),
            )
        }

    def absolute(self, path: str) -> str:
        """Any of the portal's own paths as an absolute URL, on the same origin as the rest."""
        return self._base + path

    @property
    def origin(self) -> str:
        return self._base

    def _fill(self, name: str, value: str) -> str:
        return self._patterns[name].replace(self.PLACEHOLDER, value, 1)

    def _fill_edition(self, name: str, element: StrategyElement) -> str:
        return (
            self._edition_patterns[name]
            .replace(self.PERIOD, element.edition.period, 1)
            .replace(self.PLACEHOLDER, element.code, 1)
        )

    def page(self, element: StrategyElement) -> str:
        if not element.edition.is_in_force:  # /utgaver/<periode>/…: a few, reversed each
            return self._base + element.get_absolute_url()
        return self._fill("element", element.path) if element.path else self._front_page

    def permalink(self, element: StrategyElement) -> str:
        """The edition-qualified permanent link, /r/2025-2028/T-S2/ (issue 13): it names this
        element of this edition for ever."""
        return self._fill_edition("edition-permalink", element)

    def json(self, element: StrategyElement) -> str:
        """The element's data: /api/… while its edition is in force (as its page is at the
        plain URL), /utgaver/<periode>/api/… otherwise."""
        if not element.edition.is_in_force:
            return self._base + element.edition.url_for("element-json", code=element.code)
        return self._fill("element-json", element.code)

    def card(self, element: StrategyElement) -> str:
        """The card a web site frames names the element of its edition for ever."""
        return self._fill_edition("edition-card", element)


def children(element: StrategyElement) -> list[StrategyElement]:
    """The children linked in memory by ``linked()``; ``get_children()`` would build a new
    queryset object per element, which costs more than the rest of the export together."""
    return element._cached_children


def element_data(urls: Urls, element: StrategyElement) -> dict[str, Any]:
    """One element and its public subtree, from a tree built by ``public().linked()``."""
    return {
        "kode": element.code,
        "type": element.kind,
        "typenavn": element.get_kind_display(),
        "tittel": element.title,
        "slug": element.slug,
        "tekst": element.body,
        "url": urls.page(element),
        "permanent_url": urls.permalink(element),
        "json_url": urls.json(element),
        "kilder": [
            {
                "nummer": source.number,
                "tekst": source.text,
                "url": source.url,
                "henviser_til": source.anchor,
            }
            for source in element.sources.all()
        ],
        "barn": [element_data(urls, child) for child in children(element)],
    }


def _envelope(root: StrategyElement, day: datetime.date) -> dict[str, Any]:
    """What every JSON export says about itself: among it, its edition and the day its text
    is as of (``text_day``)."""
    return {
        "formatversjon": FORMAT_VERSION,
        "utgiver": PUBLISHER,
        "strategi": root.title,
        "utgave": root.edition.period,
        "utgavestatus": root.edition.status,
        "dato": day.isoformat(),
        "lisens": LICENCE,
        "kilde": absolute_url(root.edition.url_for("strategy-json")),
    }


def api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An open-data endpoint: read-only (GET and HEAD), and marked so that
    ``OpenDataHeadersMiddleware`` gives each of its answers the licence and CORS headers."""
    wrapped = require_safe(view)
    wrapped.open_data = True
    return wrapped


def is_open_data(path_info: str) -> bool:
    try:
        match = resolve(path_info)
    except Resolver404:
        return False
    return getattr(match.func, "open_data", False)


class OpenDataHeadersMiddleware:
    """Every answer of an open-data endpoint names its licence (``Link: <…>; rel="license"``),
    and a GET or HEAD answer may be read by a script on any web site
    (``Access-Control-Allow-Origin: *``): the data is public, sent to everyone alike, and no
    cookie or login is involved. Nothing else gets CORS. Placed before the page cache, so that
    its answers from memory and its 304s carry the headers too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        # A cheap test first: only these paths can be open-data endpoints (an edition's own
        # data is under /utgaver/<periode>/api/).
        self.prefixes = (
            reverse("strategy:api"),
            reverse("strategy:oembed"),
            reverse("strategy:editions"),
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.prefixes) and is_open_data(request.path_info):
            add_link(response, LICENCE["url"], "license")
            if request.method in ("GET", "HEAD"):
                response["Access-Control-Allow-Origin"] = "*"
                # Scripts may read these too (Last-Modified is readable without asking).
                response["Access-Control-Expose-Headers"] = "ETag, Link"
        return response


def add_link(response: HttpResponse, url: str, rel: str) -> None:
    """Adds one ``Link`` (RFC 8288) to those the response already has."""
    link = f'<{url}>; rel="{rel}"'
    response["Link"] = f"{response['Link']}, {link}" if response.has_header("Link") else link


def _schema_response(request: HttpRequest, data: dict[str, Any], schema: str) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params=JSON_OPTIONS)
    add_link(response, schema_url(Urls(), schema), "describedby")
    return response


def _requested_day(request: HttpRequest) -> datetime.date | None:
    """``?dato=ÅÅÅÅ-MM-DD``: the day the data is to be as of (None: today's)."""
    return edition_pages.requested_day(request.GET.get(edition_pages.DAY_PARAMETER))


def _dated_tree(root: StrategyElement, day: datetime.date | None) -> dict[int, StrategyElement]:
    """The public tree of the document's edition: today's (3 queries) or at the end of
    ``day`` (``edition_pages.tree_as_of``)."""
    if day is None:
        return StrategyElement.objects.public().in_tree_of(root).with_sources().linked()
    return edition_pages.tree_as_of(root.edition, day)


def _not_yet_published(day: datetime.date) -> JsonResponse:
    return _json_error(f"Ikke publisert {citation.norwegian_date(day)}.", status=404)


def text_day(request: HttpRequest | None, day: datetime.date | None) -> datetime.date:
    """The day an export's text is as of: the ``?dato=`` asked for, or the day the public
    text last changed (it reads the same today), so that an export keeps its ETag over
    midnight (from the content version the page's ETag comes from: no query)."""
    if day is not None:
        return day
    version = content_version(request) if request is not None else None
    return localtime(version[1]).date() if version is not None else edition_pages.today()


def _no_edition(period: str) -> JsonResponse:
    return _json_error(f"Fant ingen offentlig utgave for perioden {period}.", status=404)


@api_view
@public_page(query=(edition_pages.DAY_PARAMETER,))
def strategy_json(request: HttpRequest, period: str | None = None) -> HttpResponse:
    """The whole public strategy as one JSON tree: 3 queries whatever its size (with
    ``?dato=``: as it stood at the end of that day; under /utgaver/<periode>/: that
    edition)."""
    root = StrategyElement.objects.document_of(period)
    if root is None:
        return _no_edition(period) if period else _json_error("Ingen publisert strategi.", 404)
    try:
        day = _requested_day(request)
    except edition_pages.BadDay as error:
        return _json_error(str(error), status=400)
    nodes = _dated_tree(root, day)
    if root.pk not in nodes:
        return _not_yet_published(day)
    root = nodes[root.pk]
    data = {**_envelope(root, text_day(request, day)), "element": element_data(Urls(), root)}
    return _schema_response(request, data, "strategi")


def change_history(urls: Urls, element: StrategyElement) -> list[dict[str, str]]:
    """Every published wording of an element, oldest first: its date, its change note and the
    address of the text as it stood that day (one query)."""
    dated = urls.absolute(
        reverse(
            "strategy:dated-element",
            kwargs={"period": element.edition.period, "code": element.code, "day": "0001-01-01"},
        )
    )
    return [
        {
            "dato": version.date.isoformat(),
            "merknad": version.public_note,
            "url": dated.replace("0001-01-01", version.day.isoformat(), 1),
        }
        for version in edition_pages.published_versions(
            edition_pages.versions_of(element.pk, element.edition, element)
        )
    ]


@api_view
@public_page(query=(edition_pages.DAY_PARAMETER,))
def element_json(request: HttpRequest, code: str, period: str | None = None) -> HttpResponse:
    """One element with its hierarchy, its public subtree and its change history: 4 queries
    (with ``?dato=``: as it stood at the end of that day; under /utgaver/<periode>/: the
    element of that edition)."""
    try:
        day = _requested_day(request)
    except edition_pages.BadDay as error:
        return _json_error(str(error), status=400)
    if day is not None:
        return _dated_element_json(code, day, period)
    elements = StrategyElement.objects.public()
    if period is None:
        elements, edition = elements.in_force(), {"edition__status": EditionStatus.IN_FORCE}
    else:
        elements, edition = elements.filter(edition__period=period), {"edition__period": period}
    element = elements.filter(code=code).first()
    if element is None:
        tombstone = DeletedElement.objects.filter(**edition, code=code, was_public=True).first()
        if tombstone is not None:
            return _json_error(
                f"Elementet {tombstone.code} er fjernet fra strategien.",
                status=410,
                slettet=tombstone.deleted_at.isoformat(),
            )
        return _json_error(f"Fant ikke noe publisert element med koden {code}.", status=404)
    # Ancestors (for the hierarchy) and subtree.
    nodes = element.get_family().public().with_sources().linked()
    if element.pk not in nodes:  # unpublished or moved between the two queries
        return _json_error(f"Fant ikke noe publisert element med koden {code}.", status=404)
    return _element_response(request, nodes[element.pk], None)


def _dated_element_json(code: str, day: datetime.date, period: str | None) -> HttpResponse:
    root = StrategyElement.objects.document_of(period)
    nodes = _dated_tree(root, day) if root is not None else {}
    element = next((node for node in nodes.values() if node.code == code), None)
    if element is None:
        return _not_yet_published(day)
    return _element_response(None, element, day)


def _element_response(
    request: HttpRequest | None, element: StrategyElement, day: datetime.date | None
) -> HttpResponse:
    ancestors = element.cached_ancestors()
    root = ancestors[0] if ancestors else element
    urls = Urls()
    data = {
        **_envelope(root, text_day(request, day)),
        "hierarki": [
            {"kode": ancestor.code, "tittel": ancestor.title, "type": ancestor.kind}
            for ancestor in ancestors
        ],
        "overordnet_kode": element.parent.code if element.parent_id else None,
        "endringer": change_history(urls, element),
        "element": element_data(urls, element),
    }
    return _schema_response(request, data, "element")


def _json_error(message: str, status: int, **extra: str) -> JsonResponse:
    return JsonResponse({"feil": message, **extra}, status=status, json_dumps_params=JSON_OPTIONS)


def _plain_text(element: StrategyElement) -> str:
    return "\n".join(citation.plain_lines(element.body))


# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection",
# OWASP): =, +, -, @, tab and carriage return, and the full-width forms some locales of
# Excel also take.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_cell(value: str) -> str:
    """The value as text a spreadsheet shows and never evaluates: a leading apostrophe, as
    spreadsheet programs write it themselves, where the cell could start a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


# The CSV's columns, in order, and how each cell is read from an element of a tree linked in
# memory (``positions``: each element's place among its siblings, from 1). New columns go at
# the end, so that spreadsheets built on the earlier columns keep working.
CSV_FIELDS: tuple[tuple[str, Callable[[StrategyElement, Urls, dict[int, int]], Any]], ...] = (
    ("kode", lambda element, urls, positions: element.code),
    ("type", lambda element, urls, positions: element.get_kind_display()),
    ("tittel", lambda element, urls, positions: element.display_title),
    ("overordnet_kode", lambda e, urls, positions: e.parent.code if e.parent_id else ""),
    ("permanent_url", lambda element, urls, positions: urls.permalink(element)),
    ("url", lambda element, urls, positions: urls.page(element)),
    ("niva", lambda element, urls, positions: element.level),
    ("posisjon", lambda element, urls, positions: positions[element.pk]),
    (
        "overordnet_tittel",
        lambda e, urls, positions: e.parent.display_title if e.parent_id else "",
    ),
    ("tekst", lambda element, urls, positions: _plain_text(element)),
    ("utgave", lambda element, urls, positions: element.edition.period),
)
CSV_COLUMNS = [name for name, _cell in CSV_FIELDS]


def csv_rows(urls: Urls, nodes: dict[int, StrategyElement]) -> list[list[Any]]:
    """One row per element of a linked tree, in tree order: the cells before any escaping the
    CSV writer does."""
    positions = {}
    for node in nodes.values():
        if node.parent_id is None:
            positions[node.pk] = 1
        for number, child in enumerate(children(node), start=1):
            positions[child.pk] = number
    return [[cell(node, urls, positions) for _name, cell in CSV_FIELDS] for node in nodes.values()]


@api_view
@public_page(query=(edition_pages.DAY_PARAMETER,))
def elements_csv(request: HttpRequest, period: str | None = None) -> HttpResponse:
    """Every public element, one row each in tree order, for spreadsheets: UTF-8 with a
    byte order mark and semicolons, which is what Excel with Norwegian settings opens into
    columns with æ, ø and å intact. One query (with ``?dato=``: as it stood at the end of
    that day; under /utgaver/<periode>/: that edition, two queries)."""
    try:
        day = _requested_day(request)
    except edition_pages.BadDay as error:
        return _json_error(str(error), status=400)
    root = StrategyElement.objects.document_of(period) if day or period else None
    if period and root is None:
        return _no_edition(period)
    if day is not None:
        nodes = edition_pages.tree_as_of(root.edition, day) if root is not None else {}
    elif root is not None:
        nodes = StrategyElement.objects.public().in_tree_of(root).linked()
    else:
        nodes = StrategyElement.objects.public().in_force().linked()
    name = f"strategi-osloregionen-{period}" if period else "strategi-osloregionen"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(
        [spreadsheet_cell(str(value)) for value in row] for row in csv_rows(Urls(), nodes)
    )
    return response


# --- JSON Schemas ----------------------------------------------------------------------------
# One per JSON format, built from the same constants that the exports and the importer use
# (kinds, the code pattern), served at /api/skjema/<navn>.schema.json. Strict: a field the
# schema does not name is an error, so the tests that validate every export against it notice
# a field added to the export and not to its documentation.

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ABSOLUTE_URL = {"type": "string", "pattern": "^https?://[^\\s]+$"}


def schema_url(urls: Urls, name: str) -> str:
    return urls.absolute(reverse("strategy:json-schema", kwargs={"name": name}))


def _element_definitions() -> dict[str, Any]:
    source = {
        "type": "object",
        "additionalProperties": False,
        "required": ["nummer", "tekst", "url", "henviser_til"],
        "properties": {
            "nummer": {"type": "integer", "minimum": 0, "description": "Fotnotens nummer."},
            "tekst": {"type": "string"},
            "url": {"type": "string", "description": "Lenke til kilden, eller tom."},
            "henviser_til": {
                "type": "string",
                "description": "Ordene i brødteksten som fotnoten hører til.",
            },
        },
    }
    element = {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "kode",
            "type",
            "typenavn",
            "tittel",
            "slug",
            "tekst",
            "url",
            "permanent_url",
            "json_url",
            "kilder",
            "barn",
        ],
        "properties": {
            "kode": {
                "type": "string",
                "pattern": f"^{CODE_PATTERN.pattern}$",
                "description": "Permanent referansekode, f.eks. «T-S2».",
            },
            "type": {"enum": list(Kind.values)},
            "typenavn": {"enum": list(Kind.labels)},
            "tittel": {"type": "string", "description": "Tom for en innledende tekst uten tittel."},
            "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]*$"},
            "tekst": {"type": "string", "description": "Brødteksten i enkel Markdown."},
            "url": {**ABSOLUTE_URL, "description": "Elementets side."},
            "permanent_url": {**ABSOLUTE_URL, "description": "Adressen /r/<kode>/."},
            "json_url": {**ABSOLUTE_URL, "description": "Elementets egen JSON."},
            "kilder": {"type": "array", "items": {"$ref": "#/$defs/kilde"}},
            "barn": {
                "type": "array",
                "items": {"$ref": "#/$defs/element"},
                "description": "Publiserte underelementer i treets rekkefølge.",
            },
        },
    }
    return {"element": element, "kilde": source}


def _envelope_properties() -> dict[str, Any]:
    return {
        "formatversjon": {"const": FORMAT_VERSION},
        "utgiver": {"const": PUBLISHER},
        "strategi": {"type": "string", "description": "Strategidokumentets tittel."},
        "utgave": {
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{4}$",
            "description": "Utgavens periode, f.eks. «2025-2028».",
        },
        "utgavestatus": {"enum": list(EditionStatus.values)},
        "dato": {
            "type": "string",
            "format": "date",
            "description": "Teksten slik den lød ved slutten av denne dagen: datoen i "
            "«?dato=», ellers dagen teksten sist ble endret (den gjelder fortsatt).",
        },
        "lisens": {
            "type": "object",
            "additionalProperties": False,
            "required": ["navn", "kortnavn", "url"],
            "properties": {key: {"const": value} for key, value in LICENCE.items()},
        },
        "kilde": {**ABSOLUTE_URL, "description": "Adressen dataene ble hentet fra."},
        "element": {"$ref": "#/$defs/element"},
    }


def json_schemas() -> dict[str, dict[str, Any]]:
    """Every JSON format's schema by name, without its ``$id`` (the absolute URL it is served
    at, added by the view)."""
    envelope_required = [
        "formatversjon",
        "utgiver",
        "strategi",
        "utgave",
        "utgavestatus",
        "dato",
        "lisens",
        "kilde",
        "element",
    ]
    level = {
        "type": "object",
        "additionalProperties": False,
        "required": ["kode", "tittel", "type"],
        "properties": {
            "kode": {"type": "string", "pattern": f"^{CODE_PATTERN.pattern}$"},
            "tittel": {"type": "string"},
            "type": {"enum": list(Kind.values)},
        },
    }
    return {
        "strategi": {
            "title": "Hele strategien (/api/strategi.json)",
            "type": "object",
            "additionalProperties": False,
            "required": envelope_required,
            "properties": _envelope_properties(),
            "$defs": _element_definitions(),
        },
        "element": {
            "title": "Ett element med hierarkiet over og undertreet (/api/elementer/<kode>.json)",
            "type": "object",
            "additionalProperties": False,
            "required": [*envelope_required, "hierarki", "overordnet_kode", "endringer"],
            "properties": {
                **_envelope_properties(),
                "hierarki": {
                    "type": "array",
                    "items": level,
                    "description": "Elementene over, fra dokumentet og ned.",
                },
                "overordnet_kode": {"type": ["string", "null"]},
                "endringer": {
                    "type": "array",
                    "description": "Hver publiserte ordlyd, eldste først: dato, "
                    "endringsmerknad og adressen til teksten slik den lød den dagen.",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["dato", "merknad", "url"],
                        "properties": {
                            "dato": {"type": "string", "format": "date-time"},
                            "merknad": {"type": "string"},
                            "url": ABSOLUTE_URL,
                        },
                    },
                },
            },
            "$defs": _element_definitions(),
        },
        "feil": {
            "title": "Feilsvar (404, 410 og 400) fra API-et",
            "type": "object",
            "additionalProperties": False,
            "required": ["feil"],
            "properties": {
                "feil": {"type": "string", "description": "Hva som gikk galt, på norsk."},
                "slettet": {
                    "type": "string",
                    "format": "date-time",
                    "description": "Når elementet ble slettet (bare ved 410).",
                },
            },
        },
        "oembed": {
            "title": "oEmbed-svar (/oembed?url=…&format=json), type «rich»",
            "type": "object",
            "additionalProperties": False,
            "required": ["version", "type", "html", "width", "height"],
            "properties": {
                "version": {"const": "1.0"},
                "type": {"const": "rich"},
                "html": {"type": "string", "pattern": "^<iframe [^<>]*></iframe>$"},
                "width": {"type": "integer", "minimum": 1},
                "height": {"type": "integer", "minimum": 1},
                "title": {"type": "string"},
                "author_name": {"type": "string"},
                "author_url": ABSOLUTE_URL,
                "provider_name": {"type": "string"},
                "provider_url": ABSOLUTE_URL,
                "cache_age": {"type": "integer", "minimum": 0},
            },
        },
    }


@api_view
@public_page
def json_schema(request: HttpRequest, name: str) -> HttpResponse:
    schemas = json_schemas()
    if name not in schemas:
        return _json_error(f"Det finnes ikke noe skjema som heter «{name}».", status=404)
    schema = {
        "$schema": SCHEMA_DIALECT,
        "$id": schema_url(Urls(), name),
        **schemas[name],
    }
    response = JsonResponse(schema, json_dumps_params=JSON_OPTIONS)
    response["Content-Type"] = "application/schema+json"
    return response


@public_page
def api_documentation(request: HttpRequest) -> HttpResponse:
    """/api/: what each endpoint gives, in Norwegian, for developers and web editors. The menu
    costs the error pages' two queries: the page shows no content of its own."""
    urls = Urls()
    return render(
        request,
        "strategy/api.html",
        {
            **page_context(),
            "origin": urls.origin,
            "licence": LICENCE,
            "publisher": PUBLISHER,
            "format_version": FORMAT_VERSION,
            "schemas": {name: schema_url(urls, name) for name in json_schemas()},
            "secretariat_email": SECRETARIAT_EMAIL,
        },
    )


def _check_node(node: Any, seen: set[str], where: str) -> None:
    """The file's shape: objects, texts and lists where the export writes them, and a code on
    every element. What the values may be is the model's to say (``_validated``)."""
    if not isinstance(node, dict):
        raise ValidationError(f"{where}: et element må være et JSON-objekt.")
    code = node.get("kode")
    if not isinstance(code, str):
        raise ValidationError(f"{where}: ugyldig referansekode {code!r}.")
    if not code:
        raise ValidationError(f"{where}: {MISSING_CODE_MESSAGE}")
    if code in seen:
        raise ValidationError(f"{where}: referansekoden {code} står to ganger.")
    seen.add(code)
    if not isinstance(node.get("type"), str):
        raise ValidationError(f"{code}: feltet «type» må være tekst.")
    for key in ("tittel", "slug", "tekst"):
        if not isinstance(node.get(key, ""), str):
            raise ValidationError(f"{code}: feltet «{key}» må være tekst.")
    sources = node.get("kilder", [])
    if not isinstance(sources, list):
        raise ValidationError(f"{code}: «kilder» må være en liste.")
    for source in sources:
        if not isinstance(source, dict) or not isinstance(source.get("nummer"), int):
            raise ValidationError(f"{code}: en kilde mangler nummer.")
        for key in ("tekst", "url", "henviser_til"):
            if not isinstance(source.get(key, ""), str):
                raise ValidationError(f"{code}: kildens «{key}» må være tekst.")
    children = node.get("barn", [])
    if not isinstance(children, list):
        raise ValidationError(f"{code}: «barn» må være en liste.")
    for child in children:
        _check_node(child, seen, code)


def import_tree(data: Any) -> StrategyElement:
    """Build the tree of a whole-strategy JSON (``/api/strategi.json``) in the database, every
    element published, with its code, slug, text and sources. The file is checked whole before
    anything is written, and nothing is written if one of its codes is in use. Every element
    and source is validated by the model (``full_clean()``), as the admin does; one refusal
    rolls the whole import back."""
    if not isinstance(data, dict) or not isinstance(data.get("element"), dict):
        raise ValidationError("Filen er ikke en eksport av hele strategien (mangler «element»).")
    codes: set[str] = set()
    _check_node(data["element"], codes, "roten")
    with tree_lock():
        # The tree goes into the edition in force (a restore after an accidental delete); an
        # empty portal's first document starts the first edition.
        edition = Edition.objects.in_force()
        taken = sorted(
            StrategyElement.objects.filter(edition=edition, code__in=codes).values_list(
                "code", flat=True
            )
        )
        if taken:
            raise ValidationError(
                f"Referansekodene finnes allerede i databasen: {', '.join(taken[:10])}. "
                "Importer til en tom database."
            )
        # The restored elements are live again: their tombstones no longer apply (and would
        # make the model refuse their codes as deleted ones).
        DeletedElement.objects.filter(edition=edition, code__in=codes).delete()
        root = _create(data["element"], None, edition)
    return root


def _validated(instance: StrategyElement | Source, code: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        what = "" if isinstance(instance, StrategyElement) else f" (kilde nr. {instance.number})"
        raise ValidationError(f"{code}{what}: {describe(instance, error)}") from error


def _create(
    node: dict[str, Any], parent: StrategyElement | None, edition: Edition | None = None
) -> StrategyElement:
    element = StrategyElement(
        parent=parent,
        edition=edition,
        kind=node["type"],
        code=node["kode"],
        title=node.get("tittel", ""),
        slug=node.get("slug", ""),
        body=node.get("tekst", ""),
        is_published=True,
    )
    _validated(element, node["kode"])
    element.save()
    sources = [
        Source(
            element=element,
            number=source["nummer"],
            text=source.get("tekst", ""),
            url=source.get("url", ""),
            anchor=source.get("henviser_til", ""),
        )
        for source in node.get("kilder", [])
    ]
    for source in sources:  # one by one, so that a repeated number is refused by the model
        _validated(source, node["kode"])
        source.save()
    for child in node.get("barn", []):
        _create(child, element)
    return element
