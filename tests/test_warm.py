"""Warm-up (talentboard/warm.py): after the data changed, every view's results are computed once and kept
in the store under the new data version; a page opened afterwards, in any process, reads them instead of
querying, shows exactly the same, and a later import makes them stale (never read) rather than wrong."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import streamlit as st

from talentboard import sql, store, warm

REPO_ROOT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "training", "competition", "innovation")


@pytest.fixture
def queries(monkeypatch) -> list[str]:
    """The named queries run from now on, in order."""
    ran: list[str] = []
    frame = sql.frame

    def counted(con, name, params=None):
        ran.append(name)
        return frame(con, name, params)

    monkeypatch.setattr(sql, "frame", counted)
    return ran


def kept(db: Path) -> list[tuple]:
    store.release_readers()
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select distinct version from results").fetchall()


def shown(run_page, page: str, lang: str = "zh") -> tuple[list, list]:
    from tests.conftest import figures, rendered_strings
    at = run_page(page, {"lang": lang})
    return rendered_strings(at), figures(at)


def test_a_warmed_store_answers_every_view_without_a_query_and_shows_the_same(demo_db, run_page, queries):
    st.cache_data.clear()
    cold = {page: shown(run_page, page) for page in PAGES}
    assert queries, "the views query the store when nothing is kept"

    done = warm.warm(demo_db)
    assert done.problems == [] and done.results > 20
    assert kept(demo_db) == [(store._version_text(store.state(demo_db).version),)]

    for lang in ("zh", "en"):
        st.cache_data.clear()  # a new server process: nothing in memory
        queries.clear()
        warmed = {page: shown(run_page, page, lang) for page in PAGES}
        assert queries == [], f"{lang}: {queries}"
        if lang == "zh":
            assert warmed == cold


def test_results_kept_for_an_earlier_version_are_never_read(demo_db, run_page, queries, tmp_path):
    warm.warm(demo_db)
    before = store.row_count("training", demo_db)
    extra = tmp_path / "t.csv"
    with store.connect(demo_db) as con:
        staff = con.execute("select employee_id from employees limit 1").fetchall()[0][0]
    extra.write_text(f"工号,培训名称,培训日期,学时\n{staff},新课,2026-01-05,7\n", encoding="utf-8")
    assert store.import_file(extra, "training", db=demo_db).rows_loaded == 1
    assert store.row_count("training", demo_db) == before + 1

    st.cache_data.clear()
    queries.clear()
    run_page("training")
    assert "training_summary" in queries  # computed afresh for the new data, not read from the old
    assert store.keep_results(demo_db, ("an", "earlier", "version"), {"k": b"v"}) == 0


def test_the_command_line_warms_after_an_import_unless_told_not_to(tmp_path, demo_template):
    db = tmp_path / "cli.duckdb"
    db.write_bytes(demo_template.read_bytes())
    csv = tmp_path / "t.csv"
    with duckdb.connect(str(db), read_only=True) as con:
        staff = con.execute("select employee_id from employees limit 1").fetchall()[0][0]
    csv.write_text(f"工号,培训名称,培训日期,学时\n{staff},新课,2026-01-05,7\n", encoding="utf-8")
    env = {**os.environ, "TALENTBOARD_DB": str(db), "TALENTBOARD_WARM": "1"}

    skipped = subprocess.run([sys.executable, "-m", "talentboard", "--lang", "en", "import", "training", str(csv),
                              "--no-warm"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert skipped.returncode == 0, skipped.stderr
    assert "computed ahead" not in skipped.stdout and kept(db) == []

    done = subprocess.run([sys.executable, "-m", "talentboard", "--lang", "en", "rollback", "1"], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Views computed ahead for the current data" in done.stdout
    assert "WARNING" not in done.stderr and "ScriptRunContext" not in done.stderr, done.stderr  # nothing from Streamlit
    assert len(kept(db)) == 1


@pytest.mark.parametrize("page", PAGES)
def test_a_kept_figure_draws_exactly_as_one_built_afresh(demo_db, run_page, page, monkeypatch):
    """A page's figures drawn from kept specifications (charts.memo) equal those its builders make each run,
    page changes and the finishing touches included; the second run builds none."""
    from talentboard import charts, ui
    from tests.conftest import figures
    st.cache_data.clear()
    monkeypatch.setattr(charts, "memo", None)
    built = figures(run_page(page))
    assert built

    styled: list[str] = []
    style = charts.style
    monkeypatch.setattr(charts, "style", lambda fig, *a, **k: styled.append("style") or style(fig, *a, **k))
    monkeypatch.setattr(charts, "memo", ui._figure_spec)
    st.cache_data.clear()
    first = figures(run_page(page))
    assert styled, "the first run builds"
    styled.clear()
    again = figures(run_page(page))
    assert styled == [], "the second run draws kept figures"
    assert first == built and again == built


def test_a_page_reads_the_results_kept_for_its_version_in_one_read(demo_db, run_page, queries, monkeypatch):
    """A page asks for a dozen kept results or more: they are read from the store once per version and
    process, then from memory; a result kept after that read is still found (read alone), never recomputed."""
    from talentboard import ui
    warm.warm(demo_db)
    version = store.state(demo_db).version
    reads: list[str] = []
    for name in ("kept_results", "kept_result"):
        monkeypatch.setattr(store, name, lambda *a, _f=getattr(store, name), _n=name: reads.append(_n) or _f(*a))
    ui.forget_results()
    queries.clear()
    strings, _ = shown(run_page, "training")
    assert reads == ["kept_results"] and queries == []
    reads.clear()
    st.cache_data.clear()
    assert shown(run_page, "overview")[0] and reads == [] and queries == []  # the same version: from memory

    ui.forget_results()
    ui._kept_read[str(demo_db)] = (version, {})  # as if read before a warm-up had kept anything
    reads.clear()
    queries.clear()
    assert shown(run_page, "training")[0] == strings
    assert reads and set(reads) == {"kept_result"} and queries == []


def test_a_figures_inputs_are_told_apart_by_their_values_and_types():
    """charts.memo keys a figure by its builder's inputs: plain lists and maps (names, colours) are hashed in
    one piece, and inputs that differ in a value or a type never share a key; equal inputs always do."""
    import hashlib

    import pandas as pd

    from talentboard import ui

    def key(value) -> str:
        digest = hashlib.sha256()
        ui._digest(value, digest)
        return digest.hexdigest()

    inputs = [["甲支行", "乙支行"], ["乙支行", "甲支行"], [1, 2], [1.0, 2.0], ["1", "2"], [True, 2], [None, 2],
              {"甲": "#0072B2"}, {"甲": "#E69F00"}, {"乙": "#0072B2"}, [], {}, [["a"]], [("a",)],
              [pd.DataFrame({"a": [1]})], [pd.DataFrame({"a": [2]})], [pd.DataFrame({"a": [1]}), "x"]]
    keys = [key(value) for value in inputs]
    assert len(set(keys)) == len(inputs)
    assert keys == [key(value) for value in inputs]
    assert key({"甲": "#0072B2", "n": [1, 2]}) == key({"甲": "#0072B2", "n": [1, 2]})
