"""Parsing and validation, one parser per value class, as SQL expressions over one normalised text value."""
from __future__ import annotations

import datetime as dt
import functools
import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from talentboard import schema
from talentboard.ingest.excel_child import column_index, sheet_part
from talentboard.ingest.messages import ImportRejected, Listing, Message, Term, Unit
from talentboard.schema import BOOL, DATE, ENUM, GRADE, INTEGER, NUMBER, TEXT, Column, Dataset

# Full-width ASCII, the ideographic space and the no-break space, as one SQL translate().
_FW_FROM = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000\u00a0"
_FW_TO = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)) + "  "


def lit(text: str) -> str:
    """A SQL string literal; only ever used for text from the schema registry."""
    return "'" + text.replace("'", "''") + "'"


# ----------------------------------------------------------------------------------------------
# Total and subtotal rows. A cell is a total label when it is a total word (合计 总计 小计 累计 共计, in
# simplified or traditional characters; Total, Subtotal, Grand total) on its own, or with a label before it
# (城关信用社小计, 城关支行 合计, 本页小计, Chengguan subtotal) or after a separator (小计：城关, 合计 城关,
# Total: Chengguan); white space, decoration (—【】*#…) and a bracketed unit (合计（万元）) aside. 累计 is a
# running total: a summary, never a person's record. A word that merely contains 计 (统计基础, 会计实务,
# 审计, 合计岗位业务培训) is not a total label. The qualified forms can be a person's name (王小计): a row
# whose employee id is filled in (and is not itself a total label) is data unless a cell is a bare total word.
# ----------------------------------------------------------------------------------------------

_DECOR = r"[\s\-—–_~*·•#=:：【】\[\]()（）<>《》「」\"'“”]"
_BRACKET = r"(?:[（(\[【][^）)\]】]*[）)\]】])"
_TOTAL_ZH = r"[合总總小累共]\s*[计計]"
_TOTAL_EN = r"(?:grand\s*total|sub\s*-?\s*total|total)"  # Total, total or TOTAL (not ToTaL)
_END = rf"{_DECOR}*{_BRACKET}?{_DECOR}*"
TOTAL_BARE = rf"(?i){_DECOR}*(?:{_TOTAL_ZH}|{_TOTAL_EN}){_END}"
TOTAL_QUALIFIED = (rf"(?i).*\S\s*{_TOTAL_ZH}{_END}|.*\S\s+(?:sub\s*-?\s*)?total{_END}"
                   rf"|{_DECOR}*{_TOTAL_ZH}(?:\s*[:：\-—]|\s+)\s*\S.*|{_DECOR}*{_TOTAL_EN}\s*[:：\-—]\s*\S.*")


_TOTAL_MARKS = ("计", "計", "otal", "OTAL", "ｏｔａｌ", "ＯＴＡＬ")  # a cell without one is no total label
# A row without a total word in any cell (white space inside 合 计 allowed, before normalise_sql folds the
# ideographic and no-break spaces) has no total label: the first test of every row, one regex over the row.
# 计 alone is not enough: 会计, 统计 and 计划财务部 fill a fifth of a training file's rows.
_TOTAL_ROW = r"[合总總小累共][\s\x{3000}\x{a0}]*[计計]|otal|OTAL|ｏｔａｌ|ＯＴＡＬ"


def is_total_label(text: str, bare: bool = False) -> bool:
    """Whether one cell's text is a total label (only a bare total word when `bare`); as total_row_sql decides."""
    if not any(mark in str(text) for mark in _TOTAL_MARKS):
        return False
    s = schema.to_halfwidth(str(text)).strip()
    return bool(re.fullmatch(TOTAL_BARE, s) or (not bare and re.fullmatch(TOTAL_QUALIFIED, s)))


