"""The store: one DuckDB file holding every import batch, each dataset's rows, and views of the current data."""
from __future__ import annotations

import atexit
import contextvars
import datetime as dt
import hashlib
import json
import os
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from talentboard import ingest, schema, settings, sql
from talentboard.ingest import ImportRejected, Message, Prepared, RowError
from talentboard.schema import DATASETS, Dataset

ROSTER = schema.EMPLOYEES  # the dataset whose rows fill others' gaps (fill_from_roster)
# The roster's columns a record is scoped by (its person's org and line as the roster has them now), kept
# beside each record of a dataset filled from the roster as _roster_<column>: queries never join the roster
# to ten million records again.
ROSTER_SCOPE = ("org", "line")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "data" / "talentboard.duckdb"
DEMO_DIR = REPO_ROOT / "data" / "demo"
SCHEMA_VERSION = "5"
MACROS = (REPO_ROOT / "queries" / "macros.sql").read_text(encoding="utf-8")
MACROS_HASH = hashlib.sha256(MACROS.encode("utf-8")).hexdigest()[:16]
_SCHEMA_LOCK = threading.Lock()  # one thread of a process makes the schema ready at a time
LOCK_WAIT_SECONDS = 10.0
# DuckDB shares one database instance between a process's connections to a file and drops it with the
# last one; a connect racing that drop fails ("Unique file handle conflict", ResourceInUseException),
# which the app's sessions, each opening short connections on its own thread, did. So a process opens
# and closes its store connections one at a time.
_OPEN_CLOSE = threading.Lock()
BATCH_COLUMNS = ("batch_id", "dataset", "file", "content_hash", "mode", "rows_read", "rows_loaded",
                 "rows_duplicate", "rows_rejected", "imported_at", "user_name", "origin", "status",
                 "replaced_by", "rolled_back_at", "encoding", "sheet", "header_row")


def db_path() -> Path:
    return Path(os.environ.get("TALENTBOARD_DB") or DEFAULT_DB)


class DatabaseBusy(Exception):
    """Another process holds the database file. The path is for the command line; pages never show it."""

    def __init__(self, path: Path | str):
        super().__init__("the database file is in use by another process")
        self.path = str(path)


class StoreUnusable(Exception):
    """The file at the database path is not a Talentboard store this app may open; `key` says why.
    Nothing is written to such a file."""

    def __init__(self, key: str, path: Path | str, reason: str = ""):
        super().__init__(key)
        self.key, self.path, self.reason = key, str(path), reason


# How long a connect waits for another process to let go of the file, and whom to tell that it waits.
_lock_wait: contextvars.ContextVar[tuple[float, Callable[[], None] | None]] = contextvars.ContextVar(
    "talentboard_lock_wait", default=(LOCK_WAIT_SECONDS, None))


@contextmanager
def waiting(seconds: float, notify: Callable[[], None] | None = None):
    """Connections opened inside wait up to `seconds` for a busy file; `notify()` once when they start waiting."""
    token = _lock_wait.set((seconds, notify))
    try:
        yield
    finally:
        _lock_wait.reset(token)


def store_config() -> dict:
    """The store's connections: no file, URL or extension outside the store itself, and SQL cannot
    change that (lock_configuration). Every connection in a process shares one DuckDB instance per
    file, which must be opened with one configuration: reading a user's file or writing an export
    happens in a file_connection, never here."""
    # DuckDB applies the options in this order: temp_directory is refused if it comes before
    # enable_external_access, and lock_configuration must come last.
    return {"enable_external_access": False, **sql.limits(), "lock_configuration": True}


def _open(path: Path):
    """A connection to the store file, waiting its turn while another process holds it, and saying so in the
    file's waiting flag, which asks another process reading it to let go (see `reading`)."""
    seconds, notify = _lock_wait.get()
    deadline, told = time.monotonic() + seconds, False
    flag, flagged = _waiting_flag(path), False
    while True:
        try:
            with _OPEN_CLOSE:
                con = duckdb.connect(str(path), config=store_config())
            if flagged:
                flag.unlink(missing_ok=True)
            return con
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                not_duckdb = path.is_dir() or "not a valid duckdb" in str(exc).lower()
                key = "err.store_not_duckdb" if not_duckdb else "err.store_damaged"
                raise StoreUnusable(key, path, type(exc).__name__) from exc
            flagged = _raise_flag(flag) or flagged
            if time.monotonic() >= deadline:
                if flagged:
                    flag.unlink(missing_ok=True)
                raise DatabaseBusy(path) from exc
            if notify and not told:
                notify()
                told = True
            time.sleep(0.2)
        except duckdb.PermissionException as exc:  # another database format DuckDB would need an extension for
            raise StoreUnusable("err.store_not_duckdb", path, type(exc).__name__) from exc
        except duckdb.Error as exc:  # checksums that do not match, a block that cannot be read
            raise StoreUnusable("err.store_damaged", path, type(exc).__name__) from exc


