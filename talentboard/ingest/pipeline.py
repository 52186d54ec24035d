"""The whole preparation: read, map, parse, validate, drop totals and blanks, and find duplicates. A file is
staged in a DuckDB of the import's own (stage_file: its valid rows, first of each key, as view _staged there);
on the store's connection mark_duplicates counts those not already current, for the store to write in one
transaction."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import duckdb

from talentboard import schema, settings, sql
from talentboard.ingest.header import map_columns
from talentboard.ingest.messages import ImportRejected, Listing, Message, RowError, Term
from talentboard.ingest.options import Options
from talentboard.ingest.read import Layout, read_raw
from talentboard.ingest.values import (checks_sql, error_params, excel_error_sql, header_factor, lit, normalise_sql,
                                       total_row_sql, value_sql)
from talentboard.schema import ENUM, Dataset

MAX_ERRORS_LISTED = 10_000
ARROW_BATCH_ROWS = 122_880  # staged rows handed to the store at a time: one of DuckDB's row groups


@dataclass
class Prepared:
    dataset: Dataset
    file_name: str
    content_hash: str
    layout: Layout
    rows_read: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    rows_loaded: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0
    warnings: list[Message] = field(default_factory=list)
    rejected_rows: list[tuple[int, list[str | None]]] = field(default_factory=list)  # as read, for the error report


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Staged:
    """A file read, parsed and checked in a DuckDB of its own (stage_file): view _staged there gives its
    valid rows, the first of each key in the file, as they will be stored. `prepared` has every count but the
    duplicates against the store; each import takes a fresh copy (fresh()) for mark_duplicates to fill."""
    con: duckdb.DuckDBPyConnection
    prepared: Prepared
    rows_valid: int = 0  # rows in _staged

    def fresh(self) -> Prepared:
        return replace(self.prepared, warnings=list(self.prepared.warnings))

    def rows(self, limit: int | None = None):
        """The staged rows (_row and the dataset's columns) as a stream of Arrow batches; the first `limit` by row."""
        columns = ", ".join(["_row", *self.prepared.dataset.column_names])
        order = f" order by _row limit {int(limit)}" if limit is not None else ""
        return self.stream(f"select {columns} from _staged{order}")

    def stream(self, query: str, tables: dict | None = None):
        """A query on the staged rows (view _staged) as a stream of Arrow batches; `tables`: Arrow tables it
        reads, by name (the roster, from the store)."""
        for name, table in (tables or {}).items():
            self.con.register(name, table)
        return self.con.sql(query).to_arrow_reader(ARROW_BATCH_ROWS)

    def first_rows(self, n: int):
        """The first `n` staged rows by row, the dataset's columns, as a DataFrame."""
        return self.con.sql(f"select {', '.join(self.prepared.dataset.column_names)} from _staged "
                            f"order by _row limit {int(n)}").df()

    def close(self) -> None:
        self.con.close()


# A dry run's staged file, kept for the import that follows it (the data page previews, then imports): the
# same file (path, size and modification time) read with the same choices on the same day. Only the duplicate
# check and the write run again, against the data as it is then. A few at most, for UPLOAD_KEEP_MINUTES.
KEPT_STAGED = 2
_kept: OrderedDict[tuple, tuple[float, Staged]] = OrderedDict()
_kept_lock = threading.Lock()


def staged_key(path: Path, dataset: Dataset, options: Options, file_name: str) -> tuple:
    """What a staged file depends on: the file as it is, the reading choices, the name shown and the day
    (dates are checked against today). Not the replace mode or the demo: those only change the duplicate check."""
    about = Path(path).stat()
    return (str(Path(path).resolve()), about.st_size, about.st_mtime_ns, dataset.name, file_name, options.sheet,
            options.header_row, tuple(sorted(options.mapping.items())), options.encoding, dt.date.today())


def keep_staged(key: tuple, staged: Staged) -> None:
    """Keep a dry run's staged file for its import; the oldest beyond KEPT_STAGED, or kept too long, are closed."""
    with _kept_lock:
        old = _kept.pop(key, None)
        _kept[key] = (time.monotonic(), staged)
        gone = [old[1]] if old and old[1] is not staged else []
        while len(_kept) > KEPT_STAGED:
            gone.append(_kept.popitem(last=False)[1][1])
        expired = [k for k, (at, _) in _kept.items() if time.monotonic() - at > settings.UPLOAD_KEEP_MINUTES * 60]
        gone += [_kept.pop(k)[1] for k in expired]
    for each in gone:
        each.close()


def take_staged(key: tuple) -> Staged | None:
    """The staged file kept under `key`, taken out (one import at a time uses it), or None."""
    with _kept_lock:
        found = _kept.pop(key, None)
    return found[1] if found else None


def forget_staged(path: Path) -> None:
    """Close whatever is kept of a file (the data page took it off)."""
    where = str(Path(path).resolve())
    with _kept_lock:
        gone = [_kept.pop(k)[1] for k in [k for k in _kept if k[0] == where]]
    for each in gone:
        each.close()


def stage_file(dataset: Dataset, path: Path, file_name: str | None = None, options: Options = Options(),
               progress: Callable[[float, str], None] | None = None) -> Staged:
    """stage() in a DuckDB of the import's own, in memory and spilling to the private temp folder past
    settings.IMPORT_MEMORY_LIMIT, that reaches only this file and the import's work folder (deleted once the
    file is read); then the valid rows, first of each key, as view _staged."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="talentboard-import-") as workdir:
        con = sql.open_file_connection(path, workdir, memory_limit=sql.import_memory_limit())
        try:
            prepared = stage(con, dataset, path, Path(workdir), file_name, options, progress)
            staged = Staged(con, prepared, _first_of_key(con, dataset, prepared))
        except BaseException:
            con.close()
            raise
    return staged


def stage(con, dataset: Dataset, path: Path, workdir: Path, file_name: str | None = None,
          options: Options = Options(), progress: Callable[[float, str], None] | None = None) -> Prepared:
    """Everything before the duplicate check, as temp table _parsed; needs no table of the store, so the
    store runs it in a DuckDB of its own (stage_file) and opens the database file only for mark_duplicates and
    the write. `con` must reach the file and `workdir` (a folder for a UTF-8 copy)."""
    report = progress or (lambda fraction, stage: None)
    path = Path(path)
    if not path.is_file():
        raise ImportRejected("err.file_missing", path=str(path))
    report(0.0, "progress.read")
    layout = read_raw(con, path, dataset, workdir, options)
    prepared = Prepared(dataset, file_name or path.name, layout.sha256 or file_hash(path), layout)
    if len(layout.sheets) > 1:
        prepared.warnings.append(Message("warn.sheets", {"n": len(layout.sheets), "sheets": Listing(tuple(layout.sheets)),
                                                         "sheet": layout.sheet}))
    try:
        prepared.warnings += map_columns(layout, dataset, options.mapping or None)
    except ImportRejected as rejected:  # the file was read: the user may still map its columns by hand
        rejected.layout = layout
        raise
    report(0.35, "progress.parse")
    _drop_blank_and_total_rows(con, layout, prepared)
    _parse(con, dataset, layout, prepared)
    _excel_percentages(con, dataset, layout, prepared)
    report(0.7, "progress.duplicates")
    return prepared


def _first_of_key(con, dataset: Dataset, prepared: Prepared) -> int:
    """The valid rows, the first of each key in the file (a later one is a duplicate), as view _staged: the
    later rows of a repeated key (few) are kept aside in temp table _repeated. The raw text is dropped.
    Returns how many rows _staged has."""
    con.execute("drop table if exists _raw")
    con.execute("drop table if exists _kind")
    key = ", ".join(dataset.key)
    same = " and ".join(f"v.{k} is not distinct from r.{k}" for k in dataset.key)
    con.execute(f"create or replace temp table _repeated as select v._row from _parsed v join (select {key}, "
                f"min(_row) as _first from _parsed where len(_errors) = 0 group by {key} having count(*) > 1) r "
                f"on {same} and v._row > r._first where len(v._errors) = 0")
    con.execute(f"create or replace temp view _staged as select _row, {', '.join(dataset.column_names)} "
                f"from _parsed anti join _repeated using (_row) where len(_errors) = 0")
    repeated = con.execute("select count(*) from _repeated").fetchall()[0][0]
    return prepared.rows_read - prepared.rows_rejected - repeated


def mark_duplicates(con, staged: Staged, prepared: Prepared, options: Options = Options()) -> bool:
    """On the store's connection: count the staged rows to load, those not already current, into `prepared`.
    Returns whether the staged rows had to be compared with current data: they are then in temp table _load of
    `con`. Otherwise (a replacement, or nothing current) every staged row loads: staged.rows() streams them."""
    return _mark_duplicates(con, staged, prepared, options.replace, options.without_demo)


def _drop_blank_and_total_rows(con, layout: Layout, prepared: Prepared) -> None:
    """Rows of blank cells, and total rows, as temp table _kind (only those rows: few); _parse leaves them out."""
    cells = [f"c{j}" for j in range(len(layout.headers))] or ["null"]
    blank = " and ".join(f"nullif(trim({c}), '') is null" for c in cells)
    ids = [f"c{j}" for j, c in layout.mapping.items() if prepared.dataset.column(c).identifier]
    total = total_row_sql(cells if layout.headers else [], ids)
    con.execute(f"create or replace temp table _kind as select _row, kind from (select _row, case when {blank} "
                f"then 'blank' when {total} then 'total' end as kind from _raw) where kind is not null")
    counts = dict(con.execute("select kind, count(*) from _kind group by kind").fetchall())
    if counts.get("total"):
        rows = [r for (r,) in con.execute("select _row from _kind where kind = 'total' order by _row limit 5").fetchall()]
        prepared.warnings.append(Message("warn.dropped_total", {"n": counts["total"],
                                                                "rows": Listing(tuple(map(str, rows)))}))
    if counts.get("blank"):
        prepared.warnings.append(Message("warn.dropped_blank", {"n": counts["blank"]}))
    if con.execute("select count(*) from _raw").fetchall()[0][0] == sum(counts.values()):
        raise ImportRejected("err.no_rows", file=prepared.file_name)


def _parse(con, dataset: Dataset, layout: Layout, prepared: Prepared) -> None:
    """One column-wise statement in three layers: normalise the text, parse the values, check them."""
    position = {c: j for j, c in layout.mapping.items()}
    mapped = [c for c in dataset.columns if c.name in position]
    norms = ", ".join(f"{normalise_sql(f'r.c{position[c.name]}', layout.full_width)} as m_{c.name}" for c in mapped)
    blanked = ", ".join(f"{n} as n_{c.name}, {x} as x_{c.name}"
                        for c in mapped for n, x in [excel_error_sql(f"m_{c.name}", layout.hash_sign)])
    values, flags, error_cases, conditions = [], {}, [], []
    optional = [c.name for c in mapped if not c.required]  # an Excel error there reads blank: told below
    for column in mapped:
        factor, converted = header_factor(dataset, column, layout.headers[position[column.name]])
        if converted:
            prepared.warnings.append(converted)
        value, flag = value_sql(column, f"n_{column.name}", factor)
        values.append(f"{value} as v_{column.name}")
        if flag:
            flags[column.name] = f"case when {flag} then n_{column.name} end as _u_{column.name}"
            # a blank cell takes the default too: told below, not stored as a silent NULL
            flags[f"{column.name}_blank"] = f"n_{column.name} is null as _u_{column.name}_blank"
        for condition, code in checks_sql(column, f"n_{column.name}", f"v_{column.name}", f"x_{column.name}"):
            error_cases.append(f"case when {condition} then {{'column': {lit(column.name)}, 'code': {lit(code)}}} end")
            conditions.append(f"coalesce({condition}, false)")
    finals = []
    for column in dataset.columns:
        sql_type = schema.SQL_TYPES[column.type]
        if column.name in position:
            finals.append(f"try_cast(v_{column.name} as {sql_type}) as {column.name}")
        elif column.type == ENUM and column.unknown != "error":  # an optional enum's default, never NULL
            finals.append(f"cast({lit(column.unknown)} as {sql_type}) as {column.name}")
        else:
            finals.append(f"cast(null as {sql_type}) as {column.name}")
    errors = "[]"
    if error_cases:  # the list is built only for a row with an error: most rows have none
        errors = (f"case when {' or '.join(conditions)} then list_filter([{', '.join(error_cases)}], "
                  f"lambda x: x is not null) else cast([] as struct(\"column\" varchar, code varchar)[]) end")
    con.execute(f"create or replace temp table _parsed as select _row, {', '.join(finals)}, {errors} as _errors"
                f"{''.join(f', _u_{name}' for name in flags)}{''.join(f', x_{name} as _x_{name}' for name in optional)} from ("
                f"select *, {', '.join(values + list(flags.values()))} from (select _row, {blanked} from ("
                f"select r._row, {norms} from _raw r anti join _kind k using (_row))))")
    _derive(con, dataset, position)
    _relational_checks(con, dataset)
    prepared.rows_read = con.execute("select count(*) from _parsed").fetchall()[0][0]
    _collect_errors(con, dataset, position, prepared)
    _enum_default_warnings(con, dataset, position, [name for name in flags if not name.endswith("_blank")], prepared)
    _excel_error_warnings(con, dataset, optional if layout.hash_sign else [], prepared)


def _excel_error_warnings(con, dataset: Dataset, columns: list[str], prepared: Prepared) -> None:
    """Say how many cells of an optional column held an Excel error (#N/A …) and were read as blank (none can
    when no cell holds a #)."""
    for name in columns:
        n, errors = con.execute(f"select count(_x_{name}), list(distinct _x_{name} order by _x_{name}) "
                                f"filter (where _x_{name} is not null) from _parsed").fetchall()[0]
        if n:
            prepared.warnings.append(Message("warn.excel_errors", {"column": Term(dataset.name, name), "n": n,
                                                                   "values": Listing(tuple(errors[:5]))}))


def _enum_default_warnings(con, dataset: Dataset, position: dict[str, int], flagged: list[str],
                           prepared: Prepared) -> None:
    """Say how many rows of an optional enum took its default (其他…): unknown words, blank cells, or
    no such column in the file."""
    for name in flagged:
        column = dataset.column(name)
        term, default = Term(dataset.name, name), Term(dataset.name, name, value=column.unknown)
        top = con.execute(f"select _u_{name}, count(*) from _parsed where _u_{name} is not null "
                          f"group by 1 order by 2 desc, 1 limit 5").fetchall()
        if top:
            n = con.execute(f"select count(*) from _parsed where _u_{name} is not null").fetchall()[0][0]
            prepared.warnings.append(Message("warn.enum_default", {"column": term, "n": n, "default": default,
                                                                   "values": Listing(tuple(v for v, _ in top))}))
        blank = con.execute(f"select count(*) from _parsed where _u_{name}_blank").fetchall()[0][0]
        if blank:
            prepared.warnings.append(Message("warn.enum_blank", {"column": term, "n": blank, "default": default}))
    for column in dataset.columns:
        if column.type == ENUM and column.unknown != "error" and column.name not in position and prepared.rows_read:
            prepared.warnings.append(Message("warn.enum_absent", {"column": Term(dataset.name, column.name),
                                                                  "n": prepared.rows_read,
                                                                  "default": Term(dataset.name, column.name,
                                                                                  value=column.unknown)}))


def _excel_percentages(con, dataset: Dataset, layout: Layout, prepared: Prepared) -> None:
    """An Excel cell formatted as 85% holds 0.85: a 0–100 column whose every value is within 0–1
    was written as percentages, so it is scaled up, and the user is told."""
    if layout.kind not in ("xlsx", "xls"):
        return
    for column in dataset.columns:
        if not column.percent or column.name not in layout.mapping.values():
            continue
        n, low, high = con.execute(f"select count({column.name}), min({column.name}), max({column.name}) "
                                   f"from _parsed").fetchall()[0]
        if n and low >= 0 and high <= 1 and high > 0:
            con.execute(f"update _parsed set {column.name} = {column.name} * 100")
            prepared.warnings.append(Message("warn.percent_scaled", {"column": Term(dataset.name, column.name), "n": n}))


def _derive(con, dataset: Dataset, position: dict[str, int]) -> None:
    """Values the registry derives where the file leaves them blank (an innovation project's id from its
    studio and title); a derivation whose inputs are blank leaves the value blank."""
    for column, expression in dataset.derived.items():
        con.execute(f"update _parsed set {column} = {expression} where {column} is null")


def _relational_checks(con, dataset: Dataset) -> None:
    """Checks across columns of one row, as the registry lists them: a project cannot end before it starts."""
    for later, earlier in dataset.not_before:
        con.execute(f"update _parsed set _errors = list_append(_errors, {{'column': {lit(later)}, "
                    f"'code': 'row.before_start'}}) where {later} < {earlier}")


def _collect_errors(con, dataset: Dataset, position: dict[str, int], prepared: Prepared) -> None:
    prepared.rows_rejected = con.execute("select count(*) from _parsed where len(_errors) > 0").fetchall()[0][0]
    if not prepared.rows_rejected:
        return
    prepared.errors_total = con.execute("select sum(len(_errors)) from _parsed").fetchall()[0][0]
    raw_value = "case e.column " + " ".join(f"when {lit(c)} then r.c{j}" for c, j in position.items()) + " end"
    # whose row it is, as the file has it, so a person can find it without counting rows
    who = ", ".join(f"nullif(trim(r.c{position[c]}), '')" if c in position else "null" for c in ("employee_id", "name"))
    rows = con.execute(f"select p._row, e.column, e.code, {raw_value}, {who} from "
                       f"(select _row, unnest(_errors) as e from _parsed where len(_errors) > 0) p "
                       f"join _raw r using (_row) order by p._row limit {MAX_ERRORS_LISTED}").fetchall()
    prepared.errors = [RowError(row, column, value, code, error_params(dataset, dataset.column(column)) | {"value": value},
                                header=prepared.layout.headers[position[column]].strip(), position=position[column],
                                employee_id=employee_id, name=name)
                       for row, column, code, value, employee_id, name in rows]
    cells = ", ".join(f"c{j}" for j in range(len(prepared.layout.headers)))
    raw = con.execute(f"select _row, {cells} from _raw where _row in (select _row from _parsed where len(_errors) > 0) "
                      f"order by _row limit {MAX_ERRORS_LISTED}").fetchall()
    prepared.rejected_rows = [(r[0], list(r[1:])) for r in raw]
    if prepared.errors_total > len(prepared.errors):
        prepared.warnings.append(Message("warn.errors_truncated", {"n": prepared.errors_total - len(prepared.errors)}))


def active_batches_sql(without_demo: bool = False) -> str:
    """The batches whose rows are current; without the demo's when this import clears it."""
    demo = " and coalesce(origin, '') <> 'demo'" if without_demo else ""
    return f"(select batch_id from batches where status = 'active'{demo})"


def latest_per_key_sql(dataset: Dataset) -> str:
    """For an upsert dataset, the clause that keeps each key's row from its latest batch ("" otherwise)."""
    if dataset.default_mode != "upsert":
        return ""
    return f" qualify row_number() over (partition by {', '.join(dataset.key)} order by _batch_id desc) = 1"


def _current_sql(dataset: Dataset, without_demo: bool) -> str:
    """The current rows to compare with, as the view has them (keys and, for upserts, every column)."""
    if not without_demo:
        return dataset.name
    return f"(select * from {dataset.name}_rows where _batch_id in {active_batches_sql(True)}{latest_per_key_sql(dataset)})"


def _mark_duplicates(con, staged: Staged, prepared: Prepared, replace: bool, without_demo: bool = False) -> bool:
    """The staged rows to load: not already current (see mark_duplicates)."""
    dataset = prepared.dataset
    active = active_batches_sql(without_demo)
    cols = dataset.column_names
    repeated = prepared.rows_read - prepared.rows_rejected - staged.rows_valid  # the same key twice in the file
    current = 0 if replace else \
        con.execute(f"select count(*) from {dataset.name}_rows where _batch_id in {active}").fetchall()[0][0]
    if not current:
        prepared.rows_loaded = staged.rows_valid
    else:
        con.register("_staged", staged.rows())
        try:
            con.execute("create or replace temp table _valid as select * from _staged")
        finally:
            con.unregister("_staged")
        compared = cols if dataset.default_mode == "upsert" else dataset.key  # upsert: only unchanged rows repeat
        joins = " and ".join(f"c.{k} is not distinct from v.{k}" for k in compared)
        con.execute(f"create or replace temp table _load as select v.* from _valid v "
                    f"where not exists (select 1 from {_current_sql(dataset, without_demo)} c where {joins})")
        prepared.rows_loaded = con.execute("select count(*) from _load").fetchall()[0][0]
    prepared.rows_duplicate = prepared.rows_read - prepared.rows_rejected - prepared.rows_loaded
    if current and dataset.default_mode != "upsert" and prepared.rows_duplicate > repeated:
        same_key = " and ".join(f"c.{k} is not distinct from v.{k}" for k in dataset.key)
        same_all = " and ".join(f"c.{k} is not distinct from v.{k}" for k in cols)
        # compared with the rows as stored: the view fills name and branch from the roster
        stored = f"(select * from {dataset.name}_rows where _batch_id in {active})"
        conflicts = con.execute(f"select count(*) from _valid v where exists (select 1 from {stored} c "
                                f"where {same_key}) and not exists (select 1 from {stored} c "
                                f"where {same_all})").fetchall()[0][0]
        if conflicts:
            prepared.warnings.append(Message("warn.conflicts", {"n": conflicts}))
    return bool(current)


def cleanup(con) -> None:
    views = {name for (name,) in con.execute("select view_name from duckdb_views() where temporary").fetchall()}
    for name in ("_load", "_raw", "_kind", "_parsed", "_valid"):
        con.execute(f"drop {'view' if name in views else 'table'} if exists {name}")


def env_user() -> str:
    return os.environ.get("TALENTBOARD_USER") or os.environ.get("USER") or "unknown"
