"""A real browser for the browser tests: Debian's Chromium driven by Playwright, a crawler
that finds every public page by following links from the front page, and the two checkers
(axe-core in the page, the Nu Html Checker over the saved HTML)."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test.utils import modify_settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NODE_MODULES = settings.BASE_DIR / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = settings.BASE_DIR / "screenshots"

# The portal's own machinery and files, not pages a reader browses. The API's documentation
# page /api/ is a page and is crawled; its data files end in .json, .csv … and are not.
NOT_CRAWLED_PREFIXES = ("/admin/", "/static/", "/media/", "/oembed")
# A safety net: a crawler that loops on ever new query strings stops and fails here.
MAX_PAGES = 1000

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Link texts that say nothing without the sentence around them (WCAG 2.4.4).
VAGUE_LINK_TEXTS = frozenset(
    {
        "les mer",
        "les mer her",
        "mer",
        "her",
        "klikk her",
        "trykk her",
        "se her",
        "se mer",
        "lenke",
        "mer informasjon",
        "link",
        "read more",
        "click here",
    }
)


def fail_missing(what: str, how: str) -> None:
    """The browser tests never skip: a machine without their tools is a failure to fix."""
    pytest.fail(f"{what} mangler. {how}", pytrace=False)


def require_tools() -> None:
    if not Path(CHROMIUM).exists():
        fail_missing(
            f"Chromium ({CHROMIUM})",
            "Installer den med `apt-get install chromium` (.ci/run gjør det) eller sett "
            "CHROMIUM_PATH.",
        )
    if not AXE_JS.exists() or not VNU_JAR.exists():
        fail_missing("axe-core og vnu-jar i node_modules/", "Kjør `npm ci` (make test gjør det).")
    if shutil.which("java") is None:
        fail_missing(
            "Java (for Nu Html Checker)", "Installer `default-jre-headless` (.ci/run gjør det)."
        )


# One evaluation per page collects everything the structural checks need.
PAGE_FACTS_JS = """
() => {
  // An SVG link (the strategy map) has no innerText: its name is its <title>.
  const svgTitle = (el) => (el instanceof SVGElement
    ? (el.querySelector(':scope > title')?.textContent || el.textContent) : '');
  const accessibleName = (el) => (
    el.getAttribute('aria-label')
    || el.innerText
    || svgTitle(el)
    // innerText is empty inside a closed <details>, whose links still count.
    || el.textContent
    || [...el.querySelectorAll('img[alt]')].map((img) => img.alt).join(' ')
    || ''
  ).replace(/\\s+/g, ' ').trim();
  // An SVG <a>'s href is an SVGAnimatedString: resolve its attribute instead.
  const hrefOf = (a) => new URL(a.getAttribute('href'), location.href).href;
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.display !== 'none' && style.visibility !== 'hidden'
      && box.width > 0 && box.height > 0;
  };
  const breadcrumbs = [...document.querySelectorAll('nav.breadcrumbs')].map((nav) => ({
    label: nav.getAttribute('aria-label') || '',
    current: nav.querySelectorAll('[aria-current="page"]').length,
  }));
  return {
    title: document.title,
    lang: document.documentElement.lang,
    headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => ({
      level: Number(h.tagName[1]),
      text: h.innerText.replace(/\\s+/g, ' ').trim(),
    })),
    landmarks: {
      header: document.querySelectorAll('body > header').length,
      nav: document.querySelectorAll('nav').length,
      main: document.querySelectorAll('main').length,
      footer: document.querySelectorAll('body > footer').length,
    },
    skipLink: (() => {
      const first = document.querySelector('body a[href]');
      return first ? { text: accessibleName(first), href: first.getAttribute('href') } : null;
    })(),
    links: [...document.querySelectorAll('a[href]')].map((a) => ({
      href: hrefOf(a),
      download: a.hasAttribute('download'),
      name: accessibleName(a),
    })),
    breadcrumbs,
    isElementPage: document.querySelector('article.element') !== null,
    // A JSON-LD block is data, never run, and no Content-Security-Policy applies to it.
    inlineScripts: [...document.querySelectorAll('script:not([src])')]
      .filter((s) => s.type !== 'application/ld+json').length,
    externalScripts: [...document.querySelectorAll('script[src]')]
      .map((s) => s.src).filter((src) => new URL(src).origin !== location.origin),
    styleAttributes: [...document.querySelectorAll('[style]')].map((el) => el.tagName),
    styleElements: document.querySelectorAll('style').length,
    externalStylesheets: [...document.querySelectorAll('link[rel~="stylesheet"]')]
      .map((l) => l.href).filter((href) => new URL(href).origin !== location.origin),
    positiveTabindex: [...document.querySelectorAll('[tabindex]')]
      .filter((el) => el.tabIndex > 0).length,
    copyTargets: [...document.querySelectorAll('button[data-copy-target]')]
      .map((b) => b.dataset.copyTarget),
    deadButtons: [...document.querySelectorAll('button')]
      .filter((b) => visible(b) && !b.form).map((b) => accessibleName(b)),
  };
}
"""

OVERFLOW_JS = """
() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const culprits = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
  return { scrollWidth: document.documentElement.scrollWidth, width, culprits };
}
"""

AXE_RUN_JS = """
async (tags) => {
  const results = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' – '
      + n.failureSummary.split('\\n').slice(0, 2).join(' ')),
  }));
}
"""


def launch_chromium(playwright):
    require_tools()
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextmanager
def running_chromium() -> Iterator[object]:
    """Debian's Chromium under Playwright, for a test module's ``chromium`` fixture."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the tests run
    # between its calls, never inside the loop, which is what Django's guard cannot tell.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        instance = launch_chromium(playwright)
        yield instance
        instance.close()