def _waiting_flag(path: Path) -> Path:
    return path.with_name(path.name + ".waiting")


def _raise_flag(flag: Path) -> bool:
    """Say (again: a flag not renewed for FLAG_STALE seconds is ignored) that this process waits for the file."""
    try:
        flag.write_text(str(os.getpid()), encoding="ascii")
        return True
    except OSError:  # a read-only folder: the app still lets go when idle
        return False


FLAG_STALE = 3.0


def _someone_waits(path: Path) -> bool:
    """Another process has asked for the file within the last FLAG_STALE seconds."""
    try:
        return time.time() - _waiting_flag(path).stat().st_mtime < FLAG_STALE
    except OSError:
        return False


@contextmanager
def connect(path: Path | str | None = None):
    """A short-lived connection with the schema in place; waits (see `waiting`) while another process holds
    the file. A file that is not a Talentboard store raises StoreUnusable and is left as it is."""
    path = Path(path or db_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path)
    try:
        ensure_schema(con, path)
        yield con
    finally:
        with _OPEN_CLOSE:
            con.close()


class _Shared:
    """One process's connection to one store file, shared by its readers (each on a cursor of its own)."""

    def __init__(self, path: Path):
        self.path, self.con, self.readers, self.last = path, None, 0, 0.0
        self.lock = threading.Condition()


_shared: dict[Path, _Shared] = {}
_shared_lock = threading.Lock()


@contextmanager
def reading(path: Path | str | None = None):
    """A cursor for reading the store, on this process's one shared connection to it: the file is opened,
    checked and its schema made ready once, not once per query. The connection is let go after
    settings.READER_IDLE idle seconds, or as soon as the reads in flight end when another process (an
    import from the command line) waits for the file; while that process holds it, this waits (see
    `waiting`) and raises DatabaseBusy, as connect does. Reads see every commit: another process writes
    only while this one has let go, and this process's own writes share the connection's database."""
    path = Path(path or db_path()).absolute()
    with _shared_lock:
        shared = _shared.setdefault(path, _Shared(path))
    with shared.lock:
        if _someone_waits(path):  # let the other process in first: finish the reads in flight, close
            while shared.readers:
                shared.lock.wait(0.05)
            _let_go(shared)
        if shared.con is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            con = _open(path)
            try:
                ensure_schema(con, path)
            except BaseException:
                with _OPEN_CLOSE:
                    con.close()
                raise
            shared.con = con
            _start_closer()
        shared.readers += 1
        cursor = shared.con.cursor()
    try:
        yield cursor
    finally:
        cursor.close()
        with shared.lock:
            shared.readers -= 1
            shared.last = time.monotonic()
            shared.lock.notify_all()


def _let_go(shared: _Shared) -> None:
    """Close a shared connection nobody reads through (the caller holds its lock)."""
    if shared.con is not None and not shared.readers:
        with _OPEN_CLOSE:
            shared.con.close()
        shared.con = None


def release_readers() -> None:
    """Close this process's idle shared connections now (tests, and before a restore or a file copy)."""
    for shared in list(_shared.values()):
        with shared.lock:
            _let_go(shared)


atexit.register(release_readers)
_closer: threading.Thread | None = None


def _start_closer() -> None:
    """The thread that lets shared connections go when idle or asked for."""
    global _closer
    with _shared_lock:
        if _closer is None or not _closer.is_alive():
            _closer = threading.Thread(target=_close_idle, name="talentboard-reader-closer", daemon=True)
            _closer.start()


def _close_idle() -> None:
    while True:
        time.sleep(0.2)
        for shared in list(_shared.values()):
            if shared.con is None:
                continue
            idle = time.monotonic() - shared.last > settings.READER_IDLE
            if idle or _someone_waits(shared.path):
                with shared.lock:
                    _let_go(shared)


def ensure_schema(con, path: Path | str = "") -> None:
    """Create tables, views and the query macros (queries/macros.sql) once per schema version and macro text,
    in one transaction. A database holding anything else (no meta table, or a schema this version does not
    know) is refused, never changed."""
    with _SCHEMA_LOCK:
        _ensure_schema(con, path)


