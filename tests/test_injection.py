"""Text from data, files and URLs is shown as the literal text it is, everywhere; every way out of the app is
formula-safe. A store whose branch, line, course, studio, project, competition, event and people names are
hostile strings is rendered by every page: Markdown bodies escape them (a Markdown reader gets the literal
text back), Plotly draws them as stored, the downloads neutralise formulas, and URL values change nothing."""
from __future__ import annotations

import ast
import csv
import io
import re
import shutil
import tomllib
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st_

from talentboard import export, literal, store
from tests.conftest import private_copy
from talentboard.i18n import t
from conftest import figures

REPO_ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ["**x**", '=HYPERLINK("http://x","点我")', "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
           "[x](javascript:alert(1))", ":red[x]", "$x$"]
# more that Streamlit or Plotly would turn into something else: tags, a bare link, a character reference, an
# icon, an arrow, a heading and a list marker at the start of a line
MORE = ["<b>粗</b>", "http://evil.example.com/a", "A&amp;B", ":material/home:", "a -> b", "# 标题", "1. 列表"]
BRANCHES = HOSTILE + MORE
FORMULAS = ['=HYPERLINK("http://x","点我")', "@SUM(A1)", "+1", "-1+2"]
LINES = ["柜面", "<b>线</b>"]
SQLISH = "'; drop table training; --"
PERIOD = {"range": "custom", "period": ["2025-01-01", "2025-12-31"]}


