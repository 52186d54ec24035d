"""Imports corpus files one by one for tests/test_corpus.py, in a process of its own so that a reader that
crashes or hangs fails one file instead of the test run.

Reads one JSON request a line on stdin ({"path", "dataset", "db", "limits"}), imports the file with
store.import_file into that database, and answers one JSON line on stdout: what the import said, in both
languages, and the rows it stored.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from talentboard import settings, store  # noqa: E402


def describe(result: store.ImportResult, dataset: str, db: str) -> dict:
    rejection = result.rejection
    answer = {
        "rejection": rejection.key if rejection else None,
        "rejection_text": {lang: rejection.text(lang) for lang in ("zh", "en")} if rejection else None,
        "rows_read": result.rows_read, "rows_loaded": result.rows_loaded, "rows_rejected": result.rows_rejected,
        "batch_id": result.batch_id,
        "codes": sorted(e.code for e in result.errors),
        "error_texts": {lang: [e.message(lang) for e in result.errors] for lang in ("zh", "en")},
        "warnings": sorted(w.key for w in result.warnings),
        "warning_texts": {lang: [w.text(lang) for w in result.warnings] for lang in ("zh", "en")},
        "stored": {},
    }
    if result.batch_id is not None:
        import duckdb
        con = duckdb.connect(db, read_only=True)
        try:
            columns = [c.name for c in store.DATASETS[dataset].columns]
            rows = con.execute(f"select {', '.join(columns)} from {dataset}_rows where _batch_id = ?",
                               [result.batch_id]).fetchall()
        finally:
            con.close()
        answer["stored"] = {c: sorted((r[i] for r in rows if r[i] is not None), key=str) for i, c in enumerate(columns)}
        answer["stored_rows"] = len(rows)
    return answer


def main() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        saved = {name: getattr(settings, name) for name in request.get("limits", {})}
        for name, value in request.get("limits", {}).items():
            setattr(settings, name, value)
        started = time.perf_counter()
        try:
            result = store.import_file(request["path"], request["dataset"], db=request["db"], user="corpus")
            answer = describe(result, request["dataset"], request["db"])
        except BaseException as exc:  # reported to the test, which fails the file
            answer = {"exception": f"{type(exc).__name__}: {exc}"}
        finally:
            for name, value in saved.items():
                setattr(settings, name, value)
        answer["seconds"] = time.perf_counter() - started
        print(json.dumps(answer, ensure_ascii=False, default=str), flush=True)


if __name__ == "__main__":
    main()
