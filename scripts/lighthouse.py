"""Lighthouse (mobile, default settings) on the pages of issue 15, against the portal as it
runs in production: gunicorn with DJANGO_DEBUG=0, collected static files, the real strategy.

    uv run python scripts/lighthouse.py [--port 8199] [--runs 3] [--keep-reports DIR]

Lighthouse is the version pinned in package-lock.json (`npm ci`), Chromium is Debian's
(/usr/bin/chromium or CHROMIUM_PATH). Each page is measured ``--runs`` times and the run with
the median performance score counts, as Lighthouse's own documentation advises: the
performance score multiplies the CPU time measured, which a busy machine inflates. Prints a
table with the four category scores and the
bytes transferred on a first visit, and exits 1 when a score is below 100 or a first visit
reaches 50 KB. Everything runs on 127.0.0.1 in a temporary folder; nothing else is touched.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from production_server import BASE_DIR, running_portal

LIGHTHOUSE = BASE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FIRST_VISIT_LIMIT = 50_000  # bytes: «under 50 KB»

PAGES = {
    "Forsiden": "/",
    "Innsatsområde": "/innsatsomrader/transport-og-mobilitet/",
    "Elementside": "/r/T-S2/",  # followed to its page first: Lighthouse gets no redirect
    "Hele strategien": "/hele-strategien/",
    "Strategikartet": "/strategikart/",
}


def final_url(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.url


# Lighthouse itself says "Please run Lighthouse again" when Chromium's trace of a load misses
# its start (NO_NAVSTART, seen on a busy machine): such a run measured nothing, so it is run
# again, at most this many times in all.
ATTEMPTS = 3


def run_lighthouse(url: str, report_dir: Path | None, name: str) -> dict:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return run_lighthouse_once(url, report_dir, name)
        except LighthouseRuntimeError as error:
            if attempt == ATTEMPTS:
                raise SystemExit(str(error)) from error
    raise AssertionError("unreachable")


class LighthouseRuntimeError(Exception):
    pass


def run_lighthouse_once(url: str, report_dir: Path | None, name: str) -> dict:
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            f"--only-categories={','.join(CATEGORIES)}",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    if result.returncode != 0 or not result.stdout.strip():
        message = f"Lighthouse feilet for {url}:\n{result.stderr[-3000:]}"
        if "Please run Lighthouse again" in result.stderr:
            raise LighthouseRuntimeError(message)
        raise SystemExit(message)
    if report_dir is not None:
        (report_dir / f"{name}.json").write_text(result.stdout, encoding="utf-8")
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep-reports", type=Path, default=None)
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse mangler: kjør `npm ci` (make lighthouse gjør det).")
    if args.keep_reports:
        args.keep_reports.mkdir(parents=True, exist_ok=True)

    failures = []
    rows = []
    with running_portal(args.port) as base:
        for name, path in PAGES.items():
            url = final_url(base + path)
            reports = [run_lighthouse(url, args.keep_reports, name) for _ in range(args.runs)]
            reports.sort(key=lambda report: report["categories"]["performance"]["score"])
            report = reports[len(reports) // 2]
            scores = [round(report["categories"][c]["score"] * 100) for c in CATEGORIES]
            weight = int(report["audits"]["total-byte-weight"]["numericValue"])
            rows.append((name, url.removeprefix(base), scores, weight))
            if min(scores) < 100:
                failed = [
                    f"{audit['id']} ({audit['score']})"
                    for category in CATEGORIES
                    for ref in report["categories"][category]["auditRefs"]
                    if ref["weight"] > 0
                    and (audit := report["audits"][ref["id"]])["score"] is not None
                    and audit["score"] < 1
                ]
                failures.append(f"{name}: {', '.join(failed)}")
            if weight >= FIRST_VISIT_LIMIT:
                failures.append(f"{name}: første besøk {weight} byte")

    version = json.loads((BASE_DIR / "node_modules/lighthouse/package.json").read_text())
    print(
        f"Lighthouse {version['version']} (mobil, standardinnstillinger), {CHROMIUM}, "
        f"median av {args.runs} kjøringer per side"
    )
    print()
    print("| side | adresse | ytelse | tilgjengelighet | beste praksis | SEO | første besøk |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, path, scores, weight in rows:
        cells = " | ".join(str(score) for score in scores)
        print(f"| {name} | `{path}` | {cells} | {weight / 1000:.1f} kB |")
    if failures:
        print("\nUnder målet:\n  " + "\n  ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
