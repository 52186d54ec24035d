"""Import speed and memory against DuckDB's own read_csv on the same file: seconds, rows/s, ratios, peak RSS.

    python benchmarks/bench_import.py --rows 100000 [--encoding gbk] [--data-dir /tmp/bench10/import] [--profile]

The file is written once per rows and encoding into --data-dir (kept there and reused) or into a temporary
folder. The baseline is read_csv into a table of a database file on the UTF-8 file of the same rows; the
import is store.import_file of the file (UTF-8 or GBK) into an empty store file, write included. Each runs
in a process of its own, so its peak memory (RSS, from wait4) is its own. The goals (issue 10): the import
at most 2x the baseline for UTF-8, 3x for GBK, and at most 1 GB peak memory at ten million rows.
`--profile` prints the time of each stage of the import and the functions that took the most of it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COURSES = ["反洗钱业务培训", "党史学习教育", "柜面业务技能提升", "信贷风险防控", "营销服务礼仪", "消防安全知识"]
CATEGORIES = ["合规风控", "思想政治", "专业技能", "合规风控", "营销服务", "其他"]
GB = 1024 ** 3


def write_training_csv(path: Path, rows: int, encoding: str, seed: int = 7) -> None:
    """A training file the way offices write it: a title row, Chinese headers, slash dates."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, 50_001, rows)
    course = rng.integers(0, len(COURSES), rows)
    day = rng.integers(0, 1000, rows)
    dates = np.datetime64("2024-01-01") + day
    hours = rng.choice([1, 1.5, 2, 3, 4, 8], rows)
    score = rng.integers(60, 101, rows)
    partial = path.with_name(path.name + ".part")
    with open(partial, "w", encoding=encoding, newline="") as f:
        f.write("2024—2026年度职工培训台账,,,,,,\r\n工号,姓名,培训名称,培训日期,培训学时,培训类别,考核成绩\r\n")
        chunk = 200_000
        for start in range(0, rows, chunk):
            stop = min(rows, start + chunk)
            lines = [f"QC{ids[i]:05d},职工{ids[i]},{COURSES[course[i]]},"
                     f"{str(dates[i]).replace('-', '/')},{hours[i]:g},{CATEGORIES[course[i]]},{score[i]}"
                     for i in range(start, stop)]
            f.write("\r\n".join(lines) + "\r\n")
    os.replace(partial, path)


def training_csv(folder: Path, rows: int, encoding: str) -> Path:
    """The file of `rows` rows in `encoding` in `folder`, written unless it is there already."""
    path = folder / f"training-{rows}-{encoding}.csv"
    if not path.exists():
        write_training_csv(path, rows, encoding)
    return path


def _read_csv(source: str, database: str) -> dict:
    """DuckDB's own read_csv into a table of a database file, typed by its sniffer."""
    import duckdb
    Path(database).unlink(missing_ok=True)
    con = duckdb.connect(database)
    started = time.perf_counter()
    con.execute("create or replace table t as select * from read_csv(?, skip = 1, header = true)", [source])
    seconds = time.perf_counter() - started
    rows = con.execute("select count(*) from t").fetchall()[0][0]
    con.close()
    return {"seconds": seconds, "rows": rows}


def peak_so_far() -> int:
    """This process's peak RSS so far, in bytes."""
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _import(source: str, database: str, profile: bool) -> dict:
    """store.import_file into an empty store file, with the time each stage starts."""
    from talentboard import store
    Path(database).unlink(missing_ok=True)
    stages, started, cpu = [], time.perf_counter(), time.process_time()

    def progress(fraction: float, stage: str) -> None:
        stages.append((stage, time.perf_counter() - started, time.process_time() - cpu, peak_so_far()))

    def run():
        return store.import_file(source, "training", db=database, user="bench", progress=progress)
    if profile:
        import cProfile
        import io
        import pstats
        profiler = cProfile.Profile()
        result = profiler.runcall(run)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        report = out.getvalue()
    else:
        result, report = run(), ""
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows_loaded": result.rows_loaded, "rows_duplicate": result.rows_duplicate,
            "rows_rejected": result.rows_rejected, "rejection": result.rejection and result.rejection.key,
            "stages": stages + [("end", seconds, time.process_time() - cpu, peak_so_far())], "profile": report}


def measured(*args: str) -> dict:
    """Run this script's child step in a process of its own: its answer and its peak RSS in bytes."""
    child = subprocess.Popen([sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if status:
        raise SystemExit(f"child {args[0]} failed ({status})")
    return json.loads(out) | {"peak": usage.ru_maxrss * 1024, "cpu": usage.ru_utime + usage.ru_stime}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--encoding", default="utf-8")
    parser.add_argument("--data-dir", type=Path, help="keep the CSVs here and reuse them (default: a temporary folder)")
    parser.add_argument("--runs", type=int, default=1, help="import runs; the fastest is reported")
    parser.add_argument("--profile", action="store_true", help="stage times and the costliest functions")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step, source, database, *rest = args.child
        answer = _read_csv(source, database) if step == "read_csv" else _import(source, database, rest == ["profile"])
        print(json.dumps(answer))
        return
    workdir = Path(tempfile.mkdtemp(prefix="tb-bench-"))
    folder = args.data_dir or workdir
    folder.mkdir(parents=True, exist_ok=True)
    path = training_csv(folder, args.rows, args.encoding)
    utf8 = training_csv(folder, args.rows, "utf-8")  # the same rows (the same seed) in UTF-8
    try:
        baseline = min((measured("read_csv", str(utf8), str(workdir / "baseline.duckdb")) for _ in range(2)),
                       key=lambda r: r["seconds"])
        runs = [measured("import", str(path), str(workdir / "bench.duckdb"), *(["profile"] if args.profile else []))
                for _ in range(args.runs)]
        imported = min(runs, key=lambda r: r["seconds"])
    finally:
        if not args.keep:
            shutil.rmtree(workdir)
    assert baseline["rows"] == args.rows and imported["rows_loaded"] == args.rows - imported["rows_duplicate"], imported
    goal = 2.0 if args.encoding == "utf-8" else 3.0
    print(f"rows {args.rows:,} ({path.stat().st_size / 1e6:.1f} MB, {args.encoding}); loaded {imported['rows_loaded']:,}, "
          f"duplicates {imported['rows_duplicate']:,}")
    for name, run in (("duckdb read_csv (UTF-8) into a file", baseline), ("talentboard import into a file", imported)):
        print(f"{name:<37}{run['seconds']:8.3f} s  {args.rows / run['seconds']:11,.0f} rows/s  "
              f"CPU {run['cpu']:7.2f} s  peak {run['peak'] / GB:5.2f} GB")
    print(f"ratio import / read_csv = {imported['seconds'] / baseline['seconds']:.2f}  (goal: at most {goal:.2f}); "
          f"CPU ratio {imported['cpu'] / baseline['cpu']:.2f}; peak {imported['peak'] / GB:.2f} GB "
          f"(goal: at most 1.00 at ten million rows)")
    if args.profile:
        previous = ("start", 0.0, 0.0)
        for stage, at, cpu, peak in imported["stages"]:
            print(f"  {previous[0]:<22} {at - previous[1]:8.3f} s  CPU {cpu - previous[2]:7.3f} s  "
                  f"peak RSS by its end {peak / GB:5.2f} GB")
            previous = (stage, at, cpu)
        print(imported["profile"])


if __name__ == "__main__":
    main()