def _ensure_schema(con, path: Path | str) -> None:
    try:
        found, meta = dict(con.execute("select key, value from meta where key in ('schema_version', 'macros', "
                                       "'privacy_salt')").fetchall()), "meta"
    except duckdb.Error:  # no meta table, or someone else's table of that name
        found, meta = {}, ""
    version = [(found["schema_version"],)] if "schema_version" in found else []
    if version and version[0][0] == SCHEMA_VERSION:
        if found.get("macros") != MACROS_HASH or "privacy_salt" not in found:
            with sql.transaction(con):
                _install_macros(con)
        return
    if version and not (version[0][0].isdigit() and int(version[0][0]) < int(SCHEMA_VERSION)):
        raise StoreUnusable("err.store_newer", path, version[0][0])
    if not version:  # a new file (or one whose first schema never committed) holds nothing else
        try:
            objects = con.execute("select count(*) from (select table_name as name from duckdb_tables() "
                                  "where database_name = current_database() and not temporary union all "
                                  "select view_name from duckdb_views() where database_name = current_database() "
                                  "and not temporary and not internal) where name <> $meta",
                                  {"meta": meta}).fetchall()[0][0]
        except duckdb.Error as exc:
            raise StoreUnusable("err.store_damaged", path, type(exc).__name__) from exc
        if objects:  # tables, but no Talentboard schema version: another program's database
            raise StoreUnusable("err.store_foreign", path)
    with sql.transaction(con):
        con.execute("create table if not exists meta (key varchar, value varchar)")
        con.execute("create sequence if not exists batch_seq start 1")
        con.execute("""create table if not exists batches (
            batch_id bigint, dataset varchar, file varchar, content_hash varchar, mode varchar,
            rows_read bigint, rows_loaded bigint, rows_duplicate bigint, rows_rejected bigint,
            imported_at timestamp, user_name varchar, origin varchar, status varchar, replaced_by bigint,
            rolled_back_at timestamp, encoding varchar, sheet varchar, header_row integer)""")
        # results the views computed, kept per data version and code (see talentboard/warm.py)
        con.execute("create table if not exists results (version varchar, key varchar, value blob)")
        # hand-made column mappings, remembered per dataset and file layout (its normalised header)
        con.execute("""create table if not exists column_mappings (
            dataset varchar, layout_key varchar, mapping varchar, saved_at timestamp)""")
        tables = {name for (name,) in con.execute("select table_name from duckdb_tables() where "
                                                  "database_name = current_database() and not temporary").fetchall()}
        for dataset in DATASETS.values():
            _create_dataset(con, dataset, tables)
        refresh(con)  # a store from an earlier schema: its current data made ready once
        con.execute("delete from meta where key = 'schema_version'")
        con.execute("insert into meta values ('schema_version', ?)", [SCHEMA_VERSION])
        _install_macros(con)


def kept_once(dataset: Dataset) -> bool:
    """Whether the dataset's current rows are exactly its active batches' rows (an append dataset none of whose
    gaps depends on other rows): each row is then stored once, in <name>_stored, gaps filled from the roster as
    it is written, and the current data is read through the active batches (a filter that costs a tenth of a
    query, against writing every imported row twice). The others keep their current rows in a table of their
    own, computed again when their batches change: the roster (latest batch per key) and competition (a rank
    left blank is ranked in its whole field)."""
    return dataset.default_mode != "upsert" and not dataset.view_defaults


def _raw_sql(dataset: Dataset) -> str:
    """The stored rows as their files had them: a gap filled from the roster is a gap again."""
    bits = {c: 1 << i for i, c in enumerate(dataset.fill_from_roster)}
    columns = [f"case when _filled & {bits[c]} <> 0 then null else {c} end as {c}" if c in bits else c
               for c in dataset.column_names]
    return f"select _batch_id, _row, {', '.join(columns)} from {dataset.name}_stored"


