"""Property-based tests of the import: random small training and roster files, written as Chinese offices write
them (SPEC, "What an upload must survive": UTF-8 with or without BOM, GB18030, UTF-16; comma, semicolon, tab or
bar; quoted or not; title rows, blank rows, a 合计 row; the listed date, number and yes/no forms), good rows mixed
with bad ones (impossible dates, hours out of range, words that are not numbers or yes/no, unknown genders,
blank required cells).

The test's own model says what each cell means. Then, for every file:
- it loads exactly its good rows (the first of each key), each value as the model read it, each bad row named
  by its line, column and reason in Chinese and English; or, when no row is good, it is refused with a message
  in both languages and the store is unchanged;
- importing it again adds nothing;
- `export` and an import of the export into a new store give back every value.

CI=true runs a fixed (derandomized) set of examples."""
from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from talentboard import store
from talentboard.export import export_all
from talentboard.schema import DATASETS

settings.register_profile("talentboard", max_examples=20, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("talentboard-ci", settings.get_profile("talentboard"), derandomize=True)
PROFILE = settings.get_profile("talentboard-ci" if os.environ.get("CI") == "true" else "talentboard")

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")
NEEDED, ALWAYS = 0, 1  # quoting: only cells that need it, every cell; any other number quotes cell by cell
DELIMITERS = (",", ";", "\t", "|")
CJK = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜" \
      "培训反洗钱党史柜面信贷支行信用社城关课程学习营业部青石镇乡村振兴𠮷㐀鿏"
# Text cells: Chinese (a supplementary-plane character too), Latin, digits, inner spaces (ASCII and ideographic),
# full-width forms, a middle dot, quotes, and the file's own delimiter (other delimiters in its cells would be a
# different file). Not '计' (a cell reading 合计 marks a total row) nor a leading = + - @ (exports guard those).
TEXT_ALPHABET = CJK + "ABCxyz0189 \u3000ＡＢ１２（）·，；\"'"
DELIMITER = st.shared(st.sampled_from(DELIMITERS), key="delimiter")
FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20}


def fold(text: str) -> str | None:
    """A cell as the product promises to read it: full-width forms as ASCII, outer spaces gone, empty as none."""
    return text.translate(FULLWIDTH).strip(" ") or None


# ----------------------------------------------------------------------------------------------
# Cells: each strategy gives (text as written, value as the model reads it)
# ----------------------------------------------------------------------------------------------

def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def padded(draw, text: str) -> str:
    """The same text, sometimes with spaces around it or in full-width digits."""
    if draw(st.booleans()) and text.isascii():
        text = to_fullwidth(text)
    return draw(st.sampled_from(("", " ", "  "))) + text + draw(st.sampled_from(("", " ")))


@st.composite
def free_text(draw, max_size: int = 10) -> tuple[str, str]:
    delimiter = draw(DELIMITER)
    alphabet = TEXT_ALPHABET + (delimiter if delimiter != "\t" else "")
    text = draw(st.text(alphabet, min_size=1, max_size=max_size).filter(lambda s: fold(s) is not None))
    return text, fold(text)


def render_text(value: str):
    return st.sampled_from(("", " ")).map(lambda pad: pad + value)


@st.composite
def ids(draw) -> tuple[str, str]:
    """Employee ids as rosters have them: letters and digits, leading zeros kept."""
    value = draw(st.sampled_from(("E", "QC", "", "00", "1"))) + str(draw(st.integers(0, 40))).zfill(3)
    return draw(padded(value)), value


def render_id(value: str):
    return padded(value)


def render_date(d: dt.date):
    """A date in one of the forms SPEC lists: ISO, slashes, dots, 年月日, eight digits, an Excel serial number."""
    forms = (f"{d:%Y-%m-%d}", f"{d.year}/{d.month}/{d.day}", f"{d.year}.{d.month}.{d.day}",
             f"{d.year}年{d.month}月{d.day}日", f"{d:%Y%m%d}", str((d - dt.date(1899, 12, 30)).days))
    return st.sampled_from(forms).flatmap(padded)


def dates(low: dt.date, high: dt.date):
    return st.dates(low, high).flatmap(lambda d: render_date(d).map(lambda text: (text, d)))