@contextmanager
def live_site(django_db_blocker, prepare: Callable[[], None], chromium) -> Iterator[str]:
    """The portal with the data ``prepare`` stores, served on 127.0.0.1 for a whole test
    module (pytest-django's ``live_server`` fixture would flush the database after each test),
    flushed afterwards.

    Start it after Playwright: while Playwright runs, Django keeps a separate set of database
    connections (its connections are per context, and Playwright switches the context), and
    the tests' connection must be the one closed here, or PostgreSQL refuses to drop the test
    database ("is being accessed by other users").

    Chromium is closed before the server stops: its kept-alive connections hold request
    threads open, and a request thread that ends after the server gave the test database
    connection back closes a connection it may no longer share (an error in a later test)."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        prepare()
        server = LiveServer("127.0.0.1:0")
        try:
            with modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"}):
                yield server.url
        finally:
            chromium.close()
            for thread in threading.enumerate():
                if thread.name.endswith("(process_request_thread)"):
                    thread.join(timeout=10)
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            connections.close_all()


def crawlable(href: str, base_url: str) -> str | None:
    """The address to visit for a link, or None when the crawl does not follow it: another
    site, the admin, static files, oEmbed or a file download (``/sitemap.xml``,
    ``/api/strategi.json``)."""
    url, _fragment = urldefrag(urljoin(base_url, href))
    parts, base = urlsplit(url), urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or parts.netloc != base.netloc:
        return None
    if parts.path.startswith(NOT_CRAWLED_PREFIXES):
        return None
    if "." in parts.path.rstrip("/").rsplit("/", 1)[-1]:
        return None
    return url


@dataclass
class PageReport:
    url: str
    status: int
    html: str = ""
    facts: dict = field(default_factory=dict)
    axe_violations: list = field(default_factory=list)
    overflow: dict = field(default_factory=dict)  # viewport width -> what overflows

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


def crawl(
    page,
    base_url: str,
    seeds: Iterable[str] = ("/",),
    inspect: Callable[[object, PageReport], None] | None = None,
) -> dict[str, PageReport]:
    """Breadth-first from the seeds over every same-origin link, each address once."""
    start = [urljoin(base_url, seed) for seed in seeds]
    queue, seen = deque(start), set(start)
    reports: dict[str, PageReport] = {}
    while queue:
        url = queue.popleft()
        assert len(reports) < MAX_PAGES, f"Over {MAX_PAGES} sider: løper crawleren i ring?"
        response = page.goto(url, wait_until="load")
        report = PageReport(url=url, status=response.status, html=response.text())
        # Playwright's evaluate runs even where the page's own JavaScript is switched off.
        report.facts = page.evaluate(PAGE_FACTS_JS)
        for link in report.facts["links"]:
            target = None if link["download"] else crawlable(link["href"], base_url)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
        if inspect is not None:
            inspect(page, report)
        reports[url] = report
    return reports


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(AXE_RUN_JS, AXE_TAGS)


def overflow_at(page, width: int) -> dict | None:
    page.set_viewport_size({"width": width, "height": 800})
    return page.evaluate(OVERFLOW_JS)


def structure_problems(facts: dict) -> list[str]:
    """What is wrong with a page's language, landmarks, skip link, headings and tab order
    (``PAGE_FACTS_JS``): ``lang="nb"``, one header, main and footer, a nav, «Hopp til
    hovedinnhold» as the first link, one <h1> first, no heading level skipped, no tabindex > 0."""
    problems = []
    if facts["lang"] != "nb":
        problems.append(f"lang={facts['lang']}")
    landmarks = facts["landmarks"]
    if (landmarks["header"], landmarks["main"], landmarks["footer"]) != (1, 1, 1):
        problems.append(f"landemerker {landmarks}")
    if landmarks["nav"] < 1:
        problems.append("ingen nav")
    if facts["skipLink"] != {"text": "Hopp til hovedinnhold", "href": "#hovedinnhold"}:
        problems.append(f"første lenke {facts['skipLink']}")
    levels = [heading["level"] for heading in facts["headings"]]
    if levels.count(1) != 1 or levels[0] != 1:
        problems.append(f"overskrifter {levels[:5]}")
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            problems.append(f"h{before} → h{after}")
            break
    if facts["positiveTabindex"]:
        problems.append("tabindex > 0 endrer tabulatorrekkefølgen")
    return problems


def breadcrumb_problems(facts: dict) -> list[str]:
    """Breadcrumbs that are not a nav labelled «Brødsmulesti» with exactly one current page."""
    return [
        f"brødsmulesti {crumbs}"
        for crumbs in facts["breadcrumbs"]
        if crumbs != {"label": "Brødsmulesti", "current": 1}
    ]


def link_problems(facts: dict) -> list[str]:
    """Links that say nothing out of context (WCAG 2.4.4): an empty or vague text («les mer»),
    or one text leading to two different addresses."""
    problems = []
    targets: dict[str, set[str]] = {}
    for link in facts["links"]:
        name = link["name"]
        if not name or name.lower().strip(" .:…›»") in VAGUE_LINK_TEXTS:
            problems.append(f"lenketekst «{name}» → {link['href']}")
        targets.setdefault(name.lower(), set()).add(link["href"])
    problems += [
        f"«{name}» går til {sorted(hrefs)}" for name, hrefs in targets.items() if len(hrefs) > 1
    ]
    return problems


def validate_html(pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """Run the Nu Html Checker once over every page; returns its errors by address."""
    files: dict[str, str] = {}  # file name -> address
    for number, (url, html) in enumerate(sorted(pages.items())):
        path = folder / f"side-{number:04d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = url
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, folder.iterdir())],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.stdout, f"Nu Html Checker svarte ikke: {result.stderr[:2000]}"
    errors: dict[str, list[str]] = {}
    for message in json.loads(result.stdout)["messages"]:
        if message.get("type") == "error" or message.get("subType") == "fatal":
            # The checker names a file "file:/tmp/…", not "file:///tmp/…": match by its name.
            checked = message.get("url", "?")
            url = files.get(checked.rsplit("/", 1)[-1], checked)
            errors.setdefault(url, []).append(
                f"linje {message.get('lastLine', '?')}: {message.get('message')}"
                f" [{message.get('extract', '').strip()[:120]}]"
            )
    return errors
