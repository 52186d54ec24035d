"""Write the corpus of bad and awkward input files (tests/corpus/files/) and its manifest (manifest.json).

Deterministic: running it again writes the same bytes (fixed zip times, fixed workbook properties, seeded
random bytes). Run from the repository root: `python tests/corpus/make_corpus.py`. Two files too large to
commit (a 5 MB line, a 1,000,000-column header) are written at test time by `write_generated`.

Each manifest entry: the file, the dataset to import it as, what it is, and what must come of it:
  {"outcome": "rejected", "key": K}              the whole file is refused with message key K
  {"outcome": "loaded", "rows_loaded": N, "warnings": [keys]}   every row loads; exactly these warnings
  {"outcome": "partial", "rows_loaded": N, "rows_rejected": M, "codes": [row codes], "warnings": [keys]}
  {"outcome": "all_rows_rejected", "rows_rejected": M, "codes": [row codes]}   every row bad: nothing loads
and optionally "stored": {column: sorted values} read back from the dataset's rows of this import, and
"limits": {setting: value} set before the import (a tiny configured limit instead of a big file).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import struct
import sys
import zipfile
from pathlib import Path

import openpyxl
import xlwt

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
MANIFEST = HERE / "manifest.json"
ZIP_TIME = (2024, 1, 1, 0, 0, 0)

TRAINING_HEADER = ["工号", "姓名", "培训名称", "培训日期", "学时"]
TRAINING_ROWS = [["Z0001", "赵一", "反洗钱培训", "2024-03-05", "3"],
                 ["Z0002", "钱二", "党史学习", "2024-03-06", "2.5"],
                 ["Z0003", "孙三", "柜面技能", "2024-03-07", "4"]]
# Every dataset's required columns, each with a header the registry knows and two good values.
REQUIRED = {
    "employees": [("employee_id", "工号", ["Z0001", "Z0002"]), ("name", "姓名", ["赵一", "钱二"]),
                  ("branch", "机构", ["城关信用社", "青石信用社"])],
    "training": [("employee_id", "工号", ["Z0001", "Z0002"]), ("course", "培训名称", ["反洗钱培训", "党史学习"]),
                 ("start_date", "培训日期", ["2024-03-05", "2024-03-06"]), ("hours", "学时", ["3", "2.5"])],
    "competition": [("competition", "竞赛名称", ["语料库技能赛", "语料库技能赛"]), ("date", "竞赛日期", ["2024-06-01", "2024-06-01"]),
                    ("event", "竞赛项目", ["点钞", "点钞"]), ("employee_id", "工号", ["Z0001", "Z0002"]),
                    ("score", "成绩", ["91", "88"])],
    "grading": [("year", "评定年度", ["2024", "2024"]), ("employee_id", "工号", ["Z0001", "Z0002"]),
                ("grade", "评定等级", ["三级", "四级"])],
    "innovation": [("title", "课题名称", ["语料库课题甲", "语料库课题乙"]), ("studio", "工作室", ["赵一劳模创新工作室"] * 2),
                   ("status", "状态", ["已完成", "研究中"]), ("start_date", "立项日期", ["2024-01-01", "2024-02-01"])],
}
# Warnings every training file of the three columns above gets: category and form are not in it.
ABSENT = ["warn.enum_absent", "warn.enum_absent"]


# ----------------------------------------------------------------------------------------------
# Builders
# ----------------------------------------------------------------------------------------------

def csv_text(rows: list[list[object]], delimiter: str = ",", newline: str = "\r\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(
        [["" if v is None else v for v in r] for r in rows])
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8", **options) -> bytes:
    return csv_text(rows, **options).encode(encoding)


def repack(data: bytes, replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> bytes:
    """A zip rewritten with fixed times and fixed workbook dates, entries replaced or dropped."""
    replace = dict(replace or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            if name in drop:
                continue
            content = replace.pop(name, None)
            if content is None:
                content = src.read(name)
            if name == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", content)
            dst.writestr(zipfile.ZipInfo(name, ZIP_TIME), content, zipfile.ZIP_DEFLATED)
        for name, content in replace.items():
            dst.writestr(zipfile.ZipInfo(name, ZIP_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def workbook_bytes(wb: openpyxl.Workbook) -> bytes:
    wb.properties.creator = "talentboard corpus"
    buffer = io.BytesIO()
    wb.save(buffer)
    return repack(buffer.getvalue())


def xlsx_bytes(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    return workbook_bytes(wb)


def xls_bytes(rows: list[list[object]]) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_xml(body: str, dimension: str | None = None) -> bytes:
    """A worksheet part with the given <sheetData> body."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'{dim}<sheetData>{body}</sheetData></worksheet>').encode("utf-8")


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 16383 -> XFD."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def inline_row(number: int, values: list[object], first_column: int = 0) -> str:
    cells = []
    for j, value in enumerate(values):
        ref = f"{column_letters(first_column + j)}{number}"
        if isinstance(value, (int, float)):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            text = str(value).replace("&", "&amp;").replace("<", "&lt;")
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def shared_strings_xlsx(rows: list[list[object]]) -> bytes:
    """A workbook whose text cells point into a shared-strings table, as Excel saves them."""
    strings: list[str] = []
    body = []
    for i, row in enumerate(rows, start=1):
        cells = []
        for j, value in enumerate(row):
            if value not in strings:
                strings.append(value)
            cells.append(f'<c r="{column_letters(j)}{i}" t="s"><v>{strings.index(value)}</v></c>')
        body.append(f'<row r="{i}">{"".join(cells)}</row>')
    table = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'
             + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>").encode("utf-8")
    base = xlsx_bytes([["x"]])
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        types, rels = z.read("[Content_Types].xml"), z.read("xl/_rels/workbook.xml.rels")
    types = types.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                          b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = rels.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/'
                        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    return repack(base, {"xl/worksheets/sheet1.xml": sheet_xml("".join(body)), "xl/sharedStrings.xml": table,
                         "[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels})


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    """A compound file (the OLE container of .xls and of password-protected Office files) holding the
    given streams, each stored in regular sectors (at least 4096 bytes, so no mini stream is needed)."""
    sector = 512
    names = list(streams)
    assert all(len(streams[n]) >= 4096 for n in names) and len(names) <= 3
    chains, next_free = [], 2  # sector 0: the FAT; sector 1: the directory
    for name in names:
        count = -(-len(streams[name]) // sector)
        chains.append(list(range(next_free, next_free + count)))
        next_free += count
    assert next_free <= sector // 4
    fat = [0xFFFFFFFF] * (sector // 4)
    fat[0], fat[1] = 0xFFFFFFFD, 0xFFFFFFFE
    for chain in chains:
        for a, b in zip(chain, chain[1:] + [0xFFFFFFFE]):
            fat[a] = b

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB3I", len(encoded), kind, 1, left, right, child)
                + b"\0" * 36 + struct.pack("<IQ", start, size))

    none = 0xFFFFFFFF
    # the root's children form a tree ordered by name length, then name: a chain to the right will do
    order = sorted(range(len(names)), key=lambda i: (len(names[i]), names[i].upper()))
    directory = [entry("Root Entry", 5, none, none, order[0] + 1, 0xFFFFFFFE, 0)]
    for i, name in enumerate(names):
        at = order.index(i)
        right = order[at + 1] + 1 if at + 1 < len(order) else none
        directory.append(entry(name, 2, none, right, none, chains[i][0], len(streams[name])))
    directory_sector = b"".join(directory).ljust(sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
              + struct.pack("<I", 0) + struct.pack("<I", 0xFFFFFFFF) * 108)
    body = b"".join(streams[name].ljust(len(chains[i]) * sector, b"\0") for i, name in enumerate(names))
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory_sector + body


def junk(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def required_rows(dataset: str, leave_out: str | None = None) -> list[list[str]]:
    columns = [c for c in REQUIRED[dataset] if c[0] != leave_out]
    return [[c[1] for c in columns]] + [[c[2][i] for c in columns] for i in range(2)]


# ----------------------------------------------------------------------------------------------
# The corpus
# ----------------------------------------------------------------------------------------------

def rejected(key: str) -> dict:
    return {"outcome": "rejected", "key": key}


def loaded(n: int, warnings: list[str] | None = None) -> dict:
    return {"outcome": "loaded", "rows_loaded": n, "warnings": sorted(warnings or [])}


def partial(n: int, bad: int, codes: list[str], warnings: list[str] | None = None) -> dict:
    return {"outcome": "partial", "rows_loaded": n, "rows_rejected": bad, "codes": sorted(codes),
            "warnings": sorted(warnings or [])}


def all_rows_rejected(bad: int, codes: list[str]) -> dict:
    return {"outcome": "all_rows_rejected", "rows_rejected": bad, "codes": sorted(codes)}


def corpus() -> list[tuple[str, bytes, str, str, dict]]:
    """(file name, bytes, dataset, what it is, expected outcome [, extra manifest fields])."""
    good = [TRAINING_HEADER] + TRAINING_ROWS
    items: list = []

    def add(name: str, data: bytes, dataset: str, about: str, expect: dict, **extra) -> None:
        items.append((name, data, dataset, about, expect | extra))

    # --- empty, header only, not a spreadsheet
    add("empty.csv", b"", "training", "zero bytes", rejected("err.file_empty"))
    add("empty.xlsx", b"", "training", "zero bytes named .xlsx", rejected("err.file_empty"))
    add("blank_lines.csv", b"\r\n  \r\n,,,\r\n", "training", "only blank lines and empty cells", rejected("err.file_empty"))
    add("bom_only.csv", b"\xef\xbb\xbf", "training", "a UTF-8 BOM and nothing else", rejected("err.file_empty"))
    add("header_only.csv", csv_bytes([TRAINING_HEADER]), "training", "the header and no rows", rejected("err.no_rows"))
    add("header_only.xlsx", xlsx_bytes([TRAINING_HEADER]), "training", "the header and no rows", rejected("err.no_rows"))
    add("header_only.xls", xls_bytes([TRAINING_HEADER]), "training", "the header and no rows (BIFF8)", rejected("err.no_rows"))
    add("binary_junk.csv", junk(4096, 1), "training", "random bytes", rejected("err.not_spreadsheet"))
    add("binary_junk.xlsx", junk(4096, 2), "training", "random bytes named .xlsx", rejected("err.not_spreadsheet"))
    add("image.csv", b"\x89PNG\r\n\x1a\n" + junk(2000, 3), "training", "a PNG picture named .csv",
        rejected("err.not_spreadsheet"))
    add("no_header.csv", csv_bytes([["甲", "乙", "丙"], ["1", "2", "3"]]), "training", "no column the dataset knows",
        rejected("err.no_header"))
    add("header_below_row_30.csv", csv_bytes([["说明"]] * 35 + good), "training",
        "the header after the first 30 rows, where nobody looks for it", rejected("err.no_header"))

    # --- formats in disguise
    add("xlsx_renamed.csv", xlsx_bytes(good), "training", "an .xlsx workbook named .csv", loaded(3, ABSENT))
    add("xls_renamed.csv", xls_bytes(good), "training", "an .xls workbook named .csv", loaded(3, ABSENT))
    add("csv_renamed.xlsx", csv_bytes(good), "training", "a CSV named .xlsx", loaded(3, ABSENT))
    add("encrypted.xlsx", cfb_bytes({"EncryptionInfo": junk(4096, 4), "EncryptedPackage": junk(8192, 5)}), "training",
        "a password-protected workbook: an OLE container with EncryptionInfo and EncryptedPackage",
        rejected("err.excel_encrypted"))
    add("ole_without_workbook.xls", cfb_bytes({"Contents": junk(4096, 6)}), "training",
        "an OLE container holding no workbook (e.g. a Word file named .xls)", rejected("err.bad_excel"))
    whole = xlsx_bytes(good)
    add("truncated.xlsx", whole[: len(whole) // 2], "training", "a workbook cut off half way", rejected("err.bad_excel"))
    add("zip_not_workbook.xlsx", repack(xlsx_bytes(good), drop=("xl/workbook.xml",)), "training",
        "a zip without xl/workbook.xml", rejected("err.bad_excel"))
    add("junk_after_magic.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk(3000, 7), "training",
        "the OLE signature followed by random bytes", rejected("err.bad_excel"))

    # --- delimiters, quoting, ragged rows, line ends
    add("semicolon.csv", csv_bytes(good, delimiter=";"), "training", "semicolon-separated", loaded(3, ABSENT))
    add("pipe.csv", csv_bytes(good, delimiter="|"), "training", "pipe-separated", loaded(3, ABSENT))
    add("tab.csv", csv_bytes(good, delimiter="\t"), "training", "tab-separated, named .csv", loaded(3, ABSENT))
    add("quoted_newlines.csv", csv_bytes([TRAINING_HEADER, ["Z0001", "赵一", "反洗钱\n培训", "2024-03-05", "3"],
                                          ["Z0002", "钱二", "党史\r\n学习\n第二期", "2024-03-06", "2.5"],
                                          TRAINING_ROWS[2]]),
        "training", "line breaks inside quoted cells", loaded(3, ABSENT),
        stored={"course": ["党史\r\n学习\n第二期", "反洗钱\n培训", "柜面技能"]})
    ragged = (csv_text([TRAINING_HEADER, TRAINING_ROWS[0]]) + "Z0002,钱二,党史学习,2024-03-06\r\n"
              + "Z0003,孙三,柜面技能,2024-03-07,4,多余,更多\r\n")
    add("ragged_rows.csv", ragged.encode(), "training", "a row one cell short, a row two cells long",
        partial(2, 1, ["row.required"], ABSENT))
    add("cr_only.csv", csv_bytes(good, newline="\r"), "training", "old Mac line ends (CR only)", loaded(3, ABSENT))
    add("unterminated_quote.csv", (csv_text(good) + 'Z0004,"周四,课程,2024-03-08,1\r\n' + csv_text(TRAINING_ROWS)).encode(),
        "training", "a quote opened and never closed", partial(3, 1, ["row.required", "row.required", "row.required"], ABSENT))

    # --- encodings, NUL bytes, BOMs
    add("utf16le_no_bom.csv", csv_bytes(good, "utf-16-le"), "training", "UTF-16 little-endian without a BOM", loaded(3, ABSENT))
    add("gbk.csv", csv_bytes(good, "gbk"), "training", "GBK", loaded(3, ABSENT))
    mixed = csv_bytes([TRAINING_HEADER, TRAINING_ROWS[0]]) + csv_bytes(TRAINING_ROWS[1:], "gbk")
    add("mixed_encodings.csv", mixed, "training", "UTF-8 lines followed by GBK lines", rejected("err.mixed_encoding"))
    nul = csv_text(good).replace("钱二", "钱\0二").encode()
    add("nul_bytes.csv", nul, "training", "a NUL byte inside a cell", rejected("err.nul_bytes"))
    nul_late = csv_bytes([TRAINING_HEADER] + [[f"Z{i:04d}", "某", f"课程{i}", "2024-03-05", "1"] for i in range(300)])
    nul_late += b"Z9999,\0\0\0,NUL,2024-03-05,1\r\n"
    add("nul_bytes_late.csv", nul_late, "training", "NUL bytes past the first 4 KB", rejected("err.nul_bytes"))
    bom_middle = csv_bytes(good, "utf-8-sig") + csv_bytes([TRAINING_HEADER, ["Z0004", "李四", "合规课", "2024-03-08", "1"]], "utf-8-sig")
    add("bom_in_middle.csv", bom_middle, "training", "two files pasted together: a BOM and a second header mid-file",
        partial(4, 1, ["row.date", "row.number"], ABSENT))

    # --- headers
    add("duplicated_headers.csv", csv_bytes([TRAINING_HEADER + ["学时"]] + [r + ["9"] for r in TRAINING_ROWS]),
        "training", "学时 twice: the first is used", loaded(3, ABSENT + ["warn.duplicate_column"]),
        stored={"hours": [2.5, 3.0, 4.0]})
    for dataset, columns in REQUIRED.items():
        for name, header, _ in columns:
            add(f"missing_{dataset}_{name}.csv", csv_bytes(required_rows(dataset, name)), dataset,
                f"every required column but {name} ({header})", rejected("err.missing_columns"))

    # --- values
    add("dates_out_of_range.csv", csv_bytes([TRAINING_HEADER, TRAINING_ROWS[0], ["Z0002", "钱二", "古课", "1899-12-31", "1"],
                                             ["Z0003", "孙三", "未来课", "2101-01-01", "1"]]),
        "training", "dates before 1900 and after 2100", partial(1, 2, ["row.date_range", "row.date_range"], ABSENT))
    add("hours_negative_and_absurd.csv", csv_bytes([TRAINING_HEADER, TRAINING_ROWS[0],
                                                    ["Z0002", "钱二", "课2", "2024-03-06", "-3"],
                                                    ["Z0003", "孙三", "课3", "2024-03-07", "0"],
                                                    ["Z0004", "李四", "课4", "2024-03-08", "99999"],
                                                    ["Z0005", "周五", "课5", "2024-03-09", "1e308"]]),
        "training", "negative, zero and huge hours",
        partial(1, 4, ["row.min_exclusive", "row.min_exclusive", "row.max", "row.max"], ABSENT))
    add("hours_not_finite.csv", csv_bytes([TRAINING_HEADER, TRAINING_ROWS[0], ["Z0006", "吴六", "课6", "2024-03-10", "inf"],
                                           ["Z0007", "郑七", "课7", "2024-03-11", "NaN"]]),
        "training", "infinite and not-a-number hours: one error each, not a number",
        partial(1, 2, ["row.number", "row.number"], ABSENT))
    add("scores_over_100.csv", csv_bytes([TRAINING_HEADER + ["考核成绩"], TRAINING_ROWS[0] + ["100"],
                                          TRAINING_ROWS[1] + ["100.5"], TRAINING_ROWS[2] + ["250"]]),
        "training", "training scores above 100", partial(1, 2, ["row.max", "row.max"], ABSENT))
    add("grading_scores_over_100.csv", csv_bytes([["评定年度", "工号", "评定等级", "评定得分"], ["2024", "Z0001", "三级", "101"],
                                                  ["2024", "Z0002", "四级", "99"]]),
        "grading", "a grading score above 100", partial(1, 1, ["row.max"]))
    add("unknown_enums.csv", csv_bytes([["竞赛名称", "竞赛日期", "竞赛级别", "竞赛项目", "工号", "成绩", "奖项"],
                                        ["语料库技能赛", "2024-06-01", "省级", "点钞", "Z0001", "91", "一等奖"],
                                        ["语料库技能赛", "2024-06-01", "乡级", "点钞", "Z0002", "88", "二等奖"],
                                        ["语料库技能赛", "2024-06-01", "市级", "点钞", "Z0003", "80", "参与奖"]]),
        "competition", "a level and an award the registry does not know", partial(1, 2, ["row.enum", "row.enum"]))
    add("unknown_status.csv", csv_bytes([["课题名称", "工作室", "状态", "立项日期"], ["语料库课题甲", "赵一工作室", "已完成", "2024-01-01"],
                                         ["语料库课题乙", "赵一工作室", "搁置待议", "2024-02-01"]]),
        "innovation", "a project status the registry does not know", partial(1, 1, ["row.enum"], ["warn.enum_absent"]))
    add("unknown_category.csv", csv_bytes([TRAINING_HEADER + ["培训类别"], TRAINING_ROWS[0] + ["团建活动"],
                                           TRAINING_ROWS[1] + ["党建"]]),
        "training", "an optional enum's unknown word takes its default, with a warning",
        loaded(2, ["warn.enum_default", "warn.enum_absent"]), stored={"category": ["其他", "思想政治"]})
    add("leading_zeros.csv", csv_bytes([TRAINING_HEADER, ["000123", "赵一", "课1", "2024-03-05", "1"],
                                        ["0042", "钱二", "课2", "2024-03-06", "1"]]),
        "training", "ids with leading zeros, as text", loaded(2, ABSENT), stored={"employee_id": ["000123", "0042"]})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(TRAINING_HEADER)
    for i, (number, name) in enumerate(((123, "赵一"), (42, "钱二")), start=2):
        ws.append([number, name, f"课{i}", dt.date(2024, 3, 5), 1])
        ws.cell(row=i, column=1).number_format = "000000"
    add("leading_zeros_number_format.xlsx", workbook_bytes(wb), "training",
        "ids stored as numbers with a 000000 display format: read as shown", loaded(2, ABSENT),
        stored={"employee_id": ["000042", "000123"]})
    add("year_forms.csv", csv_bytes([["评定年度", "工号", "评定等级"], ["2024年度", "Z0001", "三级"], ["2024年", "Z0002", "四级"],
                                     ["2024", "Z0003", "五级"]]),
        "grading", "years written 2024年度 and 2024年", loaded(3), stored={"year": [2024, 2024, 2024]})
    add("subtotal_rows.csv", csv_bytes([TRAINING_HEADER, *TRAINING_ROWS, ["城关信用社小计", "", "", "", "9.5"],
                                        ["", "", "总 计", "", "9.5"]]),
        "training", "a subtotal labelled with a branch and a spaced total", loaded(3, ABSENT + ["warn.dropped_total"]))
    add("excel_errors.csv", csv_bytes([TRAINING_HEADER, TRAINING_ROWS[0], ["Z0002", "钱二", "课2", "#N/A", "2"],
                                       ["Z0003", "孙三", "课3", "2024-03-07", "#DIV/0!"]]),
        "training", "Excel error values saved as text: each named in its row's error",
        partial(1, 2, ["row.excel_error", "row.excel_error"], ABSENT))
    errors_sheet = "".join([inline_row(1, TRAINING_HEADER), inline_row(2, TRAINING_ROWS[0][:4] + [3]),
                            '<row r="3">' + "".join(f'<c r="{c}3" t="inlineStr"><is><t>{v}</t></is></c>'
                                                    for c, v in zip("ABC", TRAINING_ROWS[1]))
                            + '<c r="D3" t="e"><v>#N/A</v></c><c r="E3"><v>2</v></c></row>',
                            '<row r="4">' + "".join(f'<c r="{c}4" t="inlineStr"><is><t>{v}</t></is></c>'
                                                    for c, v in zip("ABCD", TRAINING_ROWS[2]))
                            + '<c r="E4" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'])
    add("excel_errors.xlsx", repack(xlsx_bytes([["x"]]), {"xl/worksheets/sheet1.xml": sheet_xml(errors_sheet)}),
        "training", "error cells (#N/A, #DIV/0!) in a workbook: each named in its row's error",
        partial(1, 2, ["row.excel_error", "row.excel_error"], ABSENT))
    add("formula_text.csv", csv_bytes([TRAINING_HEADER, ["Z0001", '=HYPERLINK("http://x","点我")', "**粗体**", "2024-03-05", "1"],
                                       ["Z0002", "<b>钱二</b>", "+1+1", "2024-03-06", "1"]]),
        "training", "formulas, Markdown and HTML in cells are stored as the literal text",
        loaded(2, ABSENT), stored={"course": ["**粗体**", "+1+1"], "name": ['<b>钱二</b>', '=HYPERLINK("http://x","点我")']})

    # --- size: wide files, big cells, zip bombs, stray cells, broken parts
    wide = TRAINING_HEADER + [f"备注{j}" for j in range(10_000 - len(TRAINING_HEADER))]
    add("wide_10000_columns.csv", csv_bytes([wide] + [r + [""] * (len(wide) - 5) for r in TRAINING_ROWS]), "training",
        "10,000 columns", rejected("err.too_many_columns"))
    wide_sheet = "".join(inline_row(i + 1, row) for i, row in enumerate([wide] + TRAINING_ROWS))
    add("wide_10000_columns.xlsx", repack(xlsx_bytes([["x"]]), {"xl/worksheets/sheet1.xml": sheet_xml(wide_sheet)}),
        "training", "10,000 columns in a workbook", rejected("err.sheet_too_large"))
    full = TRAINING_HEADER + [f"备注{j}" for j in range(16_384 - len(TRAINING_HEADER))]
    full_sheet = "".join(inline_row(i + 1, row) for i, row in enumerate([full] + TRAINING_ROWS))
    add("wide_16384_columns.xlsx", repack(xlsx_bytes([["x"]]), {"xl/worksheets/sheet1.xml": sheet_xml(full_sheet, "A1:XFD4")}),
        "training", "a header across all 16,384 columns (A to XFD)", rejected("err.sheet_too_large"))
    wider = TRAINING_HEADER + [f"c{j}" for j in range(20_000 - len(TRAINING_HEADER))]
    add("wide_20000_columns.csv", csv_bytes([wider] + TRAINING_ROWS), "training", "a 20,000-column header",
        rejected("err.too_many_columns"))
    add("cell_1mb.csv", csv_bytes([TRAINING_HEADER, TRAINING_ROWS[0], ["Z0002", "钱二", "课" * ((1 << 20) // 3), "2024-03-06", "1"]]),
        "training", "a 1 MB cell", rejected("err.cell_too_large"))
    add("cell_1mb.xlsx", xlsx_bytes([TRAINING_HEADER, TRAINING_ROWS[0], ["Z0002", "钱二", "x" * (1 << 20), "2024-03-06", 1]]),
        "training", "a 1 MB cell in a workbook", rejected("err.cell_too_large"))
    bomb_body = inline_row(1, TRAINING_HEADER) + inline_row(2, TRAINING_ROWS[0]) + " " * (64 << 20)
    add("zip_bomb.xlsx", repack(xlsx_bytes([["x"]]), {"xl/worksheets/sheet1.xml": sheet_xml(bomb_body)}), "training",
        "a tiny workbook whose sheet unpacks a thousand times (64 MB)", rejected("err.zip_bomb"))
    stray = "".join(inline_row(i + 1, row) for i, row in enumerate(good)) + \
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    add("stray_cell_xfd1048576.xlsx", repack(xlsx_bytes([["x"]]), {"xl/worksheets/sheet1.xml": sheet_xml(stray, "A1:XFD1048576")}),
        "training", "a data block at A1 and one stray cell at XFD1048576", rejected("err.sheet_too_large"))
    add("stray_cell_no_dimension.xlsx", repack(xlsx_bytes([["x"]]), {"xl/worksheets/sheet1.xml": sheet_xml(stray)}),
        "training", "the same stray cell, the sheet's <dimension> left out", rejected("err.sheet_too_large"))
    add("false_dimension.xlsx", repack(xlsx_bytes(good), {"xl/worksheets/sheet1.xml": sheet_xml(
        "".join(inline_row(i + 1, row) for i, row in enumerate(good)), "A1:XFD1048576")}),
        "training", "a <dimension> claiming the whole sheet over a small data block", loaded(3, ABSENT))
    shared = shared_strings_xlsx(good)
    with zipfile.ZipFile(io.BytesIO(shared)) as z:
        strings = z.read("xl/sharedStrings.xml")
    add("shared_strings.xlsx", shared, "training", "text in a shared-strings table, as Excel saves it (sound)",
        loaded(3, ABSENT))
    add("shared_strings_truncated.xlsx", repack(shared, {"xl/sharedStrings.xml": strings[: len(strings) // 2]}), "training",
        "the shared-strings table cut off mid-way", rejected("err.shared_strings"))
    add("shared_strings_missing.xlsx", repack(shared, drop=("xl/sharedStrings.xml",)), "training",
        "cells point into a shared-strings table the file does not have", rejected("err.shared_strings"))
    add("shared_strings_index.xlsx", repack(shared, {"xl/worksheets/sheet1.xml": sheet_xml(
        inline_row(1, TRAINING_HEADER) + '<row r="2"><c r="A2" t="s"><v>99999</v></c><c r="B2" t="s"><v>-1</v></c></row>')}),
        "training", "cells pointing past the end of the shared-strings table", rejected("err.shared_strings"))
    add("over_size_limit.csv", csv_bytes(good), "training", "a file over the configured size limit (set tiny)",
        rejected("err.file_too_big"), limits={"MAX_FILE_MB": 0.0001})
    return items


def write_generated(directory: Path) -> list[dict]:
    """The files too large to commit, written where the test asks, with their manifest entries."""
    directory.mkdir(parents=True, exist_ok=True)
    entries = []
    line = csv_bytes([TRAINING_HEADER, TRAINING_ROWS[0]]) + b"Z0002,\xe9\x92\xb1,x" + b"y" * (5 << 20) + b",2024-03-06,1\r\n"
    (directory / "line_5mb.csv").write_bytes(line)
    entries.append({"file": "line_5mb.csv", "dataset": "training", "about": "a 5 MB line",
                    "expect": rejected("err.cell_too_large")})
    header = ",".join(TRAINING_HEADER + [f"c{j}" for j in range(1_000_000)]) + "\r\n"
    (directory / "header_1000000_columns.csv").write_bytes((header + csv_text(TRAINING_ROWS)).encode())
    entries.append({"file": "header_1000000_columns.csv", "dataset": "training", "about": "a 1,000,000-column header",
                    "expect": rejected("err.too_many_columns")})
    return entries


def main() -> None:
    FILES.mkdir(parents=True, exist_ok=True)
    items = corpus()
    names = [name for name, *_ in items]
    assert len(names) == len(set(names)), "file names repeat"
    for old in FILES.iterdir():
        if old.name not in names:
            old.unlink()
    manifest = []
    for name, data, dataset, about, expect in items:
        (FILES / name).write_bytes(data)
        entry = {"file": name, "dataset": dataset, "about": about}
        extra = {k: expect.pop(k) for k in ("stored", "limits") if k in expect}
        manifest.append(entry | {"expect": expect} | extra)
    MANIFEST.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    total = sum((FILES / n).stat().st_size for n in names)
    print(f"{len(items)} files, {total / 1e6:.2f} MB in {FILES}", file=sys.stderr)


if __name__ == "__main__":
    main()