def _create_dataset(con, dataset: Dataset, tables: set[str]) -> None:
    """A dataset's tables and views in this schema's form, from nothing or from an earlier schema's (whose
    <name>_rows held the batches' rows as written, and <name>_current, if any, a copy of the current ones)."""
    name = dataset.name
    columns = ", ".join(f"{c.name} {schema.SQL_TYPES[c.type]}" for c in dataset.columns)
    scope = [f"_roster_{c} varchar" for c in ROSTER_SCOPE] if dataset.fill_from_roster else []
    views = {v for (v,) in con.execute("select view_name from duckdb_views() where database_name = "
                                       "current_database() and not temporary and not internal").fetchall()}
    con.execute(f"drop {'view' if f'{name}_current' in views else 'table'} if exists {name}_current")
    if not kept_once(dataset):
        con.execute(f"create table if not exists {name}_rows (_batch_id bigint, _row bigint, {columns})")
        con.execute(f"create table {name}_current (_batch_id bigint, _row bigint, {columns}, "
                    f"_filled utinyint default 0{''.join(', ' + c for c in scope)})")
    else:
        if f"{name}_rows" in tables:  # the earlier schema's rows, as written: gaps filled by refresh()
            con.execute(f"alter table {name}_rows rename to {name}_stored")
            for column in ["_filled utinyint default 0", *scope]:
                con.execute(f"alter table {name}_stored add column {column}")
        con.execute(f"create table if not exists {name}_stored (_batch_id bigint, _row bigint, {columns}, "
                    f"_filled utinyint default 0{''.join(', ' + c for c in scope)})")
        con.execute(f"create or replace view {name}_rows as {_raw_sql(dataset)}")
        con.execute(f"create view {name}_current as select * from {name}_stored "
                    f"where _batch_id in {ingest.active_batches_sql()}")
    con.execute(f"create or replace view {name} as select {', '.join(dataset.column_names)} from {name}_current")


def stored_table(table: str) -> str:
    """The table that holds a backup table's rows (`<name>_rows`): a dataset kept once stores them in
    <name>_stored, its gaps filled; restore writes them there as written and refresh() fills them."""
    for dataset in DATASETS.values():
        if table == f"{dataset.name}_rows" and kept_once(dataset):
            return f"{dataset.name}_stored"
    return table


def _install_macros(con) -> None:
    """The scope macros every query may use, stored with the schema: a reader's cursor needs nothing more."""
    con.execute(MACROS)
    con.execute("delete from meta where key = 'macros'")
    con.execute("insert into meta values ('macros', ?)", [MACROS_HASH])
    # The secret in person_key(): a link naming a person carries an opaque key, never their employee id.
    con.execute("insert into meta select 'privacy_salt', ? where not exists "
                "(select 1 from meta where key = 'privacy_salt')", [secrets.token_hex(16)])


# ----------------------------------------------------------------------------------------------
# The current data, kept ready: <name>_current has each dataset's current rows, gaps filled from the roster
# and each record's roster org and line beside it, brought up to date in the same transaction as the
# import, replacement, rollback or restore that changed them (readers never see half of it); the view
# <name> only names its columns. Pages never join the roster or take the latest batch per key again. A
# dataset kept once (kept_once) stores each row once, filled as it is written, and <name>_current reads
# its active batches' rows through; the others' current rows are a table computed again from their batches.
# ----------------------------------------------------------------------------------------------

def _filled_rows_sql(dataset: Dataset, source: str, batch: str = "d._batch_id") -> str:
    """The rows of `source` (as written, with _row) as the current data has them, in no particular order
    (sorting ten million rows took a third of an import's write and a gigabyte; _batch_id and _row keep the
    file's order for whoever needs it): gaps filled as the registry says, `_filled` with bit i set where
    fill_from_roster[i] came from the roster (so a new roster can fill them again), and beside each record
    its person's roster org and line. `batch`: the SQL of each row's batch."""
    select, filled = [], []
    for c in dataset.column_names:
        if c in dataset.fill_from_roster:
            select.append(f"coalesce(d.{c}, e.{c}) as {c}")
            filled.append(f"(case when d.{c} is null then {1 << dataset.fill_from_roster.index(c)} else 0 end)")
        elif c in dataset.view_defaults:
            select.append(f"coalesce(d.{c}, {dataset.view_defaults[c]}) as {c}")
        else:
            select.append(f"d.{c}")
    join, scope = "", ""
    if dataset.fill_from_roster:
        join = f" left join {ROSTER.name} e on e.employee_id = d.employee_id"
        scope = "".join(f", e.{c} as _roster_{c}" for c in ROSTER_SCOPE)
    return (f"select {batch} as _batch_id, d._row, {', '.join(select)}, "
            f"cast({' + '.join(filled) or '0'} as utinyint) as _filled{scope} from {source} d{join}")


def _current_rows_sql(dataset: Dataset) -> str:
    """The current rows of a dataset not kept once, from its stored batches: active batches only, the latest
    batch per key for an upsert dataset (whose rows fill no gaps)."""
    active = f"_batch_id in {ingest.active_batches_sql()}"
    if dataset.default_mode == "upsert":  # latest batch wins per key; earlier values stay in history
        return (f"select _batch_id, _row, {', '.join(dataset.column_names)}, 0 as _filled from {dataset.name}_rows "
                f"where {active}{ingest.latest_per_key_sql(dataset)}")
    return _filled_rows_sql(dataset, f"(select * from {dataset.name}_rows where {active})")


