"""What the data page does with an uploaded file: keep it, guess its dataset, preview it and import it.

An upload is kept only while it is previewed, in a folder private to the app (0700, files 0600): deleted once
imported, when the user takes it off the page, or when untouched for settings.UPLOAD_KEEP_MINUTES."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import pandas as pd

from talentboard import ingest, schema, settings, store
from talentboard.ingest import read
from talentboard.i18n import label, t
from talentboard.schema import BOOL, DATASETS, DATE, ENUM, GRADE

# In the system's temp folder, prune() also deletes what a killed process left there: the import's work folders
# (talentboard-import-*: a UTF-8 copy of a file while it is read) and where uploads were kept before (talentboard-uploads).
SYSTEM_TEMP = Path(tempfile.gettempdir())
LEGACY_UPLOAD_DIR = SYSTEM_TEMP / "talentboard-uploads"
PREVIEW_ROWS = 20
ENCODINGS = ("utf-8", "gb18030", "utf-16")  # what a user may choose instead of the detected one
# The view that shows each dataset best, for the link after an import.
VIEW_OF_DATASET = {"employees": "pages/overview.py", "training": "pages/training.py",
                   "competition": "pages/competition.py", "grading": "pages/competition.py",
                   "innovation": "pages/innovation.py"}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    name: str  # the file's own name, as the user's computer called it
    path: Path  # the kept copy the pipeline reads, under the same name so messages name the user's file
    digest: str


@dataclass(frozen=True)
class Reading:
    """What a first look at a file tells: the dataset and sheet its header matches best, the workbook's
    sheets, or why it cannot be read at all."""
    dataset: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    problem: ingest.Message | None = None


@dataclass(frozen=True)
class Choices:
    """How to read and load a file; None means "as detected"."""
    dataset: str
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    mapping: tuple[tuple[str, str], ...] = ()  # hand-made: source header -> column ("" leaves it out)
    replace: bool = False
    strict: bool = False
    clear_demo: bool = False  # the demo leaves the current data in the import's own transaction


@dataclass
class Preview:
    result: store.ImportResult
    mapping: dict[str, str] = field(default_factory=dict)  # the hand-made mapping in effect
    remembered: bool = False  # the mapping came from an earlier import of a file laid out the same way


def upload_dir() -> Path:
    """The app's folder for uploads: settings.UPLOADS, else `uploads` beside the database file."""
    return Path(settings.UPLOADS) if settings.UPLOADS else store.db_path().parent / "uploads"


