"""Exports: every dataset as CSV (with BOM, safe against spreadsheet formulas) and Parquet."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd

from talentboard import schema, store
from talentboard.ingest import lit
from talentboard.schema import DATASETS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff".encode("utf-8")


def safe_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as CSV with a UTF-8 BOM (Excel opens it right), formula-safe."""
    safe = frame.copy()
    for name in safe.columns:
        if safe[name].dtype == object or pd.api.types.is_string_dtype(safe[name]):
            safe[name] = safe[name].map(safe_cell)
    return BOM + safe.to_csv(index=False).encode("utf-8")


def _safe_select(dataset: schema.Dataset) -> str:
    """The dataset's columns, text ones made formula-safe in SQL so large exports never enter Python."""
    starts = "[" + ", ".join(lit(s) for s in FORMULA_START) + "]"
    cols = []
    for c in dataset.columns:
        if schema.SQL_TYPES[c.type] == "VARCHAR":
            cols.append(f"case when list_contains({starts}, left({c.name}, 1)) then '''' || {c.name} "
                        f"else {c.name} end as {c.name}")
        else:
            cols.append(c.name)
    return f"select {', '.join(cols)} from {dataset.name}"


def export_all(directory: Path | str, db: Path | str | None = None) -> list[Path]:
    """Write <dataset>.csv and <dataset>.parquet for every dataset; return the files written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    with store.connect(db) as con, tempfile.TemporaryDirectory(prefix="talentboard-export-") as scratch:
        for dataset in DATASETS.values():
            parquet, body = directory / f"{dataset.name}.parquet", Path(scratch) / f"{dataset.name}.csv"
            con.execute(f"copy (select * from {dataset.name}) to $path (format parquet)", {"path": str(parquet)})
            con.execute(f"copy ({_safe_select(dataset)}) to $path (format csv, header true)", {"path": str(body)})
            target = directory / f"{dataset.name}.csv"
            with open(target, "wb") as out, open(body, "rb") as src:  # the BOM Excel needs, then DuckDB's CSV
                out.write(BOM)
                shutil.copyfileobj(src, out, 1 << 20)
            written += [target, parquet]
    return written
