"""The editors' element list as a lazy tree: it opens with the document's top levels and shows
the elements under a node only when the editor opens it (a plain link, ``?apne=1,5,7``), so the
page stays small and fast however big the strategy grows. A search or a filter (type, published,
part of the strategy) shows every matching element instead.

The admin (strategy/admin/__init__.py) uses ``TreeChangeList`` as its changelist and reads the
attributes it puts on each row (``urls``, ``tree_toggle``, ``can_move_up``, ``can_move_down``)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.db.models import F, Q, Subquery
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from ..models import Edition, EditionStatus, Kind, StrategyElement
from ..public_site.opendata import Urls

# The query parameter that lists the opened elements; absent: the default view.
OPEN_PARAM = "apne"
# The default view shows the levels above this one opened: the document, the items right under
# it and the focus areas and themes of its parts. Everything deeper opens on demand.
DEFAULT_OPEN_LEVELS = 2
# A list of opened elements longer than this is a crafted URL, not an editor's clicks.
MAX_OPEN = 500
# The move buttons of the rows post «<id>:opp» or «<id>:ned» in this field (admin/moves.py).
STEP_PARAM = "flytt"
MOVE_FORM_ID = "strategy-move-form"


class RowUrls:
    """The links of every row. ``reverse()`` costs about 0.1 ms, several per row: each admin
    URL pattern is reversed once with a placeholder and then filled in (as opendata.Urls does
    for the public pages)."""

    PLACEHOLDER = 987654321
    NAMES = ("change", "preview", "publish", "move_to")

    def __init__(self) -> None:
        self._patterns = {
            name: reverse(f"admin:strategy_strategyelement_{name}", args=[self.PLACEHOLDER])
            for name in self.NAMES
        }
        self._add = reverse("admin:strategy_strategyelement_add") + "?parent="
        self._public = Urls(absolute=False)

    def of(self, element: StrategyElement) -> dict[str, str]:
        pk = str(element.pk)
        urls = {
            name: pattern.replace(str(self.PLACEHOLDER), pk, 1)
            for name, pattern in self._patterns.items()
        }
        urls["add"] = self._add + pk
        urls["public"] = self._public.page(element)
        return urls


@dataclass(frozen=True)
class Toggle:
    url: str
    is_open: bool
    descendants: int


def parse_open(value: str | None) -> list[int] | None:
    """The element ids in ``?apne=``; None when the parameter is absent (the default view).
    Anything that is not a list of numbers opens nothing rather than failing."""
    if value is None:
        return None
    return [int(part) for part in value.split(",")[:MAX_OPEN] if is_id(part)]


def is_id(text: str) -> bool:
    """A primary key as a URL may carry it: digits, no more than a 64-bit integer holds."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def openable(ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """The requested ids that are really open: each one's ancestors are open too, so its row
    is on the page. Returns them with (tree_id, lft, rght), in one query."""
    rows = (
        StrategyElement.objects.filter(pk__in=ids)
        .order_by("tree_id", "lft")
        .values_list("pk", "parent_id", "tree_id", "lft", "rght", "level")
    )
    kept: dict[int, tuple[int, int, int]] = {}
    for pk, parent_id, tree_id, lft, rght, level in rows:
        if level == 0 or parent_id in kept:
            kept[pk] = (tree_id, lft, rght)
    return kept


def default_open_query():
    """The elements the default view shows opened."""
    return StrategyElement.objects.filter(level__lt=DEFAULT_OPEN_LEVELS, rght__gt=F("lft") + 1)


def open_url(path_and_query: str, element: StrategyElement) -> str:
    """The element list at ``path_and_query`` with everything above ``element`` opened, so that
    its row is on the page (after a move to another parent), scrolled to it."""
    parts = urlsplit(path_and_query)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    ids = parse_open(params.get(OPEN_PARAM))
    if ids is None:
        ids = list(default_open_query().values_list("pk", flat=True))
    ancestors = element.get_ancestors().values_list("pk", flat=True)
    opened = sorted({*ids, *ancestors})
    params[OPEN_PARAM] = ",".join(map(str, opened))
    params.pop(PAGE_VAR, None)
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path, urlencode(params), f"element-{element.pk}")
    )


class TreeChangeList(ChangeList):
    def __init__(self, request, *args, **kwargs):
        requested = parse_open(request.GET.get(OPEN_PARAM))
        # None: the default view; else the opened elements that really are on the page.
        self.opened = None if requested is None else openable(requested)
        super().__init__(request, *args, **kwargs)

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(OPEN_PARAM, None)
        return lookup_params

    @property
    def tree_mode(self) -> bool:
        """The lazy tree (of the chosen edition); a search or another filter shows all
        matches instead."""
        narrowing = any(
            spec.used_parameters
            for spec in self.filter_specs
            if not isinstance(spec, EditionFilter)
        )
        return not (self.query or narrowing)

    def get_queryset(self, request, exclude_parameters=None):
        queryset = (
            super()
            .get_queryset(request, exclude_parameters)
            .annotate(parent_lft=F("parent__lft"), parent_rght=F("parent__rght"))
        )
        if not self.tree_mode or request.method == "POST":
            # An action («Slett valgte …») acts on the rows posted, shown or not.
            return queryset
        if self.opened is None:
            return queryset.filter(level__lte=DEFAULT_OPEN_LEVELS)
        return queryset.filter(Q(parent__isnull=True) | Q(parent_id__in=list(self.opened)))

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        opened = self.opened
        if opened is None:
            opened = {
                row.pk: (row.tree_id, row.lft, row.rght)
                for row in rows
                if row.level < DEFAULT_OPEN_LEVELS and row.rght > row.lft + 1
            }
        urls = RowUrls()
        for row in rows:
            row.urls = urls.of(row)
            row.can_move_up = row.parent_id is not None and row.lft > row.parent_lft + 1
            row.can_move_down = row.parent_id is not None and row.rght < row.parent_rght - 1
            row.tree_toggle = self._toggle(row, opened) if self.tree_mode else None
        self.result_list = rows

    def url_for_result(self, result) -> str:
        return result.urls["change"]

    def _toggle(self, row: StrategyElement, opened: dict) -> Toggle | None:
        descendants = (row.rght - row.lft - 1) // 2
        if not descendants:
            return None
        is_open = row.pk in opened
        if is_open:
            # Closing a node closes everything opened inside it as well.
            keep = [
                pk
                for pk, (tree_id, lft, rght) in opened.items()
                if not (tree_id == row.tree_id and row.lft <= lft and rght <= row.rght)
            ]
        else:
            keep = [*opened, row.pk]
        query = self.get_query_string(
            {OPEN_PARAM: ",".join(map(str, sorted(keep)))}, remove=[PAGE_VAR]
        )
        return Toggle(f"{query}#element-{row.pk}", is_open, descendants)


class EditionFilter(admin.SimpleListFilter):
    """The elements of one edition. A new edition starts as a copy of the one in force, code
    for code and title for title: without this filter (and the edition on each document row)
    an editor cannot tell its rows from those of the edition in force."""

    title = "utgave"
    parameter_name = "utgave"

    def lookups(self, request, model_admin):
        return [(str(edition.pk), str(edition)) for edition in Edition.objects.order_by("-period")]

    def has_output(self) -> bool:
        return len(self.lookup_choices) > 1  # one edition: nothing to choose between

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not is_id(value):
            raise IncorrectLookupParameters(f"Ugyldig utgave: {value!r}")
        return queryset.filter(edition_id=int(value))


def edition_list_url(edition: Edition) -> str:
    """The element list showing ``edition``'s tree only."""
    return (
        reverse("admin:strategy_strategyelement_changelist")
        + f"?{EditionFilter.parameter_name}={edition.pk}"
    )


