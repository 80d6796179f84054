"""The strategy map: the shape of the strategy as one picture, drawn by the server as SVG.

The vision on top, the overall goals under it, the focus areas as columns with their
sub-goals, and the cross-cutting themes as bands drawn across all the focus-area columns.
Every box is a link to its element's page. No JavaScript: the picture is plain SVG, drawn
from the tree in memory, so it follows every edit (it is part of the pages cached per content
version). Two layouts of the same map: a wide one (up to four columns) and a narrow one (two
columns) that stays legible on a 320 px phone; the stylesheet shows one of them.

Colours are presentation attributes, not CSS: the downloaded file must look the same on a
slide, and the pages' strict CSP forbids inline styles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from ..models import Kind, StrategyElement
from .citation import plain_lines

# The portal's palette (static/css/site.css). Each text colour meets 4.5:1 on its fill
# (tests/test_strategy_map.py computes the ratios).
INK = "#1e2b3c"
MUTED = "#4a5868"
WHITE = "#ffffff"
BRAND = "#0a5a8c"
BRAND_DARK = "#073f63"
ACCENT = "#e8f2fa"
ACCENT_LINE = "#b9d3e6"
SURFACE = "#f4f6f9"
LINE = "#d3dae3"
THEME_FILL = "#fdf3dc"
THEME_LINE = "#b8860b"
THEME_INK = "#5c3d00"

# (fill, text) pairs used for boxes: what the contrast test checks.
COLOUR_PAIRS = {
    "vision": (BRAND_DARK, WHITE),
    "goal": (ACCENT, INK),
    "focus_area": (BRAND, WHITE),
    "subgoal": (WHITE, INK),
    "theme": (THEME_FILL, THEME_INK),
    "label": (WHITE, MUTED),
}

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

# Advance widths in em of DejaVu Sans, the widest of the fonts the map is likely drawn with
# (Debian's default sans-serif, used by the PNG export): text wrapped for it fits the
# narrower system fonts of phones and desktops too.
_WIDTHS = {
    **dict.fromkeys("iljI.,:;'’|!()[] ", 0.32),
    **dict.fromkeys("frt-", 0.41),
    **dict.fromkeys("mæœ", 0.98),
    **dict.fromkeys("wMWÆ", 0.87),
    **dict.fromkeys("«»–", 0.56),
}
_UPPER = 0.74
_DEFAULT = 0.63


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width of ``text`` at font size ``size`` (user units)."""
    em = sum(_WIDTHS.get(ch, _UPPER if ch.isupper() else _DEFAULT) for ch in text)
    return em * size * (1.1 if bold else 1.0)


VOWELS = frozenset("aeiouyæøåAEIOUYÆØÅ")


def _split_points(word: str) -> list[int]:
    """Where a word too long for its line may break, best group first (-1 ends a group): the
    seams of Norwegian compounds - a joining «s» before a consonant
    («hovedstads-regionen»), an «e» before a consonant («konkurranse-kraft»), an «s» before a
    vowel («nærings-utvikling») - then between two consonants, then anywhere."""
    inner = range(3, len(word) - 2)
    groups = [
        [i for i in inner if word[i - 1] == "s" and word[i] not in VOWELS],
        [i for i in inner if word[i - 1] == "e" and word[i] not in VOWELS],
        [i for i in inner if word[i - 1] == "s"],
        [i for i in inner if word[i - 1] not in VOWELS and word[i] not in VOWELS],
        list(inner),
    ]
    return [point for group in groups for point in [*group, -1]]


