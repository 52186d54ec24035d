"""Shared pytest fixtures: the repo root and a throwaway database path."""

from __future__ import annotations

from pathlib import Path

import pytest

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
