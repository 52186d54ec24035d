"""Crash safety: `python -m talentboard import` (append and --replace) and `rollback` killed with SIGKILL at
seeded random moments of a large import — reading, parsing, the duplicate check, writing and the commit's
checkpoint — leave the batch wholly there or wholly absent, every other table as it was, and a store and app
that start cleanly.

The moments are measured in the child's own CPU time (all its threads), not wall time: eight workers share two
cores here, and a kill aimed by the clock would land in another phase whenever the load changes."""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from talentboard import store
from talentboard.schema import DATASETS

REPO_ROOT = Path(__file__).resolve().parent.parent
ROWS = 300_000  # about 2 s of import on a quiet 2-core machine
SEED = 20261201
COURSES = ("反洗钱专题培训", "党史学习教育", "柜面业务技能", "信贷风险管理", "营销服务提升")
CATEGORIES = ("合规风控", "思想政治", "专业技能", "合规风控", "营销服务")
# The moments of an import, in order: the stages import_file reports, the rows' insert ending (commit and
# checkpoint follow), the connection closed, the process gone. A phase runs from its moment to the next.
MOMENTS = ("progress.read", "progress.parse", "progress.duplicates", "progress.write", "committing", "done", "exited")
# (mode, the phase a kill aims at): every phase, those that write in both modes.
IMPORT_KILLS = [("append", "progress.read"), ("replace", "progress.parse"), ("append", "progress.parse"),
                ("append", "progress.duplicates"), ("replace", "progress.duplicates"), ("append", "progress.write"), ("replace", "progress.write"),
                ("append", "committing"), ("replace", "committing"), ("replace", "done")]
MIN_KILLS = 10
TOP_UP = 6  # at most this many more import runs when planned kills came after the child had finished
ROLLBACK_KILLS = 4
ROLLBACK_WORK = 0.2  # CPU seconds at the end of `rollback` that hold its transaction (and the exit after it)
TABLES = ("meta", "batches", "column_mappings", *(f"{d}_rows" for d in DATASETS))
ROW_TABLES = tuple(f"{d}_rows" for d in DATASETS)

# A child that runs the import the command line runs and says when each moment came (its CPU seconds).
CALIBRATE = """
import json, sys, time
from talentboard import store
stamps = {}
insert_rows = store._insert_rows
def timed(*args):
    insert_rows(*args)
    stamps["committing"] = time.process_time()
store._insert_rows = timed
result = store.import_file(sys.argv[1], "training", replace=sys.argv[2] == "replace",
                           progress=lambda fraction, stage: stamps.setdefault(stage, time.process_time()))
stamps["done"] = time.process_time()
print(json.dumps({"stamps": stamps, "batch_id": result.batch_id, "rows_loaded": result.rows_loaded}))
"""
TICK = os.sysconf("SC_CLK_TCK")


def write_big_training(path: Path, rows: int) -> Path:
    """A UTF-8 training file of `rows` distinct rows (employee, course, date), every one valid."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("工号,姓名,培训名称,培训日期,学时,培训类别,培训形式\n")
        for i in range(rows):
            c = i % 5
            f.write(f"Z{i:07d},职工{i % 997},{COURSES[c]},2025-{1 + i % 12:02d}-{1 + i % 28:02d},{1 + i % 8},"
                    f"{CATEGORIES[c]},集中培训\n")
    return path


def child_env(db: Path, scratch: Path) -> dict:
    """The child's database, and its temp files kept under the test's own folder."""
    scratch.mkdir(exist_ok=True)
    return {**os.environ, "TALENTBOARD_DB": str(db), "TMPDIR": str(scratch), "PYTHONPATH": str(REPO_ROOT)}


def query(db: Path, sql: str, read_only: bool = False) -> list[tuple]:
    store.release_readers()  # the app's shared reading connection lets go first
    con = duckdb.connect(str(db), read_only=read_only)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def contents(db: Path, batches: set[int] | None = None, read_only: bool = False) -> dict[str, list[tuple]]:
    """Every table's rows in order; the datasets' rows only those of `batches` (all when None)."""
    store.release_readers()  # the app's shared reading connection lets go first
    con = duckdb.connect(str(db), read_only=read_only)
    try:
        out = {}
        for name in TABLES:
            where = ""
            if batches is not None and name in ROW_TABLES:
                where = f" where _batch_id in ({', '.join(str(int(b)) for b in sorted(batches)) or 'null'})"
            out[name] = con.execute(f"select * from {name}{where} order by all").fetchall()
        return out
    finally:
        con.close()


def rows_outside(db: Path, batches: set[int]) -> dict[tuple[str, int | None], int]:
    """Rows of every dataset whose batch is not among `batches`, counted by (table, batch id)."""
    known = ", ".join(str(int(b)) for b in sorted(batches)) or "null"
    found = {}
    for name in ROW_TABLES:
        for batch, n in query(db, f"select _batch_id, count(*) from {name} "
                                  f"where _batch_id is null or _batch_id not in ({known}) group by 1"):
            found[name, batch] = n
    return found


def cpu_seconds(pid: int) -> float:
    """A running process's CPU time so far, every thread's user and system time (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime and stime, fields 14 and 15 of stat


def killed_run(args: list[str], db: Path, scratch: Path, cpu: float) -> tuple[bool, float]:
    """Start `python -m talentboard ARGS`, SIGKILL it once it has used `cpu` seconds of CPU; whether it was
    still running then, and the wall-clock seconds it had run."""
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "talentboard", *args], cwd=REPO_ROOT, env=child_env(db, scratch),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while child.poll() is None:
        if cpu_seconds(child.pid) >= cpu:
            child.send_signal(signal.SIGKILL)
            child.wait()
            return child.returncode == -signal.SIGKILL, time.monotonic() - started
        time.sleep(0.003)
    return False, time.monotonic() - started  # it finished first


