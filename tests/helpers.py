"""Reading rendered pages the way a person reads them: as text."""

import re
from html import unescape
from html.parser import HTMLParser


class _TextExtractor(HTMLParser):
    """Collects the visible text of a page, leaving out footnote markers (<sup>)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"sup", "script", "style"}:
            self._skip += 1
        elif tag in {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "br"}:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in {"sup", "script", "style"}:
            self._skip -= 1
        elif tag in {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section"}:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    return normalise(unescape("".join(parser.parts)))


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def main_html(html: str) -> str:
    """Only the <main> element: what the page itself says, without header and footer."""
    start = html.index("<main")
    return html[start : html.index("</main>", start)]


def headings(html: str, level: int) -> list[str]:
    return [
        page_text(match)
        for match in re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html, flags=re.S)
    ]
