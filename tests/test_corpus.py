"""The corpus of bad and awkward files (tests/corpus/, made by make_corpus.py): each one imported into a
database holding the demo, answered in seconds with the outcome its manifest entry names, in words a user
reads (zh and en, no Python or library wording), and a refused file leaves every table as it was.

Imports run in a worker process (tests/corpus/worker.py) with a timeout per file, so a reader that hangs or
kills its process fails that file instead of blocking or ending the run. A subset also goes through
`python -m talentboard import --json`.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))
import make_corpus  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = REPO_ROOT / "tests" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
TIMEOUT = 30  # seconds per file: a hang fails the file; the files themselves answer in seconds
# Wording a user must never see: Python's, or the readers' own.
FORBIDDEN = ("Error", "error:", "Traceback", "Exception", "Calamine", "calamine", "field larger than field limit",
             "object has no attribute", "panic", "DuckDB", "duckdb", "Invalid Input", "codec can't", "NoneType",
             "zipfile", "XML", "Zip", "errno", "Errno")
# Through the command line too: one or more of each outcome, and every file that once crashed or hung.
CLI_SUBSET = ("stray_cell_xfd1048576.xlsx", "zip_bomb.xlsx", "wide_20000_columns.csv", "cell_1mb.csv",
              "shared_strings_truncated.xlsx", "hours_negative_and_absurd.csv", "semicolon.csv")

TIMINGS: dict[str, float] = {}


def table_digests(db: Path) -> dict[str, tuple]:
    """Every table's row count and an md5 of its rows, each row as text, in sorted order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [n for (n,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        return {n: con.execute(f"select count(*), md5(coalesce(string_agg(t::varchar, chr(10) "
                               f"order by t::varchar), '')) from \"{n}\" t").fetchone() for n in names}
    finally:
        con.close()


