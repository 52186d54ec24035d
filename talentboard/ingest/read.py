"""Reading: bytes -> an all-text table `_raw(_row, c0..cN)` in the connection. Format-aware: encodings,
Excel, title rows, merged headers. Untrusted: a workbook is read in a process of its own under limits
(excel_child.py), a zip bomb is refused from its directory, and columns, cells and lines are capped early
(settings), so every file gets an answer in words within seconds."""
from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from talentboard import settings
from talentboard.ingest.header import HEADER_SEARCH_ROWS, find_header
from talentboard.ingest.messages import ImportRejected, Listing
from talentboard.ingest.options import Options
from talentboard.ingest.values import show_as_excel
from talentboard.schema import Dataset

XLSX_MAGIC, XLS_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXCEL_CHILD = Path(__file__).with_name("excel_child.py")
MB = 1024 * 1024
HEAD_MAX_BYTES = 16 * MB  # how far the header search reads when lines are long
CHUNK_BYTES = 16 * MB  # a text file is scanned and transcoded this much at a time, never read whole


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
    sha256: str = ""  # the file's SHA-256, when the reader computed it on its way (a text file)
    # Whether any cell may hold a # (an Excel error) or a full-width form: a text file's scan can tell it holds
    # none, and the parser then looks for neither
    hash_sign: bool = True
    full_width: bool = True


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
    for encoding, zeros, others in (("utf-16-le", head[1::2], head[0::2]), ("utf-16-be", head[0::2], head[1::2])):
        # ASCII in UTF-16 leaves a NUL in every other byte; CJK text leaves fewer, and a few on the other side
        if (len(head) >= 4 and zeros.count(0) > len(zeros) // 16 and others.count(0) * 8 < zeros.count(0)
                and _decodes_head(head, encoding)):
            return encoding
    if b"\x00" in head:
        if _decodes_head(head.replace(b"\x00", b""), "utf-8") and not _CONTROL.search(head.replace(b"\x00", b"")):
            return "utf-8"  # text with NUL bytes in it: refused by the NUL check, with its line
        raise ValueError("binary")
    utf8_until = len(sample)
    for encoding in ("utf-8", "gb18030"):
        try:  # not final: the sample may end inside a character
            codecs.getincrementaldecoder(encoding)("strict").decode(sample)
            return encoding
        except UnicodeDecodeError as exc:
            utf8_until = exc.start if encoding == "utf-8" else utf8_until
    if re.search(rb"[\x80-\xff]", sample[:utf8_until]):
        raise ValueError("mixed")  # UTF-8 text, then bytes neither UTF-8 nor GB18030: files joined
    raise ValueError("undecodable")


_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]")


def _decodes_head(head: bytes, encoding: str) -> bool:
    """Whether the start of a file decodes (its last character may be cut off)."""
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(head)
    except UnicodeDecodeError:
        return False
    return True