def total_row_sql(cells: list[str], id_cells: list[str]) -> str:
    """SQL: the row is a total row (see above). `cells` are every raw cell of the row, `id_cells` those of its
    identifier columns."""
    def label(cell: str) -> str:  # 2 a bare total word, 1 a qualified total label, 0 neither; only a cell
        # holding 计 or total is normalised and matched (CASE, not AND: DuckDB evaluates both sides of an AND)
        maybe = " or ".join(f"contains({cell}, '{mark}')" for mark in _TOTAL_MARKS)  # no lower(): costly
        text = normalise_sql(cell)
        return (f"(case when {maybe} then (case when regexp_full_match({text}, {lit(TOTAL_BARE)}) then 2 "
                f"when regexp_full_match({text}, {lit(TOTAL_QUALIFIED)}) then 1 else 0 end) else 0 end)")
    if not cells:
        return "false"
    person = " or ".join(f"(nullif(trim({c}), '') is not null and {label(c)} = 0)" for c in id_cells) or "false"
    row = f"regexp_matches(concat({', '.join(cells)}), {lit(_TOTAL_ROW)})"  # the whole row, first
    return (f"(case when not {row} then false else (case greatest({', '.join(label(c) for c in cells)}) "
            f"when 2 then true when 1 then not ({person}) else false end) end)")


# ----------------------------------------------------------------------------------------------
# Excel error values (#N/A, #DIV/0! …), from a workbook's error cells or as text in a CSV Excel saved: never a
# value. In a required column the row is refused naming the error; in an optional one the cell reads blank and
# the user is told how many there were.
# ----------------------------------------------------------------------------------------------

EXCEL_ERROR = r"#(?:N/A|DIV/0!|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!)"


def excel_error_sql(m: str, possible: bool = True) -> tuple[str, str]:
    """SQL over normalised text m: the text with an Excel error read as blank, and the error itself (else null).
    `possible` False: the file holds no # at all (its scan says), so no cell is an error."""
    if not possible:
        return m, "cast(null as varchar)"
    # CASE, not AND: DuckDB evaluates both sides of an AND, and the pattern is for the few cells starting with #
    error = f"regexp_full_match(upper({m}), {lit(EXCEL_ERROR)})"
    return (f"(case when not starts_with({m}, '#') then {m} when {error} then null else {m} end)",
            f"(case when not starts_with({m}, '#') then null when {error} then upper({m}) end)")


# ----------------------------------------------------------------------------------------------
# Units, in a header's brackets (学习时长（分钟）) or after a value (90分钟, 12万): converted to the column's
# unit, or refused. Each table gives a unit's size in one base unit of what it measures.
# ----------------------------------------------------------------------------------------------

TIME_UNITS = {"小时": 1.0, "学时": 1.0, "课时": 1.0, "h": 1.0, "hr": 1.0, "hrs": 1.0, "hour": 1.0, "hours": 1.0,
              "分钟": 1 / 60, "分": 1 / 60, "min": 1 / 60, "mins": 1 / 60, "minute": 1 / 60, "minutes": 1 / 60}
MONEY_UNITS = {"元": 1.0, "yuan": 1.0, "千元": 1e3, "万元": 1e4, "万": 1e4, "亿元": 1e8, "亿": 1e8}
POINT_UNITS = {"分": 1.0, "%": 1.0}  # a 0-100 score: 85分 and 85% are both 85
# Units known but never converted: a training day is 6, 7 or 8 学时 depending on the office, so a 天 header
# on an hours column is refused rather than guessed.
OTHER_UNITS = ("天", "日", "d", "day", "days", "周", "week", "weeks", "月", "month", "months")
COUNT_WORDS = ("人次", "人", "次", "个", "项", "件", "名")  # after a value, read as a plain number
_SHOWN_AS = {"学时": "小时", "课时": "小时", "h": "小时", "hr": "小时", "hrs": "小时", "hour": "小时", "hours": "小时",
             "分": "分钟", "min": "分钟", "mins": "分钟", "minute": "分钟", "minutes": "分钟", "yuan": "元", "万": "万元",
             "亿": "亿元", "日": "天", "d": "天", "day": "天", "days": "天"}


