"""Excel and CSV files the data page hands to analysts: templates, the data dictionary, the error report."""
from __future__ import annotations

import csv
import functools
import io
import unicodedata
from typing import TYPE_CHECKING

import pandas as pd

from talentboard import schema
from talentboard.export import BOM
from talentboard.i18n import label, t
from talentboard.ingest.messages import Unit
from talentboard.schema import BOOL, DATE, DATASETS, ENUM, GRADE, TEXT, Column, Dataset

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

# openpyxl is imported when a workbook is written, not with this module: the data page runs on every
# visit and needs only the data dictionary from here (the import costs about 0.1-0.2 s).
FILL_COLOURS = {"REQUIRED_FILL": "F8CBAD", "OPTIONAL_FILL": "EDEDED", "HEADER_FILL": "DDEBF7",
                "BAD_FILL": "FFC7CE"}  # the last is Excel's own "light red fill"
MAX_WIDTH = 50
WIDTH_SAMPLE_ROWS = 200  # widths from the first rows only: an error report may hold ten thousand
@functools.cache
def fill(name: str) -> PatternFill:
    """A cell fill of FILL_COLOURS (REQUIRED_FILL, ...)."""
    from openpyxl.styles import PatternFill
    return PatternFill("solid", fgColor=FILL_COLOURS[name])


@functools.cache
def _illegal_characters():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    return ILLEGAL_CHARACTERS_RE


COLUMN_FIELDS = ("wb.col.header", "wb.col.name", "wb.col.type", "wb.col.required", "wb.col.aliases",
                 "wb.col.values", "wb.col.range", "wb.col.describe")


def _yes_no(flag: bool, lang: str) -> str:
    return t("wb.yes" if flag else "wb.no", lang)


# ----------------------------------------------------------------------------------------------
# One column described in words: the template's second sheet and the data dictionary
# ----------------------------------------------------------------------------------------------

def _allowed_values(column: Column, lang: str) -> str:
    sep = t("wb.value_sep", lang)
    if column.type == ENUM:
        return sep.join(column.values)
    if column.type == GRADE:
        return t("wb.list_sep", lang).join(sep.join(scale) for scale in schema.GRADE_SCALES)
    if column.type == BOOL:
        return sep.join((column.true_words[0], column.false_words[0]))
    return ""


def _range(column: Column, lang: str) -> str:
    parts = []
    if column.minimum is not None:
        key = "wb.range.more_than" if column.min_exclusive else "wb.range.at_least"
        parts.append(t(key, lang, n=f"{column.minimum:g}"))
    if column.maximum is not None:
        parts.append(t("wb.range.at_most", lang, n=f"{column.maximum:g}"))
    if column.unit:
        parts.append(t("wb.range.unit", lang, unit=Unit(column.unit).text(lang)))
    if column.percent:
        parts.append(t("wb.range.percent", lang))
    if column.type == DATE:
        parts.append(t("wb.range.date", lang))
    return t("wb.list_sep", lang).join(parts)


def _column_fields(column: Column, lang: str) -> list[str]:
    """The values under COLUMN_FIELDS for one column."""
    return [column.label_zh, column.name, t(f"wb.type.{column.type}", lang), _yes_no(column.required, lang),
            t("wb.value_sep", lang).join(column.aliases), _allowed_values(column, lang), _range(column, lang),
            (column.describe_en if lang == "en" else column.describe_zh) or ""]