def _undecodable_line(path: Path) -> int:
    """The first line of a file that is not UTF-8 (a newline byte is never part of a UTF-8 character)."""
    with open(path, "rb") as f:
        for number, line in enumerate(f, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0


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


@dataclass
class TextScan:
    """What one pass over a text file finds: the UTF-8 file DuckDB reads (the file itself, or a transcoded
    copy), the SHA-256 of the original bytes, the line of the first NUL (0: none), the lines in all, and the
    last line holding a # and a full-width form (0: none), so that a header's （元） does not make the parser
    look for full-width forms in every cell below it."""
    path: Path
    sha256: str
    nul_line: int
    lines: int
    hash_line: int
    full_width_line: int

    @property
    def hash_sign(self) -> bool:
        return self.hash_line > 0

    @property
    def full_width(self) -> bool:
        return self.full_width_line > 0


# What normalise_sql folds (U+FF01 to U+FF5E, U+3000, U+00A0), in UTF-8, looked for with bytes.rfind (fast);
# U+FF00 to U+FF7F in the first two, a little more than the full-width forms, never less
FULL_WIDTH_BYTES = (b"\xef\xbc", b"\xef\xbd", b"\xe3\x80\x80", b"\xc2\xa0")


def _to_utf8(path: Path, encoding: str, workdir: Path) -> TextScan:
    """A UTF-8, LF-or-CRLF copy for DuckDB's reader, transcoded in chunks (never the whole file in memory;
    such files are used as they are), scanned on the way: one pass over the bytes, however long the file."""
    cr_only = _cr_only(path)
    digest, nul, newlines, last, carry = hashlib.sha256(), 0, 0, b"\n", b""
    hash_line = full_width_line = 0

    def scan(data: bytes) -> None:  # the text DuckDB reads: the first NUL's line, the lines, the last # and full width
        nonlocal nul, newlines, last, carry, hash_line, full_width_line
        at = data.find(b"\x00") if not nul else -1
        if at >= 0:
            nul = newlines + data.count(b"\n", 0, at) + 1
        at = data.rfind(b"#")
        if at >= 0:
            hash_line = newlines + data.count(b"\n", 0, at) + 1
        at = max((data.rfind(form) for form in FULL_WIDTH_BYTES if form[:1] in data), default=-1)  # memchr first
        if at >= 0:
            full_width_line = newlines + data.count(b"\n", 0, at) + 1
        elif any(form in carry + data[:2] for form in FULL_WIDTH_BYTES):  # split between two chunks
            full_width_line = newlines + 1
        newlines += data.count(b"\n")
        last = data[-1:] or last
        carry = (carry + data[-2:])[-2:]  # the stream's last two bytes, however short the chunks
    as_is = encoding == "utf-8" and not cr_only
    out = path if as_is else workdir / "utf8.csv"
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    with open(path, "rb") as src, (contextlib.nullcontext() if as_is else open(out, "wb")) as dst:
        first = True
        while chunk := src.read(CHUNK_BYTES):
            digest.update(chunk)
            if as_is:
                scan(chunk)
                continue
            text = decoder.decode(chunk)
            if first and text:  # the BOM, once the first character is whole
                text, first = text.lstrip("\ufeff"), False
            if cr_only:
                text = text.replace("\r", "\n")
            data = text.encode("utf-8")
            scan(data)
            dst.write(data)
        if not as_is:
            data = decoder.decode(b"", final=True).encode("utf-8")
            scan(data)
            dst.write(data)
    return TextScan(out, digest.hexdigest(), nul, newlines + (last != b"\n"), hash_line, full_width_line)


def _head_records(path: Path, name: str, wanted: int = HEADER_SEARCH_ROWS) -> tuple[list[list[str]], list[int], str]:
    """The first records of a UTF-8 CSV (a blank line is an empty record, as DuckDB counts them),
    the line each starts on, and the delimiter. Reads at most HEAD_MAX_BYTES however long the lines."""
    size = 1 << 18
    while True:
        with open(path, "rb") as f:
            head = f.read(size)
        cut = head.rfind(b"\n")
        text = (head if cut < 0 else head[: cut + 1]).decode("utf-8", errors="replace")
        if text.count("\n") >= wanted or len(head) < size or size >= HEAD_MAX_BYTES:
            break
        size *= 4
    return _parse_head(text, wanted, name)


def _parse_head(text: str, wanted: int, name: str) -> tuple[list[list[str]], list[int], str]:
    """The first records of CSV text, the line each starts on, and the delimiter; a record wider than
    settings.MAX_COLUMNS or a cell larger than settings.MAX_CELL_KB is refused here, before any reader
    sees the rest of the file."""
    delimiter = _delimiter(text[: 1 << 20].splitlines()[: wanted * 2])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, starts, previous_end = [], [], 0
    for record in _checked(reader, name):
        if len(records) >= wanted:
            break
        if len(record) > settings.MAX_COLUMNS:
            raise ImportRejected("err.too_many_columns", file=name, columns=f"{len(record):,}",
                                 limit=settings.MAX_COLUMNS)
        records.append(record)
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    return records, starts, delimiter


def _checked(reader, name: str):
    """The records of a csv reader, refused with their line when a cell is larger than settings.MAX_CELL_KB
    (the csv module's own limit, 128 KB, raises in its own words: put in ours)."""
    limit = settings.MAX_CELL_KB * 1024
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # the field limit, or a file the csv module cannot read at all
            if "field limit" in str(exc):
                raise ImportRejected("err.cell_too_large", file=name, row=reader.line_num,
                                     limit=settings.MAX_CELL_KB) from None
            raise ImportRejected("err.not_spreadsheet", file=name) from None
        if any(len(cell) > limit for cell in record):
            raise ImportRejected("err.cell_too_large", file=name, row=reader.line_num, limit=settings.MAX_CELL_KB)
        yield record


def _delimiter(lines: list[str]) -> str:
    return max((",", "\t", ";", "|"), key=lambda d: sum(line.count(d) for line in lines))


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
    if "\x00" in text:
        raise ImportRejected("err.nul_bytes", file=path.name, row=text[: text.index("\x00")].count("\n") + 1)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _parse_head(text[: text.rfind("\n") + 1] or text, HEADER_SEARCH_ROWS, path.name)[0]


def excel_records(path: Path, sheet: str | None = None, rows: int | None = None) -> tuple[list[list], list[str], str]:
    """A workbook sheet's rows as text (merged cells filled), every sheet's name, and the sheet read: the
    given one or the first; `rows` 0 only lists the sheets. Read in a process of its own (excel_child.py)
    under memory and CPU limits and a wall timeout, so a reader that crashes or runs away ends only that
    process; a zip bomb is refused from the zip's directory before anything is unpacked."""
    with open(path, "rb") as f:
        kind = "xlsx" if f.read(4) == XLSX_MAGIC else "xls"
    if kind == "xlsx":
        _check_zip(path)
    limits = {"columns": settings.MAX_COLUMNS, "cell_kb": settings.MAX_CELL_KB,
              "memory_mb": settings.EXCEL_MEMORY_MB, "cpu_seconds": settings.EXCEL_SECONDS}
    request = {"path": str(path), "kind": kind, "sheet": sheet, "rows": rows, "limits": limits}
    try:
        run = subprocess.run([sys.executable, "-P", str(EXCEL_CHILD), json.dumps(request)], capture_output=True,
                             timeout=settings.EXCEL_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ImportRejected("err.excel_timeout", file=path.name, seconds=f"{settings.EXCEL_SECONDS:g}") from None
    try:
        answer = json.loads(run.stdout) if run.returncode == 0 else None
    except ValueError:
        answer = None
    if answer is None:  # killed by a signal, out of memory, or a panic inside the reader
        raise ImportRejected("err.excel_crashed", file=path.name)
    if "error" in answer:
        values = answer["values"]
        if "sheets" in values:
            values["sheets"] = Listing(tuple(values["sheets"]))
        raise ImportRejected(answer["error"], file=path.name, **values)
    records = answer["records"]
    if records:  # the text Excel shows where a number format changes it: 000123 for 123
        show_as_excel(records, path, answer["sheet"], answer.get("formats") if kind == "xls" else None)
    return records, answer["sheets"], answer["sheet"]


def _check_zip(path: Path) -> None:
    """Refuse an .xlsx whose parts unpack beyond settings.MAX_UNZIPPED_MB, or one part of which unpacks more
    than settings.MAX_ZIP_RATIO times its packed size (a zip bomb), from the sizes in the zip's directory."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):  # damaged: the reader says so in its own message
        return
    total = sum(p.file_size for p in parts)
    ratio = max((p.file_size / max(p.compress_size, 1) for p in parts if p.file_size > MB), default=0)
    if total > settings.MAX_UNZIPPED_MB * MB or ratio > settings.MAX_ZIP_RATIO:
        raise ImportRejected("err.zip_bomb", file=path.name, size=f"{total / MB:,.0f}", ratio=f"{ratio:,.0f}")


def check_size(name: str, size: int, cap_mb: float | None = None) -> None:
    """A file over `cap_mb` (settings.MAX_FILE_MB for any import; the data page passes MAX_UPLOAD_MB) is
    refused before it is read, its size and the cap in the message."""
    cap_mb = settings.MAX_FILE_MB if cap_mb is None else cap_mb
    if size > cap_mb * MB:
        raise ImportRejected("err.file_too_big", file=name, size=f"{size / MB:,.1f}", cap=f"{cap_mb:,g}")


def read_raw(con, path: Path, dataset: Dataset, workdir: Path, options: Options = Options()) -> Layout:
    """Read the file into temp table _raw(_row, c0..cN) of text, the header located; return the layout.
    `options.encoding` overrides the detected one for text files."""
    sheet, header_row, mapping = options.sheet, options.header_row, options.mapping or None
    check_size(path.name, path.stat().st_size)  # every way in: the page checks its own, smaller cap first
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
    except ValueError as exc:
        if str(exc) == "mixed":
            raise ImportRejected("err.mixed_encoding", file=path.name, row=_undecodable_line(path)) from None
        raise ImportRejected("err.not_spreadsheet", file=path.name) from None
    try:
        return _read_text(con, path, encoding, dataset, workdir, header_row, mapping)
    except UnicodeDecodeError:  # UTF-8 at the start, not further on: the whole file must decode as GB18030
        if encoding != "utf-8":
            raise ImportRejected("err.not_spreadsheet", file=path.name) from None
        if not _decodes(path, "gb18030"):
            raise ImportRejected("err.mixed_encoding", file=path.name, row=_undecodable_line(path)) from None
        return _read_text(con, path, "gb18030", dataset, workdir, header_row, mapping)


def _read_text(con, path: Path, encoding: str, dataset: Dataset, workdir: Path, header_row: int | None,
               mapping: dict[str, str] | None) -> Layout:
    scan = _to_utf8(path, encoding, workdir)
    utf8 = scan.path
    if scan.nul_line:
        raise ImportRejected("err.nul_bytes", file=path.name, row=scan.nul_line)
    records, starts, delimiter = _head_records(utf8, path.name, max(HEADER_SEARCH_ROWS, (header_row or 0) + 1))
    if not any(any(c.strip() for c in r) for r in records):
        raise ImportRejected("err.file_empty", file=path.name)
    header_index = None
    if header_row is not None:
        if header_row not in starts:
            raise ImportRejected("err.header_row", row=header_row, rows=starts[-1])
        header_index = starts.index(header_row)
    h, names = find_header(records, dataset, header_index, mapping)
    data_start = starts[h + 1] if h + 1 < len(starts) else starts[h] + 1  # a header cell may span lines
    _load_csv(con, utf8, path.name, skip=h + 1, first_line=data_start, width=max(len(names), 1), delimiter=delimiter,
              lines=scan.lines)
    return Layout("csv", encoding=encoding, header_row=starts[h], headers=names, sha256=scan.sha256,
                  hash_sign=scan.hash_line >= data_start, full_width=scan.full_width_line >= data_start)


def _load_csv(con, path: Path, name: str, skip: int, first_line: int, width: int, delimiter: str, lines: int) -> None:
    """Read the records after the header (skip counts records, blank lines included) as text; each
    row keeps the line it starts on (`lines`: the file's physical lines, to tell when a record spans several or
    blank lines were skipped). `con` must reach the file (see pipeline.stage_file). DuckDB's reader takes lines up to settings.MAX_CELL_KB, so no cell
    it reads is larger; a file with longer lines goes to Python's csv module, which checks every cell."""
    columns = {f"c{j}": "VARCHAR" for j in range(width)}
    options = dict(auto_detect=False, header=False, skip=skip, columns=columns, delim=delimiter,
                   quote='"', escape='"', null_padding=True, strict_mode=False, all_varchar=True,
                   max_line_size=settings.MAX_CELL_KB * 1024)
    offset = first_line - 1
    loaded = False
    for parallel in (True, False):  # null padding with quoted newlines needs the serial reader
        try:  # the staging connection reaches this file and the import's work folder, nothing else
            con.execute("create or replace temp table _raw as select row_number() over () + $offset as _row, * "
                        "from read_csv($path, " + ", ".join(f"{k} := ${k}" for k in options) + ", parallel := $parallel)",
                        {"path": str(path), "parallel": parallel, "offset": offset, **options})
            loaded = True
            break
        except duckdb.Error:  # the serial reader, then Python's csv module, are the fallbacks
            continue
    if not loaded:
        _load_csv_python(con, path, name, offset, width, delimiter)
        return
    n = con.execute("select count(*) from _raw").fetchall()[0][0]
    if offset + n != lines:  # blank lines or quoted newlines: the line each record starts on
        starts = _record_start_lines(path, name, offset, delimiter)
        con.register("_starts", pa.table({"_rec": pa.array(range(offset + 1, offset + len(starts) + 1), pa.int64()),
                                          "_line": pa.array(starts, pa.int64())}))
        con.execute("update _raw set _row = s._line from _starts s where _raw._row = s._rec")
        con.unregister("_starts")


def _record_start_lines(path: Path, name: str, offset: int, delimiter: str) -> list[int]:
    """The line each non-blank record starting after line `offset` starts on, in DuckDB's order."""
    starts = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        previous_end = 0
        for record in _checked(reader, name):
            if previous_end >= offset and record:  # DuckDB skips empty lines, not rows of empty cells
                starts.append(previous_end + 1)
            previous_end = reader.line_num
    return starts


def _load_csv_python(con, path: Path, name: str, offset: int, width: int, delimiter: str) -> None:
    """The tolerant reader for files DuckDB's reader refuses (ragged rows with quoted newlines)."""
    rows, cols = [], [[] for _ in range(width)]
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        previous_end = 0
        for record in _checked(reader, name):
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