def column_units(column: Column) -> dict[str, float]:
    """The units a number column takes, as multiples of the column's own unit (empty: a plain number)."""
    for table in (MONEY_UNITS, TIME_UNITS):
        if column.unit in table:
            return {u: size / table[column.unit] for u, size in table.items()}
    return dict(POINT_UNITS) if column.percent else {}


def unit_shown(unit: str, column: Column) -> str:
    """The name a unit goes by in messages: 分 on a time column is 分钟, h is 小时, 万 is 万元."""
    if unit == "分" and column_units(column).get("分") == 1.0:
        return "分"
    return _SHOWN_AS.get(unit, unit)


def column_unit_shown(column: Column) -> str:
    return column.unit or ("分" if column.percent else "")


def header_factor(dataset: Dataset, column: Column, header: str) -> tuple[float, Message | None]:
    """The multiplier a header's unit (学习时长（分钟）) puts on the column's plain numbers, and the warning saying
    it converted; a unit that cannot be converted refuses the file, naming the header and the unit. A bracket
    that holds no unit (工号（6位）) is a note and changes nothing."""
    unit = schema.header_unit(header).replace(" ", "").lower()
    known = set(TIME_UNITS) | set(MONEY_UNITS) | set(POINT_UNITS) | set(OTHER_UNITS)
    if column.type not in (NUMBER, INTEGER) or unit not in known:
        return 1.0, None
    units = column_units(column)
    if unit not in units:
        raise ImportRejected("err.header_unit", header=header.strip(), unit=Unit(unit_shown(unit, column)),
                             column=Term(dataset.name, column.name), target=Unit(column_unit_shown(column)))
    factor = units[unit]
    if factor == 1.0:
        return factor, None
    return factor, Message("warn.units_converted", {"column": Term(dataset.name, column.name),
                                                    "unit": Unit(unit_shown(unit, column)), "target": Unit(column.unit)})


def _number_pattern(column: Column) -> str:
    words = set(TIME_UNITS) | set(MONEY_UNITS) | {"分"} | set(OTHER_UNITS) | set(COUNT_WORDS)
    if column.percent:
        words.add("%")
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return rf"^([-+]?(?:\d+\.?\d*|\.\d+))({alternatives})?$"


def _number_parts(n: str, column: Column) -> tuple[str, str, str]:
    """SQL: the number written, its unit ('' when none), and whether the text has that form."""
    s = f"lower(regexp_replace({n}, '[, ¥￥]', '', 'g'))"  # 1,234.5 元, ￥3,600.00
    pattern = lit(_number_pattern(column))
    return (f"try_cast(regexp_extract({s}, {pattern}, 1) as double)", f"regexp_extract({s}, {pattern}, 2)",
            f"regexp_full_match({s}, {pattern})")


def _value_factors(column: Column, plain: float) -> str:
    factors = column_units(column) | {w: 1.0 for w in COUNT_WORDS} | {"": plain}
    return map_sql({u: repr(f) for u, f in factors.items()})


def number_sql(n: str, column: Column, factor: float = 1.0) -> str:
    """A number: plain (times the header's factor), or with a unit of its own, which wins over the header's."""
    number, unit, _ = _number_parts(n, column)
    slow = f"{number} * {_value_factors(column, factor)}[{unit}]"
    separated = f"try_cast(replace({n}, ',', '') as double) * {factor!r}"  # 1,234.5: no regex needed
    return (f"(case when {n} is null then null else coalesce(try_cast({n} as double) * {factor!r}, {separated}, "
            f"{slow}) end)")


def unit_error_sql(n: str, v: str, column: Column) -> str:
    """SQL: the text n did not parse (v is null) because it is a number with a unit the column cannot take
    (1天 in hours, 5分钟 in a cost)."""
    number, unit, form = _number_parts(n, column)
    return (f"(case when {n} is null or {v} is not null then false "
            f"else {form} and {_value_factors(column, 1.0)}[{unit}] is null end)")