class PartFilter(admin.SimpleListFilter):
    """Everything under one part, focus area or theme of the strategy (of the chosen edition;
    with several editions, each part names its edition)."""

    title = "del av strategien"
    parameter_name = "under"
    kinds = tuple(kind for kind in Kind if kind.is_container)

    def lookups(self, request, model_admin):
        parts = StrategyElement.objects.filter(kind__in=self.kinds).order_by("tree_id", "lft")
        edition = request.GET.get(EditionFilter.parameter_name, "")
        if is_id(edition):
            parts = parts.filter(edition_id=int(edition))
        parts = list(parts)
        if len({part.edition_id for part in parts}) < 2:
            return [(str(part.pk), str(part)) for part in parts]
        return [(str(part.pk), f"{part} ({part.edition.period_label})") for part in parts]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not is_id(value):
            raise IncorrectLookupParameters(f"Ugyldig del: {value!r}")
        part = StrategyElement.objects.filter(pk=int(value))[:1]
        return queryset.filter(
            tree_id=Subquery(part.values("tree_id")),
            lft__gte=Subquery(part.values("lft")),
            rght__lte=Subquery(part.values("rght")),
        )


# The cells of a row. Plain strings escaped with the standard library: for hundreds of rows,
# format_html's lazy-string checks cost more than the rest of the row.


