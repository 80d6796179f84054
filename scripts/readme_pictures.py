"""The README's pictures of issue 15: the front page with the strategy map at 390 and 1280 px
and a printed page of «Hele strategien», from the portal as it runs in production.

    uv run python scripts/readme_pictures.py [--port 8199]

Needs Debian's Chromium, pdftoppm (poppler-utils) and pngquant; writes small PNGs to
docs/bilder/.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from production_server import BASE_DIR, running_portal

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PICTURES = BASE_DIR / "docs" / "bilder"


def shrink(path: Path) -> None:
    """256 colours are plenty for flat colours and text; a tenth of the bytes."""
    subprocess.run(
        ["pngquant", "--force", "--skip-if-larger", "--output", str(path), "256", str(path)],
        check=False,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8199)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    PICTURES.mkdir(parents=True, exist_ok=True)
    with running_portal(args.port) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for width, height in ((390, 2400), (1280, 1500)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(base + "/")
            target = PICTURES / f"forside-{width}.png"
            page.screenshot(path=target)
            shrink(target)
            page.close()
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "/hele-strategien/")
        with tempfile.TemporaryDirectory() as tmp:
            printed = Path(tmp) / "utskrift.pdf"
            printed.write_bytes(page.pdf(format="A4", prefer_css_page_size=True))
            # Page 5: a focus area from the top of its page, with the running head.
            subprocess.run(
                ["pdftoppm", "-png", "-r", "70", "-f", "5", "-l", "5", "-singlefile",
                 str(printed), str(PICTURES / "utskrift")],
                check=True,
            )  # fmt: skip
        shrink(PICTURES / "utskrift.png")
        browser.close()
    for picture in sorted(PICTURES.glob("*.png")):
        print(f"{picture.relative_to(BASE_DIR)}: {picture.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