def outcome_of_import(db: Path, before: dict[str, list[tuple]], rows: int, replace: bool) -> str:
    """'whole' or 'none' (or 'partial', which must never happen) for an import of `rows` new rows of training
    into the store whose content was `before`."""
    old_ids = {row[0] for row in before["batches"]}
    after = contents(db, old_ids)
    # every other table, and every earlier batch's rows, exactly as they were
    assert {n: after[n] for n in TABLES if n != "batches"} == {n: before[n] for n in TABLES if n != "batches"}
    new_batches = [b for b in after["batches"] if b[0] not in old_ids]
    old_batches = [b for b in after["batches"] if b[0] in old_ids]
    outside = rows_outside(db, old_ids)
    if not new_batches:
        assert not outside, f"orphan rows: {outside}"
        return "none" if old_batches == before["batches"] else "partial"
    if len(new_batches) > 1:
        return "partial"
    columns = store.BATCH_COLUMNS
    batch = dict(zip(columns, new_batches[0]))
    if outside != {("training_rows", batch["batch_id"]): rows}:  # no more, no fewer, nowhere else
        return "partial"
    if (batch["status"], batch["dataset"], batch["rows_loaded"]) != ("active", "training", rows):
        return "partial"
    stored = query(db, f"select count(distinct employee_id), sum(hours), min(start_date), max(start_date) "
                       f"from training_rows where _batch_id = {int(batch['batch_id'])}")[0]
    if stored != (rows, sum(1 + i % 8 for i in range(rows)), dt.date(2025, 1, 1), dt.date(2025, 12, 28)):
        return "partial"  # every row of the file, as written
    expected = []
    for b in map(lambda row: dict(zip(columns, row)), before["batches"]):
        if replace and (b["dataset"], b["status"]) == ("training", "active"):  # archived, pointing at the new one
            b |= {"status": "replaced", "replaced_by": batch["batch_id"]}
        expected.append(tuple(b.values()))
    return "whole" if old_batches == expected else "partial"


def outcome_of_rollback(after: dict[str, list[tuple]], before: dict[str, list[tuple]], batch_id: int) -> str:
    """'whole' (the batch rolled back, what it replaced active again) or 'none', for a rollback, from the
    store's contents before and after."""
    assert {n: after[n] for n in TABLES if n != "batches"} == {n: before[n] for n in TABLES if n != "batches"}
    if after["batches"] == before["batches"]:
        return "none"
    if len(after["batches"]) != len(before["batches"]):
        return "partial"
    columns = store.BATCH_COLUMNS
    expected = []
    for b, a in zip(before["batches"], after["batches"]):
        b, a = dict(zip(columns, b)), dict(zip(columns, a))
        if b["batch_id"] == batch_id:
            b |= {"status": "rolled_back", "rolled_back_at": a["rolled_back_at"] or "missing"}
        elif b["replaced_by"] == batch_id and b["status"] == "replaced":
            b |= {"status": "active", "replaced_by": None}
        expected.append(tuple(b.values()))
    return "whole" if after["batches"] == expected else "partial"


def store_starts(db: Path) -> None:
    """The store opens (replaying what the crash left) and every dataset's current data can be read."""
    state = store.state(db=db)
    assert state.batches >= 1
    for name in DATASETS:
        store.row_count(name, db=db)


def remove(db: Path) -> None:
    for path in (db, db.with_name(db.name + ".wal")):
        path.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    return write_big_training(tmp_path_factory.mktemp("crash-file") / "大批培训记录.csv", ROWS)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def calibrate(big: Path, db: Path, scratch: Path, mode: str) -> dict[str, float]:
    """One uninterrupted import (through import_file, as the command line runs it) on `db`: each moment of
    it, in CPU seconds of the child."""
    before = children_cpu()
    run = subprocess.run([sys.executable, "-c", CALIBRATE, str(big), mode], cwd=REPO_ROOT,
                         env=child_env(db, scratch), capture_output=True, text=True, timeout=300, check=True)
    report = json.loads(run.stdout.splitlines()[-1])  # DuckDB draws its progress bar above it under `python -c`
    assert report["rows_loaded"] == ROWS and report["batch_id"] is not None
    return {moment: report["stamps"][moment] for moment in MOMENTS[:-1]} | {"exited": children_cpu() - before}


