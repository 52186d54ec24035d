"""Shared pytest fixtures: the repo root, a throwaway database path, the demo loaded once, and AppTest
helpers (run a page with a URL query; every string, table cell and figure it rendered)."""

from __future__ import annotations

import functools
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import pytest

# The command line computes the views ahead after each import (talentboard/warm.py): tests that import
# through it, or through the data page, would each run every view; tests/test_warm.py turns it back on.
os.environ.setdefault("TALENTBOARD_WARM", "0")
# as talentboard/__init__.py sets it, before any test module imports openpyxl itself (see there)
os.environ.setdefault("OPENPYXL_LXML", "False")

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _readers_let_go() -> Iterator[None]:
    """The app's shared reading connection (store.reading) closed after each test, so a test may open the
    file itself as any other program would."""
    yield
    from talentboard import store
    store.release_readers()


@pytest.fixture(autouse=True)
def _pages_as_a_running_server_has_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTest resets Streamlit's legacy pages/ flag before every run, so each rerun would run the page file
    alone (a cold server's first run: ui.page_context sends it through dashboard.py, losing a click). A running
    server clears the flag once, at the first st.navigation, for good: tests run the app as it then runs."""
    from streamlit.runtime.pages_manager import PagesManager
    made = PagesManager.__init__

    def init(self, *args, **kwargs):
        made(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def tmp_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A not-yet-existing database file under tmp_path, also set as TALENTBOARD_DB."""
    db_path = tmp_path / "talentboard.duckdb"
    monkeypatch.setenv("TALENTBOARD_DB", str(db_path))
    return db_path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped demo imported once per test session; tests get copies (demo_db)."""
    from talentboard import store
    path = tmp_path_factory.mktemp("demo-template") / "talentboard.duckdb"
    store.load_demo(db=path)
    return path


def private_copy(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 name: str = "talentboard.duckdb") -> Path:
    """A private copy of a store made once per session (a fixture's template), set as TALENTBOARD_DB."""
    path = tmp_path / name
    shutil.copyfile(template, path)
    monkeypatch.setenv("TALENTBOARD_DB", str(path))
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the database holding the shipped demo, set as TALENTBOARD_DB."""
    return private_copy(demo_template, tmp_path, monkeypatch)


def _run_page(page: str, query: dict | None = None, *, timeout: int = 120):
    """One run of the app straight onto pages/<page>.py with `query` in the URL; fails on an exception."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def run_page() -> Callable:
    return _run_page


def _decoded(value):
    """Plotly's JSON keeps numeric arrays as base64 ("bdata"): back to plain lists, everywhere."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            import base64
            import numpy as np
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            shape = value.get("shape")
            if shape:
                array = array.reshape([int(n) for n in str(shape).split(",")])
            return array.tolist()
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


def figures(at) -> list[dict]:
    """Every Plotly figure the run drew, as its JSON spec (data and layout), numbers as plain lists."""
    return [_decoded(json.loads(element.proto.spec)) for element in at.get("plotly_chart")]


def rendered_strings(at) -> list[str]:
    """Every string a reader can see: titles, text, captions, alerts, metric labels and values, widget
    labels and options, table headers and cells, chart titles, axis titles, ticks text, legends, labels."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        out += [str(m.label), str(m.value), str(m.proto.delta or "")]
    for kind in ("selectbox", "multiselect", "radio", "text_input", "button", "checkbox", "toggle", "date_input"):
        for widget in getattr(at, kind):
            out.append(str(widget.label))
            options = getattr(widget, "options", None)
            out += [str(o) for o in options or ()]
    for frame in at.dataframe:
        data = frame.value
        if frame.proto.placeholder:  # the table shows its placeholder where a value is missing
            data = data.astype(object).where(data.notna(), frame.proto.placeholder)
        config = json.loads(frame.proto.columns or "{}") if getattr(frame.proto, "columns", None) else {}
        hidden = {name for name, spec in config.items() if isinstance(spec, dict) and spec.get("hidden")}
        labels = {name: spec.get("label") for name, spec in config.items() if isinstance(spec, dict)}
        for column in data.columns:
            if column in hidden:
                continue
            out.append(str(labels.get(column) or column))
            out += [str(v) for v in data[column].tolist()]
    for figure in figures(at):
        layout = figure.get("layout", {})
        out.append(str((layout.get("meta") or {}).get("title", "")))
        for name, axis in layout.items():
            if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
                out.append(str((axis.get("title") or {}).get("text", "")))
        out += [str(a.get("text", "")) for a in layout.get("annotations", [])]
        for trace in figure.get("data", []):
            out.append(str(trace.get("name", "")))
            for axis in ("x", "y", "labels"):
                values = trace.get(axis)
                if isinstance(values, list):
                    out += [str(v) for v in values if isinstance(v, str)]
            node = trace.get("node") or {}
            out += [str(v) for v in node.get("label", [])]
    return [s for s in out if s]


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


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Every file a page offers for download, by file name, as the browser would receive it."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    saved: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def capture(self, path_or_data, mimetype, kind, filename=None):
        saved[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", capture)
    from streamlit.runtime.media_file_manager import MediaFileManager
    from talentboard.export import csv_bytes
    deferred = MediaFileManager.add_deferred

    def capture_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        # The CSV of a chart's or table's data (ui.download) is made on click: made here, as a click would.
        if isinstance(data_callable, functools.partial) and data_callable.func is csv_bytes:
            saved[file_name] = data_callable()
        return deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture_deferred)
    return saved