class Worker:
    """tests/corpus/worker.py as a child process: one request, one answer, each within TIMEOUT."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.stderr = tempfile.TemporaryFile()

    def _start(self) -> subprocess.Popen:
        if self.proc is None or self.proc.poll() is not None:
            self.stderr.seek(0)
            self.stderr.truncate()
            self.proc = subprocess.Popen([sys.executable, str(CORPUS / "worker.py")], cwd=REPO_ROOT, text=True,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                         encoding="utf-8")
        return self.proc

    def ask(self, request: dict) -> dict:
        proc = self._start()
        proc.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        proc.stdin.flush()
        deadline = time.monotonic() + TIMEOUT
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                proc.kill()
                proc.wait()
                return {"failed": f"no answer within {TIMEOUT} s"}
            line = proc.stdout.readline()
            if not line:
                code = proc.wait()
                self.stderr.seek(0)
                tail = self.stderr.read()[-2000:].decode("utf-8", "replace")
                return {"failed": f"the import process died (exit {code}): {tail}"}
            if line.startswith("{"):
                return json.loads(line)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()


@pytest.fixture(scope="module")
def worker(request: pytest.FixtureRequest):
    running = Worker()
    yield running
    running.close()
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if TIMINGS and reporter is not None and capture is not None:
        slowest = max(TIMINGS, key=TIMINGS.get)
        with capture.global_and_fixture_disabled():  # printed whatever -s says
            reporter.write_line(f"\ncorpus: {len(TIMINGS)} files in {sum(TIMINGS.values()):.1f} s of import time; "
                                f"slowest {slowest} {TIMINGS[slowest]:.2f} s")
            for name, seconds in sorted(TIMINGS.items(), key=lambda kv: -kv[1])[:8]:
                reporter.write_line(f"  {seconds:6.2f} s  {name}")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """The files too big to commit, written for this run."""
    directory = tmp_path_factory.mktemp("corpus-generated")
    return {entry["file"]: entry | {"path": str(directory / entry["file"])} for entry in make_corpus.write_generated(directory)}


@pytest.fixture(scope="module")
def demo_digests(demo_template: Path) -> dict[str, tuple]:
    return table_digests(demo_template)


def assert_worded(texts: list[str], what: str) -> None:
    for text in texts:
        assert text and text.strip(), f"{what}: an empty message"
        bad = [word for word in FORBIDDEN if word in text]
        assert not bad, f"{what}: {text!r} carries {bad}"


def check(entry: dict, answer: dict, db: Path, before: dict) -> None:
    name, expect = entry["file"], entry["expect"]
    assert "failed" not in answer, f"{name}: {answer.get('failed')}"
    assert "exception" not in answer, f"{name}: store.import_file raised {answer['exception']}"
    TIMINGS[name] = answer["seconds"]
    texts = answer["rejection_text"] or {}
    assert answer["rejection"] != "err.internal", f"{name}: the generic message: {texts.get('en')}"
    for lang in ("zh", "en"):
        assert_worded(([texts[lang]] if texts else []) + answer["error_texts"][lang] + answer["warning_texts"][lang],
                      f"{name} ({lang})")
    if texts:
        assert texts["zh"] != texts["en"], f"{name}: the same words in both languages: {texts['zh']}"
    outcome = expect["outcome"]
    got = {"rejection": answer["rejection"], "rows_loaded": answer["rows_loaded"],
           "rows_rejected": answer["rows_rejected"], "codes": answer["codes"], "warnings": answer["warnings"]}
    if outcome == "rejected":
        assert answer["rejection"] == expect["key"], f"{name}: {got}; said {texts.get('en')}"
    elif outcome == "all_rows_rejected":
        assert (answer["rejection"], answer["rows_rejected"], answer["codes"]) == (
            "cli.rejected_file", expect["rows_rejected"], expect["codes"]), f"{name}: {got}"
    else:
        want = {"rejection": None, "rows_loaded": expect["rows_loaded"], "rows_rejected": expect.get("rows_rejected", 0),
                "codes": expect.get("codes", []), "warnings": expect["warnings"]}
        assert got == want, f"{name}: {texts.get('en') or ''}"
        assert answer["batch_id"] is not None and answer["stored_rows"] == expect["rows_loaded"], name
        for column, values in entry.get("stored", {}).items():
            assert sorted(map(str, answer["stored"][column])) == sorted(map(str, values)), f"{name}: {column}"
    if outcome in ("rejected", "all_rows_rejected"):
        assert table_digests(db) == before, f"{name}: a refused file changed the database"


def run_entry(entry: dict, path: Path, worker: Worker, demo_template: Path, demo_digests: dict, tmp_path: Path) -> None:
    db = tmp_path / "talentboard.duckdb"
    shutil.copyfile(demo_template, db)
    answer = worker.ask({"path": str(path), "dataset": entry["dataset"], "db": str(db), "limits": entry.get("limits", {})})
    check(entry, answer, db, demo_digests)


@pytest.mark.parametrize("entry", [pytest.param(e, id=e["file"]) for e in MANIFEST])
def test_corpus_file(entry, worker, demo_template, demo_digests, tmp_path):
    run_entry(entry, CORPUS / "files" / entry["file"], worker, demo_template, demo_digests, tmp_path)


@pytest.mark.parametrize("name", ["line_5mb.csv", "header_1000000_columns.csv"])
def test_generated_file(name, generated, worker, demo_template, demo_digests, tmp_path):
    entry = generated[name]
    run_entry(entry, Path(entry["path"]), worker, demo_template, demo_digests, tmp_path)


def test_the_corpus_is_as_the_script_writes_it(tmp_path):
    """The committed files are the script's, byte for byte, and there are at least 60 of them."""
    names = {e["file"] for e in MANIFEST}
    assert len(names) == len(MANIFEST) >= 60
    assert {p.name for p in (CORPUS / "files").iterdir()} == names
    for name, data, *_ in make_corpus.corpus():
        assert (CORPUS / "files" / name).read_bytes() == data, f"{name} differs from what make_corpus.py writes"


