"""Every view in every state: the demo by default, one branch focused, one line, a period with no data,
the demo cleared with only one dataset left, and English. Each run is checked against invariants that
hold for any data: the chart contract, shares that add up, no None/nan, no chart without data, KPIs
with data where the fixture has it, and no text of the other language."""
from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import pytest

from conftest import REPO_ROOT, _run_page, figures, rendered_strings
from talentboard import charts, store
from talentboard.i18n import TEXT

PAGES = ("overview", "training", "competition", "innovation")
FOCUS = {"overview": "overview_focus", "training": "training_focus", "competition": "comp_focus",
         "innovation": "innov_focus"}
BRANCH, LINE = "城关支行", "柜面"  # the focused studio is read from the demo (first_studio)
LAST_YEAR = {"range": "last_year"}
NO_DATA = {"range": "custom", "period": ["2010-01-01", "2010-12-31"]}
STATES = ("default", "focus", "line", "no_data", "english", "training_only")
BAD_CELLS = {"None", "nan", "NaN", "NaT", "<NA>", "null", "undefined"}
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
FREE_TEXT = {  # columns whose values are the office's own words: they stay as written in either language
    "employees": ("name", "branch", "org", "line", "position", "education"),
    "training": ("course", "organizer", "branch", "name"),
    "competition": ("competition", "event", "line", "branch", "name"),
    "grading": ("line", "branch", "name"),
    "innovation": ("title", "studio", "leader", "members", "branch"),
}
BILINGUAL = ("语言 · Language", "中文")  # the language switch is labelled in both on purpose


@pytest.fixture(scope="module")
def training_only(demo_template: Path, tmp_path_factory) -> Path:
    """The demo cleared, then only the demo's training file imported as the office's own."""
    path = tmp_path_factory.mktemp("training-only") / "talentboard.duckdb"
    shutil.copyfile(demo_template, path)
    store.clear_demo(db=path)
    result = store.import_file(REPO_ROOT / "data" / "demo" / "培训记录.csv", "training", db=path)
    assert result.rows_loaded > 0
    return path


@pytest.fixture(scope="module")
def data_words(demo_template: Path) -> list[str]:
    """Every free-text value in the demo, longest first (so a long name is removed before its parts)."""
    words: set[str] = set()
    con = duckdb.connect(str(demo_template), read_only=True)
    try:
        for dataset, columns in FREE_TEXT.items():
            for column in columns:
                words |= {str(v) for (v,) in con.execute(f"select distinct {column} from {dataset}").fetchall()
                          if v is not None}
        words |= {str(v) for (v,) in con.execute("select distinct file from batches").fetchall() if v}  # the user's file names
    finally:
        con.close()
    for member_list in [w for w in words if re.search(r"[、,;，；]", w)]:
        words |= {part.strip() for part in re.split(r"[、,;，；\s]+", member_list) if part.strip()}
    return sorted(words, key=len, reverse=True)


def english_ui_words() -> set[str]:
    """Words of the English side of the translation table that never appear on the Chinese side."""
    english = {w for _, en in TEXT.values() for w in re.findall(r"[A-Za-z]{4,}", en)}
    chinese = {w for zh, _ in TEXT.values() for w in re.findall(r"[A-Za-z]{4,}", zh)}
    return {w for w in english - chinese} - {"Talentboard"}