def refresh(con, dataset: Dataset | None = None) -> None:
    """Bring the current data up to date, inside the caller's transaction, after the batches of `dataset`
    (None: of any dataset) changed. A dataset kept once needs nothing: its current data is its active batches'
    rows, read through; the others' current rows are computed again. A new roster (or any change, with None)
    fills again every gap the roster fills."""
    for each in DATASETS.values() if dataset is None else [dataset]:
        if not kept_once(each):
            con.execute(f"delete from {each.name}_current")
            con.execute(f"insert into {each.name}_current {_current_rows_sql(each)}")
    if dataset is None or dataset is ROSTER:
        for each in DATASETS.values():
            if each.fill_from_roster and (kept_once(each) or dataset is ROSTER):
                _fill_again(con, each)


def _fill_again(con, dataset: Dataset) -> None:
    """The roster as it is now, again beside every record (its org and line) and in the gaps the records
    left (empty where the roster has no such person). Rows written with no `_filled` bits (restored, or
    from an earlier schema) have their gaps found here."""
    bits = {c: 1 << i for i, c in enumerate(dataset.fill_from_roster)}
    table = f"{dataset.name}_stored" if kept_once(dataset) else f"{dataset.name}_current"
    # back to the values as written, each gap marked (SET reads the row as it was)
    gaps = " + ".join(f"(case when _filled & {b} <> 0 or {c} is null then {b} else 0 end)"
                      for c, b in bits.items())
    cleared = [f"_roster_{c} = null" for c in ROSTER_SCOPE] + [
        f"{c} = case when _filled & {b} <> 0 then null else {c} end" for c, b in bits.items()]
    con.execute(f"update {table} set {', '.join(cleared)}, _filled = {gaps}")
    filled = [f"_roster_{c} = e.{c}" for c in ROSTER_SCOPE] + [
        f"{c} = case when {table}._filled & {b} <> 0 then e.{c} else {table}.{c} end" for c, b in bits.items()]
    con.execute(f"update {table} set {', '.join(filled)} from {ROSTER.name} e where e.employee_id = {table}.employee_id")


# ----------------------------------------------------------------------------------------------
# Imports
# ----------------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    dataset: str
    file: str
    mode: str
    batch_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    rejection: Message | None = None  # the file as a whole was refused
    dry_run: bool = False
    layout: ingest.Layout | None = None
    rejected_rows: list[tuple[int, list[str | None]]] = field(default_factory=list)
    preview: pd.DataFrame | None = None  # the first rows to load, as they will be stored
    demo_cleared: int = 0  # demo batches this import took out of the current data, in its own transaction

    @property
    def exit_code(self) -> int:
        if self.rejection is not None:
            return 1
        return 3 if self.rows_rejected else 0

    def as_json(self, lang: str = "zh") -> dict:
        """SPEC's --json object; a file rejected as a whole leads its errors with one that has no row."""
        errors = [e.as_dict(lang) for e in self.errors]
        if self.rejection is not None:
            errors.insert(0, {"row": None, "column": None, "value": self.file, "message": self.rejection.text(lang)})
        return {"batch_id": self.batch_id, "dataset": self.dataset, "rows_read": self.rows_read,
                "rows_loaded": self.rows_loaded, "rows_duplicate": self.rows_duplicate,
                "rows_rejected": self.rows_rejected, "errors": errors,
                "warnings": [w.text(lang) for w in self.warnings]}