def _private_dir(path: Path) -> Path:
    """A folder only the app's account may enter (0700), made so even where it was already there, wider."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) != 0o700:
        os.chmod(path, 0o700)
    return path


def receive(name: str, data: bytes, owner: str = "") -> Upload:
    """The upload a file's bytes make, nothing written yet: its name, where keep() puts it, its digest.
    A file over the size cap is refused (ingest.ImportRejected). `owner` (letters and digits) keeps one
    session's copy apart from another's, so each is deleted on its own."""
    if not re.fullmatch(r"[0-9A-Za-z]*", owner):
        raise ValueError(f"owner must be letters and digits: {owner!r}")
    read.check_size(name, len(data), settings.MAX_UPLOAD_MB)
    digest = hashlib.sha256(data).hexdigest()
    base = Path(name).name
    base = "upload" if base in ("", ".", "..") else base
    return Upload(name, upload_dir() / (f"{owner}-{digest}" if owner else digest) / base, digest)


def keep(name: str, data: bytes, owner: str = "") -> Upload:
    """Keep an uploaded file's bytes where the pipeline can read them, readable by the app alone (0600 in a
    0700 folder); one copy per content and owner. Refuses a file over the size cap (ingest.ImportRejected)."""
    upload = receive(name, data, owner)
    prune()
    _private_dir(upload_dir())  # first, so no moment finds it wider; and tightened if it was found so
    folder = _private_dir(upload.path.parent)
    try:
        if stat.S_IMODE(upload.path.stat().st_mode) != 0o600:
            os.chmod(upload.path, 0o600)
        os.utime(folder)  # in use again: not pruned
        return upload
    except FileNotFoundError:  # not kept yet (or pruned this instant by another session)
        pass
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")  # made 0600, never shared
    with os.fdopen(handle, "wb") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(data)
    os.replace(partial, upload.path)  # atomic: a second run never reads half a file
    return upload


def discard(upload: Upload) -> None:
    """Delete a kept upload, and its folder once empty (the same bytes may be kept under another name), and
    what its preview kept for the import."""
    ingest.forget_staged(upload.path)
    upload.path.unlink(missing_ok=True)
    try:
        upload.path.parent.rmdir()
    except OSError:  # not empty, or gone already
        pass


def prune(now: float | None = None) -> list[Path]:
    """Delete uploads untouched for settings.UPLOAD_KEEP_MINUTES: abandoned previews (imported ones are gone
    already); on the same clock, the app's leftovers in the system's temp folder. Returns what it deleted."""
    cutoff = (time.time() if now is None else now) - settings.UPLOAD_KEEP_MINUTES * 60
    found = [p for p in sorted(SYSTEM_TEMP.glob("talentboard-import-*")) if p != LEGACY_UPLOAD_DIR]
    for root in dict.fromkeys((upload_dir(), LEGACY_UPLOAD_DIR)):
        found += sorted(root.iterdir()) if root.is_dir() else []
    gone = []
    for old in found:
        try:
            about = old.lstat()
            if about.st_mtime >= cutoff or about.st_uid != os.getuid():  # in use, or not the app's
                continue
            if stat.S_ISDIR(about.st_mode):
                shutil.rmtree(old)
            else:
                old.unlink()
            gone.append(old)
        except FileNotFoundError:  # deleted meanwhile by another session
            continue
        except OSError as error:  # said in the server's log
            log.warning("could not prune %s: %s", old, error)
    return gone


def first_look(upload: Upload) -> Reading:
    """The dataset (and, in a workbook, the sheet) whose header matches best: most of the dataset's
    required columns first, then most columns."""
    try:
        with open(upload.path, "rb") as f:
            excel = f.read(8).startswith((ingest.XLSX_MAGIC, ingest.XLS_MAGIC))
        sheets = tuple(ingest.excel_records(upload.path, rows=0)[1]) if excel else ()
        heads = {sheet: ingest.head_records(upload.path, sheet) for sheet in sheets or (None,)}
    except ingest.ImportRejected as rejected:
        return Reading(problem=ingest.Message(rejected.key, rejected.values))
    except Exception as error:  # whatever else a hostile file does: a message, never a traceback
        return Reading(problem=unexpected(error))
    best, best_score = Reading(sheet=sheets[0] if sheets else None, sheets=sheets), (0.0, 0)
    for sheet, records in heads.items():
        for dataset in DATASETS.values():
            matched = ingest.best_header_match(records, dataset)
            required = {c.name for c in dataset.required}
            score = (len(matched & required) / len(required), len(matched))
            if score > best_score:
                best, best_score = Reading(dataset.name, sheet, sheets), score
    return best


def _import(upload: Upload, choices: Choices, mapping: dict[str, str], **options) -> store.ImportResult:
    return store.import_file(upload.path, choices.dataset, file_name=upload.name, replace=choices.replace,
                             sheet=choices.sheet, header_row=choices.header_row, mapping=mapping or None,
                             strict=choices.strict, encoding=choices.encoding, clear_demo=choices.clear_demo,
                             **options)


def unexpected(error: Exception) -> ingest.Message:
    """What the page says when something it did not foresee stops a look, a dry run or an import: the
    database was busy past the wait (say so: try again), or anything else (logged in full on the server
    under a reference the user can quote; the page shows no Python wording). Nothing was written either way."""
    if isinstance(error, store.DatabaseBusy):
        return ingest.Message("busy.import_later")
    ref = secrets.token_hex(4)
    log.error("unexpected error, reference %s", ref, exc_info=error)
    return ingest.Message("err.internal_ref", {"ref": ref})


def _dry_run(upload: Upload, choices: Choices, mapping: dict[str, str], db: str | None) -> store.ImportResult:
    try:  # the file as read and checked is kept for the import (one pass): only the duplicate check runs again
        return _import(upload, choices, mapping, dry_run=True, preview_rows=PREVIEW_ROWS, db=db, keep_staged=True)
    except Exception as error:  # nothing is written by a dry run; the page says why instead of a traceback
        return store.ImportResult(choices.dataset, upload.name, "", dry_run=True, rejection=unexpected(error))


def preview(upload: Upload, choices: Choices, db: str | None = None) -> Preview:
    """A dry run: how the file reads, what would load, what would be skipped or rejected and why. Without a
    hand-made mapping, the one remembered for this file layout is used."""
    mapping = dict(choices.mapping)
    result = _dry_run(upload, choices, mapping, db)
    if mapping or result.layout is None:
        return Preview(result, mapping)
    remembered = store.remembered_mapping(choices.dataset, result.layout.headers, db=db)
    if not remembered:
        return Preview(result, mapping)
    again = _dry_run(upload, replace(choices, mapping=tuple(remembered.items())), remembered, db)
    return Preview(again, remembered, remembered=True)


def run_import(upload: Upload, choices: Choices, user: str = "", db: str | None = None,
               progress: Callable[[float, str], None] | None = None) -> store.ImportResult:
    """Import for real; a hand-made mapping that worked is remembered for the next file laid out the same way.
    The file as its preview read and checked it is used when it is there (the same file and reading choices);
    the duplicate check runs against the data as it is now. Once imported, the kept upload is deleted."""
    mapping = dict(choices.mapping)
    result = _import(upload, choices, mapping, user=user, origin="web", progress=progress, db=db, keep_staged=True)
    if result.batch_id is not None and result.layout is not None and mapping:
        store.remember_mapping(choices.dataset, result.layout.headers, mapping, db=db)
    if result.batch_id is not None:  # in the database now: the kept copy goes at once
        discard(upload)
    return result


# ----------------------------------------------------------------------------------------------
# What the page shows: every cell as the reader reads it, never None, nan or NaT
# ----------------------------------------------------------------------------------------------

MISSING = "—"


def _missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: not one missing value
        return False


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6f}".rstrip("0").rstrip(".")


def cell_text(dataset: str, column: str, value, lang: str) -> str:
    """One stored value as the page shows it: dates as YYYY-MM-DD, whole numbers without .0, yes/no in
    words, enum values by their display name; a missing value as a dash."""
    if _missing(value):
        return MISSING
    kind = DATASETS[dataset].column(column).type
    if kind == DATE or hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if kind == BOOL or isinstance(value, bool):
        return t("wb.yes" if value else "wb.no", lang)
    if kind in (ENUM, GRADE):
        return str(schema.display(dataset, column, value, lang))
    if isinstance(value, float):
        return _number(value)
    return str(value)


def preview_table(preview: pd.DataFrame, dataset: str, lang: str) -> pd.DataFrame:
    """The first rows to load, as text; columns the file leaves wholly empty are left out."""
    shown = preview.dropna(axis=1, how="all")
    return pd.DataFrame({c: [cell_text(dataset, c, v, lang) for v in shown[c]] for c in shown.columns},
                        columns=list(shown.columns))


def error_table(errors: list[ingest.RowError], dataset: str, lang: str) -> pd.DataFrame:
    """Rejected rows: the row number, whose row it is (工号 and name, when the dataset has them), the column,
    the value as the file has it, and why."""
    names = DATASETS[dataset].column_names
    who = [c for c in ("employee_id", "name") if c in names and any(getattr(e, c) for e in errors)]
    blank = t("data.empty_value", lang)
    rows = [{"row": e.row, **{c: getattr(e, c) or MISSING for c in who}, "column": e.header or e.column,
             "value": blank if e.value is None or not str(e.value).strip() else e.value,
             "reason": e.message(lang)} for e in errors]
    return pd.DataFrame(rows, columns=["row", *who, "column", "value", "reason"])


def error_table_labels(dataset: str, lang: str) -> dict[str, str]:
    """The error table's column headings."""
    columns = DATASETS[dataset]
    return {"row": t("data.col.row", lang), "column": t("data.col.column", lang), "value": t("data.col.value", lang),
            "reason": t("data.col.reason", lang)} | {c: label(columns.column(c), lang) for c in ("employee_id", "name")
                                                     if c in columns.column_names}