def first_studio(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select studio from innovation group by studio order by count(*) desc, studio limit 1").fetchone()[0]
    finally:
        con.close()


def query_for(page: str, state: str, db: Path) -> dict:
    query = dict(LAST_YEAR)
    if state == "focus":
        query[FOCUS[page]] = first_studio(db) if page == "innovation" else BRANCH
    elif state == "line":
        query["line"] = [LINE]
    elif state == "no_data":
        query = dict(NO_DATA)
    elif state == "english":
        query["lang"] = "en"
    return query


def file_vocabulary() -> list[str]:
    """The Chinese headers the registry reads (its labels and aliases): the data page's dictionary and
    templates list them in either language, as the files carry them."""
    from talentboard.schema import DATASETS, GRADE_SCALES
    words = [word for dataset in DATASETS.values() for column in dataset.columns
             for word in (column.label_zh, column.unit, *column.aliases, *column.values, *column.true_words,
                          *column.false_words, *(a for v in column.values.values() for a in v))]
    return [w for w in words if w] + [g for scale in GRADE_SCALES for g in scale] + ["、"]


def canonical_names() -> set[str]:
    """The registry's column names: the data dictionary documents them, in either language."""
    from talentboard.schema import DATASETS
    return {column.name for dataset in DATASETS.values() for column in dataset.columns}


def run(page: str, state: str, db: Path, monkeypatch) -> tuple:
    monkeypatch.setenv("TALENTBOARD_DB", str(db))
    query = query_for(page, state, db)
    return _run_page(page, query), query.get("lang", "zh")


def leaks(strings: list[str], lang: str, words: list[str], allowed_codes: set[str] = frozenset()) -> list[str]:
    """Strings that carry text of the other language (data values and the bilingual switch aside)."""
    found = []
    strings = [re.sub(r"`[^`]*`", "", text) for text in strings]  # a `code` span is an identifier, not a word
    if lang == "en":
        for text in strings:
            rest = text
            if allowed_codes and text in allowed_codes:
                continue
            for allowed in (*BILINGUAL, *words):
                if allowed in rest:
                    rest = rest.replace(allowed, "")
            if CJK.search(rest):
                found.append(text)
    else:
        english = english_ui_words()
        for text in strings:
            if text in BILINGUAL or text in allowed_codes:
                continue
            if set(re.findall(r"[A-Za-z]{4,}", text)) & english or re.search(r"\bpp\b", text):
                found.append(text)
    for text in strings:  # a raw column name shown as a header is a leak in either language
        if re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", text) and text not in allowed_codes:
            found.append(text)
    return found


def shares_that_do_not_add_up(spec: dict) -> list[str]:
    """For 100% stacked bars (barmode stack on a % axis): each bar's segments sum to 100 ± 0.1."""
    layout = spec.get("layout", {})
    if layout.get("barmode") != "stack" or (layout.get("yaxis") or {}).get("ticksuffix") != "%":
        return []
    totals: dict = defaultdict(float)
    for trace in spec.get("data", []):
        x = trace.get("x")
        keys = list(zip(*x)) if x and isinstance(x[0], list) else x
        for key, value in zip(keys, trace.get("y") or []):
            assert value is not None and value == value, f"a segment of {key} has no value"
            totals[tuple(key) if isinstance(key, list) else key] += value
    return [f"{key}: {total:.2f}%" for key, total in totals.items() if abs(total - 100) > 0.1]


CASES = [(page, state) for page in PAGES for state in STATES] + [("data", "default"), ("data", "english")]


@pytest.mark.parametrize("page,state", CASES, ids=[f"{p}-{s}" for p, s in CASES])
def test_view_in_state(page, state, demo_template, training_only, data_words, monkeypatch):
    db = training_only if state == "training_only" else demo_template
    at, lang = run(page, state, db, monkeypatch)
    strings = rendered_strings(at)
    assert strings, "the page rendered nothing"

    bad = [s for s in strings if s.strip() in BAD_CELLS]
    assert not bad, f"cells or labels read {bad[:5]}"
    specs = figures(at)
    for spec in specs:
        fig = go.Figure(spec)
        title = (spec["layout"].get("meta") or {}).get("title")
        assert charts.has_data(fig), f"{title}: a chart with nothing to draw"
        assert charts.check(fig) == [], f"{title}: {charts.check(fig)}"
        assert shares_that_do_not_add_up(spec) == [], title
    for element in at.get("plotly_chart"):  # the PNG download and its tooltip in the reader's language, offline
        config = json.loads(element.proto.config)
        assert config["modeBarButtons"] == [["toImage"]] and config["displaylogo"] is False
        assert config["locale"] == ("en" if lang == "en" else "zh-CN") and "zh-CN" in config["locales"]
        assert element.proto.theme == ""  # the house style, not Streamlit's chart theme over it
    vocabulary = sorted([*data_words, *file_vocabulary()], key=len, reverse=True) if page == "data" else data_words
    found = leaks(strings, lang, vocabulary, canonical_names() if page == "data" else frozenset())
    assert not found, f"other-language text in {lang}: {found[:8]}"

    values = [m.value for m in at.metric]
    assert not {v for v in values if v.strip() in BAD_CELLS}, values
    if state in ("default", "english", "focus", "line") and page != "data":
        # the demo has data in last year for every view: no card may read 0 or nothing
        empty = [(m.label, m.value) for m in at.metric if m.value.strip() in {"0", "0.0%", "—", ""}]
        assert not empty, f"KPIs without a value where the demo has data: {empty}"
    if state == "no_data" and page != "data":
        assert at.info or at.caption, "a period without data says so"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_page_has_no_period_filters(lang, demo_db):
    at = _run_page("data", {"lang": lang})
    assert not at.sidebar.selectbox and not at.sidebar.multiselect and not at.sidebar.date_input
