"""What the data page does with an uploaded file: keep it, guess its dataset, preview it and import it."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from talentboard import ingest, store
from talentboard.schema import DATASETS

UPLOAD_DIR = Path(tempfile.gettempdir()) / "talentboard-uploads"
KEEP_UPLOADS_SECONDS = 24 * 3600
PREVIEW_ROWS = 20
ENCODINGS = ("utf-8", "gb18030", "utf-16")  # what a user may choose instead of the detected one
# The view that shows each dataset best, for the link after an import.
VIEW_OF_DATASET = {"employees": "pages/overview.py", "training": "pages/training.py",
                   "competition": "pages/competition.py", "grading": "pages/competition.py",
                   "innovation": "pages/innovation.py"}


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


@dataclass
class Preview:
    result: store.ImportResult
    mapping: dict[str, str] = field(default_factory=dict)  # the hand-made mapping in effect
    remembered: bool = False  # the mapping came from an earlier import of a file laid out the same way


def keep(name: str, data: bytes) -> Upload:
    """Keep an uploaded file's bytes where the pipeline can read them; one copy per content."""
    _prune()
    digest = hashlib.sha256(data).hexdigest()
    folder = UPLOAD_DIR / digest
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (Path(name).name or "upload")
    if path.exists():
        os.utime(folder)  # in use again: not pruned
    else:
        partial = folder / f".{os.getpid()}.part"
        partial.write_bytes(data)
        partial.replace(path)  # atomic: a second session never reads half a file
    return Upload(name, path, digest)


def _prune() -> None:
    """Uploads untouched for a day are gone: they are in the database or were abandoned."""
    if not UPLOAD_DIR.exists():
        return
    cutoff = time.time() - KEEP_UPLOADS_SECONDS
    for old in UPLOAD_DIR.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old)
        except OSError:
            continue


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
        return Reading(problem=_unexpected(error))
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
                             strict=choices.strict, encoding=choices.encoding, **options)


def _unexpected(error: Exception) -> ingest.Message:
    return ingest.Message("err.internal", {"reason": f"{type(error).__name__}: {error}"})


def _dry_run(upload: Upload, choices: Choices, mapping: dict[str, str], db: str | None) -> store.ImportResult:
    try:
        return _import(upload, choices, mapping, dry_run=True, preview_rows=PREVIEW_ROWS, db=db)
    except Exception as error:  # nothing is written by a dry run; the page says why instead of a traceback
        return store.ImportResult(choices.dataset, upload.name, "", dry_run=True, rejection=_unexpected(error))


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
    """Import for real; a hand-made mapping that worked is remembered for the next file laid out the same way."""
    mapping = dict(choices.mapping)
    result = _import(upload, choices, mapping, user=user, origin="web", progress=progress, db=db)
    if result.batch_id is not None and result.layout is not None and mapping:
        store.remember_mapping(choices.dataset, result.layout.headers, mapping, db=db)
    return result
