"""Shared pytest fixtures: the repo root and a throwaway database path."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def tmp_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A not-yet-existing database file under tmp_path, also set as TALENTBOARD_DB."""
    db_path = tmp_path / "talentboard.duckdb"
    monkeypatch.setenv("TALENTBOARD_DB", str(db_path))
    return db_path


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served on an empty database (it loads the shipped demo on its first start), one per module."""
    from browser import running_app
    db_path = tmp_path_factory.mktemp("browser-db") / "talentboard.duckdb"
    with running_app(db_path) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator["Browser"]:
    """Debian's Chromium driven by Playwright, one per module."""
    from browser import launch_chromium
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()
