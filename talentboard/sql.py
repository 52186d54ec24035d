"""Runs the named queries in queries/*.sql with bound parameters; SQL never lives in Python pages."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd

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


def row(con, name: str, params: dict | None = None) -> dict:
    """The single row of a one-row query, as a dict."""
    result = frame(con, name, params)
    return result.iloc[0].to_dict() if len(result) else {}
