"""DuckDB as the app opens it (hardened: no extension fetched or loaded, a memory limit, private spill
files, files reachable only when named), and the named queries in queries/*.sql run with bound
parameters; SQL never lives in Python pages."""
from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import threading
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from talentboard import settings

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"


@cache
def text(name: str) -> str:
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


def frame(con, name: str, params: dict | None = None) -> pd.DataFrame:
    """The result of queries/<name>.sql; only the parameters the query names are bound (matched by whole
    name: $line does not match $lines)."""
    sql = text(name)
    bound = {k: v for k, v in (params or {}).items() if re.search(rf"\${re.escape(k)}(?!\w)", sql)}
    return con.execute(sql, bound).df()


@contextmanager
def transaction(con):
    """One transaction on `con`: committed when the block ends, rolled back when it raises (anything)."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def row(con, name: str, params: dict | None = None) -> dict:
    """The single row of a one-row query, as a dict."""
    result = frame(con, name, params)
    return result.iloc[0].to_dict() if len(result) else {}


# ----------------------------------------------------------------------------------------------
# DuckDB as the app opens it
# ----------------------------------------------------------------------------------------------

_temp_dir: str | None = None
_temp_lock = threading.Lock()


def private_temp_dir() -> str:
    """This process's directory for DuckDB's spill files: 0700, removed when the process ends."""
    global _temp_dir
    with _temp_lock:
        if _temp_dir is None:
            _temp_dir = tempfile.mkdtemp(prefix="talentboard-duckdb-")
            atexit.register(shutil.rmtree, _temp_dir, True)
    return _temp_dir


def limits() -> dict:
    """Settings every DuckDB the app opens shares: no extension is fetched or loaded behind its back,
    a memory limit and thread count from settings, spill files in a private directory."""
    return {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
            "allow_community_extensions": False, "memory_limit": settings.MEMORY_LIMIT,
            "threads": settings.THREADS, "temp_directory": private_temp_dir()}


def _bytes(size: str) -> float:
    """A size in DuckDB's units ("2GB", "512MB", "1GiB") in bytes."""
    number, unit, binary = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT])(i?)B", size.strip(), re.IGNORECASE).groups()
    return float(number) * (1024 if binary else 1000) ** ("KMGT".index(unit.upper()) + 1)


def import_memory_limit() -> str:
    """The memory limit of an import's own DuckDB (the one that reads and checks its file): the smaller of
    settings.IMPORT_MEMORY_LIMIT and settings.MEMORY_LIMIT. Past it, that DuckDB spills to the private temp folder."""
    return min(settings.IMPORT_MEMORY_LIMIT, settings.MEMORY_LIMIT, key=_bytes)


def open_file_connection(*allowed: Path | str, memory_limit: str | None = None):
    """An in-memory DuckDB that may read or write only the files and directories in `allowed`
    (a user's file to import, an export directory), hardened as the store is; the caller closes it.
    `memory_limit` instead of settings.MEMORY_LIMIT."""
    config = limits() | ({"memory_limit": memory_limit} if memory_limit else {})
    con = duckdb.connect(":memory:", config=config)
    try:
        files, directories = [], []
        for item in allowed:
            resolved = Path(item).resolve()
            if resolved.is_dir():
                directories.append(str(resolved) + os.sep)
            else:
                files += [str(item), str(resolved)]
        con.execute("set allowed_paths = $v", {"v": files})
        con.execute("set allowed_directories = $v", {"v": directories})
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def file_connection(*allowed: Path | str):
    """open_file_connection(), closed when the block ends."""
    con = open_file_connection(*allowed)
    try:
        yield con
    finally:
        con.close()
