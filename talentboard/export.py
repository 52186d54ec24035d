"""Exports: every dataset as CSV (with BOM, safe against spreadsheet formulas) and Parquet, and beside
them a full copy of the store (its batches and every dataset's rows as Parquet, with a manifest) that
`restore` rebuilds an equal store from."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from talentboard import schema, sql, store
from talentboard.ingest import file_hash, lit
from talentboard.schema import DATASETS

BACKUP_DIR = "backup"  # under the export directory
BACKUP_FORMAT = "talentboard-backup"
BACKUP_VERSION = 1
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
    return f"select {', '.join(cols)} from {dataset.name}_current order by _batch_id, _row"  # as imported


def backup_tables() -> list[str]:
    """The store's tables a restore needs, in the order they are written; names from the registry only."""
    return ["batches", "column_mappings", *(f"{name}_rows" for name in DATASETS)]


def _copy(con, out, query: str, path: Path, options: str) -> None:
    """COPY a query on the store to `path` through `out`, the connection that may write there; rows stream."""
    out.register("_export", con.sql(query).to_arrow_reader())
    try:
        out.execute(f"copy (select * from _export) to $path ({options})", {"path": str(path)})
    finally:
        out.unregister("_export")


def export_all(directory: Path | str, db: Path | str | None = None) -> list[Path]:
    """Write <dataset>.csv and <dataset>.parquet for every dataset, and the store's full copy under
    backup/ (private to the user: it holds every batch ever imported); return the files written.
    Everything comes from one snapshot of the store."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    backup = directory / BACKUP_DIR
    backup.mkdir(mode=0o700, exist_ok=True)
    (backup / "manifest.json").unlink(missing_ok=True)  # written last: a copy cut short has none
    written = []
    with store.connect(db) as con, tempfile.TemporaryDirectory(prefix="talentboard-export-") as scratch, \
            sql.file_connection(directory, scratch) as out:
        with sql.transaction(con):  # one snapshot
            for dataset in DATASETS.values():
                parquet, body = directory / f"{dataset.name}.parquet", Path(scratch) / f"{dataset.name}.csv"
                _copy(con, out, f"select {', '.join(dataset.column_names)} from {dataset.name}_current "
                                f"order by _batch_id, _row", parquet, "format parquet")
                _copy(con, out, _safe_select(dataset), body, "format csv, header true")
                target = directory / f"{dataset.name}.csv"
                with open(target, "wb") as dst, open(body, "rb") as src:  # the BOM Excel needs, then DuckDB's CSV
                    dst.write(BOM)
                    shutil.copyfileobj(src, dst, 1 << 20)
                written += [target, parquet]
            written += _write_backup(con, out, backup)
    return written


def _write_backup(con, out, backup: Path) -> list[Path]:
    tables = {}
    for table in backup_tables():
        path = backup / f"{table}.parquet"
        _copy(con, out, f"select * from {table}", path, "format parquet")
        rows = con.execute(f"select count(*) from {table}").fetchall()[0][0]
        tables[table] = {"file": path.name, "rows": rows, "sha256": file_hash(path)}
    last = con.execute("select coalesce(max(last_value), 0) from duckdb_sequences() "
                       "where sequence_name = 'batch_seq'").fetchall()[0][0]
    top = con.execute("select coalesce(max(batch_id), 0) from batches").fetchall()[0][0]
    salt = con.execute("select value from meta where key = 'privacy_salt'").fetchall()
    manifest = {"format": BACKUP_FORMAT, "format_version": BACKUP_VERSION, "schema_version": store.SCHEMA_VERSION,
                "created_at": dt.datetime.now().isoformat(timespec="seconds"),
                "next_batch_id": max(last or 0, top) + 1, "tables": tables,
                "privacy_salt": salt[0][0] if salt else None}  # the restored store's links name the same people
    partial = backup / "manifest.json.partial"
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(partial, backup / "manifest.json")
    return [backup / t["file"] for t in tables.values()] + [backup / "manifest.json"]


class RestoreRefused(Exception):
    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


def read_manifest(directory: Path | str) -> tuple[Path, dict]:
    """The backup under an export directory (or the backup directory itself) and its checked manifest:
    the format this version writes, the store's schema version, every table's file there and unchanged."""
    directory = Path(directory)
    backup = directory if (directory / "manifest.json").is_file() else directory / BACKUP_DIR
    try:
        manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise RestoreRefused("err.restore_no_backup", dir=str(directory)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise RestoreRefused("err.restore_no_backup", dir=str(directory))
    if manifest.get("schema_version") != store.SCHEMA_VERSION or manifest.get("format_version") != BACKUP_VERSION:
        raise RestoreRefused("err.restore_version", version=manifest.get("schema_version"), ours=store.SCHEMA_VERSION)
    if not isinstance(manifest.get("next_batch_id"), int) or manifest["next_batch_id"] < 1:
        raise RestoreRefused("err.restore_damaged", file="manifest.json")
    tables = manifest.get("tables") or {}
    for table in backup_tables():
        entry = tables.get(table) or {}
        path = backup / f"{table}.parquet"
        if entry.get("file") != path.name or not path.is_file() or file_hash(path) != entry.get("sha256"):
            raise RestoreRefused("err.restore_damaged", file=path.name)
    return backup, manifest


def restore(directory: Path | str, db: Path | str | None = None, force: bool = False) -> dict[str, int]:
    """Rebuild the store from an export's full copy, in one transaction: into a new or empty database,
    or over a store that holds data only with `force`. Returns the rows restored per table."""
    backup, manifest = read_manifest(directory)
    restored = {}
    with store.connect(db) as con, sql.file_connection(backup) as src:
        held = con.execute("select count(*) from batches").fetchall()[0][0]
        rows = sum(con.execute(f"select count(*) from {table}").fetchall()[0][0] for table in backup_tables())
        if rows and not force:
            raise RestoreRefused("err.restore_not_empty", batches=held)
        with sql.transaction(con):
            for table in backup_tables():
                con.execute(f"delete from {store.stored_table(table)}")
                con.register("_restore", src.sql("select * from read_parquet($path)",
                                                 params={"path": str(backup / f"{table}.parquet")}).to_arrow_reader())
                try:
                    con.execute(f"insert into {store.stored_table(table)} by name select * from _restore")
                finally:
                    con.unregister("_restore")
                restored[table] = con.execute(f"select count(*) from {table}").fetchall()[0][0]
                if restored[table] != manifest["tables"][table]["rows"]:
                    raise RestoreRefused("err.restore_damaged", file=f"{table}.parquet")
            con.execute(f"create or replace sequence batch_seq start {int(manifest['next_batch_id'])}")
            if isinstance(manifest.get("privacy_salt"), str):
                con.execute("update meta set value = $salt where key = 'privacy_salt'", {"salt": manifest["privacy_salt"]})
            store.refresh(con)
            con.execute("delete from results")  # computed from the data this restore replaced
    return restored