# Good dates stay in the plausible range the registry sets (from 1950, birth dates from 1920, to a year from now).
BAD_DATES = ("2024-13-01", "2023-02-29", "2024年13月1日", "下周一", "20241301", "2024/6/31", "三月五日")


def number_text(value: float) -> str:
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


@st.composite
def hours(draw) -> tuple[str, float]:
    value = draw(st.integers(1, 800)) / 4  # (0, 200] in quarter hours
    text = number_text(value) + draw(st.sampled_from(("", "", "小时", "学时", "h")))
    return draw(padded(text)), value


@st.composite
def scores(draw) -> tuple[str, float]:
    value = draw(st.integers(0, 200)) / 2
    return draw(padded(number_text(value) + draw(st.sampled_from(("", "%"))))), value


@st.composite
def yuan(draw) -> tuple[str, float]:
    """Money in a 元 column: 1234.5, 1,234.5, 1234.5元, or 0.3万 (the model multiplies as the product must)."""
    form = draw(st.sampled_from(("plain", "thousands", "yuan", "wan")))
    if form == "wan":
        wan = draw(st.integers(1, 50)) / 10
        return draw(padded(f"{number_text(wan)}万")), wan * 10000.0
    value = draw(st.integers(0, 2_000_000)) / 2
    text = f"{value:,.1f}" if form == "thousands" else number_text(value) + ("元" if form == "yuan" else "")
    return draw(padded(text)), value


def words(table: dict[str, object]):
    """A word from `table` (written as the office writes it) and what it means."""
    return st.sampled_from(sorted(table.items())).flatmap(lambda kv: padded(kv[0]).map(lambda t: (t, kv[1])))


PASSED = {"是": True, "否": False, "Y": True, "N": False, "√": True, "×": False, "合格": True, "不合格": False,
          "通过": True}
PARTY = {"中共党员": True, "党员": True, "是": True, "群众": False, "共青团员": False, "否": False}
GENDER = {"男": "男", "女": "女", "男性": "男", "女性": "女", "M": "男", "F": "女"}
STATUS = {"在岗": "在岗", "在职": "在岗", "离职": "离职", "辞职": "离职", "退休": "退休", "借调": "借调", "出差": "在岗"}
CATEGORY = {"思想政治": "思想政治", "党建": "思想政治", "政治理论": "思想政治", "专业技能": "专业技能", "业务技能": "专业技能",
            "柜面": "专业技能", "信贷": "专业技能", "合规风控": "合规风控", "营销服务": "营销服务", "其他": "其他",
            "读书会": "其他"}  # an unknown word takes 其他, with a warning
FORM = {"集中培训": "集中培训", "面授": "集中培训", "以会代训": "以会代训", "外出学习": "外出学习", "线上学习": "线上学习",
        "网络学习": "线上学习", "现场教学": "现场教学", "其他": "其他", "茶话会": "其他"}


@dataclass(frozen=True)
class Col:
    """One column as the test sees it: its headers (SPEC's aliases), how a good cell is written and read, what a
    blank cell means, and bad cells with the reason each must be refused for."""
    name: str
    headers: tuple[str, ...]
    good: st.SearchStrategy
    blank: object = None  # the value of a blank cell, or REQUIRED
    bad: tuple[tuple[str, str], ...] = ()  # (text, error code)
    render: object = None  # for a key column: a value -> its text in any form, so that keys repeat


REQUIRED = object()
BLANKS = ("", "   ")