def cli(db: Path, *args: str, lang: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TALENTBOARD_DB": str(db)}
    env.pop("TALENTBOARD_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "talentboard", "--lang", lang, *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT)


@pytest.mark.parametrize("name,lang", [(n, ("en", "zh")[i % 2]) for i, n in enumerate(CLI_SUBSET)])
def test_corpus_file_through_the_command_line(name, lang, demo_template, demo_digests, tmp_path):
    entry = next(e for e in MANIFEST if e["file"] == name)
    expect = entry["expect"]
    db = tmp_path / "talentboard.duckdb"
    shutil.copyfile(demo_template, db)
    run = cli(db, "import", entry["dataset"], str(CORPUS / "files" / name), "--json", lang=lang)
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    answer = json.loads(run.stdout)  # --json prints one object, whatever happened
    want_code = {"rejected": 1, "all_rows_rejected": 1, "loaded": 0, "partial": 3}[expect["outcome"]]
    assert run.returncode == want_code, (run.returncode, run.stdout[-2000:], run.stderr[-2000:])
    assert_worded([e["message"] for e in answer["errors"]] + answer["warnings"] + [run.stderr.strip() or "-"], name)
    if expect["outcome"] == "rejected":
        assert answer["errors"][0]["row"] is None and answer["batch_id"] is None
        assert table_digests(db) == demo_digests
    else:
        assert answer["rows_loaded"] == expect.get("rows_loaded", 0)
        assert answer["rows_rejected"] == expect.get("rows_rejected", 0)


# ---------------------------------------------------------------------------------------------
# The workbook reader's own process: a crash or a hang there is a refusal in words here
# ---------------------------------------------------------------------------------------------

def test_the_reader_meeting_the_stray_cell_itself_ends_only_its_own_process(monkeypatch):
    """With the column cap raised past XFD, nothing stops the reader before it lays out 16,384 x 1,048,576
    cells: it aborts (as it did in the app's own process, exit 134), and the import is refused in words."""
    from talentboard import settings
    from talentboard.ingest import ImportRejected, read
    monkeypatch.setattr(settings, "MAX_COLUMNS", 20_000)
    with pytest.raises(ImportRejected) as refused:
        read.excel_records(CORPUS / "files" / "stray_cell_xfd1048576.xlsx")
    assert refused.value.key == "err.excel_crashed"
    assert_worded([refused.value.message("zh"), refused.value.message("en")], "crashed reader")
    assert "stray_cell_xfd1048576.xlsx" in refused.value.message("en")


@pytest.mark.parametrize("script,key", [("import os\nos.abort()\n", "err.excel_crashed"),
                                        ("import sys\nsys.stdout.write('not json')\n", "err.excel_crashed"),
                                        ("import time\ntime.sleep(60)\n", "err.excel_timeout")])
def test_a_reader_process_that_dies_or_hangs_is_a_refusal(script, key, tmp_path, monkeypatch):
    from talentboard import settings
    from talentboard.ingest import ImportRejected, read
    child = tmp_path / "child.py"
    child.write_text(script)
    monkeypatch.setattr(read, "EXCEL_CHILD", child)
    monkeypatch.setattr(settings, "EXCEL_SECONDS", 2)
    started = time.monotonic()
    with pytest.raises(ImportRejected) as refused:
        read.excel_records(CORPUS / "files" / "xlsx_renamed.csv")
    assert refused.value.key == key and time.monotonic() - started < 20
    assert_worded([refused.value.message("zh"), refused.value.message("en")], key)
    if key == "err.excel_timeout":
        assert "2 s" in refused.value.message("en") and "2 秒" in refused.value.message("zh")


PREVIEWED = ("stray_cell_xfd1048576.xlsx", "zip_bomb.xlsx", "wide_16384_columns.xlsx", "shared_strings_truncated.xlsx",
             "encrypted.xlsx", "truncated.xlsx", "wide_20000_columns.csv", "nul_bytes.csv", "binary_junk.csv")


@pytest.mark.parametrize("name", PREVIEWED)
def test_the_upload_preview_refuses_a_bad_file_as_the_import_does(name):
    """The data page guesses a file's dataset from its first rows (head_records, after the sheet list): the same
    readers under the same limits, so the same refusal, in words. (It reads a CSV's first megabyte only: a cell
    past that, as in cell_1mb.csv, is the import's to refuse.)"""
    from talentboard.ingest import ImportRejected, excel_records, head_records
    entry = next(e for e in MANIFEST if e["file"] == name)
    path = CORPUS / "files" / name
    with pytest.raises(ImportRejected) as refused:
        if path.read_bytes()[:2] == b"PK" and entry["expect"]["key"] not in ("err.zip_bomb", "err.bad_excel"):
            sheets = excel_records(path, rows=0)[1]  # listing the sheets reads none of them
            head_records(path, sheets[0])
        else:
            head_records(path)
    assert refused.value.key == entry["expect"]["key"]
    assert_worded([refused.value.message("zh"), refused.value.message("en")], name)