def import_file(path: Path | str, dataset_name: str, *, file_name: str | None = None, replace: bool = False,
                sheet: str | None = None, header_row: int | None = None, mapping: dict[str, str] | None = None,
                strict: bool = False, dry_run: bool = False, user: str | None = None, origin: str = "cli",
                encoding: str | None = None, preview_rows: int = 0, clear_demo: bool = False,
                progress: Callable[[float, str], None] | None = None, db: Path | str | None = None,
                keep_staged: bool = False) -> ImportResult:
    """Import one file as one batch, in one transaction: every row valid is loaded, or nothing is.
    `user` None means the account running the process; "" means unknown. `preview_rows` keeps that many
    of the rows to load in result.preview; `progress(fraction, stage)` hears of each stage. `clear_demo`
    takes the demo out of the current data in the same transaction (a failed import leaves it as it was);
    rows are then new unless they are already in the data that is not the demo."""
    dataset = DATASETS[dataset_name]
    path = Path(path)
    mode = "replace" if replace else dataset.default_mode
    result = ImportResult(dataset.name, file_name or path.name, mode, dry_run=dry_run)
    options = ingest.Options(sheet=sheet, header_row=header_row, mapping=dict(mapping or {}),
                             encoding=encoding, replace=replace, without_demo=clear_demo)
    with connect(db):  # a database that cannot be used is said before a long file is read
        pass
    # Read and parse in a DuckDB of the import's own: the database file is held only for the duplicate check
    # and the write, so pages and other commands are kept waiting for seconds, not the whole import. A dry run
    # with `keep_staged` keeps that work for the import of the same file with the same reading choices.
    key = ingest.staged_key(path, dataset, options, result.file) if keep_staged and path.is_file() else None
    staged = None
    try:
        staged = ingest.take_staged(key) if key else None
        if staged is None:
            try:
                staged = ingest.stage_file(dataset, path, file_name, options, progress)
            except ImportRejected as rejected:
                result.rejection = Message(rejected.key, rejected.values)
                result.layout = rejected.layout
                return result
        elif progress:
            progress(0.7, "progress.duplicates")
        prepared = staged.fresh()
        with connect(db) as con:
            try:
                compared = ingest.mark_duplicates(con, staged, prepared, options)
                _fill(result, prepared)
                if preview_rows:
                    result.preview = _preview(con, staged, dataset, compared, preview_rows)
                if prepared.rows_rejected and (strict or prepared.rows_rejected == prepared.rows_read):
                    result.rejection = Message("cli.strict_rejected" if strict else "cli.rejected_file")
                    result.rows_loaded = 0
                    return result
                result.warnings += _same_content_warning(con, prepared, clear_demo)
                if not dry_run:
                    if progress:
                        progress(0.85, "progress.write")
                    # compared: the rows to load are temp table _load; else every staged row loads, streamed
                    # from the import's DuckDB, which is let go as soon as they are stored (its memory is free
                    # for the current data's update; a dry run never gets here: it may be kept)
                    result.batch_id, result.demo_cleared = _write_batch(
                        con, prepared, mode, ingest.env_user() if user is None else user, origin, clear_demo,
                        staged=None if compared else staged)
            finally:
                ingest.cleanup(con)
    except (duckdb.OutOfMemoryException, MemoryError):  # nothing was written: the transaction never committed
        result = ImportResult(dataset.name, file_name or path.name, mode, dry_run=dry_run,
                              rejection=Message("err.out_of_memory", {"limit": settings.MEMORY_LIMIT}))
    finally:
        if staged is not None:
            if key and dry_run:  # the import that follows the preview takes it from here
                ingest.keep_staged(key, staged)
            else:
                staged.close()
    return result


def _preview(con, staged: ingest.Staged, dataset: Dataset, compared: bool, rows: int) -> pd.DataFrame:
    """The first rows to load, as they will be stored: from _load when they were compared with current data,
    else straight from the staged rows."""
    if compared:
        return con.execute(f"select {', '.join(dataset.column_names)} from _load order by _row limit {int(rows)}").df()
    return staged.first_rows(rows)


def _fill(result: ImportResult, prepared: Prepared) -> None:
    result.layout = prepared.layout
    for name in ("rows_read", "rows_loaded", "rows_duplicate", "rows_rejected", "errors", "warnings", "rejected_rows"):
        setattr(result, name, getattr(prepared, name))


def _same_content_warning(con, prepared: Prepared, without_demo: bool = False) -> list[Message]:
    same = con.execute(f"select batch_id, imported_at from batches where content_hash = ? and dataset = ? "
                       f"and batch_id in {ingest.active_batches_sql(without_demo)} order by batch_id limit 1",
                       [prepared.content_hash, prepared.dataset.name]).fetchall()
    if not same:
        return []
    return [Message("warn.same_file", {"batch": same[0][0], "when": same[0][1].strftime("%Y-%m-%d %H:%M")})]


