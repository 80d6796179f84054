"""Reading the editor's pages in tests: comparison tables, message texts, row actions."""

import re

from tests.helpers import page_text

HIDDEN = re.compile(r'<span class="visually-hidden">.*?</span>', flags=re.S)


def compare_cells(html: str, label: str) -> tuple[str, str]:
    """The two value cells (old, new) of one row of a comparison table, as HTML."""
    start = html.index(f'<th scope="row">{label}')
    row = html[start : html.index("</tr>", start)]
    old, new = re.findall(r"<td>(.*?)</td>", row, flags=re.S)
    return old, new


def seen(html: str) -> str:
    """The text a sighted reader sees (without the words only a screen reader hears)."""
    return page_text(HIDDEN.sub("", html))


def heard(html: str) -> str:
    """The text a screen reader reads, the hidden labels included."""
    return page_text(html)