# ----------------------------------------------------------------------------------------------
# Years and dates. A year column takes 2024, 2024年, 2024年度, 2024 年度, 2024.0, FY2024, 2024财年,
# 二〇二四年(度); a part of a year (2024年度上半年), a span (2023-2024年度), a month or a two-digit year is not a
# year. Dates take ISO, 2024/3/5, 2024.3.5, 2024年3月5日 (or 号, or in Chinese numerals), 20240305, Excel
# serials, a year and month (the 1st), a year alone (1 July). Refused as ambiguous: a two-digit year (24/3/5),
# the year last (3/5/2024, day and month order unknown), and 2024.1 (Excel stores 2024.10 as 2024.1).
# ----------------------------------------------------------------------------------------------

YMD_RE = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
YM_RE = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$"
YEAR_RE = r"(?i)^(?:fy)?\s*(\d{4})\s*(?:\.0+)?\s*(?:年度?|财年)?$"
COMPACT_RE = r"^(\d{4})(\d{2})(\d{2})$"
AMBIGUOUS_DATE_RE = (r"^(?:\d{4}\.1|\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
                     r"|\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4})$")
_CN_DIGITS, _DIGITS = "〇零○一二三四五六七八九", "000123456789"


def chinese_numerals_sql(n: str) -> str:
    """SQL: Chinese numerals as digits where there are any: 二〇二四 -> 2024, 十二 -> 12, 二十五 -> 25, 三十 -> 30."""
    s = f"translate({n}, {lit(_CN_DIGITS)}, {lit(_DIGITS)})"
    s = f"regexp_replace({s}, '(\\d)十(\\d)', '\\1\\2', 'g')"
    s = f"regexp_replace({s}, '(\\d)十', '\\10', 'g')"
    s = f"replace(regexp_replace({s}, '十(\\d)', '1\\1', 'g'), '十', '10')"
    return f"(case when regexp_matches({n}, '[{_CN_DIGITS}十]') then {s} else {n} end)"


def year_sql(n: str) -> str:
    d = chinese_numerals_sql(n)
    return (f"(case when {n} is null then null when regexp_full_match({n}, '\\d{{4}}') then cast({n} as bigint) "
            f"else try_cast(regexp_extract({d}, {lit(YEAR_RE)}, 1) as bigint) end)")


def date_sql(n: str) -> str:
    d = f"replace({chinese_numerals_sql(n)}, '号', '日')"

    def part(pattern: str, i: int) -> str:
        return f"try_cast(regexp_extract({d}, {lit(pattern)}, {i}) as integer)"
    ymd = f"try(make_date({part(YMD_RE, 1)}, {part(YMD_RE, 2)}, {part(YMD_RE, 3)}))"
    yyyymmdd = f"try(make_date({part(COMPACT_RE, 1)}, {part(COMPACT_RE, 2)}, {part(COMPACT_RE, 3)}))"
    ym = f"try(make_date({part(YM_RE, 1)}, {part(YM_RE, 2)}, 1))"
    year = f"try(make_date({part(YEAR_RE, 1)}, 7, 1))"  # a bare year means 1 July of it
    serial = (f"(case when regexp_full_match({n}, '\\d{{5}}(\\.\\d+)?') "
              f"then date '1899-12-30' + cast(floor(cast({n} as double)) as integer) end)")
    # ISO and the like (a four-digit year first) cast at once; the rest, ambiguous forms refused, by pattern
    fast = f"(case when try_cast(left({n}, 4) as integer) is not null then try_cast({n} as date) end)"
    slow = (f"(case when regexp_full_match({n}, {lit(AMBIGUOUS_DATE_RE)}) then null "
            f"else coalesce({ymd}, {yyyymmdd}, {ym}, {year}, {serial}) end)")
    return f"(case when {n} is null then null else coalesce({fast}, {slow}) end)"


