"""Parsing and validation, one parser per value class, as SQL expressions over one normalised text value."""
from __future__ import annotations

from talentboard import schema
from talentboard.ingest.messages import Listing, Term
from talentboard.schema import BOOL, DATE, ENUM, GRADE, INTEGER, NUMBER, TEXT, Column, Dataset

TOTAL_ROW = r"(合计|总计|小计)[:：]?([（(\[【].*[）)\]】])?"  # matched with all white space removed

# Full-width ASCII, the ideographic space and the no-break space, as one SQL translate().
_FW_FROM = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000\u00a0"
_FW_TO = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)) + "  "


def lit(text: str) -> str:
    """A SQL string literal; only ever used for text from the schema registry."""
    return "'" + text.replace("'", "''") + "'"


NUMBER_RE = r"^([-+]?(?:\d+\.?\d*|\.\d+))(万元|万|元|%|小时|学时|h|分|人)?$"
YMD_RE = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
YM_RE = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$"
YEAR_RE = r"^(\d{4})\s*年?$"
COMPACT_RE = r"^(\d{4})(\d{2})(\d{2})$"


def _factor(unit: str, column: Column, header_unit: str) -> str:
    """SQL for the multiplier that brings a number written in `unit` to the column's unit."""
    plain = 1.0
    if column.unit == "万元" and header_unit == "元":
        plain = 1e-4
    elif column.unit == "元" and header_unit == "万元":
        plain = 1e4
    to_column = {"万元": {"万": 1.0, "万元": 1.0, "元": 1e-4}, "元": {"万": 1e4, "万元": 1e4, "元": 1.0}}
    table = to_column.get(column.unit, {"万": 1e4, "万元": 1e4, "元": 1.0})
    cases = " ".join(f"when {lit(k)} then {v!r}" for k, v in table.items())
    return f"(case {unit} {cases} else {plain!r} end)"


def number_sql(n: str, column: Column, header_unit: str = "") -> str:
    pattern = NUMBER_RE if column.percent else NUMBER_RE.replace("|%", "")
    s = f"replace(replace({n}, ',', ''), ' ', '')"
    slow = (f"try_cast(regexp_extract({s}, {lit(pattern)}, 1) as double) * "
            + _factor(f"regexp_extract({s}, {lit(pattern)}, 2)", column, header_unit))
    plain = _factor("''", column, header_unit)
    value = f"coalesce(try_cast({n} as double) * {plain}, {slow})"
    return f"(case when {n} is null then null else {value} end)"


def date_sql(n: str) -> str:
    def part(pattern: str, i: int) -> str:
        return f"try_cast(regexp_extract({n}, {lit(pattern)}, {i}) as integer)"
    ymd = f"try(make_date({part(YMD_RE, 1)}, {part(YMD_RE, 2)}, {part(YMD_RE, 3)}))"
    yyyymmdd = f"try(make_date({part(COMPACT_RE, 1)}, {part(COMPACT_RE, 2)}, {part(COMPACT_RE, 3)}))"
    ym = f"try(make_date({part(YM_RE, 1)}, {part(YM_RE, 2)}, 1))"
    year = f"try(make_date({part(YEAR_RE, 1)}, 7, 1))"  # a bare year means 1 July of it
    serial = (f"(case when regexp_full_match({n}, '\\d{{5}}(\\.\\d+)?') "
              f"then date '1899-12-30' + cast(floor(cast({n} as double)) as integer) end)")
    return (f"(case when {n} is null then null else coalesce(try_cast({n} as date), {ymd}, {yyyymmdd}, "
            f"{ym}, {year}, {serial}) end)")


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
    """(SQL condition, error code) pairs for range checks on a parsed number."""
    checks = []
    if column.minimum is not None:
        op, code = ("<=", "row.min_exclusive") if column.min_exclusive else ("<", "row.min")
        checks.append((f"{value} {op} {column.minimum!r}", code))
    if column.maximum is not None:
        checks.append((f"{value} > {column.maximum!r}", "row.max"))
    return checks


def normalise_sql(raw: str) -> str:
    """A cell as the parsers read it: full-width forms folded (only where present: translate is
    costly), trimmed, and empty as null."""
    folded = (f"case when regexp_matches({raw}, '[{_FW_FROM}]') "
              f"then translate({raw}, {lit(_FW_FROM)}, {lit(_FW_TO)}) else {raw} end")
    return f"nullif(trim({folded}), '')"


def value_sql(column: Column, n: str, header_unit: str = "") -> tuple[str, str | None]:
    """The parsed value of normalised text n (numbers as double), and the SQL flagging enum defaults."""
    if column.type == TEXT:
        if column.name == "employee_id":  # ids that went through a float: 1001.0
            return f"(case when regexp_full_match({n}, '\\d+\\.0+') then split_part({n}, '.', 1) else {n} end)", None
        return n, None
    if column.type in (NUMBER, INTEGER):
        return number_sql(n, column, header_unit), None
    if column.type == DATE:
        return date_sql(n), None
    if column.type == BOOL:
        return bool_sql(n, column), None
    if column.type == ENUM:
        return enum_sql(n, column)
    if column.type == GRADE:
        return grade_sql(n), None
    raise ValueError(column.type)


def checks_sql(column: Column, n: str, v: str) -> list[tuple[str, str]]:
    """(condition, error code) pairs over normalised text n and parsed value v."""
    checks = [(f"{n} is null", "row.required")] if column.required else []
    unreadable = {NUMBER: "row.number", INTEGER: "row.number", DATE: "row.date", BOOL: "row.bool",
                  ENUM: "row.enum", GRADE: "row.grade"}.get(column.type)
    if column.type in (NUMBER, INTEGER):
        checks.append((f"{n} is not null and ({v} is null or not isfinite({v}))", unreadable))
        if column.type == INTEGER:
            checks.append((f"{v} <> floor({v})", "row.integer"))
        checks += _check(v, column)
    elif unreadable:
        checks.append((f"{n} is not null and {v} is null", unreadable))
    if column.type == DATE:
        checks.append((f"year({v}) not between 1900 and 2100", "row.date_range"))
    return checks


def error_params(dataset: Dataset, column: Column) -> dict:
    """A row error's values; the allowed values are worded in the reader's language when shown."""
    allowed = schema.enum_values(dataset.name, column.name) if column.type in (ENUM, GRADE) else []
    return {"minimum": column.minimum, "maximum": column.maximum,
            "values": Listing(tuple(Term(dataset.name, column.name, value=v) for v in allowed))}
