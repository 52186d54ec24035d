"""Full-page screenshots of dashboard pages in zh and en at common desktop sizes, for review.

Usage: .venv/bin/python scripts/screenshots.py [--db PATH] [--out DIR] [PAGE ...]
PAGE is a URL path under the app (e.g. `training`); default: the root page. Without --db the
app runs on an empty temporary database, so it loads the shipped demo.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The helpers live in tests/browser.py; tests/ is not a package, so import it by its folder.
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests"))

from browser import launch_chromium, running_app, wait_for_app  # noqa: E402

LANGS = ("zh", "en")
VIEWPORTS = ((1920, 1080), (1366, 768))


def page_slug(page_path: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", page_path.strip("/")).strip("_")
    return slug or "root"


def page_url(base_url: str, page_path: str, lang: str) -> str:
    path = page_path.lstrip("/")
    separator = "&" if "?" in path else "?"
    return f"{base_url}/{path}{separator}lang={lang}"


def take_screenshots(base_url: str, pages: list[str], out_dir: Path, full: bool = False,
                     langs: tuple[str, ...] = LANGS) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for width, height in VIEWPORTS:
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                for page_path in pages:
                    for lang in langs:
                        page.goto(page_url(base_url, page_path, lang))
                        wait_for_app(page)
                        page.wait_for_timeout(800)  # Plotly draws after the script has finished
                        target = out_dir / f"{page_slug(page_path)}-{lang}-{width}x{height}.png"
                        page.screenshot(path=str(target))
                        written.append(target)
                        print(target, flush=True)
                        if full:  # the whole page: Streamlit scrolls inside stMain, so grow the window to it
                            tall = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
                            page.set_viewport_size({"width": width, "height": max(height, int(tall))})
                            page.wait_for_timeout(800)
                            target = out_dir / f"{page_slug(page_path)}-{lang}-{width}-full.png"
                            page.screenshot(path=str(target))
                            page.set_viewport_size({"width": width, "height": height})
                            written.append(target)
                            print(target, flush=True)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=["/"], metavar="PAGE",
                        help="URL path of a page under the app (default: the root page)")
    parser.add_argument("--db", type=Path, help="database file (default: an empty temporary one)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "test-artifacts" / "screens",
                        help="output folder (default: test-artifacts/screens)")
    parser.add_argument("--app", default="dashboard.py", help="Streamlit script (default: dashboard.py)")
    parser.add_argument("--full", action="store_true", help="also the whole page, however long (<page>-<lang>-<width>-full.png)")
    parser.add_argument("--lang", choices=LANGS, action="append", help="only this language (repeatable)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="talentboard-screens-") as tmp:
        db_path = args.db.resolve() if args.db else Path(tmp) / "talentboard.duckdb"
        with running_app(db_path, app=args.app) as base_url:
            take_screenshots(base_url, args.pages, args.out.resolve(), full=args.full, langs=tuple(args.lang or LANGS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