def _write_batch(con, prepared: Prepared, mode: str, user: str, origin: str, clear_demo: bool = False,
                 staged: ingest.Staged | None = None) -> tuple[int, int]:
    """Write one batch, its rows streamed from `staged` or (None) in temp table _load; returns its id and how
    many demo batches it cleared first. `staged` is closed once its rows are stored."""
    dataset, layout = prepared.dataset, prepared.layout
    cleared = 0
    with sql.transaction(con):
        batch_id = con.execute("select nextval('batch_seq')").fetchall()[0][0]
        if clear_demo:  # in this transaction: a failed import leaves the demo as it was
            cleared = _clear_demo(con)
        if mode == "replace":  # archived, not deleted: a rollback of this batch brings them back
            con.execute("update batches set status = 'replaced', replaced_by = ? where dataset = ? and status = 'active'",
                        [batch_id, dataset.name])
        con.execute(f"insert into batches ({', '.join(BATCH_COLUMNS)}) values ({', '.join('?' * len(BATCH_COLUMNS))})",
                    [batch_id, dataset.name, prepared.file_name, prepared.content_hash, mode, prepared.rows_read,
                     prepared.rows_loaded, prepared.rows_duplicate, prepared.rows_rejected,
                     dt.datetime.now().replace(microsecond=0), user or None, origin, "active", None, None,
                     layout.encoding, layout.sheet, layout.header_row])
        _insert_rows(con, dataset, batch_id, staged)
        if staged is not None:
            staged.close()
        refresh(con, dataset)
    return batch_id, cleared


def _insert_rows(con, dataset: Dataset, batch_id: int, staged: ingest.Staged | None = None) -> None:
    """The batch's rows, stored once: as written, or for a dataset kept once, as the current data reads them
    (gaps filled from the roster). From temp table _load, or streamed from `staged`. A stream's length is
    unknown to this database's planner, which would hash all of it to join the roster, so the roster goes to
    the import's DuckDB (read here, in the write's transaction) and the rows come back filled."""
    name, cols = dataset.name, ", ".join(dataset.column_names)
    batch = f"cast({int(batch_id)} as bigint)"
    if staged is not None and kept_once(dataset):
        roster = {}
        if dataset.fill_from_roster:
            needed = ", ".join(dict.fromkeys(["employee_id", *dataset.fill_from_roster, *ROSTER_SCOPE]))
            roster[ROSTER.name] = con.sql(f"select {needed} from {ROSTER.name}").to_arrow_table()
        rows = staged.stream(_filled_rows_sql(dataset, "_staged", batch=batch), roster)
    else:
        rows = staged.rows() if staged is not None else None
    if rows is not None:
        con.register("_load", rows)
    try:
        if staged is not None and kept_once(dataset):
            con.execute(f"insert into {name}_stored select * from _load")
        elif kept_once(dataset):
            con.execute(f"insert into {name}_stored {_filled_rows_sql(dataset, '_load', batch=batch)}")
        else:
            con.execute(f"insert into {name}_rows (_batch_id, _row, {cols}) select {batch}, _row, {cols} from _load")
    finally:
        if rows is not None:
            con.unregister("_load")


# ----------------------------------------------------------------------------------------------
# History and rollback
# ----------------------------------------------------------------------------------------------

def history(db: Path | str | None = None) -> list[dict]:
    with connect(db) as con:
        rows = con.execute(f"select {', '.join(BATCH_COLUMNS)} from batches order by batch_id desc").fetchall()
    return [dict(zip(BATCH_COLUMNS, row)) for row in rows]


def batch_rows(batch_id: int, db: Path | str | None = None) -> pd.DataFrame:
    """The rows one batch wrote, under canonical names, whatever its status."""
    with connect(db) as con:
        found = con.execute("select dataset from batches where batch_id = ?", [batch_id]).fetchall()
        if not found:
            raise RollbackRefused("cli.no_batch", batch_id=batch_id)
        dataset = DATASETS[found[0][0]]  # the table name comes from the registry, never from the caller
        return con.execute(f"select {', '.join(dataset.column_names)} from {dataset.name}_rows "
                           f"where _batch_id = ? order by _row", [batch_id]).df()


def row_count(dataset_name: str, db: Path | str | None = None) -> int:
    """Rows in one dataset's current data."""
    dataset = DATASETS[dataset_name]  # the table name comes from the registry, never from the caller
    with connect(db) as con:
        return con.execute(f"select count(*) from {dataset.name}").fetchall()[0][0]


def layout_key(headers: list[str]) -> str:
    """A file layout's fingerprint: its header, normalised as columns are matched."""
    normalised = "\x1f".join(schema.normalise_header(h) for h in headers)
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:32]


def remembered_mapping(dataset: str, headers: list[str], db: Path | str | None = None) -> dict[str, str] | None:
    """The hand-made mapping last used for a file with this header, if any."""
    with connect(db) as con:
        found = con.execute("select mapping from column_mappings where dataset = ? and layout_key = ? "
                            "order by saved_at desc limit 1", [dataset, layout_key(headers)]).fetchall()
    return json.loads(found[0][0]) if found else None


