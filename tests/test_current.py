"""The current data kept ready (store.refresh): after every import, replacement, rollback, re-import, demo
clearing and restore, each dataset's `<name>_current` table (and so the view `<name>`) holds exactly the
rows worked out here from the stored batches with pandas: active batches only, the latest batch per key
for the roster, gaps filled from the roster as it is now, a missing competition rank ranked in its field."""
from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from talentboard import export, store
from talentboard.schema import DATASETS


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def stored(db: Path, query: str) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).df()


def expected(db: Path, name: str) -> pd.DataFrame:
    """The current rows of one dataset, from its stored batches, without the store's SQL."""
    dataset = DATASETS[name]
    batches = stored(db, "select batch_id, status from batches")
    active = set(batches.loc[batches.status == "active", "batch_id"])
    rows = stored(db, f"select * from {name}_rows")
    rows = rows[rows._batch_id.isin(active)].sort_values(["_batch_id", "_row"])
    if dataset.default_mode == "upsert":
        rows = rows.sort_values("_batch_id", ascending=False, kind="stable").drop_duplicates(list(dataset.key))
    if dataset.fill_from_roster:
        roster = expected(db, "employees").set_index("employee_id")
        for column in dataset.fill_from_roster:
            filled = rows.employee_id.map(roster[column]).astype(object)
            rows[column] = rows[column].astype(object).where(rows[column].notna(), filled)
    if "rank" in dataset.view_defaults:
        ranked = rows.groupby(["competition", "date", "event"])["score"].rank(method="min", ascending=False)
        rows["rank"] = rows["rank"].fillna(ranked)
    return rows[dataset.column_names]


def same(db: Path) -> dict[str, int]:
    """Every dataset's view equals its expected rows (order aside); returns the row counts."""
    counts = {}
    for name, dataset in DATASETS.items():
        key = list(dataset.column_names)
        got = stored(db, f"select * from {name}").astype(object).where(lambda f: f.notna(), None)
        want = expected(db, name).astype(object).where(lambda f: f.notna(), None)
        assert list(got.columns) == key
        normal = lambda f: sorted(tuple(str(v) for v in r) for r in f.itertuples(index=False))  # noqa: E731
        assert normal(got) == normal(want), name
        if dataset.fill_from_roster:  # beside each record, its person's org and line on the roster now
            roster = expected(db, "employees").set_index("employee_id")
            scoped = stored(db, f"select employee_id, _roster_org, _roster_line from {name}_current")
            for column in ("org", "line"):
                want_scope = scoped.employee_id.map(roster[column]).astype(object).where(lambda v: v.notna(), None)
                got_scope = scoped[f"_roster_{column}"].astype(object).where(lambda v: v.notna(), None)
                assert got_scope.tolist() == want_scope.tolist(), (name, column)
        counts[name] = len(got)
    return counts


ROSTER = [["工号", "姓名", "机构", "条线", "法人机构"], ["E1", "甲", "城关信用社", "柜面", "甲县联社"],
          ["E2", "乙", "东关信用社", "柜面", "乙县联社"]]
TRAINING = [["工号", "姓名", "机构", "培训名称", "培训日期", "学时"],
            ["E1", "", "", "反洗钱", "2024-03-01", "2"],           # name and branch from the roster
            ["E2", "乙", "", "党史", "2024-03-02", "3"],            # branch from the roster
            ["E9", "", "西关信用社", "消防", "2024-03-03", "1"]]    # not on the roster: name stays empty
COMPETITION = [["竞赛名称", "日期", "项目", "工号", "成绩", "名次"],
               ["大赛", "2025-06-01", "点钞", "E1", "88", ""],
               ["大赛", "2025-06-01", "点钞", "E2", "95", ""]]


def test_every_change_keeps_the_current_tables_equal_to_the_batches(tmp_path, tmp_db):
    roster = store.import_file(write_csv(tmp_path / "r.csv", ROSTER), "employees")
    first = store.import_file(write_csv(tmp_path / "t.csv", TRAINING), "training")
    assert same(tmp_db)["training"] == 3
    assert stored(tmp_db, "select name, branch from training where employee_id = 'E1'").values.tolist() == [
        ["甲", "城关信用社"]]

    # an appended batch adds its rows; the earlier ones stay as they were
    more = store.import_file(write_csv(tmp_path / "t2.csv", [TRAINING[0], ["E1", "", "", "信贷", "2024-04-01", "4"]]),
                             "training")
    assert same(tmp_db)["training"] == 4

    # a new roster: E1 moved branch, E9 joined; every gap is filled again from it, written values stay
    moved = store.import_file(write_csv(tmp_path / "r2.csv", [ROSTER[0], ["E1", "甲", "北关信用社", "客户经理", "甲县联社"],
                                                                ["E9", "玖", "西关信用社", "柜面", "丙县联社"]]), "employees")
    assert same(tmp_db)["employees"] == 3
    assert stored(tmp_db, "select employee_id, name, branch from training order by employee_id, start_date"
                  ).values.tolist() == [["E1", "甲", "北关信用社"], ["E1", "甲", "北关信用社"],
                                        ["E2", "乙", "东关信用社"], ["E9", "玖", "西关信用社"]]

    # the roster's rollback takes the fills back with it
    store.rollback(moved.batch_id)
    assert same(tmp_db) == {"employees": 2, "training": 4, "competition": 0, "grading": 0, "innovation": 0}
    assert stored(tmp_db, "select name from training where employee_id = 'E9'").values.tolist() == [[None]]

    # replace, roll the replacement back, roll back an appended batch, import again
    replacing = store.import_file(write_csv(tmp_path / "t3.csv", [TRAINING[0], ["E2", "", "", "新课", "2025-01-01", "6"]]),
                                  "training", replace=True)
    assert same(tmp_db)["training"] == 1
    store.rollback(replacing.batch_id)
    assert same(tmp_db)["training"] == 4
    store.rollback(more.batch_id)
    assert same(tmp_db)["training"] == 3
    again = store.import_file(tmp_path / "t2.csv", "training")
    assert again.rows_loaded == 1 and same(tmp_db)["training"] == 4
    store.rollback(first.batch_id)
    store.rollback(roster.batch_id)
    assert same(tmp_db) == {"employees": 0, "training": 1, "competition": 0, "grading": 0, "innovation": 0}


