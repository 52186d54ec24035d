"""The import pipeline: a spreadsheet's bytes in, parsed and validated rows staged in DuckDB out.

Reading is format-aware (encodings, Excel, title rows, merged headers); parsing and validation are
column-wise SQL over an all-text staging table, so ten million rows never pass through Python.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyarrow as pa
from python_calamine import CalamineWorkbook

from talentboard import schema
from talentboard.i18n import label, t
from talentboard.schema import BOOL, DATE, ENUM, GRADE, INTEGER, NUMBER, TEXT, Column, Dataset

HEADER_SEARCH_ROWS = 30
MAX_ERRORS_LISTED = 10_000
XLSX_MAGIC, XLS_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TOTAL_ROW = r"(合计|总计|小计)[:：]?([（(\[【].*[）)\]】])?"  # matched with all white space removed

# Full-width ASCII, the ideographic space and the no-break space, as one SQL translate().
_FW_FROM = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000\u00a0"
_FW_TO = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)) + "  "


# ----------------------------------------------------------------------------------------------
# Messages: a key and its values, put into words only when shown, in the reader's language
# ----------------------------------------------------------------------------------------------

UNIT_KEYS = {"元": "unit.yuan", "万元": "unit.wan_yuan"}


@dataclass(frozen=True)
class Term:
    """A name from the registry inside a message, worded when the message is shown: a dataset, one of its
    columns (with the canonical name when `named`), or one of an enum's values."""
    dataset: str
    column: str = ""
    value: str = ""
    named: bool = False

    def text(self, lang: str) -> str:
        dataset = schema.DATASETS[self.dataset]
        if not self.column:
            return label(dataset, lang)
        if self.value:
            return str(schema.display(self.dataset, self.column, self.value, lang))
        name = label(dataset.column(self.column), lang)
        return t("data.field", lang, label=name, name=self.column) if self.named else name


@dataclass(frozen=True)
class Unit:
    """A unit of money (元, 万元) inside a message."""
    name: str

    def text(self, lang: str) -> str:
        return t(UNIT_KEYS[self.name], lang) if self.name in UNIT_KEYS else self.name


@dataclass(frozen=True)
class Listing:
    """Several items inside a message (terms, or text from the file), joined as the reader's language does."""
    items: tuple

    def text(self, lang: str) -> str:
        return t("wb.value_sep", lang).join(worded(item, lang) for item in self.items)


def worded(value: object, lang: str) -> object:
    return value.text(lang) if isinstance(value, (Term, Unit, Listing)) else value


def resolve(values: dict, lang: str) -> dict:
    """A message's values in the reader's language."""
    return {k: worded(v, lang) for k, v in values.items()}


