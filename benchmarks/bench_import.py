"""Import speed against DuckDB's own read_csv on the same file: prints seconds, rows/s and the ratio.

    python benchmarks/bench_import.py --rows 100000 [--encoding gbk] [--keep]

The goal (SPEC "Coming next") is an import at no more than twice read_csv's time.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from talentboard import store  # noqa: E402

COURSES = ["反洗钱业务培训", "党史学习教育", "柜面业务技能提升", "信贷风险防控", "营销服务礼仪", "消防安全知识"]
CATEGORIES = ["合规风控", "思想政治", "专业技能", "合规风控", "营销服务", "其他"]


def write_training_csv(path: Path, rows: int, encoding: str, seed: int = 7) -> None:
    """A training file the way offices write it: a title row, Chinese headers, slash dates."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, 50_001, rows)
    course = rng.integers(0, len(COURSES), rows)
    day = rng.integers(0, 1000, rows)
    dates = np.datetime64("2024-01-01") + day
    hours = rng.choice([1, 1.5, 2, 3, 4, 8], rows)
    score = rng.integers(60, 101, rows)
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write("2024—2026年度职工培训台账,,,,,,\r\n工号,姓名,培训名称,培训日期,培训学时,培训类别,考核成绩\r\n")
        chunk = 200_000
        for start in range(0, rows, chunk):
            stop = min(rows, start + chunk)
            lines = [f"QC{ids[i]:05d},职工{ids[i]},{COURSES[course[i]]},"
                     f"{str(dates[i]).replace('-', '/')},{hours[i]:g},{CATEGORIES[course[i]]},{score[i]}"
                     for i in range(start, stop)]
            f.write("\r\n".join(lines) + "\r\n")


def time_read_csv(path: Path, encoding: str, database: str) -> float:
    """DuckDB's own read_csv into a table, typed by its sniffer (UTF-8 copy for other encodings),
    in memory (":memory:") or in a database file, as an import writes."""
    source = path
    if encoding != "utf-8":
        source = path.with_suffix(".utf8.csv")
        source.write_text(path.read_text(encoding=encoding), encoding="utf-8")
    Path(database).unlink(missing_ok=True)
    con = duckdb.connect(database)
    started = time.perf_counter()
    con.execute("create or replace table t as select * from read_csv(?, skip = 1, header = true)", [str(source)])
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--encoding", default="utf-8")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tb-bench-"))
    path = workdir / "training.csv"
    write_training_csv(path, args.rows, args.encoding)
    size_mb = path.stat().st_size / 1e6
    in_memory = min(time_read_csv(path, args.encoding, ":memory:") for _ in range(2))
    baseline = min(time_read_csv(path, args.encoding, str(workdir / "baseline.duckdb")) for _ in range(2))
    started = time.perf_counter()
    result = store.import_file(path, "training", db=workdir / "bench.duckdb", user="bench")
    imported = time.perf_counter() - started
    assert result.rows_loaded == args.rows - result.rows_duplicate, result.as_json()
    print(f"rows {args.rows:,} ({size_mb:.1f} MB, {args.encoding}); loaded {result.rows_loaded:,}, "
          f"duplicates {result.rows_duplicate:,}")
    print(f"duckdb read_csv, in memory     {in_memory:8.3f} s  {args.rows / in_memory:12,.0f} rows/s")
    print(f"duckdb read_csv, into a file   {baseline:8.3f} s  {args.rows / baseline:12,.0f} rows/s")
    print(f"talentboard import (a file)    {imported:8.3f} s  {args.rows / imported:12,.0f} rows/s")
    print(f"ratio import / read_csv into a file = {imported / baseline:.2f}; "
          f"/ in memory = {imported / in_memory:.2f}  (goal: at most 2.00)")
    if not args.keep:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