def write(path: Path, rows: list[list[object]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def people() -> list[tuple[str, str, str, str]]:
    """(id, name, branch, line): two people a branch, named after the hostile strings and the formulas."""
    names = FORMULAS + HOSTILE
    return [(f"E{i:03d}", names[i % len(names)], branch, LINES[i % 2])
            for i, branch in enumerate(b for b in BRANCHES for _ in range(2))]


def training_rows() -> list[list[object]]:
    """The first person of each branch trains, for more hours the further down the list: branches differ."""
    courses = FORMULAS + HOSTILE
    return [[e, courses[i % len(courses)], f"2025-{1 + i % 12:02d}-10", 2 + i]
            for i, (e, _, _, _) in enumerate(people()[::2])]


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory) -> Path:
    """The hostile store, imported once through the pipeline; tests get copies (hostile_db)."""
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "talentboard.duckdb"
    staff = people()
    files = {
        "employees": [["工号", "姓名", "机构", "条线", "状态"], *[[e, n, b, line, "在岗"] for e, n, b, line in staff]],
        "training": [["工号", "培训名称", "培训日期", "学时"], *training_rows()],
        "competition": [["竞赛名称", "日期", "项目", "工号", "成绩", "奖项"],
                        *[[HOSTILE[i % 3], "2025-06-01", HOSTILE[3 + i % 4], e, 60 + i, ("一等奖", "二等奖", "三等奖", "优秀奖")[i % 4]]
                          for i, (e, _, _, _) in enumerate(staff)]],
        "grading": [["评定年度", "工号", "等级"], *[[year, e, ("三级", "二级", "一级")[(i + year) % 3]]
                                               for year in (2024, 2025) for i, (e, _, _, _) in enumerate(staff)]],
        "innovation": [["课题名称", "工作室", "状态", "立项日期", "完成日期", "机构", "经费", "效益"],
                       *[[f"{name}·{i}", BRANCHES[i % len(BRANCHES)], ("已转化", "已完成", "研究中")[i % 3],
                          "2025-01-05", "2025-09-01" if i % 3 < 2 else None, BRANCHES[i % len(BRANCHES)], 5 + i, 10 * i]
                         for i, name in enumerate(HOSTILE + MORE + FORMULAS)]],
    }
    for dataset, rows in files.items():
        result = store.import_file(write(folder / f"{dataset}.csv", rows), dataset, db=db)
        assert result.exit_code == 0 and result.rows_rejected == 0, (dataset, result.errors[:3])
    with store.connect(db) as con:
        stored = {b for (b,) in con.execute("select distinct branch from employees").fetchall()}
    assert stored == set(BRANCHES)  # the pipeline keeps every hostile name as it is
    return db


@pytest.fixture
def hostile_db(hostile_template, tmp_path, monkeypatch) -> Path:
    """A private copy of the hostile store, set as TALENTBOARD_DB."""
    return private_copy(hostile_template, tmp_path, monkeypatch)


# ----------------------------------------------------------------------------------------------
# How a reader would read what the app sends: CommonMark's backslash escapes undone, and Plotly's
# entity decoding (plotly.js svg_text_utils convertEntities, ported), each checked against Streamlit 1.67's
# and Plotly's own patterns
# ----------------------------------------------------------------------------------------------

ASCII_PUNCTUATION = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
UNESCAPE = re.compile(rf"\\([{ASCII_PUNCTUATION}])")


def unmark(body: str) -> str:
    """The text a CommonMark reader shows for a body whose only markup is backslash escapes (the invisible
    word joiners taken out)."""
    return UNESCAPE.sub(r"\1", body).replace(literal.WORD_JOINER, "")


def bare(source: str) -> str:
    """What is left of Markdown source once its escaped characters are taken out: where markup could start."""
    return UNESCAPE.sub("", source)


# Streamlit 1.67's StreamlitMarkdown.js: rewrites of the parsed text (links, icons, the logo, emoji, symbols)
# and its tests of the source (math, emoji, the :material/ rewrite)
STREAMLIT_TEXT_PATTERNS = [re.compile(r"(https?:\/\/|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I),
                           re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)"), re.compile(r":material_(\w+):"),
                           re.compile(r":streamlit:"), re.compile(r":[\w+-]+:"),
                           re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)")]
STREAMLIT_SOURCE_PATTERNS = [re.compile(r":material/"), re.compile(r":(?!material\/|streamlit:)[\w+-][\w_+-]*:")]
STREAMLIT_MATH = re.compile(r"(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)")  # tested once escapes are blanked
MARKUP_OPENERS = re.compile(r"[\\`*~\[\]<>&$|#{}]|:[A-Za-z]|(?<!\w)_|_(?!\w)")  # _ inside a word opens nothing
PLOTLY_ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")
PLOTLY_NAMED = {"mu": "μ", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "times": "×", "plusmn": "±", "deg": "°"}


def plotly_drawn(text: str) -> str:
    """What Plotly draws for a text without tags: its character references decoded in one pass."""
    def one(match: re.Match) -> str:
        code = match.group(1)
        if code.startswith("#"):
            return chr(int(code[2:], 16) if code[1] == "x" else int(code[1:]))
        return PLOTLY_NAMED.get(code, match.group(0))
    return PLOTLY_ENTITY.sub(one, text)


def assert_reads_literally(value: str) -> None:
    source = literal.markdown(value)
    assert unmark(source) == re.sub(r"\s+", " ", value), (value, source)  # whitespace read as HTML reads it
    assert not MARKUP_OPENERS.search(bare(source)), (value, source)
    assert not re.match(r"[-+=]|\d+[.)](\s|$)", source), (value, source)  # no block opened at a line start
    assert not any(p.search(source) for p in STREAMLIT_SOURCE_PATTERNS), (value, source)
    assert not STREAMLIT_MATH.search(re.sub(r"\\[\\$`]", "_", source)), (value, source)
    shown = UNESCAPE.sub(r"\1", source)  # the parsed text Streamlit's rewrites see
    assert not any(p.search(shown) for p in STREAMLIT_TEXT_PATTERNS), (value, shown)


@pytest.mark.parametrize("value", BRANCHES + FORMULAS + [SQLISH, ":streamlit:", ":smile:", "a@b.example.com",
                                                         "www.example.com", "x\n\n    code", "---", "> quote"])
def test_a_value_in_markdown_reads_as_itself(value):
    assert_reads_literally(value)


def test_numbers_dates_and_percentages_pass_unchanged():
    for value in ("1,234", "12.5%", "2025-06-01", "4.2", "第 3 批", "2025-06-01 10:30"):
        assert literal.markdown(value) == value
    assert literal.say("hl.coverage", "zh", scope="**x**", value="50.0%") == t("hl.coverage", "zh", scope="\\*\\*x\\*\\*",
                                                                               value="50.0%")


@hypothesis_settings(max_examples=300, deadline=None)
@given(st_.text(alphabet=st_.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters=literal.WORD_JOINER),
                max_size=40))
def test_any_text_reads_as_itself_in_markdown_and_in_plotly(value):
    assert_reads_literally(value)
    drawn = literal.plotly(value)
    assert "<" not in drawn and ">" not in drawn and "%{" not in drawn  # no tag, no template field
    assert plotly_drawn(drawn) == value and literal.from_plotly(drawn) == value


