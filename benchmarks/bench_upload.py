"""What an upload on the data page costs, step by step, against the command line's import of the same file.

    python benchmarks/bench_upload.py --rows 100000 [--encoding gbk] [--data-dir /tmp/bench10/import]

Steps: keep the uploaded bytes, the first look (dataset and sheet guess), the preview (a dry run of the
pipeline, whose reading and checking the import then reuses), the import. Prints seconds per step and the
page's total as a ratio of the plain import (the command line's, into an empty store, as the page's is).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_import import training_csv  # noqa: E402
from talentboard import store, uploads  # noqa: E402


def timed(step):
    started = time.perf_counter()
    value = step()
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--encoding", default="utf-8")
    parser.add_argument("--data-dir", type=Path, help="keep the CSVs here and reuse them (default: a temporary folder)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tb-bench-upload-"))
    path = training_csv(args.data_dir or workdir, args.rows, args.encoding)
    data = path.read_bytes()
    os.environ["TALENTBOARD_DB"] = str(workdir / "page.duckdb")
    try:
        upload, keep = timed(lambda: uploads.keep(path.name, data))
        look, first_look = timed(lambda: uploads.first_look(upload))
        choices = uploads.Choices(look.dataset)
        preview, previewed = timed(lambda: uploads.preview(upload, choices))
        result, imported = timed(lambda: uploads.run_import(upload, choices))
        assert look.dataset == "training" and result.rows_loaded == preview.result.rows_loaded > 0
        _, plain = timed(lambda: store.import_file(path, "training", db=workdir / "cli.duckdb", user="bench"))
        page = keep + first_look + previewed + imported
        print(f"rows {args.rows:,} ({len(data) / 1e6:.1f} MB, {args.encoding}); loaded {result.rows_loaded:,}")
        for name, seconds in (("keep the upload", keep), ("first look", first_look), ("preview (dry run)", previewed),
                              ("import", imported), ("page in all", page), ("command-line import", plain)):
            print(f"{name:<22} {seconds:8.3f} s")
        print(f"ratio page / command-line import = {page / plain:.2f}")
    finally:
        shutil.rmtree(workdir)  # the database and its uploads folder beside it

if __name__ == "__main__":
    main()