def tree_cell(row: StrategyElement) -> SafeString:
    """mptt's drag handle and node marker (its script reads data-pk and data-level), and the
    link that opens or closes the row."""
    toggle = getattr(row, "tree_toggle", None)
    control = ""
    if toggle is not None:
        verb, state = ("Skjul", " open") if toggle.is_open else ("Vis", "")
        control = (
            f'<a class="tree-toggle{state}" href="{escape(toggle.url)}">'
            f'<span class="visually-hidden">{verb} de {toggle.descendants} elementene under '
            f"{escape(row.code)}</span></a>"
        )
    return mark_safe(
        f'<div class="drag-handle"></div><div class="tree-node" data-pk="{row.pk}" '
        f'data-level="{row.level}"></div>{control}'
        # The version the row was listed at, posted with a drag and drop move
        # (js/admin-move-versions.js): a row changed since is refused, not moved.
        f'<span class="tree-version" hidden data-pk="{row.pk}" data-version="{row.version}">'
        "</span>"
    )


def title_cell(row: StrategyElement) -> SafeString:
    # Padding (not mptt's text-indent) keeps the second line of a long title indented.
    # A document names its edition: the next edition's document is a copy of the one in force.
    edition = ""
    if row.parent_id is None:
        edition = f' <span class="tree-edition">· utgave {escape(str(row.edition))}</span>'
    return mark_safe(
        f'<span class="tree-title" id="element-{row.pk}" style="padding-left: '
        f'{row.level * 1.25}em">{escape(str(row))}{edition}</span>'
    )


def status_cell(row: StrategyElement) -> SafeString:
    """Published or not (in words: Django's check-mark icon says "True"), and a pending draft.
    Published in a draft edition is not public: the public sees it from the consultation on."""
    if not row.is_published:
        return mark_safe("ikke publisert")
    state = "publisert"
    if row.edition.status == EditionStatus.DRAFT:
        state = "publisert, ikke offentlig"
    if hasattr(row, "pending_change"):
        return mark_safe(
            f'{state}, <a class="draft-marker" href="{escape(row.urls["publish"])}">'
            "utkast venter</a>"
        )
    return mark_safe(state)


def checkbox_cell(row: StrategyElement, name: str) -> SafeString:
    """Django's action checkbox, written directly (Django renders a form widget through the
    template engine for every row, a third of the list's time)."""
    label = escape(f"Velg dette objektet for en handling – {row}")
    return mark_safe(
        f'<input type="checkbox" name="{escape(name)}" value="{row.pk}" class="action-select" '
        f'aria-label="{label}">'
    )


def actions_cell(row: StrategyElement) -> SafeString:
    urls = row.urls
    code = escape(row.code)
    links = []
    if row.kind_facts.children:
        links.append((urls["add"], "Legg til under"))
    if row.is_public:  # a published element of a draft edition has no public page yet
        links.append((urls["public"], "Vis på nettstedet"))
    if not row.is_published or hasattr(row, "pending_change"):
        links.append((urls["preview"], "Forhåndsvis"))
    items = [f'<li><a href="{escape(url)}">{label}</a></li>' for url, label in links]
    # The move buttons belong to the one move form under the table (form="…"): the rows
    # stand inside the changelist's own form, and forms cannot nest.
    for step, label, possible in (
        ("opp", "Flytt opp", getattr(row, "can_move_up", False)),
        ("ned", "Flytt ned", getattr(row, "can_move_down", False)),
    ):
        if possible:
            items.append(
                f'<li><button type="submit" form="{MOVE_FORM_ID}" name="{STEP_PARAM}" '
                f'value="{row.pk}:{step}">{label}<span class="visually-hidden"> {code}</span>'
                "</button></li>"
            )
    if row.parent_id is not None:
        items.append(
            f'<li><a href="{escape(urls["move_to"])}">Flytt til …'
            f'<span class="visually-hidden"> {code}</span></a></li>'
        )
    return mark_safe(f'<ul class="row-actions">{"".join(items)}</ul>')