# ----------------------------------------------------------------------------------------------
# Every page, on the hostile store
# ----------------------------------------------------------------------------------------------

MARKDOWN_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                     "toast")
LABELLED_WIDGETS = ("selectbox", "multiselect", "radio", "button", "checkbox", "toggle", "date_input", "text_input")
EVERY_NAME = list(dict.fromkeys(BRANCHES + FORMULAS + LINES + [SQLISH]))


def markdown_bodies(at) -> list[str]:
    """Everything the run sent that Streamlit renders as Markdown: texts, alerts, metric labels and help, widget
    labels and help, radio options."""
    bodies = [str(e.value) for kind in MARKDOWN_ELEMENTS for e in getattr(at, kind)]
    bodies += [text for m in at.metric for text in (m.label, m.proto.help)]
    for kind in LABELLED_WIDGETS:
        for widget in getattr(at, kind):
            bodies += [str(widget.label), str(getattr(widget.proto, "help", "") or "")]
            if kind == "radio":
                bodies += [str(o) for o in widget.options]
    return [b for b in bodies if b]


def named_in(body: str) -> list[str]:
    """The hostile names a Markdown body shows, read as a reader reads it."""
    shown = unmark(body)
    return [name for name in EVERY_NAME if name in shown]


def assert_markdown_literal(at) -> list[str]:
    """Each name a body shows is there escaped, exactly as literal.markdown writes it (so it reads as itself);
    returns the names shown."""
    shown = []
    for body in markdown_bodies(at):
        for name in named_in(body):
            assert literal.markdown(name) in body, (name, body)
            shown.append(name)
    return shown


def drawn_strings(spec: dict):
    """Every string a Plotly figure draws from its data."""
    def strings(values):
        if isinstance(values, str):
            yield values
        elif isinstance(values, list):
            for value in values:
                yield from strings(value)
    for trace in spec.get("data", []):
        for attr in ("name", "x", "y", "text", "hovertext", "labels", "customdata"):
            yield from strings(trace.get(attr))
        yield from strings((trace.get("node") or {}).get("label"))
    for name, axis in spec.get("layout", {}).items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            yield from strings(axis.get("categoryarray"))
            yield from strings(axis.get("ticktext"))


def assert_figures_literal(at) -> set[str]:
    """No figure holds a tag made of data; returns what its texts draw as (Plotly's decoding)."""
    drawn = set()
    for spec in figures(at):
        for text in drawn_strings(spec):
            assert "<" not in text and ">" not in text, text
            drawn.add(plotly_drawn(text))
        for trace in spec.get("data", []):  # a template keeps its own <br>, never a stored name's tags
            for template in (trace.get("hovertemplate"), trace.get("texttemplate")):
                for name in EVERY_NAME:
                    assert not template or "<" not in name or name not in template, (name, template)
    return drawn


def number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def csv_cells(data: bytes) -> list[str]:
    assert data.startswith(export.BOM)
    return [cell for row in csv.reader(io.StringIO(data[len(export.BOM):].decode("utf-8"))) for cell in row]


def assert_formula_safe(cells: list[str]) -> set[str]:
    """No text cell a spreadsheet would run (a number such as -1.5 is a number); returns the formulas that
    were neutralised."""
    for cell in cells:
        assert not cell.startswith(export.FORMULA_START) or number(cell), cell
    return {cell[1:] for cell in cells if cell.startswith("'") and cell[1:].startswith(export.FORMULA_START)}


def row_counts(db: Path) -> dict[str, int]:
    return {name: store.row_count(name, db) for name in ("employees", "training", "competition", "grading",
                                                         "innovation")}


# The formulas each page's CSV downloads hold (as names of branches, courses and people), neutralised.
FORMULAS_OUT = {"overview": {FORMULAS[0]}, "training": set(FORMULAS), "competition": set(FORMULAS),
                "innovation": set()}


