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


def status_of(client, url: str) -> int:
    """The status of a GET, with the response closed: a streamed file (whitenoise, a download)
    is otherwise left open until garbage collection, whose ResourceWarning fails some later
    test."""
    response = client.get(url)
    response.close()
    return response.status_code


def page_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    return normalise(unescape("".join(parser.parts)))


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class _ElementFinder(HTMLParser):
    """Where the first element of a tag and attributes starts and ends in the source, counting
    nested elements of the same tag (a <section> inside the <section> sought)."""

    def __init__(self, tag: str | None, attrs: dict[str, str]):
        super().__init__(convert_charrefs=True)
        self.tag, self.attrs = tag, attrs
        self.found: str | None = None
        self.start: tuple[int, int] | None = None
        self.end: tuple[int, int] | None = None
        self.depth = 0

    def matches(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        present = {name: value or "" for name, value in attrs}
        for name, wanted in self.attrs.items():
            if name == "class":
                if wanted not in present.get("class", "").split():
                    return False
            elif present.get(name) != wanted:
                return False
        return self.tag in (None, tag)

    def handle_starttag(self, tag, attrs):
        if self.end is not None:
            return
        if self.found is None and self.matches(tag, attrs):
            self.found, self.start, self.depth = tag, self.getpos(), 1
            if tag in VOID_ELEMENTS:
                self.end = self.getpos()
        elif tag == self.found:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.end is None and tag == self.found:
            self.depth -= 1
            if self.depth == 0:
                self.end = self.getpos()


def element_html(html: str, tag: str | None = None, **attrs: str) -> str:
    """The source of the first element with this tag (any tag: None) and these attributes,
    from its start tag to its end tag: ``element_html(html, "section", class_="conflict")``
    (``class_`` matches one of the element's classes; ``data_pk`` is ``data-pk``)."""
    wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
    finder = _ElementFinder(tag, wanted)
    finder.feed(html)
    finder.close()
    assert finder.start is not None and finder.end is not None, f"<{tag or '*'} {wanted}> mangler"
    lines = html.splitlines(keepends=True)

    def offset(position: tuple[int, int]) -> int:
        line, column = position
        return sum(len(text) for text in lines[: line - 1]) + column

    return html[offset(finder.start) : html.index(">", offset(finder.end)) + 1]


def main_html(html: str) -> str:
    """Only the <main> element: what the page itself says, without header and footer."""
    return element_html(html, "main")


def headings(html: str, level: int) -> list[str]:
    return [
        page_text(match)
        for match in re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html, flags=re.S)
    ]
