"""Reads one sheet of an untrusted workbook in a process of its own, under memory and CPU limits, so that a
reader that panics, aborts or runs away takes down only this process (read.excel_records starts it).

Stand-alone on purpose: only the standard library and python-calamine (and xlrd for an .xls's number
formats), nothing of talentboard, so the
process starts fast and holds nothing else. Run as `python -P excel_child.py REQUEST_JSON` (-P: its own folder,
whose module names are talentboard's, is not put on the import path); prints one JSON
answer: {"records", "sheets", "sheet"} or {"error": key, "values": {...}}.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import resource
import sys
import zipfile

DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?\"")
ERROR_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*?\bt=\"e\"[^>]*>"
                        rb"(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)?<(?:\w+:)?v>([^<]{1,16})<")
ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"([0-9]{1,7})\"")
CHUNK = 1 << 20
EXCEL_CELL_CHARS = 32_767  # the most text an Excel cell holds


class Refused(Exception):
    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key, self.values = key, values


def column_index(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26, XFD -> 16383."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def column_letters(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value: object) -> str | None:
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


def sheet_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The zip member holding the sheet called `name`, from xl/workbook.xml and its relationships."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    for tag in re.finditer(rb"<(?:\w+:)?sheet\b[^>]*>", workbook):
        found = re.search(rb'\bname="([^"]*)"', tag[0])
        rid = re.search(rb'\br:id="([^"]*)"|\bid="([^"]*)"', tag[0])
        if not found or not rid or _unescape(found[1].decode("utf-8", "replace")) != name:
            continue
        wanted = rid[1] or rid[2]
        for rel in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
            if re.search(rb'\bId="' + re.escape(wanted) + rb'"', rel[0]):
                target = re.search(rb'\bTarget="([^"]*)"', rel[0])
                if target:
                    path = target[1].decode("utf-8", "replace")
                    return path.lstrip("/") if path.startswith("/") else "xl/" + path
    return None


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def _pieces(archive: zipfile.ZipFile, part: str):
    with archive.open(part) as f:
        while piece := f.read(CHUNK):
            yield piece


def _chunks(archive: zipfile.ZipFile, part: str):
    """The part's bytes in pieces that overlap by a little, so no tag is cut in two."""
    tail = b""
    for piece in _pieces(archive, part):
        yield tail + piece
        tail = piece[-512:]


def check_extent(archive: zipfile.ZipFile, part: str, sheet: str, max_columns: int) -> None:
    """Refuse a sheet wider than max_columns before the reader lays out every cell of its area: the
    <dimension> it declares when that is small, else where its cells really are."""
    with archive.open(part) as f:
        head = f.read(1 << 16)
    declared = DIMENSION.search(head)
    if declared and column_index((declared[3] or declared[1]).decode()) < max_columns:
        return
    far_column, far_row = -1, 0
    for chunk in _chunks(archive, part):
        for match in _far_refs(max_columns).finditer(chunk):
            column = column_index(match[1].decode())
            if column > far_column:
                far_column, far_row = column, int(match[2])
    if far_column >= max_columns:
        raise Refused("err.sheet_too_large", sheet=sheet, columns=far_column + 1,
                      cell=f"{column_letters(far_column)}{far_row}", limit=max_columns)


def _far_refs(max_columns: int) -> re.Pattern:
    """Cell references at or right of column number max_columns (0-based), and a few just left of it: a
    plain pattern that passes over ordinary narrow cells without a match, so a scan of a big sheet stays fast."""
    first = column_letters(max_columns)
    letters = f"[{first[0]}-Z][A-Z]{{{len(first) - 1}}}" + (f"|[A-Z]{{{len(first) + 1},3}}" if len(first) < 3 else "")
    return re.compile(rb'\sr="(' + letters.encode() + rb')([0-9]{1,7})"')  # only cells have letters in r=


def error_cells(archive: zipfile.ZipFile, part: str, rows: int) -> dict[tuple[int, int], str]:
    """Cells holding an Excel error (#N/A, #DIV/0!…), which the reader gives as blank, among the first `rows`
    rows: (row, column) -> text."""
    found = {}
    for chunk in _chunks(archive, part):
        if b't="e"' in chunk:
            for match in ERROR_CELL.finditer(chunk):
                found[(int(match[2]) - 1, column_index(match[1].decode()))] = match[3].decode("utf-8", "replace")
        last_row = ROW_NUMBER.findall(chunk[-4096:])
        if last_row and int(last_row[-1]) > rows:  # past the rows read
            break
    return found