@pytest.mark.parametrize("page", ["overview", "training", "competition", "innovation"])
def test_every_page_shows_hostile_names_as_themselves(hostile_db, run_page, downloads, page):
    at = run_page(page, PERIOD)
    files = {name: data for name, data in downloads.items() if name and name.endswith(".csv")}
    assert files  # every chart and table offers its data
    neutralised = set().union(*(assert_formula_safe(csv_cells(data)) for data in files.values()))
    assert FORMULAS_OUT[page] <= neutralised, (FORMULAS_OUT[page] - neutralised, sorted(files))
    shown = assert_markdown_literal(at)
    drawn = assert_figures_literal(at)
    assert set(BRANCHES) <= drawn, set(BRANCHES) - drawn  # the branch (or studio) charts draw each as stored
    if page == "overview":  # the highlights name the laggards and the leader: hostile names, escaped
        highlights = next(m.value for m in at.markdown if m.value.startswith("- "))
        assert len(named_in(highlights)) >= 2 and set(named_in(highlights)) <= set(shown), highlights
    if page == "competition":  # the leaderboard's caption names the competition picked
        assert HOSTILE[0] in shown or HOSTILE[1] in shown or HOSTILE[2] in shown


def test_the_overview_scope_names_picked_branches_as_themselves(hostile_db, run_page):
    picked = run_page("overview", {**PERIOD, "branch": ["**x**", "$x$", ":red[x]"]})
    text = "\n".join(m.value for m in picked.markdown)
    assert {"**x**", "$x$", ":red[x]"} <= set(assert_markdown_literal(picked))
    assert "\\*\\*x\\*\\*、\\$x\\$、\\:red\\[x\\]" in text  # the scope names the three, each escaped


# Each page's URL: its focus a hostile name (or SQL-like text), every filter value SQL-like text.
URLS = {"overview": {"overview_focus": '=HYPERLINK("http://x","点我")', "branch": SQLISH, "org": SQLISH, "line": SQLISH,
                     "range": SQLISH, "period": SQLISH, "lang": SQLISH},
        "training": {"training_focus": SQLISH, "line": SQLISH, "range": "custom", "period": [SQLISH, SQLISH]},
        "competition": {"comp_focus": "[x](javascript:alert(1))", "branch": SQLISH},
        "innovation": {"innov_focus": "<b>粗</b>", "org": SQLISH},
        "data": {"data_tab": SQLISH, "lang": SQLISH}}


@pytest.mark.parametrize("page", list(URLS))
def test_url_values_are_shown_as_themselves_and_change_nothing(hostile_db, run_page, page):
    before = row_counts(hostile_db)
    at = run_page(page, URLS[page])  # run_page fails on any exception
    assert row_counts(hostile_db) == before and all(before.values())
    shown = assert_markdown_literal(at)
    assert_figures_literal(at)
    focus = next((value for key, value in URLS[page].items() if key.endswith("_focus")), None)
    if focus is None:
        return
    assert focus in shown
    banner = [m.value for m in at.markdown if m.value.startswith(t("focus.now", "zh", name="")[:4])]
    assert banner == [t("focus.now", "zh", name=literal.markdown(focus))]
    if page != "innovation":  # a studio's focus is not a branch filter: the sidebar says nothing of it
        assert any(literal.markdown(focus) in c.value for c in at.sidebar.caption)


# ----------------------------------------------------------------------------------------------
# Every way out: the pages' CSV downloads, a batch's rows, the error report, the command line's export;
# Streamlit's own table export is off
# ----------------------------------------------------------------------------------------------

def test_the_command_line_export_and_a_batch_download_are_formula_safe(hostile_db, tmp_path):
    written = export.export_all(tmp_path / "out", db=hostile_db)
    cells = [cell for path in written if path.suffix == ".csv" for cell in csv_cells(path.read_bytes())]
    assert set(FORMULAS) <= assert_formula_safe(cells)
    batch = next(b["batch_id"] for b in store.history(hostile_db) if b["dataset"] == "training")
    assert set(FORMULAS) <= assert_formula_safe(csv_cells(export.csv_bytes(store.batch_rows(batch, hostile_db))))


def test_the_tables_own_csv_export_is_off():
    """Streamlit's grid toolbar writes cells as they are: the app turns it off (and the copy to the clipboard)."""
    from streamlit import config
    assert "client.disableDataExport" in config._config_options  # the option this Streamlit has
    settings = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["disableDataExport"] is True


# ----------------------------------------------------------------------------------------------
# The data page: an uploaded file's name, headers and cells, in the card, warnings, errors, the error report
# and the rollback's confirmation
# ----------------------------------------------------------------------------------------------

FILE_NAME = "**x**<b>.csv"
ODD_HEADER = "<b>列</b>"


def data_page_upload(at, name: str, data: bytes) -> str:
    at.file_uploader(key="data_files").set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    import hashlib
    return "data_" + hashlib.sha256(data).hexdigest()[:12]


