"""Reading: bytes -> an all-text table `_raw(_row, c0..cN)` in the connection. Format-aware: encodings,
Excel, title rows, merged headers."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from python_calamine import CalamineWorkbook

from talentboard import settings
from talentboard.ingest.header import HEADER_SEARCH_ROWS, find_header
from talentboard.ingest.messages import ImportRejected, Listing
from talentboard.ingest.options import Options
from talentboard.schema import Dataset

XLSX_MAGIC, XLS_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MB = 1024 * 1024


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


def check_size(name: str, size: int) -> None:
    """A file over settings.MAX_UPLOAD_MB is refused, its size and the cap in the message (the data page
    checks an upload, the command line a file, before either is read)."""
    if size > settings.MAX_UPLOAD_MB * MB:
        raise ImportRejected("err.file_too_big", file=name, size=f"{size / MB:,.1f}", cap=f"{settings.MAX_UPLOAD_MB:,g}")


def read_raw(con, path: Path, dataset: Dataset, workdir: Path, options: Options = Options()) -> Layout:
    """Read the file into temp table _raw(_row, c0..cN) of text, the header located; return the layout.
    `options.encoding` overrides the detected one for text files."""
    sheet, header_row, mapping = options.sheet, options.header_row, options.mapping or None
    with open(path, "rb") as f:
        magic = f.read(8)
    if not magic:
        raise ImportRejected("err.file_empty", file=path.name)
    if magic.startswith(XLSX_MAGIC) or magic.startswith(XLS_MAGIC):
        layout = _read_excel(con, path, dataset, sheet, header_row, mapping,
                             "xlsx" if magic.startswith(XLSX_MAGIC) else "xls")
    else:
        layout = _read_csv_file(con, path, dataset, workdir, header_row, mapping, options.encoding)
    rows = con.execute("select count(*) from _raw").fetchall()[0][0]
    if rows > settings.MAX_ROWS:  # before any row is parsed
        raise ImportRejected("err.too_many_rows", file=path.name, rows=f"{rows:,}", cap=f"{settings.MAX_ROWS:,}")
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
    from talentboard.store import file_connection  # the store imports this package
    for parallel in (True, False):  # null padding with quoted newlines needs the serial reader
        try:  # read where only this file is reachable: the store's own connection reaches no file
            with file_connection(path) as reader:
                con.register("_raw_read", reader.sql(
                    "select row_number() over () + $offset as _row, * from read_csv($path, " +
                    ", ".join(f"{k} := ${k}" for k in options) + ", parallel := $parallel)",
                    params={"path": str(path), "parallel": parallel, "offset": offset, **options}).to_arrow_reader())
                try:
                    con.execute("create or replace temp table _raw as select * from _raw_read")
                finally:
                    con.unregister("_raw_read")
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