def test_sigkill_during_import_and_rollback_leaves_all_or_nothing(demo_template, big_file, tmp_path, monkeypatch,
                                                                   run_page):
    rng = random.Random(SEED)
    scratch = tmp_path / "tmp"
    # Calibration: the same import uninterrupted, appending and replacing; the replaced one is the rollback's store.
    replaced = tmp_path / "replaced.duckdb"
    shutil.copyfile(demo_template, replaced)
    timing = {"replace": calibrate(big_file, replaced, scratch, "replace")}
    replace_batch = max(b for (b,) in query(replaced, "select batch_id from batches", read_only=True))
    appended = tmp_path / "appended.duckdb"
    shutil.copyfile(demo_template, appended)
    timing["append"] = calibrate(big_file, appended, scratch, "append")
    remove(appended)
    demo_before = contents(demo_template, read_only=True)

    tally = {"kills": 0, "whole": 0, "none": 0, "partial": 0, "finished": 0}
    runs, app_checked = [], []

    def import_run(mode: str, phase: str) -> None:
        start, end = timing[mode][phase], timing[mode][MOMENTS[MOMENTS.index(phase) + 1]]
        cpu = rng.uniform(start, end)
        db = tmp_path / f"import-{len(runs)}.duckdb"
        shutil.copyfile(demo_template, db)
        args = ["import", "training", str(big_file)] + (["--replace"] if mode == "replace" else [])
        killed, wall = killed_run(args, db, scratch, cpu)
        tally["kills" if killed else "finished"] += 1
        store_starts(db)  # first, as the app would after the crash
        outcome = outcome_of_import(db, demo_before, ROWS, mode == "replace")
        tally[outcome] += 1
        runs.append((f"import {mode}", phase, f"cpu {cpu:.2f} s", f"wall {wall:.2f} s", "killed" if killed else "finished",
                     outcome))
        # the app itself, once: on the first store a crash left with the batch in it, else on the last planned one
        if (outcome == "whole" or phase == "done") and not app_checked:
            monkeypatch.setenv("TALENTBOARD_DB", str(db))
            page = run_page("overview")
            assert page.metric and not page.error, [e.value for e in page.error]  # its KPIs, no "database" error
            app_checked.append(db.name)
        remove(db)

    for mode, phase in IMPORT_KILLS:
        import_run(mode, phase)

    # Rollback of the replacing batch: the demo's training comes back, or nothing changes. Its 300,000 rows
    # are counted, every other row compared.
    def rollback_state(db: Path):
        earlier = {b for (b,) in query(db, f"select batch_id from batches where batch_id <> {replace_batch}")}
        return contents(db, earlier), rows_outside(db, earlier)

    replaced_before, big_rows = rollback_state(replaced)
    assert big_rows == {("training_rows", replace_batch): ROWS}
    probe = tmp_path / "rollback-probe.duckdb"
    shutil.copyfile(replaced, probe)
    before = children_cpu()
    subprocess.run([sys.executable, "-m", "talentboard", "rollback", str(replace_batch)], cwd=REPO_ROOT,
                   env=child_env(probe, scratch), check=True, capture_output=True, timeout=120)
    rollback_cpu = children_cpu() - before
    after, rows = rollback_state(probe)
    assert outcome_of_rollback(after, replaced_before, replace_batch) == "whole" and rows == big_rows
    for i in range(ROLLBACK_KILLS):  # around the rollback's own work, from a little before it starts
        cpu = rng.uniform(rollback_cpu - ROLLBACK_WORK, rollback_cpu)
        db = tmp_path / f"rollback-{i}.duckdb"
        shutil.copyfile(replaced, db)
        killed, wall = killed_run(["rollback", str(replace_batch)], db, scratch, cpu)
        tally["kills" if killed else "finished"] += 1
        store_starts(db)
        after, rows = rollback_state(db)
        assert rows == big_rows
        outcome = outcome_of_rollback(after, replaced_before, replace_batch)
        tally[outcome] += 1
        runs.append(("rollback", "-", f"cpu {cpu:.2f} s", f"wall {wall:.2f} s", "killed" if killed else "finished",
                     outcome))
        remove(db)

    for i in range(TOP_UP):  # a child's CPU time varies with the load: runs that finished first are made up for
        if tally["kills"] >= MIN_KILLS:
            break
        import_run(("append", "replace")[i % 2], "progress.parse")

    print(f"\ncalibration (CPU s): { {m: {k: round(v, 2) for k, v in t.items()} for m, t in timing.items()} }")
    print(f"rollback uninterrupted (CPU s): {rollback_cpu:.2f}")
    for run in runs:
        print("  ", *run)
    print("crash figures:", tally, "app checked on", app_checked)
    assert tally["partial"] == 0, runs
    assert tally["kills"] >= MIN_KILLS, tally
    assert tally["whole"] and tally["none"], runs  # kills landed both before and after the commit
    assert app_checked