TRAINING = (
    Col("employee_id", ("工号", "员工编号", "职工编号", "人员编号", "员工号"), ids(), REQUIRED, render=render_id),
    Col("name", ("姓名", "员工姓名", "职工姓名"), free_text(6)),
    Col("branch", ("机构", "所属机构", "网点", "支行", "信用社"), free_text(8)),
    Col("course", ("培训名称", "培训项目", "课程名称", "培训内容", "培训主题"), free_text(12), REQUIRED,
        render=render_text),
    Col("start_date", ("培训日期", "日期", "开始日期", "培训时间"), dates(dt.date(2000, 1, 1), dt.date(2026, 6, 30)),
        REQUIRED, tuple((d, "row.date") for d in BAD_DATES), render=render_date),
    Col("hours", ("学时", "培训学时", "培训时长", "时长"), hours(), REQUIRED,
        (("0", "row.min_exclusive"), ("-2", "row.min_exclusive"), ("200.5", "row.max"), ("三小时", "row.number"),
         ("2..5", "row.number"))),
    Col("category", ("培训类别", "类别", "培训类型"), words(CATEGORY), "其他"),
    Col("form", ("培训形式", "形式", "方式"), words(FORM), "其他"),
    Col("organizer", ("主办部门", "组织部门", "主办单位"), free_text(8)),
    Col("score", ("考核成绩", "成绩", "考试成绩"), scores(), None, (("101", "row.max"), ("-1", "row.min"), ("优", "row.number"))),
    Col("passed", ("是否合格", "考核结果"), words(PASSED), None, (("也许", "row.bool"), ("待定", "row.bool"))),
    Col("cost", ("费用", "培训费用", "培训费用（元）"), yuan(), None, (("-5", "row.min"), ("免费", "row.number"))),
)
EMPLOYEES = (
    Col("employee_id", ("工号", "员工编号", "职工编号", "人员编号", "员工号"), ids(), REQUIRED, render=render_id),
    Col("name", ("姓名", "员工姓名", "职工姓名"), free_text(6), REQUIRED),
    Col("branch", ("机构", "所属机构", "网点", "所属网点", "支行", "部门", "单位", "信用社"), free_text(8), REQUIRED),
    Col("org", ("法人机构", "联社", "行社", "所属联社"), free_text(10)),
    Col("line", ("条线", "岗位序列", "业务条线"), free_text(6)),
    Col("position", ("岗位", "职务"), free_text(6)),
    Col("gender", ("性别",), words(GENDER), None, (("未知", "row.enum"), ("二", "row.enum"))),
    Col("birth_date", ("出生日期", "出生年月"), dates(dt.date(1960, 1, 1), dt.date(2005, 12, 31)), None,
        tuple((d, "row.date") for d in BAD_DATES)),
    Col("hire_date", ("入职日期", "入行时间", "参加工作时间"), dates(dt.date(1980, 1, 1), dt.date(2026, 6, 30)), None,
        tuple((d, "row.date") for d in BAD_DATES)),
    Col("education", ("学历", "最高学历"), free_text(6)),
    Col("party_member", ("是否党员", "政治面貌"), words(PARTY), None, (("也许", "row.bool"),)),
    Col("status", ("状态", "在岗状态", "人员状态"), words(STATUS), "在岗"),
)
COLUMNS = {"training": TRAINING, "employees": EMPLOYEES}


# ----------------------------------------------------------------------------------------------
# A whole file and the model's reading of it
# ----------------------------------------------------------------------------------------------

@dataclass
class Row:
    line: int  # as the spreadsheet shows it
    cells: dict[str, str]
    values: dict[str, object] = field(default_factory=dict)  # the model's reading (good rows)
    error: tuple[str, str] | None = None  # (column, code) of its one bad cell


@dataclass
class Sheet:
    dataset: str
    columns: list[Col]
    headers: list[str]
    encoding: str
    delimiter: str
    quoting: int  # NEEDED, ALWAYS, or else a seed for quoting cell by cell
    newline: str
    lines: list[list[str]]  # every record as written, title rows to the last
    rows: list[Row]

    def __repr__(self) -> str:  # a failing example shows the file as written
        return (f"Sheet({self.dataset!r}, {self.encoding!r}, delimiter={self.delimiter!r}, quoting={self.quoting}, "
                f"newline={self.newline!r}, lines={self.lines!r}, errors={[(r.line, r.error) for r in self.rows if r.error]})")

    @property
    def good(self) -> list[Row]:
        return [r for r in self.rows if r.error is None]

    def key(self, row: Row) -> tuple:
        return tuple(row.values[k] for k in DATASETS[self.dataset].key)

    @property
    def loaded(self) -> list[Row]:
        """The good rows a new store takes: the first of each key."""
        seen, out = set(), []
        for row in self.good:
            if self.key(row) not in seen:
                seen.add(self.key(row))
                out.append(row)
        return out

    def write(self, path: Path) -> Path:
        """The file: a cell holding the delimiter or a quote is always quoted (quotes doubled); the others as
        `quoting` says: never, always, or cell by cell as chance has it."""
        chance = random.Random(self.quoting)
        def written(cell: str) -> str:
            must = self.delimiter in cell or '"' in cell
            if must or self.quoting == ALWAYS or (self.quoting > ALWAYS and chance.random() < 0.5):
                return '"' + cell.replace('"', '""') + '"'
            return cell
        text = "".join(self.delimiter.join(map(written, record)) + self.newline if record != ["<empty line>"]
                       else self.newline for record in self.lines)
        path.write_bytes(text.encode(self.encoding))
        return path