def remember_mapping(dataset: str, headers: list[str], mapping: dict[str, str], db: Path | str | None = None) -> None:
    """Keep a hand-made mapping (source header -> column, "" to leave a column out) for this layout."""
    key = layout_key(headers)
    with connect(db) as con, sql.transaction(con):
        con.execute("delete from column_mappings where dataset = ? and layout_key = ?", [dataset, key])
        if mapping:
            con.execute("insert into column_mappings values (?, ?, ?, ?)",
                        [dataset, key, json.dumps(mapping, ensure_ascii=False), dt.datetime.now()])


class RollbackRefused(Exception):
    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


def rollback(batch_id: int, db: Path | str | None = None) -> dict:
    """Take a batch out of the current data; the batches it replaced come back. Returns the batch."""
    with connect(db) as con:
        found = con.execute(f"select {', '.join(BATCH_COLUMNS)} from batches where batch_id = ?", [batch_id]).fetchall()
        if not found:
            raise RollbackRefused("cli.no_batch", batch_id=batch_id)
        batch = dict(zip(BATCH_COLUMNS, found[0]))
        if batch["status"] == "rolled_back":
            raise RollbackRefused("cli.already_rolled_back", batch_id=batch_id)
        with sql.transaction(con):
            con.execute("update batches set status = 'rolled_back', rolled_back_at = ? where batch_id = ?",
                        [dt.datetime.now().replace(microsecond=0), batch_id])
            if batch["status"] == "active":
                con.execute("update batches set status = 'active', replaced_by = null "
                            "where replaced_by = ? and status = 'replaced'", [batch_id])
            refresh(con, DATASETS[batch["dataset"]])
    return batch


# ----------------------------------------------------------------------------------------------
# Results kept for the first reader (talentboard/warm.py computes them, ui reads them)
# ----------------------------------------------------------------------------------------------

def _version_text(version: tuple) -> str:
    return json.dumps(version, default=str)


def kept_result(con, version: tuple, key: str) -> bytes | None:
    """A result kept for this data version under `key`, if any."""
    found = con.execute("select value from results where version = ? and key = ?",
                        [_version_text(version), key]).fetchall()
    return found[0][0] if found else None


def kept_results(con, version: tuple) -> dict[str, bytes]:
    """Every result kept for this data version, by key: one read where a page would make one per result."""
    return dict(con.execute("select key, value from results where version = ?", [_version_text(version)]).fetchall())


def keep_results(db: Path | str | None, version: tuple, results: dict[str, bytes]) -> int:
    """Keep results computed at `version`, in place of every kept one, if that is still the current
    version (else nothing: they describe data that is gone). Returns how many were kept."""
    with connect(db) as con, sql.transaction(con):
        if state_of(con).version != version:
            return 0
        con.execute("delete from results")
        con.executemany("insert into results values (?, ?, ?)",
                        [(_version_text(version), key, value) for key, value in results.items()])
    return len(results)


# ----------------------------------------------------------------------------------------------
# The demo
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class State:
    """What the app needs to know each run, in one query: whether anything was ever imported,
    whether the demo is what is showing, and a version that changes with every import or rollback."""
    batches: int
    demo_active: bool
    version: tuple


def state(db: Path | str | None = None) -> State:
    with reading(db) as con:
        return state_of(con)


def state_of(con) -> State:
    row = con.execute("select count(*), count(*) filter (where origin = 'demo' and status = 'active'), "
                      "max(batch_id), count(*) filter (where status = 'active'), max(rolled_back_at), "
                      "count(rolled_back_at) from batches").fetchall()[0]
    return State(batches=row[0], demo_active=row[1] > 0, version=(row[0], row[2], row[3], row[4], row[5]))


def clear_demo(db: Path | str | None = None) -> int:
    """Take every demo batch out of the current data (kept in history, like any rollback); returns how many."""
    with connect(db) as con, sql.transaction(con):
        return _clear_demo(con)


def _clear_demo(con) -> int:
    """All of the demo batches or none, in the caller's transaction."""
    cleared = con.execute("update batches set status = 'rolled_back', rolled_back_at = ?, replaced_by = null "
                          "where origin = 'demo' and status <> 'rolled_back'",
                          [dt.datetime.now().replace(microsecond=0)]).fetchall()[0][0]
    if cleared:
        refresh(con)
    return cleared


def load_demo(directory: Path | str = DEMO_DIR, db: Path | str | None = None) -> list[ImportResult]:
    """Import the demo spreadsheets through the ordinary pipeline, roster first."""
    from talentboard.demo import FILES  # the generator names its files; numpy loads only when needed
    directory = Path(directory)
    return [import_file(directory / name, dataset, user="demo", origin="demo", db=db)
            for dataset, name in FILES.items()]