def _dictionary_rows(dataset: Dataset, lang: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows for one dataset: the column fields with the natural key marked after 'required'."""
    header = [t(k, lang) for k in COLUMN_FIELDS]
    header.insert(4, t("wb.col.key", lang))
    rows = []
    for column in dataset.columns:
        fields = _column_fields(column, lang)
        fields.insert(4, _yes_no(column.name in dataset.key, lang))
        rows.append(fields)
    return header, rows


# ----------------------------------------------------------------------------------------------
# Writing cells
# ----------------------------------------------------------------------------------------------

def _put(ws, row: int, col: int, value: object):
    """Write a cell; text stays text (never a formula, never a number), characters XML forbids dropped."""
    cell = ws.cell(row, col)
    if isinstance(value, str):
        value = _illegal_characters().sub("", value) or None  # an empty string is an empty cell
    if value is not None:
        cell.value = value
    if isinstance(value, str):
        cell.data_type, cell.number_format = "s", "@"
    return cell


def _display_width(text: object) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _fit_widths(ws) -> None:
    """Widths that fit the text (a Chinese character is two units wide); longer text wraps."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    for cells in ws.iter_cols(max_row=min(ws.max_row, WIDTH_SAMPLE_ROWS)):
        longest = max((_display_width(c.value) for c in cells if c.value is not None), default=0)
        ws.column_dimensions[get_column_letter(cells[0].column)].width = min(max(longest + 3, 8), MAX_WIDTH)
        if longest + 3 > MAX_WIDTH:
            for cell in cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _header(ws, values: list[str]) -> None:
    from openpyxl.styles import Font
    for j, value in enumerate(values, start=1):
        cell = _put(ws, 1, j, value)
        cell.font = Font(bold=True)
        cell.fill = fill("HEADER_FILL")
    ws.freeze_panes = "A2"


def _table(ws, header: list[str], rows: list[list[str]]) -> None:
    _header(ws, header)
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            _put(ws, i, j, value)
    _fit_widths(ws)


def _to_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ----------------------------------------------------------------------------------------------
# Templates and the data dictionary
# ----------------------------------------------------------------------------------------------

def template_xlsx(dataset_name: str, lang: str = "zh") -> bytes:
    """The dataset's header (Chinese labels, which import everywhere) and two example rows; its columns explained."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    dataset = DATASETS[dataset_name]
    wb = Workbook()
    ws = wb.active
    ws.title = label(dataset, lang)
    for j, column in enumerate(dataset.columns, start=1):
        cell = _put(ws, 1, j, column.label_zh)
        cell.font = Font(bold=column.required)
        cell.fill = fill("REQUIRED_FILL" if column.required else "OPTIONAL_FILL")
        for i, example in enumerate(schema.EXAMPLES[dataset.name], start=2):
            _put(ws, i, j, example[column.name])
        if column.type == TEXT:  # ids typed into the column keep their leading zeros
            ws.column_dimensions[get_column_letter(j)].number_format = "@"
    ws.freeze_panes = "A2"
    _fit_widths(ws)
    _table(wb.create_sheet(t("wb.sheet.columns", lang)), [t(k, lang) for k in COLUMN_FIELDS],
           [_column_fields(c, lang) for c in dataset.columns])
    return _to_bytes(wb)


def template_csv(dataset_name: str) -> bytes:
    """The header (Chinese labels) and two example rows, as UTF-8 with the BOM Excel needs."""
    dataset = DATASETS[dataset_name]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.label_zh for c in dataset.columns])
    for example in schema.EXAMPLES[dataset.name]:
        writer.writerow([example[c.name] for c in dataset.columns])
    return BOM + buffer.getvalue().encode("utf-8")


def data_dictionary(lang: str = "zh") -> pd.DataFrame:
    """Every column of every dataset, in registry order, described in lang."""
    frames = []
    for dataset in DATASETS.values():
        header, rows = _dictionary_rows(dataset, lang)
        frame = pd.DataFrame(rows, columns=header)
        frame.insert(0, t("wb.col.dataset", lang), label(dataset, lang))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def data_dictionary_xlsx(lang: str = "zh") -> bytes:
    """The data dictionary, one sheet per dataset."""
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    for dataset in DATASETS.values():
        _table(wb.create_sheet(label(dataset, lang)), *_dictionary_rows(dataset, lang))
    return _to_bytes(wb)


# ----------------------------------------------------------------------------------------------
# The error report
# ----------------------------------------------------------------------------------------------

def _reason(error, headers: list[str], lang: str) -> str:
    """The reason as <header>：<message>; an error at an unknown position (-1) names the header it carries."""
    known = 0 <= error.position < len(headers)
    header = (headers[error.position] or "").strip() if known else getattr(error, "header", "")
    message = error.message(lang)
    return t("wb.reason", lang, header=header, message=message) if header else message


def error_report_xlsx(headers: list[str], rows: list[tuple[int, list[str | None]]], errors: list,
                      lang: str = "zh") -> bytes:
    """The rejected rows as the file had them, bad cells in red with the reason as a comment; fixed and
    uploaded again it imports, the row-number and reason columns being ignored as unknown."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    by_row: dict[int, list] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    wb = Workbook()
    ws = wb.active
    ws.title = t("wb.sheet.rejected", lang)
    _header(ws, [t("wb.col.row", lang), *headers, t("wb.col.reason", lang)])
    reason_col = len(headers) + 2
    for i, (number, cells) in enumerate(rows, start=2):
        ws.cell(i, 1, number)
        for j, value in enumerate(cells[:len(headers)]):
            _put(ws, i, j + 2, value)
        reasons, bad = [], {}
        for error in by_row.get(number, []):
            reasons.append(_reason(error, headers, lang))
            if 0 <= error.position < len(headers):
                bad.setdefault(error.position, []).append(error.message(lang))
        for position, messages in bad.items():
            cell = ws.cell(i, position + 2)
            cell.fill = fill("BAD_FILL")
            cell.comment = Comment("\n".join(messages), "Talentboard")
        _put(ws, i, reason_col, t("wb.list_sep", lang).join(reasons))
    _fit_widths(ws)
    howto = wb.create_sheet(t("wb.sheet.howto", lang))
    for i, key in enumerate(("wb.howto.1", "wb.howto.2", "wb.howto.3"), start=1):
        _put(howto, i, 1, t(key, lang))
    howto.column_dimensions["A"].width = 100
    return _to_bytes(wb)