@st.composite
def sheets(draw, dataset: str) -> Sheet:
    registry = COLUMNS[dataset]
    optional = [c for c in registry if c.blank is not REQUIRED]
    chosen = [c for c in registry if c.blank is REQUIRED] + draw(st.lists(st.sampled_from(optional), unique=True))
    columns = draw(st.permutations(chosen))
    headers = [draw(st.sampled_from(c.headers)) for c in columns]
    width = len(columns)
    lines: list[list[str]] = []
    for title in draw(st.lists(st.sampled_from(("2024年职工培训台账", "填报单位：城关信用社", "单位：人、学时")), max_size=2)):
        lines.append([title] + [""] * (width - 1) if draw(st.booleans()) else [title])
    lines.append(headers)
    # a few values of each key column, written in any form, so that keys repeat
    pools = {c.name: draw(st.lists(c.good.map(lambda tv: tv[1]), min_size=1, max_size=2)) for c in columns if c.render}
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.integers(0, 5)) == 0:  # a blank row now and then: an empty line or a row of empty cells
            lines.append(draw(st.sampled_from((["<empty line>"], [""] * width))))
        row = Row(line=len(lines) + 1, cells={})
        can_be_bad = [c.name for c in columns if c.blank is REQUIRED or c.bad]
        bad_at = draw(st.sampled_from(can_be_bad)) if draw(st.integers(0, 3)) == 0 else None  # a row in four is bad
        for column in columns:
            if column.name == bad_at:
                choices = [(b, "row.required") for b in BLANKS] * (column.blank is REQUIRED) + list(column.bad)
                text, code = draw(st.sampled_from(choices))
                row.error = (column.name, code)
            elif column.blank is not REQUIRED and draw(st.integers(0, 4)) == 0:
                text, row.values[column.name] = draw(st.sampled_from(BLANKS)), column.blank
            elif column.render and draw(st.integers(0, 3)) > 0:
                value = draw(st.sampled_from(pools[column.name]))
                text, row.values[column.name] = draw(column.render(value)), value
            else:
                text, row.values[column.name] = draw(column.good)
            row.cells[column.name] = text
        lines.append([row.cells[c.name] for c in columns])
        rows.append(row)
    if draw(st.booleans()):  # a total row at the bottom, labelled in its first cell
        lines.append([draw(st.sampled_from(("合计", "总计", "合 计", "合计："))), *[""] * (width - 1)])
    for column in registry:  # a column the file does not have reads as a blank cell
        for row in rows:
            if column not in columns and row.error is None:
                row.values[column.name] = column.blank
    return Sheet(dataset, columns, headers, draw(st.sampled_from(ENCODINGS)), draw(DELIMITER),
                 draw(st.sampled_from((NEEDED, ALWAYS, draw(st.integers(2, 2**16))))),
                 draw(st.sampled_from(("\r\n", "\n"))),
                 lines, rows)


# ----------------------------------------------------------------------------------------------
# The store, before and after
# ----------------------------------------------------------------------------------------------

TABLES = ("batches", "column_mappings", *(f"{d}_rows" for d in DATASETS))
# Rows already in the store: keys the generated files never use (their ids have no hyphen).
EARLIER = {
    "employees": "工号,姓名,机构,性别\nPRE-1,早先,城关信用社,女\nPRE-2,早后,青石信用社,男\n",
    "training": "工号,培训名称,培训日期,学时\nPRE-1,早课,2024-01-02,2\nPRE-3,早课,2024-01-02,3\n",
}


def _tables(db: Path, names) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: con.execute(f"select * from {name} order by all").fetchall() for name in names}
    finally:
        con.close()


def contents(db: Path) -> dict[str, list[tuple]]:
    return _tables(db, TABLES)