def test_a_rank_left_blank_is_ranked_in_its_whole_field_across_batches(tmp_path, tmp_db):
    store.import_file(write_csv(tmp_path / "c.csv", COMPETITION), "competition")
    assert stored(tmp_db, "select employee_id, rank from competition order by 1").values.tolist() == [["E1", 2], ["E2", 1]]
    store.import_file(write_csv(tmp_path / "c2.csv", [COMPETITION[0], ["大赛", "2025-06-01", "点钞", "E3", "99", ""]]),
                      "competition")
    assert same(tmp_db)["competition"] == 3
    assert stored(tmp_db, "select employee_id, rank from competition order by 1").values.tolist() == [
        ["E1", 3], ["E2", 2], ["E3", 1]]


def test_the_demo_cleared_and_a_backup_restored_keep_the_tables_current(tmp_path, tmp_db):
    store.load_demo(db=tmp_db)
    counts = same(tmp_db)
    assert counts["training"] > 1000 and counts["employees"] > 100
    store.import_file(write_csv(tmp_path / "t.csv", TRAINING), "training", clear_demo=True)
    assert same(tmp_db) == {"employees": 0, "training": 3, "competition": 0, "grading": 0, "innovation": 0}
    export.export_all(tmp_path / "out", db=tmp_db)
    fresh = tmp_path / "restored.duckdb"
    export.restore(tmp_path / "out", db=fresh)
    assert same(fresh) == same(tmp_db)


def _as_earlier_schema(con, version: str) -> None:
    """Every dataset's batches back in a table <name>_rows of the rows as written; schema 2 read the current
    data through views over it, schema 4 kept a copy of the current rows in <name>_current."""
    for name, dataset in DATASETS.items():
        con.execute(f"create table _old as select * from {name}_rows")
        con.execute(f"drop view {name}")
        if store.kept_once(dataset):
            con.execute(f"drop view {name}_current")
            con.execute(f"drop view {name}_rows")
            con.execute(f"drop table {name}_stored")
        else:
            con.execute(f"drop table {name}_current")
            con.execute(f"drop table {name}_rows")
        con.execute(f"alter table _old rename to {name}_rows")
        if version == "4":
            scope = ", null as _roster_org, null as _roster_line" if dataset.fill_from_roster else ""
            con.execute(f"create table {name}_current as select *, 0 as _filled{scope} from {name}_rows")
        con.execute(f"create view {name} as select * exclude (_batch_id, _row) from {name}_rows")
    con.execute(f"update meta set value = '{version}' where key = 'schema_version'")


@pytest.mark.parametrize("version", ["2", "4"])
def test_a_store_of_an_earlier_schema_is_made_ready_when_opened(tmp_path, tmp_db, version):
    """A schema-2 store (current data as views over the batches) or a schema-4 one (a copy of the current rows)
    opens with its current data as the batches give it, gaps filled from the roster."""
    store.import_file(write_csv(tmp_path / "r.csv", ROSTER), "employees")
    store.import_file(write_csv(tmp_path / "t.csv", TRAINING), "training")
    store.import_file(write_csv(tmp_path / "c.csv", COMPETITION), "competition")
    store.release_readers()
    with duckdb.connect(str(tmp_db)) as con:
        _as_earlier_schema(con, version)
        assert con.execute("select count(name) from training_rows").fetchall() == [(1,)]  # as written
    assert store.row_count("training", db=tmp_db) == 3
    assert same(tmp_db)["training"] == 3 and same(tmp_db)["competition"] == 2
    with duckdb.connect(str(tmp_db), read_only=True) as con:
        assert con.execute("select employee_id, name, branch from training order by 1").fetchall() == [
            ("E1", "甲", "城关信用社"), ("E2", "乙", "东关信用社"), ("E9", None, "西关信用社")]
        assert con.execute("select count(name) from training_rows").fetchall() == [(1,)]  # still as written
    assert stored(tmp_db, "select value from meta where key = 'schema_version'").values.tolist() == [[store.SCHEMA_VERSION]]


@pytest.mark.parametrize("name", list(DATASETS))
def test_the_view_names_only_the_datasets_columns(tmp_db, name):
    with store.connect(tmp_db) as con:
        columns = [row[0] for row in con.execute(f"describe {name}").fetchall()]
    assert columns == DATASETS[name].column_names
