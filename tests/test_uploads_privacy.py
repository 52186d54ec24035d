"""Uploaded files are private to the app and short-lived, no column the schema does not know is kept, and
files over the configured limits are refused with a message naming the size and the cap."""
from __future__ import annotations

import csv
import hashlib
import importlib
import io
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from talentboard import ingest, settings, store, uploads

REPO_ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
# A roster as HR systems export it: two columns the schema does not know (ID card, mobile phone)
IDS = [f"3301021985{i:02d}0{i:02d}21{i % 10}X" for i in range(1, 9)]
PHONES = [f"1395713{i:04d}" for i in range(1, 9)]


def csv_bytes(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def roster(bad_last_row: bool = False) -> bytes:
    rows = [["工号", "姓名", "机构", "身份证号", "手机号", "出生日期"]]
    rows += [[f"E{i}", f"职工{i}", "城关信用社", IDS[i], PHONES[i], f"1985-0{i % 9 + 1}-15"] for i in range(8)]
    if bad_last_row:  # rejected: kept in memory for the user's error report, never stored
        rows[-1][-1] = "不是日期"
    return csv_bytes(rows)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def root(tmp_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The uploads folder as configured by default: `uploads` beside the database (a fresh one per test)."""
    monkeypatch.setattr(settings, "UPLOADS", "")
    monkeypatch.setattr(settings, "UPLOAD_KEEP_MINUTES", 60)
    system_temp = tmp_db.parent / "system-temp"  # not the machine's own
    system_temp.mkdir()
    monkeypatch.setattr(uploads, "SYSTEM_TEMP", system_temp)
    monkeypatch.setattr(uploads, "LEGACY_UPLOAD_DIR", system_temp / "talentboard-uploads")
    return tmp_db.parent / "uploads"


# ----------------------------------------------------------------------------------------------
# Where and how an upload is kept
# ----------------------------------------------------------------------------------------------

def test_kept_beside_the_database_readable_by_the_app_alone(root: Path):
    old = os.umask(0)  # the modes must not depend on the process's umask
    try:
        upload = uploads.keep("花名册.csv", roster())
    finally:
        os.umask(old)
    assert uploads.upload_dir() == root
    assert upload.path == root / hashlib.sha256(roster()).hexdigest() / "花名册.csv"
    assert upload.path.read_bytes() == roster()
    assert (mode(root), mode(upload.path.parent), mode(upload.path)) == (0o700, 0o700, 0o600)
    assert files_under(root) == [upload.path]  # no partial copy left behind


def test_modes_tightened_where_found_wider(root: Path):
    data = roster()
    folder = root / hashlib.sha256(data).hexdigest()
    folder.mkdir(parents=True)
    (folder / "花名册.csv").write_bytes(data)
    os.chmod(root, 0o777)
    os.chmod(folder, 0o755)
    os.chmod(folder / "花名册.csv", 0o644)
    upload = uploads.keep("花名册.csv", data)
    assert (mode(root), mode(upload.path.parent), mode(upload.path)) == (0o700, 0o700, 0o600)


def test_configured_folder_and_settings_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    private = tmp_path / "private" / "uploads"
    monkeypatch.setenv("TALENTBOARD_UPLOADS", str(private))
    monkeypatch.setenv("TALENTBOARD_UPLOAD_KEEP_MINUTES", "15")
    monkeypatch.setenv("TALENTBOARD_MAX_UPLOAD_MB", "not a number")  # a bad value: the default, not a crash
    monkeypatch.setenv("TALENTBOARD_MAX_ROWS", "1000")
    try:
        importlib.reload(settings)
        assert (settings.UPLOADS, settings.UPLOAD_KEEP_MINUTES, settings.MAX_UPLOAD_MB, settings.MAX_ROWS) == \
            (str(private), 15, 200, 1000)
        assert isinstance(settings.UPLOAD_KEEP_MINUTES, int)  # shown as 15, not 15.0
        upload = uploads.keep("a.csv", b"x")
        assert upload.path.parent.parent == private and mode(private) == 0o700
    finally:
        for name in ("UPLOADS", "UPLOAD_KEEP_MINUTES", "MAX_UPLOAD_MB", "MAX_ROWS"):
            monkeypatch.delenv(f"TALENTBOARD_{name}")
        importlib.reload(settings)
    assert (settings.UPLOADS, settings.UPLOAD_KEEP_MINUTES) == ("", 60)


def test_each_session_has_its_own_copy(root: Path):
    a = uploads.keep("花名册.csv", roster(), owner="a1")
    b = uploads.keep("花名册.csv", roster(), owner="b2")
    assert a.path != b.path and a.digest == b.digest
    uploads.discard(a)
    assert not a.path.parent.exists() and b.path.read_bytes() == roster()
    with pytest.raises(ValueError):
        uploads.receive("x.csv", b"x", owner="../x")


# ----------------------------------------------------------------------------------------------
# How long: deleted once imported, pruned when untouched
# ----------------------------------------------------------------------------------------------

def test_deleted_right_after_a_successful_import(root: Path):
    upload = uploads.keep("花名册.csv", roster())
    result = uploads.run_import(upload, uploads.Choices("employees"))
    assert (result.batch_id, result.rows_loaded) == (1, 8)
    assert files_under(root) == [] and not upload.path.parent.exists()


def test_kept_when_the_import_is_refused(root: Path):
    upload = uploads.keep("花名册.csv", roster(bad_last_row=True))
    result = uploads.run_import(upload, uploads.Choices("employees", strict=True))
    assert result.batch_id is None and result.rows_rejected == 1
    assert upload.path.exists()  # the user may change a choice and import again


def test_pruned_after_the_configured_time(root: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(settings, "UPLOAD_KEEP_MINUTES", 30)
    old = uploads.keep("old.csv", b"old")
    fresh = uploads.keep("fresh.csv", b"fresh")
    now = time.time()
    os.utime(old.path.parent, (now - 31 * 60, now - 31 * 60))  # untouched 31 minutes
    os.utime(fresh.path.parent, (now - 29 * 60, now - 29 * 60))
    assert uploads.prune(now) == [old.path.parent]
    assert not old.path.exists() and fresh.path.exists()
    uploads.keep("fresh.csv", b"fresh")  # in use again: its clock starts afresh
    assert uploads.prune(now + 29 * 60) == []
    assert uploads.prune(now + 31 * 60) == [fresh.path.parent]
    assert list(root.iterdir()) == []


def test_leftovers_in_the_system_temp_folder_go_on_the_same_clock(root: Path):
    legacy = uploads.LEGACY_UPLOAD_DIR
    old, fresh = legacy / ("a" * 64), legacy / ("b" * 64)  # where earlier versions kept uploads
    work, live, other, spill = (uploads.SYSTEM_TEMP / name for name in (
        "talentboard-import-k3j2", "talentboard-import-x9q1", "other", "talentboard-duckdb-q7"))
    for folder in (old, fresh, work, live, other, spill):
        folder.mkdir(parents=True)
        (folder / "花名册.csv").write_bytes(roster())
    past = time.time() - 61 * 60
    for folder in (old, work, other, spill):  # a running server's DuckDB spill folder is old too, and not ours to take
        os.utime(folder, (past, past))
    assert sorted(uploads.prune()) == sorted([old, work])
    assert sorted(p.name for p in uploads.SYSTEM_TEMP.iterdir()) == ["other", "talentboard-duckdb-q7",
                                                                     "talentboard-import-x9q1", "talentboard-uploads"]
    assert list(legacy.iterdir()) == [fresh]


def copying(temp: Path) -> bool:
    """A work folder holds more than a megabyte of a file's copy."""
    for path in temp.glob("talentboard-import-*/*"):
        try:
            if path.stat().st_size > MB:
                return True
        except FileNotFoundError:  # the import was done with it
            continue
    return False


def test_a_killed_import_leaves_its_work_folder_to_prune(root: Path, tmp_path: Path):
    """A GBK file is read through a UTF-8 copy in a work folder; a killed import leaves it behind."""
    big = tmp_path / "培训.csv"
    lines = ["工号,培训名称,培训日期,学时"] + [f"E{i % 50},反洗钱业务培训{IDS[i % 8]},2025-03-05,2" for i in range(400_000)]
    big.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    env = {**os.environ, "TMPDIR": str(uploads.SYSTEM_TEMP), "TALENTBOARD_DB": str(tmp_path / "killed.duckdb")}
    process = subprocess.Popen([sys.executable, "-m", "talentboard", "import", "training", str(big)], cwd=REPO_ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not copying(uploads.SYSTEM_TEMP):
            time.sleep(0.005)
    finally:
        process.kill()
        process.wait()
    left = list(uploads.SYSTEM_TEMP.glob("talentboard-import-*"))
    assert len(left) == 1 and any(IDS[0].encode() in p.read_bytes() for p in left[0].iterdir())
    assert uploads.prune() == []  # an import may still be running in it
    assert uploads.prune(time.time() + 61 * 60) == left


def test_keep_prunes_abandoned_uploads(root: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(settings, "UPLOAD_KEEP_MINUTES", 5)
    abandoned = uploads.keep("abandoned.csv", b"abandoned")
    past = time.time() - 6 * 60
    os.utime(abandoned.path.parent, (past, past))
    uploads.keep("next.csv", b"next")
    assert not abandoned.path.parent.exists()


# ----------------------------------------------------------------------------------------------
# Store no column the schema does not know
# ----------------------------------------------------------------------------------------------

def stored_bytes(tmp_db: Path) -> bytes:
    """Every byte the database keeps: its file, and a write-ahead log or spill files if any are left."""
    return b"".join(p.read_bytes() for p in sorted(tmp_db.parent.glob(tmp_db.name + "*")) if p.is_file()) + \
        b"".join(p.read_bytes() for p in files_under(tmp_db.parent / (tmp_db.name + ".tmp")))


def test_unknown_columns_are_nowhere_after_import(root: Path, tmp_db: Path):
    # a hand-made mapping leaving the ID card out is remembered (header names only), the last row is rejected
    upload = uploads.keep("花名册.csv", roster(bad_last_row=True))
    choices = uploads.Choices("employees", mapping=(("身份证号", ""),))
    preview = uploads.preview(upload, choices)
    assert preview.result.rows_loaded == 7
    result = uploads.run_import(upload, choices)
    assert (result.batch_id, result.rows_loaded, result.rows_rejected) == (1, 7, 1)
    # the user's own rejected row is shown to them in the session, as read
    assert result.rejected_rows == [(9, ["E7", "职工7", "城关信用社", IDS[7], PHONES[7], "不是日期"])]
    assert store.remembered_mapping("employees", result.layout.headers) == {"身份证号": ""}
    kept = stored_bytes(tmp_db)
    assert "职工3".encode() in kept and b"E6" in kept  # the known columns are there
    assert [v for v in IDS + PHONES if v.encode() in kept] == []
    assert files_under(root) == []
    with store.connect() as con:  # no table or column holds them either, in any form DuckDB reads back
        tables = [name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()]
        text = " ".join(str(row) for name in tables for row in con.execute(f"select * from {name}").fetchall())
    assert [v for v in IDS + PHONES if v in text] == [] and "职工3" in text


def test_the_search_finds_values_the_database_does_hold(root: Path, tmp_db: Path):
    """The check above can fail: the same values in a column the schema knows are found in the file's bytes."""
    data = csv_bytes([["工号", "姓名", "机构"], *[[IDS[i], PHONES[i], "城关信用社"] for i in range(8)]])
    assert uploads.run_import(uploads.keep("c.csv", data), uploads.Choices("employees")).rows_loaded == 8
    kept = stored_bytes(tmp_db)
    assert [v for v in IDS + PHONES if v.encode() not in kept] == []


# ----------------------------------------------------------------------------------------------
# Limits
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, expected", [
    ("zh", "文件 大花名册.csv 有 1.5 MB，超过了 1 MB 的上限，未导入。请拆分后分批上传。"),
    ("en", "大花名册.csv is 1.5 MB, over the limit of 1 MB; it was not imported. Split it and upload the parts.")])
def test_size_cap_names_the_size_and_the_cap(root: Path, monkeypatch: pytest.MonkeyPatch, lang: str, expected: str):
    monkeypatch.setattr(settings, "MAX_UPLOAD_MB", 1)
    with pytest.raises(ingest.ImportRejected) as refused:
        uploads.keep("大花名册.csv", b"x" * (MB + MB // 2))
    assert refused.value.message(lang) == expected
    assert files_under(root) == []  # nothing written
    assert uploads.keep("刚好.csv", b"x" * MB).path.exists()  # the cap itself is allowed


def cli(db: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "talentboard", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          env={**os.environ, "TALENTBOARD_DB": str(db), **env}, timeout=120)


def test_command_line_size_cap(tmp_path: Path):
    big = tmp_path / "大花名册.csv"
    big.write_bytes(roster() + b"x" * (MB + MB // 2 - len(roster())))
    db = tmp_path / "cli.duckdb"
    done = cli(db, "--lang", "en", "import", "employees", str(big), TALENTBOARD_MAX_FILE_MB="1")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "大花名册.csv is 1.5 MB, over the limit of 1 MB; it was not imported. Split it and upload the parts.",
        "The limit is MAX_FILE_MB in talentboard/settings.py, or the environment variable TALENTBOARD_MAX_FILE_MB."]
    done = cli(db, "import", "employees", str(big), "--json", TALENTBOARD_MAX_FILE_MB="1")
    assert json.loads(done.stdout)["errors"] == [{"row": None, "column": None, "value": "大花名册.csv",
                                                  "message": "文件 大花名册.csv 有 1.5 MB，超过了 1 MB 的上限，未导入。请拆分后分批上传。"}]
    assert store.history(db) == []


def test_command_line_row_cap(tmp_path: Path):
    six = tmp_path / "六人.csv"
    six.write_bytes(roster()[:roster().index(b"E6,")])  # header and six rows (the cap itself: the workbook test)
    db = tmp_path / "cli.duckdb"
    done = cli(db, "import", "employees", str(six), "--json", TALENTBOARD_MAX_ROWS="5")
    assert done.returncode == 1
    assert json.loads(done.stdout)["errors"][0]["message"] == \
        "文件 六人.csv 有 6 行数据，超过了 5 行的上限，未导入。请拆分后分批导入。"
    done = cli(db, "--lang", "en", "import", "employees", str(six), TALENTBOARD_MAX_ROWS="5")
    assert done.stderr.splitlines() == [
        "六人.csv has 6 data rows, over the limit of 5 rows; it was not imported. Split it and import the parts.",
        "The limit is MAX_ROWS in talentboard/settings.py, or the environment variable TALENTBOARD_MAX_ROWS."]
    assert store.history(db) == []


def test_row_cap_on_a_workbook_and_the_data_page(root: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(settings, "MAX_ROWS", 7)
    book = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(roster().decode("utf-8"))):
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    upload = uploads.keep("花名册.xlsx", data.getvalue())
    preview = uploads.preview(upload, uploads.Choices("employees"))
    assert preview.result.rejection.text("en") == \
        "花名册.xlsx has 8 data rows, over the limit of 7 rows; it was not imported. Split it and import the parts."
    assert uploads.run_import(upload, uploads.Choices("employees")).batch_id is None
    assert store.history() == [] and upload.path.exists()
    monkeypatch.setattr(settings, "MAX_ROWS", 8)
    assert uploads.run_import(upload, uploads.Choices("employees")).rows_loaded == 8


def test_streamlit_lets_a_file_over_the_cap_reach_the_app():
    config = (REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    limit = int(next(line.split("=")[1] for line in config.splitlines() if line.startswith("maxUploadSize")))
    assert limit > settings.MAX_UPLOAD_MB


# ----------------------------------------------------------------------------------------------
# The data page: its copy goes when imported, when taken off the page, and an oversized file is refused
# ----------------------------------------------------------------------------------------------

def data_page(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.switch_page("pages/data.py")
    return run(at)


def run(target) -> AppTest:
    """Run the app (or the app a just-set widget belongs to) and insist nothing raised."""
    at = target.run()
    assert not at.exception, at.exception
    return at


def test_data_page_keeps_only_what_is_on_the_page(root: Path):
    at = data_page()
    first, second = roster(), csv_bytes([["工号", "姓名", "机构"], ["F1", "甲", "东关信用社"]])
    at.file_uploader(key="data_files").set_value([("花名册.csv", first, "text/csv"), ("补录.csv", second, "text/csv")])
    run(at)
    kept = files_under(root)
    assert sorted(p.name for p in kept) == sorted(["花名册.csv", "补录.csv"])
    assert sorted(p.read_bytes() for p in kept) == sorted([first, second])
    assert all(mode(p) == 0o600 for p in kept)
    # imported: its copy goes at once, and the page's reruns do not bring it back
    key = "data_" + hashlib.sha256(first).hexdigest()[:12]
    run(at.button(key=f"{key}_import").click())
    assert [p.read_bytes() for p in files_under(root)] == [second]
    run(at)
    assert [p.read_bytes() for p in files_under(root)] == [second]
    # the other file taken off the page: its copy goes too
    at.file_uploader(key="data_files").set_value([("花名册.csv", first, "text/csv")])
    run(at)
    assert files_under(root) == []


def test_data_page_refuses_a_file_over_the_cap(root: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(settings, "MAX_UPLOAD_MB", 1)
    at = data_page()
    at.file_uploader(key="data_files").set_value(("big.csv", roster() + b"x" * (MB + MB // 2 - len(roster())),
                                                  "text/csv"))
    run(at)
    assert [e.value for e in at.error] == ["文件 big.csv 有 1.5 MB，超过了 1 MB 的上限，未导入。请拆分后分批上传。"]
    assert files_under(root) == []
    assert "每个文件不超过 1 MB" in " ".join(h.proto.body for h in at.get("html"))  # the limit the page states
