"""Named queries bind only the parameters they name, matched by whole name."""
from __future__ import annotations

import duckdb

from talentboard import sql


def test_a_parameter_is_bound_only_where_its_whole_name_appears(monkeypatch):
    monkeypatch.setattr(sql, "text", lambda name: "select len($lines) as n, $lines_total as total")
    con = duckdb.connect()
    # "$line" appears inside "$lines": binding it would make DuckDB refuse an unused parameter
    row = sql.row(con, "any", {"line": "柜面", "lines": ["柜面", "信贷"], "lines_total": 7})
    assert row == {"n": 2, "total": 7}