def click(at, key: str):
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def test_an_uploaded_files_name_headers_and_cells_are_shown_as_themselves(hostile_db, run_page, downloads):
    rows = [["工号", "培训名称", "培训日期", "学时", ODD_HEADER],
            ["E000", "[x](javascript:alert(1))", "2025-03-01", 2, "[x](javascript:alert(1))"],
            ["E002", "<img src=x onerror=alert(1)>", "2025-03-02", FORMULAS[0], ":red[x]"]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    at = run_page("data", {})
    key = data_page_upload(at, FILE_NAME, data)
    names = EVERY_NAME + [FILE_NAME, ODD_HEADER]

    assert [h.value for h in at.subheader][0] == literal.markdown(FILE_NAME)
    bodies = markdown_bodies(at)
    assert not [b for b in bodies for n in (FILE_NAME, ODD_HEADER) if n in b]  # never as it is
    ignored = [c.value for c in at.caption if c.value.startswith("⚠")]
    assert any(literal.markdown(ODD_HEADER) in c for c in ignored), ignored  # the ignored column, named
    mapping = next(w for w in at.selectbox if w.label.startswith(literal.markdown(ODD_HEADER)))
    assert mapping.proto.help == t("data.sample", "zh", value=literal.markdown(rows[1][4]))
    for body in bodies:
        for name in (n for n in names if n in unmark(body)):
            assert literal.markdown(name) in body, (name, body)

    report = next(d for n, d in downloads.items() if n and n.endswith(".xlsx"))  # the error report, as offered
    sheet = openpyxl.load_workbook(io.BytesIO(report)).active
    cells = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert cells[FORMULAS[0]] == "s" and cells[":red[x]"] == "s"  # text, not a formula

    click(at, f"{key}_import")  # the card now says what was imported, under the same title
    assert at.subheader[0].value == literal.markdown(FILE_NAME)
    assert not [b for b in markdown_bodies(at) if FILE_NAME in b]
    history = downloads["import_history.csv"]  # the history table's download names the file, formula-safe
    assert FILE_NAME in csv_cells(history)
    assert_formula_safe(csv_cells(history))
    batch = store.history(hostile_db)[0]
    assert batch["file"] == FILE_NAME
    at.selectbox(key="data_batch").set_value(batch["batch_id"]).run()
    click(at, "data_rollback")
    question = at.warning[-1].value
    assert literal.markdown(FILE_NAME) in question and FILE_NAME not in question
    click(at, "data_rollback_yes")
    assert store.history(hostile_db)[0]["status"] == "rolled_back"
    done = [s.value for s in at.success]
    assert any(literal.markdown(FILE_NAME) in s for s in done) and not any(FILE_NAME in s for s in done), done


# ----------------------------------------------------------------------------------------------
# In a real browser: the overview on the hostile store creates no link, tag or script from data
# ----------------------------------------------------------------------------------------------

DOM_REPORT = """() => {
  const roots = [...document.querySelectorAll("[data-testid='stMain'], [data-testid='stSidebar']")];
  const all = (selector) => roots.flatMap(root => [...root.querySelectorAll(selector)]);
  return {
    outside: [...document.querySelectorAll("a[href]")].map(a => a.href)
      .filter(href => !href.startsWith(location.origin + "/")),
    tags: all("b, i, em, del, code, script, img, iframe, svg a, .katex, .stMarkdownColoredText, .stMarkdownBadge")
      .map(e => e.outerHTML.slice(0, 120)),
    icons: all("[data-testid='stMarkdownContainer'] span[role='img']").map(e => e.textContent),
    strong: all("[data-testid='stMarkdownContainer'] strong").map(e => e.textContent),
    bold: all(".js-plotly-plot tspan").filter(e => (e.getAttribute("style") || "").includes("bold")).length,
    text: roots.map(root => root.innerText).join("\\n").replaceAll("\\u2060", ""),
    ticks: [...document.querySelectorAll(".js-plotly-plot .ytick text")].map(e => e.textContent),
  };
}"""


@pytest.fixture(scope="module")
def hostile_url(hostile_template, tmp_path_factory):
    from browser import running_app
    db = tmp_path_factory.mktemp("hostile-browser") / "talentboard.duckdb"
    shutil.copyfile(hostile_template, db)
    with running_app(db) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("query,named", [
    ({"branch": ["**x**", "[x](javascript:alert(1))", "http://evil.example.com/a"]},
     ["**x**", "[x](javascript:alert(1))", "http://evil.example.com/a"]),
    ({"branch": [":red[x]", "$x$", ":material/home:"]}, [":red[x]", "$x$", ":material/home:"]),
    ({"overview_focus": "<img src=x onerror=alert(1)>"}, ["<img src=x onerror=alert(1)>"]),
], ids=["links", "directives", "tags"])
def test_the_browser_shows_hostile_names_as_text(hostile_url, browser, query, named):
    from urllib.parse import urlencode
    from browser import wait_for_app
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(f"{hostile_url}/?{urlencode({**PERIOD, **query}, doseq=True)}")
        wait_for_app(page)
        page.locator("[data-testid='stPlotlyChart'] .ytick").first.wait_for(timeout=60_000)
        wait_for_app(page)
        found = page.evaluate(DOM_REPORT)
        assert found["outside"] == [] and found["tags"] == [] and found["icons"] == [], found
        assert found["bold"] == 0, found  # the index chart draws no name in bold
        # bold only where a template makes it so (当前只看：**{name}**), round the value as typed
        assert set(found["strong"]) & set(BRANCHES) <= {query.get("overview_focus")}, found["strong"]
        for name in named:  # in the highlights (and the focus banner), as typed
            assert name in found["text"], (name, found["text"][:2000])
        assert set(BRANCHES) <= set(found["ticks"]), found["ticks"]  # the index chart's branch names, as stored
        assert dialogs == []
        page.locator("[data-testid='stDataFrame']").first.hover()
        page.wait_for_timeout(500)
        labels = page.locator("[data-testid='stElementToolbar'] button").evaluate_all(
            "buttons => buttons.map(b => (b.getAttribute('aria-label') || '') + b.innerText)")
        assert labels and not [label for label in labels if "Download" in label], labels
    finally:
        context.close()


# ----------------------------------------------------------------------------------------------
# No call site can forget: a Markdown sink gets a message with values only through say()
# ----------------------------------------------------------------------------------------------

MARKDOWN_SINKS = {"markdown", "caption", "info", "warning", "error", "success", "toast", "title", "header",
                  "subheader", "metric", "write", "selectbox", "multiselect", "radio", "button", "download_button",
                  "checkbox", "toggle", "page_link", "expander", "popover", "progress", "spinner", "text_input",
                  "number_input", "date_input", "file_uploader", "segmented_control", "pills", "tabs",
                  "confirm_button", "card"}
MARKDOWN_ARGUMENTS = {"label", "help", "body", "text", "captions", "question", "help_text", "title"}
POSITIONAL = {"confirm_button": 3, "card": 2}  # how many leading arguments are shown as Markdown


def unsafe_messages(path: Path) -> list[str]:
    """Calls into Streamlit's Markdown (st.x, a column's or container's x, ui.card, ui.confirm_button) whose
    shown text holds t() with values or an import message's own .text(): both would put data in as it is."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MARKDOWN_SINKS):
            continue
        shown = node.args[:POSITIONAL.get(node.func.attr, 1)] + [k.value for k in node.keywords
                                                                 if k.arg in MARKDOWN_ARGUMENTS]
        for part in (sub for arg in shown for sub in ast.walk(arg) if isinstance(sub, ast.Call)):
            called = part.func.attr if isinstance(part.func, ast.Attribute) else getattr(part.func, "id", "")
            if called == "t" and part.keywords or called == "text" and isinstance(part.func, ast.Attribute):
                found.append(f"{path.name}:{part.lineno}: {ast.unparse(part)[:90]}")
    return found


def test_markdown_gets_messages_with_values_only_through_say():
    sources = [*sorted((REPO_ROOT / "pages").glob("*.py")), REPO_ROOT / "dashboard.py", REPO_ROOT / "talentboard" / "ui.py"]
    assert [problem for path in sources for problem in unsafe_messages(path)] == []
    # the check finds what it looks for
    probe = REPO_ROOT / "tests" / "__probe_markdown.py"
    try:
        probe.write_text('st.caption(t("x", lang, n=1))\nst.error(result.rejection.text(lang))\n'
                         'st.caption(say("x", lang, n=1))\nst.selectbox(t("y", lang), [])\n', encoding="utf-8")
        assert [p.split(": ")[0] for p in unsafe_messages(probe)] == ["__probe_markdown.py:1", "__probe_markdown.py:2"]
    finally:
        probe.unlink()
