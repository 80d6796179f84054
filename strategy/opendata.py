"""Open data: the strategy as JSON (whole tree and per element) and CSV, under NLOD 2.0, and the
importer that turns the whole-tree JSON back into a tree."""

from __future__ import annotations

import csv
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from .caching import public_page
from .models import DeletedElement, Source, StrategyElement
from .tree import tree_lock
from .validators import MISSING_CODE_MESSAGE, describe

FORMAT_VERSION = 1

LICENCE = {
    "navn": "Norsk lisens for offentlige data (NLOD) 2.0",
    "kortnavn": "NLOD-2.0",
    "url": "https://data.norge.no/nlod/no/2.0",
}

JSON_OPTIONS = {"ensure_ascii": False, "indent": 2}


def _absolute(request: HttpRequest, url: str) -> str:
    return request.build_absolute_uri(url)


class Urls:
    """Absolute URLs of many elements. ``reverse()`` and ``build_absolute_uri()`` cost a
    tenth of a millisecond each, which for thousands of elements is most of an export's
    time: each URL pattern is reversed once with a placeholder and then filled in."""

    PLACEHOLDER = "PLACEHOLDER0"

    def __init__(self, request: HttpRequest | None) -> None:
        # Without a request: paths only (the sitemap framework adds the host itself).
        base = request.build_absolute_uri("/").removesuffix("/") if request else ""
        self._front_page = base + reverse("strategy:front-page")
        self._patterns = {
            name: base + reverse(f"strategy:{name}", kwargs={key: self.PLACEHOLDER})
            for name, key in (
                ("element", "element_path"),
                ("permalink", "code"),
                ("element-json", "code"),
            )
        }

    def _fill(self, name: str, value: str) -> str:
        return self._patterns[name].replace(self.PLACEHOLDER, value, 1)

    def page(self, element: StrategyElement) -> str:
        return self._fill("element", element.path) if element.path else self._front_page

    def permalink(self, element: StrategyElement) -> str:
        return self._fill("permalink", element.code)

    def json(self, element: StrategyElement) -> str:
        return self._fill("element-json", element.code)


def children(element: StrategyElement) -> list[StrategyElement]:
    """The children linked in memory by ``linked()``; ``get_children()`` would build a new
    queryset object per element, which costs more than the rest of the export together."""
    return element._cached_children


def element_data(urls: Urls, element: StrategyElement) -> dict[str, Any]:
    """One element and its published subtree, from a tree built by ``linked()``."""
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


def _envelope(request: HttpRequest, root: StrategyElement) -> dict[str, Any]:
    return {
        "formatversjon": FORMAT_VERSION,
        "utgiver": "Osloregionen interkommunalt politisk råd (IPR)",
        "strategi": root.title,
        "lisens": LICENCE,
        "kilde": _absolute(request, reverse("strategy:strategy-json")),
    }


@public_page
def strategy_json(request: HttpRequest) -> HttpResponse:
    """The whole published strategy as one JSON tree: 3 queries whatever its size."""
    root = StrategyElement.objects.current_document()
    if root is None:
        return _json_error("Ingen publisert strategi.", status=404)
    nodes = StrategyElement.objects.published().in_tree_of(root).with_sources().linked()
    root = nodes[root.pk]
    data = {**_envelope(request, root), "element": element_data(Urls(request), root)}
    return JsonResponse(data, json_dumps_params=JSON_OPTIONS)


@public_page
def element_json(request: HttpRequest, code: str) -> HttpResponse:
    """One element with its hierarchy and its published subtree: 3 queries."""
    element = StrategyElement.objects.published().filter(code=code).first()
    if element is None:
        tombstone = DeletedElement.objects.filter(code=code).first()
        if tombstone is not None:
            return _json_error(
                f"Elementet {tombstone.code} er fjernet fra strategien.",
                status=410,
                slettet=tombstone.deleted_at.isoformat(),
            )
        return _json_error(f"Fant ikke noe publisert element med koden {code}.", status=404)
    # Ancestors (to refuse an element under a draft and to give the hierarchy) and subtree.
    nodes = element.get_family().published().with_sources().linked()
    if element.pk not in nodes:  # an ancestor is a draft
        return _json_error(f"Fant ikke noe publisert element med koden {code}.", status=404)
    element = nodes[element.pk]
    ancestors = element.cached_ancestors()
    root = ancestors[0] if ancestors else element
    data = {
        **_envelope(request, root),
        "hierarki": [
            {"kode": ancestor.code, "tittel": ancestor.title, "type": ancestor.kind}
            for ancestor in ancestors
        ],
        "overordnet_kode": element.parent.code if element.parent_id else None,
        "element": element_data(Urls(request), element),
    }
    return JsonResponse(data, json_dumps_params=JSON_OPTIONS)


def _json_error(message: str, status: int, **extra: str) -> JsonResponse:
    return JsonResponse({"feil": message, **extra}, status=status, json_dumps_params=JSON_OPTIONS)


CSV_COLUMNS = ["kode", "type", "tittel", "overordnet_kode", "permanent_url", "url"]

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection",
# OWASP): =, +, -, @, tab and carriage return, and the full-width forms some locales of
# Excel also take.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_cell(value: str) -> str:
    """The value as text a spreadsheet shows and never evaluates: a leading apostrophe, as
    spreadsheet programs write it themselves, where the cell could start a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@public_page
def elements_csv(request: HttpRequest) -> HttpResponse:
    """Every published element, one row each in tree order, for spreadsheets: UTF-8 with a
    byte order mark and semicolons, which is what Excel with Norwegian settings opens into
    columns with æ, ø and å intact. One query."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="strategi-osloregionen.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    urls = Urls(request)
    for element in StrategyElement.objects.published().linked().values():
        row = [
            element.code,
            element.get_kind_display(),
            element.display_title,
            element.parent.code if element.parent_id else "",
            urls.permalink(element),
            urls.page(element),
        ]
        writer.writerow([spreadsheet_cell(value) for value in row])
    return response


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
        taken = sorted(
            StrategyElement.objects.filter(code__in=codes).values_list("code", flat=True)
        )
        if taken:
            raise ValidationError(
                f"Referansekodene finnes allerede i databasen: {', '.join(taken[:10])}. "
                "Importer til en tom database."
            )
        # The restored elements are live again: their tombstones no longer apply (and would
        # make the model refuse their codes as deleted ones).
        DeletedElement.objects.filter(code__in=codes).delete()
        root = _create(data["element"], None)
    return root


def _validated(instance: StrategyElement | Source, code: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        what = "" if isinstance(instance, StrategyElement) else f" (kilde nr. {instance.number})"
        raise ValidationError(f"{code}{what}: {describe(instance, error)}") from error


def _create(node: dict[str, Any], parent: StrategyElement | None) -> StrategyElement:
    element = StrategyElement(
        parent=parent,
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