class ImportRejected(Exception):
    """The whole file is refused; nothing is written. Carries a translation key and its values."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key, self.values = key, values
        self.layout: Layout | None = None  # set when the file was read but its columns could not be mapped

    def message(self, lang: str = "zh") -> str:
        return t(self.key, lang, **resolve(self.values, lang))


@dataclass
class Message:
    key: str
    values: dict = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        return t(self.key, lang, **resolve(self.values, lang))


@dataclass
class RowError:
    row: int
    column: str
    value: str | None
    code: str
    params: dict = field(default_factory=dict)
    header: str = ""  # the column as the file names it, for people; `column` is the canonical name
    position: int = -1  # the column's place in the file (0-based), for the error report
    employee_id: str | None = None  # whose row it is, as the file has it (datasets with these columns)
    name: str | None = None

    def message(self, lang: str = "zh") -> str:
        return t(self.code, lang, **resolve(self.params, lang))

    def as_dict(self, lang: str = "zh") -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message(lang)}


@dataclass
class Layout:
    """How the file was read: kind, encoding, sheet, header row, and which columns map where."""
    kind: str
    encoding: str | None = None
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    header_row: int = 1  # as the spreadsheet numbers it
    headers: list[str] = field(default_factory=list)
    mapping: dict[int, str] = field(default_factory=dict)  # source position -> canonical column
    ignored: list[str] = field(default_factory=list)
    samples: list[str | None] = field(default_factory=list)  # a first value per source column, for people


def lit(text: str) -> str:
    """A SQL string literal; only ever used for text from the schema registry."""
    return "'" + text.replace("'", "''") + "'"


# ----------------------------------------------------------------------------------------------
# Reading: bytes -> an all-text table `_raw(_row, c0..cN)` in the connection
# ----------------------------------------------------------------------------------------------

def detect_encoding(path: Path) -> str:
    """BOM first, then UTF-8 if the first megabyte is strict UTF-8, else GB18030 (a superset of GBK);
    UTF-16 by its NUL pattern. A UTF-8 guess that fails later in the file is retried as GB18030."""
    with open(path, "rb") as f:
        sample = f.read(1 << 20)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = sample[:4096]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        return "utf-16-be"
    if b"\x00" in head:
        raise ValueError("binary")
    for encoding in ("utf-8", "gb18030"):
        try:  # not final: the sample may end inside a character
            codecs.getincrementaldecoder(encoding)("strict").decode(sample)
            return encoding
        except UnicodeDecodeError:
            continue
    raise ValueError("undecodable")


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 24):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _cr_only(path: Path) -> bool:
    """Line ends of a lone CR (old Mac Excel): no LF anywhere in the first megabyte."""
    with open(path, "rb") as f:
        sample = f.read(1 << 20)
    return b"\r" in sample and b"\n" not in sample


def _to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """A UTF-8, LF-or-CRLF copy for DuckDB's reader, transcoded in chunks; such files are used as they are."""
    cr_only = _cr_only(path)
    if encoding == "utf-8" and not cr_only:
        return path
    out = workdir / "utf8.csv"
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    with open(path, "rb") as src, open(out, "wb") as dst:
        first = True
        while chunk := src.read(1 << 24):
            text = decoder.decode(chunk)
            if first:
                text, first = text.lstrip("\ufeff"), False
            if cr_only:
                text = text.replace("\r", "\n")
            dst.write(text.encode("utf-8"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    return out


def _head_records(path: Path, wanted: int = HEADER_SEARCH_ROWS) -> tuple[list[list[str]], list[int], str]:
    """The first records of a UTF-8 CSV (a blank line is an empty record, as DuckDB counts them),
    the line each starts on, and the delimiter."""
    size = 1 << 18
    while True:
        with open(path, "rb") as f:
            head = f.read(size)
        cut = head.rfind(b"\n")
        text = (head if cut < 0 else head[: cut + 1]).decode("utf-8", errors="replace")
        if text.count("\n") >= wanted or len(head) < size:
            break
        size *= 4
    return _parse_head(text, wanted)


def _parse_head(text: str, wanted: int) -> tuple[list[list[str]], list[int], str]:
    """The first records of CSV text, the line each starts on, and the delimiter."""
    delimiter = _delimiter(text.splitlines()[: wanted * 2])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, starts, previous_end = [], [], 0
    for record in reader:
        if len(records) >= wanted:
            break
        records.append(record)
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    return records, starts, delimiter


def _delimiter(lines: list[str]) -> str:
    return max((",", "\t", ";", "|"), key=lambda d: sum(line.count(d) for line in lines))


def _cell_text(value: object) -> str | None:
    """An Excel cell as the text the parser reads: whole floats without .0, dates in ISO form."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _score_header(records: list[list], index: dict[str, str], i: int) -> tuple[set[str], list[str]]:
    """The distinct dataset columns row i's names match, and the names (a blank or unknown cell takes
    the cell above: a vertically merged header)."""
    row = records[i]
    above = records[i - 1] if i > 0 else []
    names = []
    for j, cell in enumerate(row):
        cell = "" if cell is None else str(cell)
        upper = str(above[j]) if j < len(above) and above[j] is not None else ""
        if schema.normalise_header(cell) not in index and schema.normalise_header(upper) in index:
            cell = upper
        names.append(cell)
    matched = {index[n] for n in map(schema.normalise_header, names) if n in index}
    return matched, names


def find_header(records: list[list], dataset: Dataset, header_index: int | None = None,
                mapping: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """The header's index among records and its column names: the given one, or the row matching most columns."""
    index = schema.alias_index(dataset) | {schema.normalise_header(k): v for k, v in (mapping or {}).items()
                                           if v and not str(k).startswith("#")}
    if header_index is not None:
        return header_index, _score_header(records, index, header_index)[1]
    best, best_score = None, 0
    for i in range(min(len(records), HEADER_SEARCH_ROWS)):
        matched, names = _score_header(records, index, i)
        if len(matched) > best_score:
            best, best_score = (i, names), len(matched)
    if best is None:
        found = [str(c) for r in records[:5] for c in r if c not in (None, "")][:15]
        raise ImportRejected("err.no_header", dataset=Term(dataset.name),
                             needed=Listing(tuple(Term(dataset.name, c.name, named=True) for c in dataset.required)),
                             found=Listing(tuple(found)) if found else "—")
    return best


def best_header_match(records: list[list], dataset: Dataset) -> set[str]:
    """The dataset's columns matched by the row among the first that matches most of them."""
    index = schema.alias_index(dataset)
    rows = (_score_header(records, index, i)[0] for i in range(min(len(records), HEADER_SEARCH_ROWS)))
    return max(rows, key=len, default=set())


def head_records(path: Path, sheet: str | None = None) -> list[list]:
    """The first rows of a file (of one sheet of a workbook) as text, read as an import reads them, for
    guessing what it holds; nothing is staged. An unreadable file raises ImportRejected saying why."""
    with open(path, "rb") as f:
        sample = f.read(1 << 20)
    if not sample:
        raise ImportRejected("err.file_empty", file=path.name)
    if sample.startswith((XLSX_MAGIC, XLS_MAGIC)):
        return excel_records(path, sheet, HEADER_SEARCH_ROWS)[0]
    try:
        text = sample.decode(detect_encoding(path), errors="replace").lstrip("\ufeff")
    except ValueError:
        raise ImportRejected("err.not_spreadsheet", file=path.name) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _parse_head(text[: text.rfind("\n") + 1] or text, HEADER_SEARCH_ROWS)[0]


def excel_records(path: Path, sheet: str | None = None, rows: int | None = None) -> tuple[list[list], list[str], str]:
    """A workbook sheet's rows as text (merged cells filled), every sheet's name, and the sheet read: the
    given one or the first."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = list(workbook.sheet_names)
    except Exception as exc:  # a corrupt or password-protected workbook
        raise ImportRejected("err.bad_excel", file=path.name, reason=str(exc)[:200]) from None
    name = sheet if sheet is not None else sheets[0]
    if name not in sheets:
        raise ImportRejected("err.no_sheet", sheet=name, sheets=Listing(tuple(sheets)))
    data = workbook.get_sheet_by_name(name)
    values = data.to_python(skip_empty_area=False, nrows=rows)
    merged = data.merged_cell_ranges or []
    workbook.close()
    records = [[_cell_text(v) for v in row] for row in values]
    for (r0, c0), (r1, c1) in merged:  # a merged cell holds its value for every cell it spans
        if r0 < len(records):
            top = records[r0][c0] if c0 < len(records[r0]) else None
            for r in range(r0, min(r1 + 1, len(records))):
                for c in range(c0, min(c1 + 1, len(records[r]))):
                    if records[r][c] is None:
                        records[r][c] = top
    return records, sheets, name


def read_raw(con, path: Path, dataset: Dataset, workdir: Path, sheet: str | None = None,
             header_row: int | None = None, mapping: dict[str, str] | None = None,
             encoding: str | None = None) -> Layout:
    """Read the file into temp table _raw(_row, c0..cN) of text, the header located; return the layout.
    `encoding` overrides the detected one for text files."""
    with open(path, "rb") as f:
        magic = f.read(8)
    if not magic:
        raise ImportRejected("err.file_empty", file=path.name)
    if magic.startswith(XLSX_MAGIC) or magic.startswith(XLS_MAGIC):
        layout = _read_excel(con, path, dataset, sheet, header_row, mapping,
                             "xlsx" if magic.startswith(XLSX_MAGIC) else "xls")
    else:
        layout = _read_csv_file(con, path, dataset, workdir, header_row, mapping, encoding)
    layout.samples = _samples(con, len(layout.headers))
    return layout


def _samples(con, width: int) -> list[str | None]:
    """The first non-blank value of each column among the first rows."""
    if not width:
        return []
    cells = ", ".join(f"arg_min(trim(c{j}), _row) filter (where nullif(trim(c{j}), '') is not null)"
                      for j in range(width))
    return list(con.execute(f"select {cells} from (select * from _raw order by _row limit 50)").fetchall()[0])


def _read_csv_file(con, path: Path, dataset: Dataset, workdir: Path, header_row: int | None,
                   mapping: dict[str, str] | None, encoding: str | None) -> Layout:
    if encoding:  # chosen by the user; utf-8 also reads a file that starts with a BOM
        try:
            return _read_text(con, path, "utf-8-sig" if encoding == "utf-8" else encoding, dataset, workdir,
                              header_row, mapping)
        except (UnicodeError, LookupError):  # UTF-16 without a BOM raises a plain UnicodeError
            raise ImportRejected("err.encoding", file=path.name, encoding=encoding) from None
    try:
        encoding = detect_encoding(path)
    except ValueError:
        raise ImportRejected("err.not_spreadsheet", file=path.name) from None
    try:
        return _read_text(con, path, encoding, dataset, workdir, header_row, mapping)
    except UnicodeDecodeError:  # UTF-8 at the start, not further on: the whole file must decode as GB18030
        if encoding != "utf-8" or not _decodes(path, "gb18030"):
            raise ImportRejected("err.not_spreadsheet", file=path.name) from None
        return _read_text(con, path, "gb18030", dataset, workdir, header_row, mapping)


def _read_text(con, path: Path, encoding: str, dataset: Dataset, workdir: Path, header_row: int | None,
               mapping: dict[str, str] | None) -> Layout:
    utf8 = _to_utf8(path, encoding, workdir)
    records, starts, delimiter = _head_records(utf8, max(HEADER_SEARCH_ROWS, (header_row or 0) + 1))
    if not any(any(c.strip() for c in r) for r in records):
        raise ImportRejected("err.file_empty", file=path.name)
    header_index = None
    if header_row is not None:
        if header_row not in starts:
            raise ImportRejected("err.header_row", row=header_row, rows=starts[-1])
        header_index = starts.index(header_row)
    h, names = find_header(records, dataset, header_index, mapping)
    data_start = starts[h + 1] if h + 1 < len(starts) else starts[h] + 1  # a header cell may span lines
    _load_csv(con, utf8, skip=h + 1, first_line=data_start, width=max(len(names), 1), delimiter=delimiter)
    return Layout("csv", encoding=encoding, header_row=starts[h], headers=names)


def _load_csv(con, path: Path, skip: int, first_line: int, width: int, delimiter: str) -> None:
    """Read the records after the header (skip counts records, blank lines included) as text; each
    row keeps the line it starts on."""
    columns = {f"c{j}": "VARCHAR" for j in range(width)}
    options = dict(auto_detect=False, header=False, skip=skip, columns=columns, delim=delimiter,
                   quote='"', escape='"', null_padding=True, strict_mode=False, all_varchar=True)
    offset = first_line - 1
    loaded = False
    for parallel in (True, False):  # null padding with quoted newlines needs the serial reader
        try:
            con.execute("create or replace temp table _raw as select row_number() over () + $offset as _row, * "
                        "from read_csv($path, " + ", ".join(f"{k} := ${k}" for k in options) +
                        ", parallel := $parallel)", {"path": str(path), "parallel": parallel, "offset": offset,
                                                     **options})
            loaded = True
            break
        except Exception:  # the serial reader, then Python's csv module, are the fallbacks
            continue
    if not loaded:
        _load_csv_python(con, path, offset, width, delimiter)
        return
    n = con.execute("select count(*) from _raw").fetchall()[0][0]
    if offset + n != _physical_lines(path):  # blank lines or quoted newlines: the line each record starts on
        starts = _record_start_lines(path, offset, delimiter)
        con.register("_starts", pa.table({"_rec": pa.array(range(offset + 1, offset + len(starts) + 1), pa.int64()),
                                          "_line": pa.array(starts, pa.int64())}))
        con.execute("update _raw set _row = s._line from _starts s where _raw._row = s._rec")
        con.unregister("_starts")


def _physical_lines(path: Path) -> int:
    count, last = 0, b"\n"
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _record_start_lines(path: Path, offset: int, delimiter: str) -> list[int]:
    """The line each non-blank record starting after line `offset` starts on, in DuckDB's order."""
    starts = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        previous_end = 0
        for record in reader:
            if previous_end >= offset and record:  # DuckDB skips empty lines, not rows of empty cells
                starts.append(previous_end + 1)
            previous_end = reader.line_num
    return starts


def _load_csv_python(con, path: Path, offset: int, width: int, delimiter: str) -> None:
    """The tolerant reader for files DuckDB's reader refuses (ragged rows with quoted newlines)."""
    rows, cols = [], [[] for _ in range(width)]
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        previous_end = 0
        for record in reader:
            if previous_end >= offset and record:
                rows.append(previous_end + 1)
                for j in range(width):
                    cols[j].append(record[j] if j < len(record) and record[j] != "" else None)
            previous_end = reader.line_num
    _register_raw(con, rows, cols)


def _register_raw(con, rows: list[int], cols: list[list]) -> None:
    table = pa.table({"_row": pa.array(rows, pa.int64()),
                      **{f"c{j}": pa.array(col, pa.string()) for j, col in enumerate(cols)}})
    con.register("_raw_arrow", table)
    con.execute("create or replace temp table _raw as select * from _raw_arrow")
    con.unregister("_raw_arrow")


def _read_excel(con, path: Path, dataset: Dataset, sheet: str | None, header_row: int | None,
                mapping: dict[str, str] | None, kind: str) -> Layout:
    records, sheets, name = excel_records(path, sheet)
    if not any(any(c for c in r) for r in records):
        raise ImportRejected("err.file_empty", file=path.name)
    if header_row is not None and not 1 <= header_row <= len(records):
        raise ImportRejected("err.header_row", row=header_row, rows=len(records))
    h, names = find_header(records, dataset, None if header_row is None else header_row - 1, mapping)
    width = len(names)
    body = records[h + 1:]
    cols = [[r[j] if j < len(r) else None for r in body] for j in range(width)]
    _register_raw(con, list(range(h + 2, h + 2 + len(body))), cols)
    return Layout(kind, sheets=sheets, sheet=name, header_row=h + 1, headers=names)


# ----------------------------------------------------------------------------------------------
# Mapping headers to columns
# ----------------------------------------------------------------------------------------------

def map_columns(layout: Layout, dataset: Dataset, mapping: dict[str, str] | None = None) -> list[Message]:
    """Fill layout.mapping from the header names; explicit SOURCE=column pairs win. SOURCE is a header
    name, or #N for the Nth column (for a blank header, or one name used twice). Returns warnings."""
    index = schema.alias_index(dataset)
    by_name, by_position = {}, {}
    for source, column in (mapping or {}).items():  # a source mapped to "" is left out on purpose
        if column and column not in dataset.column_names:
            raise ImportRejected("err.bad_map", item=f"{source}={column}", columns=", ".join(dataset.column_names))
        position = re.fullmatch(r"#(\d+)", str(source).strip())
        if position:
            by_position[int(position[1]) - 1] = column
        else:
            by_name[schema.normalise_header(source)] = column
    normalised = [schema.normalise_header(h) for h in layout.headers]
    for source in [s for s in by_name if s not in normalised] + [f"#{j + 1}" for j in by_position
                                                                  if not 0 <= j < len(normalised)]:
        raise ImportRejected("err.map_source", source=source, found=Listing(tuple(h for h in layout.headers if h)))
    warnings, chosen = [], {}
    claimed = set(by_name.values()) | set(by_position.values())
    for j, name in enumerate(normalised):
        if j in by_position:
            column = by_position[j] or None
        elif name in by_name:
            column = by_name[name] or None
        else:
            column = index.get(name) if index.get(name) not in claimed else None
        if column is None:
            if name:
                layout.ignored.append(layout.headers[j])
            continue
        if column in chosen.values():
            k = next(k for k, c in chosen.items() if c == column)
            used = layout.headers[k] or f"#{k + 1}"
            warnings.append(Message("warn.duplicate_column", {"column": Term(dataset.name, column, named=True),
                                                              "used": used, "ignored": layout.headers[j]}))
            continue
        chosen[j] = column
    layout.mapping = chosen
    missing = [c for c in dataset.required if c.name not in chosen.values()]
    if missing:
        found = tuple(h for h in layout.headers if h)
        raise ImportRejected("err.missing_columns",
                             missing=Listing(tuple(Term(dataset.name, c.name, named=True) for c in missing)),
                             row=layout.header_row, found=Listing(found) if found else "—")
    if layout.ignored:
        warnings.append(Message("warn.ignored_columns", {"dataset": Term(dataset.name),
                                                         "columns": Listing(tuple(layout.ignored))}))
    return warnings


# ----------------------------------------------------------------------------------------------
# Parsing and validation, as SQL expressions over one normalised text value
# ----------------------------------------------------------------------------------------------

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


# ----------------------------------------------------------------------------------------------
# The whole preparation: read, map, parse, validate, drop, and find duplicates
# ----------------------------------------------------------------------------------------------

@dataclass
class Prepared:
    dataset: Dataset
    file_name: str
    content_hash: str
    layout: Layout
    rows_read: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    rows_loaded: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0
    warnings: list[Message] = field(default_factory=list)
    rejected_rows: list[tuple[int, list[str | None]]] = field(default_factory=list)  # as read, for the error report


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def prepare(con, dataset: Dataset, path: Path, file_name: str | None = None, *, sheet: str | None = None,
            header_row: int | None = None, mapping: dict[str, str] | None = None, replace: bool = False,
            encoding: str | None = None, progress: Callable[[float, str], None] | None = None,
            without_demo: bool = False) -> Prepared:
    """Stage the file's valid, new rows as temp table _load (canonical columns plus _row); count the rest.
    `progress(fraction, stage)` hears of each stage as it starts. `without_demo`: the demo is cleared by this
    import, so a row is new unless it is already in the data that is not the demo."""
    report = progress or (lambda fraction, stage: None)
    path = Path(path)
    if not path.is_file():
        raise ImportRejected("err.file_missing", path=str(path))
    report(0.0, "progress.read")
    with tempfile.TemporaryDirectory(prefix="talentboard-") as workdir:
        layout = read_raw(con, path, dataset, Path(workdir), sheet, header_row, mapping, encoding)
    prepared = Prepared(dataset, file_name or path.name, file_hash(path), layout)
    if len(layout.sheets) > 1:
        prepared.warnings.append(Message("warn.sheets", {"n": len(layout.sheets), "sheets": Listing(tuple(layout.sheets)),
                                                         "sheet": layout.sheet}))
    try:
        prepared.warnings += map_columns(layout, dataset, mapping)
    except ImportRejected as rejected:  # the file was read: the user may still map its columns by hand
        rejected.layout = layout
        raise
    report(0.35, "progress.parse")
    _drop_blank_and_total_rows(con, layout, prepared)
    _parse(con, dataset, layout, prepared)
    _excel_percentages(con, dataset, layout, prepared)
    report(0.7, "progress.duplicates")
    _mark_duplicates(con, dataset, prepared, replace, without_demo)
    return prepared


def _drop_blank_and_total_rows(con, layout: Layout, prepared: Prepared) -> None:
    cells = [f"c{j}" for j in range(len(layout.headers))] or ["null"]
    blank = " and ".join(f"nullif(trim({c}), '') is null" for c in cells)
    total = " or ".join(f"(contains({c}, '计') and regexp_full_match(regexp_replace({c}, "
                        f"'[\\s\\x{{3000}}\\x{{A0}}]', '', 'g'), {lit(TOTAL_ROW)}))" for c in cells)
    con.execute(f"create or replace temp table _kind as select _row, case when {blank} then 'blank' "
                f"when {total} then 'total' end as kind from _raw")
    counts = dict(con.execute("select kind, count(*) from _kind where kind is not null group by kind").fetchall())
    if counts.get("total"):
        rows = [r for (r,) in con.execute("select _row from _kind where kind = 'total' order by _row limit 5").fetchall()]
        prepared.warnings.append(Message("warn.dropped_total", {"n": counts["total"],
                                                                "rows": Listing(tuple(map(str, rows)))}))
    if counts.get("blank"):
        prepared.warnings.append(Message("warn.dropped_blank", {"n": counts["blank"]}))
    if not con.execute("select count(*) from _kind where kind is null").fetchall()[0][0]:
        raise ImportRejected("err.no_rows", file=prepared.file_name)


def _parse(con, dataset: Dataset, layout: Layout, prepared: Prepared) -> None:
    """One column-wise statement in three layers: normalise the text, parse the values, check them."""
    position = {c: j for j, c in layout.mapping.items()}
    units = {c: schema.header_unit(layout.headers[j]) for c, j in position.items()}
    mapped = [c for c in dataset.columns if c.name in position]
    norms = ", ".join(f"{normalise_sql(f'r.c{position[c.name]}')} as n_{c.name}" for c in mapped)
    values, flags, error_cases = [], {}, []
    for column in mapped:
        unit = units.get(column.name, "")
        if column.unit and unit in ("元", "万元") and unit != column.unit:
            prepared.warnings.append(Message("warn.units_converted", {"column": Term(dataset.name, column.name),
                                                                      "unit": Unit(unit), "target": Unit(column.unit)}))
        value, flag = value_sql(column, f"n_{column.name}", unit)
        values.append(f"{value} as v_{column.name}")
        if flag:
            flags[column.name] = f"case when {flag} then n_{column.name} end as _u_{column.name}"
            # a blank cell takes the default too: told below, not stored as a silent NULL
            flags[f"{column.name}_blank"] = f"n_{column.name} is null as _u_{column.name}_blank"
        for condition, code in checks_sql(column, f"n_{column.name}", f"v_{column.name}"):
            error_cases.append(f"case when {condition} then {{'column': {lit(column.name)}, 'code': {lit(code)}}} end")
    finals = []
    for column in dataset.columns:
        sql_type = schema.SQL_TYPES[column.type]
        if column.name in position:
            finals.append(f"try_cast(v_{column.name} as {sql_type}) as {column.name}")
        elif column.type == ENUM and column.unknown != "error":  # an optional enum's default, never NULL
            finals.append(f"cast({lit(column.unknown)} as {sql_type}) as {column.name}")
        else:
            finals.append(f"cast(null as {sql_type}) as {column.name}")
    errors = f"list_filter([{', '.join(error_cases)}], lambda x: x is not null)" if error_cases else "[]"
    con.execute(f"create or replace temp table _parsed as select _row, {', '.join(finals)}, {errors} as _errors"
                f"{''.join(f', _u_{name}' for name in flags)} from ("
                f"select *, {', '.join(values + list(flags.values()))} from ("
                f"select r._row, {norms} from _raw r join _kind k using (_row) where k.kind is null))")
    _derive(con, dataset, position)
    _relational_checks(con, dataset)
    prepared.rows_read = con.execute("select count(*) from _parsed").fetchall()[0][0]
    _collect_errors(con, dataset, position, prepared)
    _enum_default_warnings(con, dataset, position, [name for name in flags if not name.endswith("_blank")], prepared)


def _enum_default_warnings(con, dataset: Dataset, position: dict[str, int], flagged: list[str],
                           prepared: Prepared) -> None:
    """Say how many rows of an optional enum took its default (其他…): unknown words, blank cells, or
    no such column in the file."""
    for name in flagged:
        column = dataset.column(name)
        term, default = Term(dataset.name, name), Term(dataset.name, name, value=column.unknown)
        top = con.execute(f"select _u_{name}, count(*) from _parsed where _u_{name} is not null "
                          f"group by 1 order by 2 desc, 1 limit 5").fetchall()
        if top:
            n = con.execute(f"select count(*) from _parsed where _u_{name} is not null").fetchall()[0][0]
            prepared.warnings.append(Message("warn.enum_default", {"column": term, "n": n, "default": default,
                                                                   "values": Listing(tuple(v for v, _ in top))}))
        blank = con.execute(f"select count(*) from _parsed where _u_{name}_blank").fetchall()[0][0]
        if blank:
            prepared.warnings.append(Message("warn.enum_blank", {"column": term, "n": blank, "default": default}))
    for column in dataset.columns:
        if column.type == ENUM and column.unknown != "error" and column.name not in position and prepared.rows_read:
            prepared.warnings.append(Message("warn.enum_absent", {"column": Term(dataset.name, column.name),
                                                                  "n": prepared.rows_read,
                                                                  "default": Term(dataset.name, column.name,
                                                                                  value=column.unknown)}))


def _excel_percentages(con, dataset: Dataset, layout: Layout, prepared: Prepared) -> None:
    """An Excel cell formatted as 85% holds 0.85: a 0–100 column whose every value is within 0–1
    was written as percentages, so it is scaled up, and the user is told."""
    if layout.kind not in ("xlsx", "xls"):
        return
    for column in dataset.columns:
        if not column.percent or column.name not in layout.mapping.values():
            continue
        n, low, high = con.execute(f"select count({column.name}), min({column.name}), max({column.name}) "
                                   f"from _parsed").fetchall()[0]
        if n and low >= 0 and high <= 1 and high > 0:
            con.execute(f"update _parsed set {column.name} = {column.name} * 100")
            prepared.warnings.append(Message("warn.percent_scaled", {"column": Term(dataset.name, column.name), "n": n}))


def _derive(con, dataset: Dataset, position: dict[str, int]) -> None:
    """Values the registry says are derived when absent: an innovation project's id."""
    if dataset.name == "innovation":
        con.execute("update _parsed set project_id = 'P-' || upper(substr(md5(studio || '|' || title), 1, 8)) "
                    "where project_id is null and studio is not null and title is not null")


def _relational_checks(con, dataset: Dataset) -> None:
    """Checks across columns of one row: an innovation project cannot end before it starts."""
    if dataset.name == "innovation":
        for column in ("end_date", "converted_date"):
            con.execute(f"update _parsed set _errors = list_append(_errors, {{'column': {lit(column)}, "
                        f"'code': 'row.before_start'}}) where {column} < start_date")


def _collect_errors(con, dataset: Dataset, position: dict[str, int], prepared: Prepared) -> None:
    prepared.rows_rejected = con.execute("select count(*) from _parsed where len(_errors) > 0").fetchall()[0][0]
    if not prepared.rows_rejected:
        return
    prepared.errors_total = con.execute("select sum(len(_errors)) from _parsed").fetchall()[0][0]
    raw_value = "case e.column " + " ".join(f"when {lit(c)} then r.c{j}" for c, j in position.items()) + " end"
    # whose row it is, as the file has it, so a person can find it without counting rows
    who = ", ".join(f"nullif(trim(r.c{position[c]}), '')" if c in position else "null" for c in ("employee_id", "name"))
    rows = con.execute(f"select p._row, e.column, e.code, {raw_value}, {who} from "
                       f"(select _row, unnest(_errors) as e from _parsed where len(_errors) > 0) p "
                       f"join _raw r using (_row) order by p._row limit {MAX_ERRORS_LISTED}").fetchall()
    prepared.errors = [RowError(row, column, value, code, error_params(dataset, dataset.column(column)),
                                header=prepared.layout.headers[position[column]].strip(), position=position[column],
                                employee_id=employee_id, name=name)
                       for row, column, code, value, employee_id, name in rows]
    cells = ", ".join(f"c{j}" for j in range(len(prepared.layout.headers)))
    raw = con.execute(f"select _row, {cells} from _raw where _row in (select _row from _parsed where len(_errors) > 0) "
                      f"order by _row limit {MAX_ERRORS_LISTED}").fetchall()
    prepared.rejected_rows = [(r[0], list(r[1:])) for r in raw]
    if prepared.errors_total > len(prepared.errors):
        prepared.warnings.append(Message("warn.errors_truncated", {"n": prepared.errors_total - len(prepared.errors)}))


def active_batches_sql(without_demo: bool = False) -> str:
    """The batches whose rows are current; without the demo's when this import clears it."""
    demo = " and coalesce(origin, '') <> 'demo'" if without_demo else ""
    return f"(select batch_id from batches where status = 'active'{demo})"


def latest_per_key_sql(dataset: Dataset) -> str:
    """For an upsert dataset, the clause that keeps each key's row from its latest batch ("" otherwise)."""
    if dataset.default_mode != "upsert":
        return ""
    return f" qualify row_number() over (partition by {', '.join(dataset.key)} order by _batch_id desc) = 1"


def _current_sql(dataset: Dataset, without_demo: bool) -> str:
    """The current rows to compare with, as the view has them (keys and, for upserts, every column)."""
    if not without_demo:
        return dataset.name
    return f"(select * from {dataset.name}_rows where _batch_id in {active_batches_sql(True)}{latest_per_key_sql(dataset)})"


def _mark_duplicates(con, dataset: Dataset, prepared: Prepared, replace: bool, without_demo: bool = False) -> None:
    """Stage the rows to load as _load: valid, first of their key in the file, and not already current."""
    active = active_batches_sql(without_demo)
    cols = dataset.column_names
    key = ", ".join(dataset.key)
    con.execute(f"create or replace temp table _valid as select _row, {', '.join(cols)} from _parsed "
                f"where len(_errors) = 0")
    repeated = con.execute(f"select count(*) - count(distinct ({key})) from _valid").fetchall()[0][0]
    if repeated:  # the same key twice in one file: the first row counts, the rest are duplicates
        con.execute(f"delete from _valid where _row not in (select min(_row) from _valid group by {key})")
    current = con.execute(f"select count(*) from {dataset.name}_rows where _batch_id in {active}").fetchall()[0][0]
    if replace or not current:
        con.execute("create or replace temp view _load as select * from _valid")
    else:
        compared = cols if dataset.default_mode == "upsert" else dataset.key  # upsert: only unchanged rows repeat
        joins = " and ".join(f"c.{k} is not distinct from v.{k}" for k in compared)
        con.execute(f"create or replace temp table _load as select v.* from _valid v "
                    f"where not exists (select 1 from {_current_sql(dataset, without_demo)} c where {joins})")
    prepared.rows_loaded = con.execute("select count(*) from _load").fetchall()[0][0]
    prepared.rows_duplicate = prepared.rows_read - prepared.rows_rejected - prepared.rows_loaded
    if current and not replace and dataset.default_mode != "upsert" and prepared.rows_duplicate > repeated:
        same_key = " and ".join(f"c.{k} is not distinct from v.{k}" for k in dataset.key)
        same_all = " and ".join(f"c.{k} is not distinct from v.{k}" for k in cols)
        # compared with the rows as stored: the view fills name and branch from the roster
        stored = f"(select * from {dataset.name}_rows where _batch_id in {active})"
        conflicts = con.execute(f"select count(*) from _valid v where exists (select 1 from {stored} c "
                                f"where {same_key}) and not exists (select 1 from {stored} c "
                                f"where {same_all})").fetchall()[0][0]
        if conflicts:
            prepared.warnings.append(Message("warn.conflicts", {"n": conflicts}))


def cleanup(con) -> None:
    views = {name for (name,) in con.execute("select view_name from duckdb_views() where temporary").fetchall()}
    for name in ("_load", "_raw", "_kind", "_parsed", "_valid"):
        con.execute(f"drop {'view' if name in views else 'table'} if exists {name}")


def env_user() -> str:
    return os.environ.get("TALENTBOARD_USER") or os.environ.get("USER") or "unknown"