def _hyphenate(word: str, width: float, size: float, bold: bool) -> list[str]:
    """A word longer than the line, broken with a hyphen at the best point that fits."""
    pieces = []
    while text_width(word, size, bold) > width and len(word) > 6:
        best = None
        for point in _split_points(word):
            if point == -1:
                if best is not None:
                    break
                continue
            if text_width(word[:point] + "-", size, bold) <= width and point > (best or 0):
                best = point
        if best is None:
            break
        pieces.append(word[:best] + "-")
        word = word[best:]
    return [*pieces, word]


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap to ``width``; a word longer than a line is hyphenated."""
    lines: list[str] = []
    current = ""
    for whole_word in text.split():
        pieces = _hyphenate(whole_word, width, size, bold)
        for number, word in enumerate(pieces):
            candidate = f"{current} {word}" if current else word
            if current and (number > 0 or text_width(candidate, size, bold) > width):
                lines.append(current)
                current = word
            else:
                current = candidate
    if current:
        lines.append(current)
    return lines or [""]


@dataclass
class MapItem:
    element: StrategyElement
    label: str  # the small line above the text: kind and code
    text: str


@dataclass
class FocusColumn:
    focus_area: MapItem
    subgoals: list[MapItem] = field(default_factory=list)


@dataclass
class StrategyMap:
    document: StrategyElement
    vision: MapItem | None
    goals: list[MapItem]
    columns: list[FocusColumn]
    themes: list[MapItem]

    def items(self) -> list[MapItem]:
        """Every box, in reading order."""
        found = [self.vision] if self.vision else []
        found += self.goals
        for column in self.columns:
            found += [column.focus_area, *column.subgoals]
        return found + self.themes


def _item(element: StrategyElement, text: str | None = None) -> MapItem:
    return MapItem(element, f"{element.get_kind_display()} {element.code}", text or element.title)


def build_map(root: StrategyElement) -> StrategyMap:
    """The map of a document from its tree linked in memory (``linked()``): its vision, its
    overall goals, the focus areas of its parts with their sub-goals, and the themes."""
    vision = None
    goals: list[MapItem] = []
    columns: list[FocusColumn] = []
    themes: list[MapItem] = []
    for child in root.get_children():
        if child.kind == Kind.VISION and vision is None:
            vision = _item(child, " ".join(plain_lines(child.body)) or child.title)
        elif child.kind == Kind.GOAL:
            goals.append(_item(child))
        elif child.kind == Kind.SECTION:
            for part in child.get_children():
                if part.kind == Kind.FOCUS_AREA:
                    columns.append(
                        FocusColumn(
                            _item(part),
                            [_item(s) for s in part.get_children() if s.kind == Kind.SUBGOAL],
                        )
                    )
                elif part.kind == Kind.THEME:
                    themes.append(_item(part))
    return StrategyMap(root, vision, goals, columns, themes)


def map_elements(root: StrategyElement):
    """The query of everything the map shows: the document's top two levels and the focus
    areas' sub-goals (not their other items, which can be thousands)."""
    from django.db.models import Q

    return (
        StrategyElement.objects.public()
        .in_tree_of(root)
        .filter(Q(level__lte=2) | Q(level=3, kind=Kind.SUBGOAL))
    )


@dataclass(frozen=True)
class Layout:
    name: str
    width: int
    columns: int  # focus-area columns per row
    goal_columns: int
    font: float
    pad: float
    gap: float


WIDE = Layout("bred", width=960, columns=4, goal_columns=3, font=15, pad=12, gap=12)
NARROW = Layout("smal", width=300, columns=2, goal_columns=1, font=13, pad=7, gap=6)
LAYOUTS = (WIDE, NARROW)


@dataclass
class _Box:
    """A box's text, wrapped for its width."""

    item: MapItem
    label_lines: list[str]
    lines: list[str]
    layout: Layout
    bold: bool = False
    big: bool = False

    @property
    def size(self) -> float:
        return self.layout.font * (1.25 if self.big else 1)

    @property
    def label_size(self) -> float:
        return self.layout.font * 0.8

    @property
    def sizes(self) -> list[float]:
        return [self.label_size] * len(self.label_lines) + [self.size] * len(self.lines)

    @property
    def height(self) -> float:
        """Padding, the first line's ascent, 1.3 line heights for each further line, and
        the last line's descent (what ``_Svg.lines`` draws)."""
        sizes = self.sizes
        return 2 * self.layout.pad + sizes[0] + sum(1.3 * s for s in sizes[1:]) + 0.3 * sizes[-1]


def _box(item: MapItem, width: float, layout: Layout, bold=False, big=False) -> _Box:
    inner = width - 2 * layout.pad
    size = layout.font * (1.25 if big else 1)
    return _Box(
        item,
        wrap(item.label, inner, layout.font * 0.8, bold=True),
        wrap(item.text, inner, size, bold=bold),
        layout,
        bold,
        big,
    )


def _n(value: float) -> str:
    """A coordinate with at most one decimal: the file stays small."""
    return f"{round(value, 1):g}"


def _band(item: MapItem, width: float, layout: Layout) -> _Box:
    """A theme's band: its code and title on one line where they fit (the heading above the
    bands already says what they are)."""
    inner = width - 2 * layout.pad
    return _Box(
        item,
        [],
        wrap(f"{item.element.code} {item.text}", inner, layout.font, True),
        layout,
        bold=True,
    )