def views(db: Path) -> dict[str, list[tuple]]:
    return _tables(db, DATASETS)


@pytest.fixture(scope="module")
def earlier_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("earlier")
    db = folder / "earlier.duckdb"
    for dataset, text in EARLIER.items():
        path = folder / f"{dataset}.csv"
        path.write_text(text, encoding="utf-8")
        assert store.import_file(path, dataset, db=db).rows_loaded == 2
    return db


def messages_in_both_languages(message) -> None:
    zh, en = message("zh"), message("en")
    assert zh and en and zh != en, (zh, en)
    assert "{" not in zh + en, (zh, en)
    assert re.search(r"[\u4e00-\u9fff]", zh), zh


def batch_rows(tables: dict[str, list[tuple]], dataset: str, batch_id: int) -> list[dict]:
    """One batch's rows in file order, from the store's contents, as {_row, column: value}."""
    names = ["_row", *DATASETS[dataset].column_names]
    return [dict(zip(names, r[1:])) for r in sorted(tables[f"{dataset}_rows"], key=lambda r: r[1]) if r[0] == batch_id]


def without(tables: dict[str, list[tuple]], batch_id: int) -> dict[str, list[tuple]]:
    """The contents less one batch (its row in batches, its rows in every dataset)."""
    return {name: [r for r in rows if r[0] != batch_id] for name, rows in tables.items()}


def check_file(sheet: Sheet, tmp: Path, earlier: Path) -> None:
    db = tmp / "store.duckdb"
    shutil.copyfile(earlier, db)
    before = contents(db)
    path = sheet.write(tmp / f"{sheet.dataset}.csv")
    result = store.import_file(path, sheet.dataset, db=db)
    bad = [r for r in sheet.rows if r.error]
    event(f"{sheet.dataset}: {sheet.encoding}, delimiter {sheet.delimiter!r}")
    event("refused" if not sheet.good else "some rows bad" if bad else "every row good")
    event("keys repeat" if len(sheet.loaded) < len(sheet.good) else "keys distinct")

    if not sheet.good:  # nothing to load: refused as a whole, in both languages, the store as it was
        assert result.rejection is not None and result.batch_id is None
        messages_in_both_languages(result.rejection.text)
        assert contents(db) == before
        return

    assert result.rejection is None, result.rejection.text("en")
    loaded = sheet.loaded
    assert (result.rows_read, result.rows_rejected, result.rows_loaded, result.rows_duplicate) == \
        (len(sheet.rows), len(bad), len(loaded), len(sheet.good) - len(loaded))
    # each bad row named by its line and column, with its reason, in both languages
    assert sorted((e.row, e.column, e.code) for e in result.errors) == sorted((r.line, *r.error) for r in bad)
    cells = {r.line: r.cells for r in bad}
    for error in result.errors:
        assert (error.value or "") == cells[error.row][error.column]
        messages_in_both_languages(error.message)
    # every row loaded, each value as the model read it, at its line; nothing else moved
    after = contents(db)
    assert batch_rows(after, sheet.dataset, result.batch_id) == [{"_row": r.line, **r.values} for r in loaded]
    assert without(after, result.batch_id) == before

    again = store.import_file(path, sheet.dataset, db=db)
    assert (again.rows_loaded, again.rows_duplicate, again.rows_rejected) == (0, len(sheet.good), len(bad))
    assert without(contents(db), again.batch_id) == after

    exported, fresh = tmp / "export", tmp / "fresh.duckdb"
    export_all(exported, db=db)
    for dataset in ("employees", "training"):  # the roster first, as an office would
        store.import_file(exported / f"{dataset}.csv", dataset, db=fresh)
    assert views(fresh) == views(db)


@PROFILE
@given(sheet=sheets("training"))
def test_any_training_file_loads_its_good_rows_or_is_refused_and_round_trips(sheet, earlier_store, tmp_path_factory):
    check_file(sheet, tmp_path_factory.mktemp("training"), earlier_store)


@PROFILE
@given(sheet=sheets("employees"))
def test_any_roster_loads_its_good_rows_or_is_refused_and_round_trips(sheet, earlier_store, tmp_path_factory):
    check_file(sheet, tmp_path_factory.mktemp("employees"), earlier_store)