def read(request: dict) -> dict:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

    path, limits = request["path"], request["limits"]
    try:
        archive = zipfile.ZipFile(path) if request["kind"] == "xlsx" else None
    except (zipfile.BadZipFile, OSError):  # the reader below says it is damaged
        archive = None
    try:
        workbook = CalamineWorkbook.from_path(path)
        sheets = list(workbook.sheet_names)
    except PasswordError:
        raise Refused("err.excel_encrypted") from None
    except XmlError:
        raise Refused("err.shared_strings" if _broken_shared_strings(archive) else "err.bad_excel") from None
    except (ZipError, CalamineError):
        raise Refused("err.bad_excel") from None
    if not sheets:
        raise Refused("err.bad_excel")
    name = request["sheet"] if request["sheet"] is not None else sheets[0]
    if name not in sheets:
        raise Refused("err.no_sheet", sheet=name, sheets=sheets)
    answer = {"records": [], "sheets": sheets, "sheet": name}
    if request["rows"] == 0:
        return answer
    part = sheet_part(archive, name) if archive else None
    if part:
        check_extent(archive, part, name, limits["columns"])
    try:
        data = workbook.get_sheet_by_name(name)
        values = data.to_python(skip_empty_area=False, nrows=request["rows"])
        merged = data.merged_cell_ranges or []
    except XmlError:
        raise Refused("err.shared_strings" if _broken_shared_strings(archive) else "err.bad_excel") from None
    except CalamineError as exc:
        raise Refused("err.shared_strings" if "shared string" in str(exc).lower() else "err.bad_excel") from None
    workbook.close()
    width = max((len(row) for row in values), default=0)
    if width > limits["columns"]:
        far = max(((i, max(j for j, v in enumerate(row) if v not in (None, ""))) for i, row in enumerate(values)
                   if any(v not in (None, "") for v in row)), key=lambda p: p[1], default=(0, width - 1))
        raise Refused("err.sheet_too_large", sheet=name, columns=far[1] + 1,
                      cell=f"{column_letters(far[1])}{far[0] + 1}", limit=limits["columns"])
    records = [[cell_text(v) for v in row] for row in values]
    for (r, c), text in (error_cells(archive, part, len(records)).items() if part else ()):
        if r < len(records) and c < len(records[r]) and records[r][c] is None:
            records[r][c] = text
    # a cell's text is cut at Excel's own limit when read: one that reaches it was longer, or near enough
    limit = min(limits["cell_kb"] * 1024, EXCEL_CELL_CHARS)
    for i, row in enumerate(records):
        for text in row:
            if text is not None and len(text) >= limit and (len(text) > limit or limit == EXCEL_CELL_CHARS):
                raise Refused("err.cell_too_large", row=i + 1, limit=-(-limit // 1024))
    for (r0, c0), (r1, c1) in merged:  # a merged cell holds its value for every cell it spans
        if r0 < len(records):
            top = records[r0][c0] if c0 < len(records[r0]) else None
            for r in range(r0, min(r1 + 1, len(records))):
                for c in range(c0, min(c1 + 1, len(records[r]))):
                    if records[r][c] is None:
                        records[r][c] = top
    answer["records"] = records
    if request["kind"] == "xls":
        answer["formats"] = xls_number_formats(path, name, len(records))
    return answer


PLAIN_FORMATS = {"general", "0", "0.0", "0.00", "#,##0", "#,##0.00", "@"}


def xls_number_formats(path: str, sheet: str, rows: int) -> list[tuple[int, int, str]]:
    """(row, column, format code) of the numbers in an .xls sheet's first `rows` rows whose format is not a
    plain one: the parent works out which of them change the text Excel shows (000123 for 123). Best effort:
    the sheet was read above, so a workbook xlrd cannot read for its formats keeps the numbers as stored."""
    try:
        import xlrd  # only here: an .xls's formats; the reader above has checked the file
        book = xlrd.open_workbook(path, formatting_info=True, on_demand=True)
        data = book.sheet_by_name(sheet)
        found = []
        for r in range(min(rows, data.nrows)):
            for c, cell in enumerate(data.row(r)):
                if cell.ctype != xlrd.XL_CELL_NUMBER:
                    continue
                code = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
                if code.strip().lower() not in PLAIN_FORMATS:
                    found.append((r, c, code))
        return found
    except Exception:  # noqa: BLE001 (any failure of this extra look leaves the numbers as read)
        return []


def _broken_shared_strings(archive: zipfile.ZipFile | None) -> bool:
    """Whether the shared-strings part is there and is not well-formed XML."""
    import xml.parsers.expat
    if archive is None or "xl/sharedStrings.xml" not in archive.namelist():
        return False
    parser = xml.parsers.expat.ParserCreate()
    try:
        for piece in _pieces(archive, "xl/sharedStrings.xml"):
            parser.Parse(piece, False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError:
        return True
    return False


def main() -> None:
    request = json.loads(sys.argv[1])
    memory = int(request["limits"]["memory_mb"]) << 20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = int(request["limits"]["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    try:
        answer = read(request)
    except Refused as refused:
        answer = {"error": refused.key, "values": refused.values}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))


if __name__ == "__main__":
    main()