class _Svg:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def lines(self, x: float, y: float, lines: list[tuple[str, float, bool]], fill: str) -> None:
        """Lines of (text, size, bold) from the baseline ``y`` down, in one <text>."""
        spans = []
        for number, (content, size, bold) in enumerate(lines):
            dy = 0 if number == 0 else size * 1.3
            weight = ' font-weight="700"' if bold else ""
            spans.append(
                f'<tspan x="{_n(x)}" dy="{_n(dy)}" font-size="{_n(size)}"{weight}>'
                f"{escape(content)}</tspan>"
            )
        self.add(f'<text x="{_n(x)}" y="{_n(y)}" fill="{fill}">{"".join(spans)}</text>')

    def text(self, x, y, content, size, fill, weight=400, cls="") -> None:
        self.lines(x, y, [(content, size, weight >= 700)], fill)


def _draw_box(svg: _Svg, box: _Box, x, y, w, h, fill, stroke, ink, url, kind) -> None:
    """One linked box: its title (tooltip and accessible name), the rectangle, its text."""
    layout = box.layout
    svg.add(f'<a href="{escape(url)}" class="map-link map-link--{kind}">')
    svg.add(f"<title>{escape(box.item.label)}: {escape(box.item.text)}</title>")
    svg.add(
        f'<rect class="map-box" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" '
        f'rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
    )
    lines = [(line, box.label_size, True) for line in box.label_lines]
    lines += [(line, box.size, box.bold) for line in box.lines]
    # The first baseline one line-height down from the padding; the label is smaller.
    first = box.label_size if box.label_lines else box.size
    svg.lines(x + layout.pad, y + layout.pad + first, lines, ink)
    svg.add("</a>")