HISTORY_COLUMNS = ("batch_id", "imported_at", "user_name", "file", "dataset", "mode", "rows_read", "rows_loaded",
                   "rows_duplicate", "rows_rejected", "status")


def error_report(result: store.ImportResult, lang: str) -> bytes:
    """The Excel error report of an import or dry run: its rejected rows as read, each with its reasons."""
    from talentboard import workbooks  # openpyxl, imported only when a report is written (about 0.2 s)
    return workbooks.error_report_xlsx(result.layout.headers, result.rejected_rows, result.errors, lang)


def history_table(batches: list[dict], lang: str) -> pd.DataFrame:
    """The import history as the page shows it: names in the reader's language, a dash for an unknown user."""
    rows = [{"batch_id": b["batch_id"], "imported_at": b["imported_at"],
             "user_name": t("data.user_demo", lang) if b.get("origin") == "demo" else b["user_name"] or MISSING,
             "file": b["file"] or MISSING, "dataset": label(DATASETS[b["dataset"]], lang),
             "mode": t(f"mode.{b['mode']}", lang), "rows_read": b["rows_read"] or 0, "rows_loaded": b["rows_loaded"] or 0,
             "rows_duplicate": b["rows_duplicate"] or 0, "rows_rejected": b["rows_rejected"] or 0,
             "status": t(f"status.{b['status']}", lang)} for b in batches]
    return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def uploader_css(lang: str, limit_mb: int) -> str:
    """Streamlit's file uploader writes its button ("Upload"), its limit ("200MB per file") and its drop hint
    ("Drag and drop files here") in English: a style that hides them and shows ours from the translation
    table in their place. Plain CSS: offline, no fonts."""
    zone = '[data-testid="stFileUploaderDropzone"]'
    button = f'{zone} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]'
    limit = '[data-testid="stFileUploaderDropzoneInstructions"]'
    drop = f"{zone} > div.euud7oh1 > span"  # the hint shown while a file is dragged over
    return (f"<style>\n"
            f"{button} p {{ display: none; }}\n"
            f"{button}::after {{ content: {_css_string(t('data.uploader_button', lang))}; }}\n"
            f"{limit} span {{ display: none; }}\n"
            f"{limit} > div::after {{ content: {_css_string(t('data.upload_limit', lang, mb=limit_mb))}; "
            f"font-size: 0.875rem; opacity: 0.7; }}\n"
            f"{drop} {{ font-size: 0; }}\n"
            f"{drop}::after {{ content: {_css_string(t('data.uploader_drop', lang))}; font-size: 0.875rem; }}\n"
            f"</style>")