def _years_on(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def date_bounds(column: Column, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The plausible dates of a date column: from its `earliest` to today plus its `latest_years`."""
    today = today or dt.date.today()
    return dt.date.fromisoformat(column.earliest), _years_on(today, column.latest_years)


def year_bounds(column: Column, today: dt.date | None = None) -> tuple[float | None, int]:
    """The plausible years of a year column: from its minimum to this year plus its `latest_years`."""
    return column.minimum, (today or dt.date.today()).year + column.latest_years


def map_sql(pairs: dict[str, str]) -> str:
    """A DuckDB MAP literal: a constant hash lookup, far faster per row than a long CASE."""
    return "map {" + ", ".join(f"{lit(k)}: {v}" for k, v in pairs.items()) + "}"


def bool_sql(n: str, column: Column) -> str:
    words = {w.lower(): "true" for w in column.true_words} | {w.lower(): "false" for w in column.false_words}
    return f"{map_sql(words)}[lower({n})]"


def enum_sql(n: str, column: Column) -> tuple[str, str | None]:
    """The canonical value, and (when unknown words take a default) the SQL flagging such rows."""
    exact = {s.lower(): lit(v) for v, syns in column.values.items() for s in (v, *syns)}
    for v, english in column.labels_en.items():  # the English names the page shows read back as themselves
        exact.setdefault(english.lower(), lit(v))
    known = f"{map_sql(exact)}[lower({n})]"
    contains = " ".join(f"when contains({n}, {lit(k)}) then {lit(v)}" for k, v in column.contains)
    default = "null" if column.unknown == "error" else lit(column.unknown)
    fallback = f"(case {contains} else {default} end)" if contains else default
    # a blank takes the default too (counted and told by _parse), never a silent NULL
    value = f"(case when {n} is null then {default} else coalesce({known}, {fallback}) end)"
    flag = None if column.unknown == "error" else f"({n} is not null and {known} is null)"
    return value, flag


def _grade_synonyms() -> dict[str, str]:
    digits = "一二三四五六七八九十"
    synonyms = {}
    for scale in schema.GRADE_SCALES:
        for i, grade in enumerate(scale):
            synonyms[grade] = grade
            if grade.endswith(("级", "星")) and grade[0] in digits:
                suffix = grade[-1]
                synonyms[f"{i + 1}{suffix}"] = grade
                if suffix == "星":
                    synonyms[f"{grade}级"] = grade
                    synonyms[f"{i + 1}星级"] = grade
                    synonyms["★" * (i + 1)] = grade
    for grade, english in schema.GRADE_LABELS_EN.items():  # Grade 3, Senior, 3 stars
        synonyms.setdefault(english.replace(" ", "").lower(), grade)
    return synonyms


def grade_sql(n: str) -> str:
    return f"{map_sql({k: lit(v) for k, v in _grade_synonyms().items()})}[lower(replace({n}, ' ', ''))]"


def _check(value: str, column: Column) -> list[tuple[str, str]]:
    """(SQL condition, error code) pairs for range checks on a parsed number (a year's latest is this year's);
    inf and NaN are not numbers at all, and told so once, not also as out of range."""
    checks = []
    if column.minimum is not None:
        op, code = ("<=", "row.min_exclusive") if column.min_exclusive else ("<", "row.min")
        checks.append((f"isfinite({value}) and {value} {op} {column.minimum!r}", code))
    maximum = year_bounds(column)[1] if column.year else column.maximum
    if maximum is not None:
        checks.append((f"isfinite({value}) and {value} > {maximum!r}", "row.max"))
    return checks


def normalise_sql(raw: str, full_width: bool = True) -> str:
    """A cell as the parsers read it: full-width forms folded (only where present: translate is
    costly; a cell of ASCII alone, as many bytes as characters, has none), trimmed, and empty as null.
    `full_width` False: the file holds no full-width form at all (its scan says), so none is looked for."""
    if not full_width:
        return f"nullif(trim({raw}), '')"
    folded = (f"case when strlen({raw}) = length({raw}) then {raw} when regexp_matches({raw}, '[{_FW_FROM}]') "
              f"then translate({raw}, {lit(_FW_FROM)}, {lit(_FW_TO)}) else {raw} end")
    return f"nullif(trim({folded}), '')"


def value_sql(column: Column, n: str, factor: float = 1.0) -> tuple[str, str | None]:
    """The parsed value of normalised text n (numbers as double; `factor` from the header's unit), and the SQL
    flagging enum defaults."""
    if column.type == TEXT:
        if column.identifier:  # ids that went through a float: 1001.0
            return (f"(case when not contains({n}, '.') then {n} when regexp_full_match({n}, '\\d+\\.0+') "
                    f"then split_part({n}, '.', 1) else {n} end)", None)
        return n, None
    if column.year:
        return year_sql(n), None
    if column.type in (NUMBER, INTEGER):
        return number_sql(n, column, factor), None
    if column.type == DATE:
        return date_sql(n), None
    if column.type == BOOL:
        return bool_sql(n, column), None
    if column.type == ENUM:
        return enum_sql(n, column)
    if column.type == GRADE:
        return grade_sql(n), None
    raise ValueError(column.type)


def checks_sql(column: Column, n: str, v: str, x: str = "null") -> list[tuple[str, str]]:
    """(condition, error code) pairs over normalised text n, parsed value v and the cell's Excel error x."""
    checks = [(f"{x} is not null", "row.excel_error"), (f"{n} is null and {x} is null", "row.required")] \
        if column.required else []
    unreadable = {NUMBER: "row.number", INTEGER: "row.number", DATE: "row.date", BOOL: "row.bool",
                  ENUM: "row.enum", GRADE: "row.grade"}.get(column.type)
    if column.year:
        checks.append((f"{n} is not null and {v} is null", "row.year"))
        checks += _check(v, column)
    elif column.type in (NUMBER, INTEGER):
        wrong_unit = unit_error_sql(n, v, column)
        checks.append((wrong_unit, "row.unit"))
        checks.append((f"{n} is not null and ({v} is null or not isfinite({v})) and not {wrong_unit}", unreadable))
        if column.type == INTEGER:
            checks.append((f"{v} <> floor({v})", "row.integer"))
        checks += _check(v, column)
    elif column.type == DATE:
        ambiguous = f"regexp_full_match({n}, {lit(AMBIGUOUS_DATE_RE)})"
        unread = f"{n} is not null and {v} is null"
        checks.append((f"(case when {unread} then {ambiguous} else false end)", "row.date_ambiguous"))
        checks.append((f"(case when {unread} then not {ambiguous} else false end)", unreadable))
        earliest, latest = date_bounds(column)
        checks.append((f"{v} not between date '{earliest}' and date '{latest}'", "row.date_range"))
    elif unreadable:
        checks.append((f"{n} is not null and {v} is null", unreadable))
    return checks


def error_params(dataset: Dataset, column: Column) -> dict:
    """A row error's values; the allowed values and units are worded in the reader's language when shown."""
    allowed = schema.enum_values(dataset.name, column.name) if column.type in (ENUM, GRADE) else []
    params = {"minimum": column.minimum, "maximum": year_bounds(column)[1] if column.year else column.maximum,
              "values": Listing(tuple(Term(dataset.name, column.name, value=v) for v in allowed)),
              "unit": Unit(column_unit_shown(column))}
    if column.type == DATE:
        params["earliest"], params["latest"] = (d.isoformat() for d in date_bounds(column))
    return params


# ----------------------------------------------------------------------------------------------
# Excel number formats that change what the user sees. A workbook keeps 123 and shows 000123 (format 000000),
# EMP0123 ("EMP"0000), 000-0012 (000-0000) or 3小时 (0"小时"): the import reads the text the user sees, so an id
# keeps its zeros and matches the roster's, and a unit in a format converts like one typed. Formats that only
# change the look of the same number (decimals, thousands separators, colours, currency signs, scientific
# notation, Chinese numerals [DBNum1]) keep the stored number at full precision; percent formats are left to
# the pipeline's 0–1 rule and date formats to the reader. Of several sections the first (positive numbers)
# is used. Only .xlsx carries its formats where they can be read cheaply; an .xls keeps the stored number.
# ----------------------------------------------------------------------------------------------

_CURRENCY = re.compile(r"[$¥￥€£]")


@dataclass(frozen=True)
class Display:
    """How a number format shows a number: literal text before and after, and the whole part's placeholders
    with the literals between them ("" for General)."""
    prefix: str
    pattern: str
    suffix: str

    def text(self, value: float) -> str:
        magnitude = abs(value)
        if magnitude.is_integer():
            digits = str(int(magnitude))
            body = _fill(self.pattern, digits) if self.pattern else digits
        else:
            body = repr(magnitude)
        return ("-" if value < 0 else "") + (self.prefix + body + self.suffix).strip()


def _fill(pattern: str, digits: str) -> str:
    """Digits into placeholders from the right: 0 shows a zero where there is no digit, ? a space, # nothing;
    digits beyond the placeholders go in front."""
    if pattern.count("0") == len(pattern):  # zero padding alone, the usual case
        return digits.zfill(len(pattern))
    out, i = [], len(digits)
    for ch in reversed(pattern):
        if ch in "0#?":
            if i > 0:
                i -= 1
                out.append(digits[i])
            elif ch != "#":
                out.append("0" if ch == "0" else " ")
        else:
            out.append(ch)
    return digits[:i] + "".join(reversed(out))


def _sections(code: str) -> list[str]:
    """A format code's ;-separated sections (a ; inside quotes or after a backslash is text)."""
    sections, current, quoted, i = [], [], False, 0
    while i < len(code):
        ch = code[i]
        if ch == "\\" and not quoted:
            current.append(code[i:i + 2])
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            sections.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    return sections + ["".join(current)]


def number_display(code: str) -> Display | None:
    """How a number format changes the text of a number, or None when the number shows as it is stored (General,
    0, 0.00, #,##0, @, dates, percentages, scientific and the like)."""
    section = _sections(code or "")[0]
    prefix, pattern, pending, suffix = [], [], [], []
    placeholder = general = decimals = False
    i = 0
    while i < len(section):
        ch, text = section[i], None
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            text, i = section[i + 1:end], end + 1
        elif ch == "\\":
            text, i = section[i + 1:i + 2], i + 2
        elif ch in "_*":  # a space the width of the next character; a fill character
            i += 2
        elif ch == "[":
            end = section.find("]", i)
            tag = section[i + 1:end if end >= 0 else len(section)].upper()
            if tag.startswith("DBNUM") or tag[:1] in "<>=":  # Chinese numerals; conditional sections
                return None
            i = len(section) if end < 0 else end + 1  # colours, locales, currencies
        elif section[i:i + 7].lower() == "general" or section.startswith("G/通用格式", i):
            general, placeholder = True, True
            i += 7 if section[i:i + 7].lower() == "general" else 6
        elif ch in "0#?":
            if not decimals and not general:
                pattern += pending + [ch]
                pending = []
            placeholder = True
            i += 1
        elif ch == ",":
            i += 1
        elif ch == "." and placeholder:
            decimals = True
            i += 1
        elif ch in "%/@" or (ch.isascii() and ch.isalpha()):  # percent, fractions, text, dates, E+, AM/PM
            return None
        else:
            text, i = ch, i + 1
        if text is not None:
            (pending if placeholder else prefix).append(text)
    suffix = pending
    before, after = _CURRENCY.sub("", "".join(prefix)), _CURRENCY.sub("", "".join(suffix))
    whole = "".join(pattern)
    pads = whole.count("0") > 1 or any(ch not in "0#?" for ch in whole)
    if not placeholder or not (before.strip() or after.strip() or pads):
        return None
    return Display(before, whole, after)


_NUMFMT = re.compile(rb"<(?:\w+:)?numFmt\b[^>]*>")
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b[^>]*>")
_FORMAT_ID = re.compile(rb'\bnumFmtId="([0-9]+)"')
_FORMAT_CODE = re.compile(rb'\bformatCode="([^"]*)"')
_REF = re.compile(rb'\br="([A-Za-z]{1,3})([0-9]+)"')
_STYLE = re.compile(rb'\bs="([0-9]+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')


def _cell_formats(archive: zipfile.ZipFile) -> dict[int, Display]:
    """Cell style index -> how its custom number format shows numbers, for the formats that change the text.
    Read with patterns, not an XML parser, as the reader reads the rest of an untrusted workbook."""
    if "xl/styles.xml" not in archive.namelist():
        return {}
    styles = archive.read("xl/styles.xml")
    displays = {}
    for tag in _NUMFMT.findall(styles):
        number, code = _FORMAT_ID.search(tag), _FORMAT_CODE.search(tag)
        if number and code and (display := number_display(html.unescape(code.group(1).decode("utf-8", "replace")))):
            displays[number.group(1)] = display
    cell_xfs = _CELL_XFS.search(styles)
    if not displays or not cell_xfs:
        return {}
    return {i: displays[number.group(1)] for i, xf in enumerate(_XF.findall(cell_xfs.group(1)))
            if (number := _FORMAT_ID.search(xf)) and number.group(1) in displays}


def xlsx_cell_texts(path: Path, sheet: str, rows: int | None = None) -> dict[tuple[int, int], str]:
    """The numbers of an .xlsx sheet whose format changes their text (000123 for 123), by (row, column) from
    A1 = (0, 0), among the first `rows` rows. The sheet itself is read only when the workbook has such a
    format; error values (#N/A) the reader fills in itself."""
    try:
        with zipfile.ZipFile(path) as archive:
            displays = _cell_formats(archive)
            part = sheet_part(archive, sheet) if displays else None
            return _scan(archive, part, displays, rows) if part else {}
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):  # damaged: the reader has said so already
        return {}


def _scan(archive: zipfile.ZipFile, part: str, displays: dict[int, Display], rows: int | None) -> dict:
    """The sheet's numbers with a style in `displays`, found by one regular expression over the XML's bytes in
    chunks (a cell never spans two: each chunk ends after a </c>); Python sees only those cells. Cells
    without their reference (allowed, rarely written) are left as read."""
    styles = b"|".join(str(k).encode() for k in sorted(displays))
    cell = re.compile(rb'<(?:\w+:)?c\s(?=[^>]*\bs="(?:' + styles + rb')")([^>]*)(?<!/)>'
                      rb'(?:<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>))?<(?:\w+:)?v>([^<]*)</')
    texts, tail = {}, b""
    with archive.open(part) as f:
        while True:
            chunk = f.read(1 << 22)
            data = tail + chunk
            cut = data.rfind(b"</c>") + 4 if chunk else len(data)
            cut = cut if cut >= 4 else 0
            for attrs, value in cell.findall(data, 0, cut):
                ref, kind, style = _REF.search(attrs), _TYPE.search(attrs), _STYLE.search(attrs)
                if ref is None or (kind and kind.group(1) != b"n") or not value.strip():
                    continue
                position = (int(ref.group(2)) - 1, column_index(ref.group(1).decode()))
                if rows is not None and position[0] >= rows:
                    return texts
                texts[position] = displays[int(style.group(1))].text(float(value))
            tail = data[cut:]
            if not chunk:
                return texts


def show_as_excel(records: list[list], path: Path, sheet: str, xls_formats: list | None = None) -> None:
    """Put into a sheet's rows (as the reader gave them) the text Excel shows where it differs: see above.
    An .xlsx's formats are read here; an .xls's come from the reader's process as (row, column, code)."""
    if xls_formats is None:
        texts = xlsx_cell_texts(path, sheet, len(records))
    else:
        texts = {}
        for r, c, code in xls_formats:
            display = _display_of(code)
            if display is not None and r < len(records) and c < len(records[r]) and records[r][c] is not None:
                try:
                    texts[(r, c)] = display.text(float(records[r][c]))
                except ValueError:  # not a number after all: left as read
                    continue
    for (r, c), text in texts.items():
        if r < len(records) and c < len(records[r]):
            records[r][c] = text


@functools.lru_cache(maxsize=256)
def _display_of(code: str) -> Display | None:
    return number_display(code)