def render_svg(
    strategy_map: StrategyMap,
    layout: Layout,
    url_for: Callable[[StrategyElement], str],
    *,
    standalone: bool = False,
    id_prefix: str = "kart",
    with_vision: bool = True,
) -> str:
    """The map as SVG markup in one layout. ``standalone`` gives a file of its own (XML
    declaration, namespace, white background) rather than markup to inline in a page;
    without ``with_vision`` for a page that shows the vision right above the map."""
    svg = _Svg()
    gap, font, width = layout.gap, layout.font, layout.width
    pad = gap * 0.75  # inside a focus-area column, around its boxes
    y = gap
    label_size = font * 0.85

    def section_label(text: str) -> None:
        nonlocal y
        for line in wrap(text, width - 2 * gap, label_size, bold=True):
            y += label_size
            svg.text(gap, y, line, label_size, MUTED, weight=700, cls="map-label")
            y += label_size * 0.3
        y += gap * 0.6

    def full_width(box: _Box, kind: str, stroke: str) -> None:
        """A box across the whole width at ``y``, which moves below it."""
        nonlocal y
        fill, ink = COLOUR_PAIRS[kind]
        _draw_box(svg, box, gap, y, width - 2 * gap, box.height, fill, stroke, ink,
                  url_for(box.item.element), kind)  # fmt: skip
        y += box.height

    # The vision across the whole width.
    if strategy_map.vision is not None and with_vision:
        full_width(
            _box(strategy_map.vision, width - 2 * gap, layout, bold=True, big=True),
            "vision",
            COLOUR_PAIRS["vision"][0],
        )
        y += gap * 1.5

    # The overall goals, side by side where there is room.
    if strategy_map.goals:
        section_label("Overordnede mål")
        per_row = max(1, min(layout.goal_columns, len(strategy_map.goals)))
        w = (width - 2 * gap - (per_row - 1) * gap) / per_row
        fill, ink = COLOUR_PAIRS["goal"]
        for start in range(0, len(strategy_map.goals), per_row):
            row = [_box(g, w, layout) for g in strategy_map.goals[start : start + per_row]]
            h = max(b.height for b in row)
            for i, box in enumerate(row):
                _draw_box(
                    svg,
                    box,
                    gap + i * (w + gap),
                    y,
                    w,
                    h,
                    fill,
                    ACCENT_LINE,
                    ink,
                    url_for(box.item.element),
                    "goal",
                )
            y += h + gap
        y += gap * 0.5

    # Focus areas as columns with their sub-goals; the themes cross the last row of columns.
    columns = strategy_map.columns
    if columns:
        section_label("Innsatsområder med delmål")
        per_row = max(1, min(layout.columns, len(columns)))
        w = (width - 2 * gap - (per_row - 1) * gap) / per_row
        rows = [columns[i : i + per_row] for i in range(0, len(columns), per_row)]
        for row_number, row in enumerate(rows):
            heads = [_box(c.focus_area, w - 2 * pad, layout, bold=True) for c in row]
            head_h = max(b.height for b in heads)
            subs = [[_box(s, w - 2 * pad, layout) for s in c.subgoals] for c in row]
            depth = max(len(s) for s in subs)
            sub_h = [
                max((s[i].height for s in subs if len(s) > i), default=0) for i in range(depth)
            ]
            body_h = head_h + sum(h + gap for h in sub_h)
            last = row_number == len(rows) - 1
            themes = strategy_map.themes if last else []
            theme_boxes = [_band(t, width - 2 * gap - 2 * pad, layout) for t in themes]
            theme_label = (
                wrap(
                    "Tverrgående temaer – på tvers av alle innsatsområdene",
                    width - 2 * gap - 2 * pad,
                    label_size,
                    bold=True,
                )
                if themes
                else []
            )
            themes_h = (
                len(theme_label) * label_size * 1.3
                + gap
                + sum(b.height + gap * 0.75 for b in theme_boxes)
                if themes
                else 0
            )
            column_h = pad + body_h + themes_h + pad
            # The column backgrounds first: the theme bands are drawn over them.
            for i, _ in enumerate(row):
                x = gap + i * (w + gap)
                svg.add(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{column_h:.1f}" '
                    f'rx="8" fill="{SURFACE}" stroke="{LINE}" stroke-width="1.5"/>'
                )
            for i, (head, column_subs) in enumerate(zip(heads, subs, strict=True)):
                x = gap + i * (w + gap) + pad
                fill, ink = COLOUR_PAIRS["focus_area"]
                _draw_box(
                    svg,
                    head,
                    x,
                    y + pad,
                    w - 2 * pad,
                    head_h,
                    fill,
                    fill,
                    ink,
                    url_for(head.item.element),
                    "focus_area",
                )
                sy = y + pad + head_h + gap
                fill, ink = COLOUR_PAIRS["subgoal"]
                for number, box in enumerate(column_subs):
                    _draw_box(
                        svg,
                        box,
                        x,
                        sy,
                        w - 2 * pad,
                        sub_h[number],
                        fill,
                        ACCENT_LINE,
                        ink,
                        url_for(box.item.element),
                        "subgoal",
                    )
                    sy += sub_h[number] + gap
            if themes:
                ty = y + pad + body_h
                for line in theme_label:
                    ty += label_size
                    svg.text(gap + pad, ty, line, label_size, MUTED, weight=700, cls="map-label")
                    ty += label_size * 0.3
                ty += gap
                fill, ink = COLOUR_PAIRS["theme"]
                for box in theme_boxes:
                    _draw_box(
                        svg,
                        box,
                        gap + pad,
                        ty,
                        width - 2 * gap - 2 * pad,
                        box.height,
                        fill,
                        THEME_LINE,
                        ink,
                        url_for(box.item.element),
                        "theme",
                    )
                    ty += box.height + gap * 0.75
            y += column_h + gap
    elif strategy_map.themes:
        section_label("Tverrgående temaer")
        for theme in strategy_map.themes:
            full_width(_band(theme, width - 2 * gap, layout), "theme", THEME_LINE)
            y += gap

    height = y
    title = f"Strategikart: {strategy_map.document.title}"
    description = (
        "Visjonen øverst, de overordnede målene under, innsatsområdene som kolonner med "
        "delmålene sine, og de tverrgående temaene som bånd på tvers av innsatsområdene. "
        "Hver boks er en lenke til elementets side."
    )
    opening = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
        if standalone
        else "<svg "
    )
    labelled = f"{id_prefix}-{layout.name}"
    head = (
        f'{opening}viewBox="0 0 {width} {height:.0f}" width="{width}" height="{height:.0f}" '
        f'class="strategy-map__svg strategy-map__svg--{layout.name}" role="group" '
        f'aria-labelledby="{labelled}-tittel" aria-describedby="{labelled}-beskrivelse" '
        f'font-family="{FONT_FAMILY}" lang="nb">'
        f'<title id="{labelled}-tittel">{escape(title)}</title>'
        f'<desc id="{labelled}-beskrivelse">{escape(description)}</desc>'
    )
    background = (
        f'<rect width="{width}" height="{height:.0f}" fill="{WHITE}"/>' if standalone else ""
    )
    return head + background + "".join(svg.parts) + "</svg>"


def render_png(svg: str, width: int) -> bytes:
    """The standalone SVG as a PNG of ``width`` pixels (for slides)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode(), output_width=width)
