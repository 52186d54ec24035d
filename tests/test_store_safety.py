"""The store's safety: a hardened DuckDB, a busy file (pages wait or answer from the last state, the
command line waits its turn), files that are not a store left untouched, nothing lost on replace or
rollback, and an export's full copy that restores an equal store."""
from __future__ import annotations

import hashlib
import json
import re
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from talentboard import export, settings, sql, store
from talentboard.i18n import t

REPO_ROOT = Path(__file__).resolve().parent.parent
# opened as an import opens it: waiting its turn, and asking a reading app process to let go meanwhile
HOLD = ("import sys, time\nfrom talentboard import store\nwith store.waiting(60), store.connect(sys.argv[1]):\n"
        "    print('held', flush=True)\n    time.sleep(float(sys.argv[2]))\n")
TRAINING = "工号,姓名,培训名称,培训日期,学时\n{rows}"


def cli(db: Path, *args: str, wait: float | None = None, lang: str = "zh") -> subprocess.CompletedProcess:
    env = {**os.environ, "TALENTBOARD_DB": str(db)}
    if wait is not None:
        env["TALENTBOARD_LOCK_WAIT"] = str(wait)
    return subprocess.run([sys.executable, "-m", "talentboard", "--lang", lang, *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


class Holder:
    """Another process holding the database file (a long import, say) for `seconds`."""

    def __init__(self, db: Path, seconds: float):
        self.proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE,
                                     text=True, cwd=REPO_ROOT)
        assert self.proc.stdout.readline().strip() == "held"

    def release(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=30)


def training_file(path: Path, rows: list[tuple]) -> Path:
    path.write_text(TRAINING.format(rows="".join(",".join(map(str, r)) + "\n" for r in rows)), encoding="utf-8")
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ----------------------------------------------------------------------------------------------
# DuckDB hardening
# ----------------------------------------------------------------------------------------------

def test_the_store_reaches_no_file_and_sql_cannot_change_that(tmp_db, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text("a\n1\n", encoding="utf-8")
    with store.connect(tmp_db) as con:
        for statement in (f"select * from read_csv('{outside}')", "select * from read_csv('/etc/passwd')",
                    "select * from read_text('/etc/hostname')", f"copy batches to '{tmp_path / 'leak.csv'}'",
                    f"attach '{tmp_path / 'other.duckdb'}' as other", "install httpfs", "load httpfs",
                    "select * from 'https://example.com/x.csv'"):
            with pytest.raises(duckdb.PermissionException):
                con.execute(statement)
        for statement in ("set enable_external_access = true", "set lock_configuration = false",
                    "set autoload_known_extensions = true", "set memory_limit = '64GB'",
                    "set allowed_directories = ['/']", "reset enable_external_access"):
            with pytest.raises(duckdb.InvalidInputException, match="locked"):
                con.execute(statement)
        settings_now = dict(con.execute("select name, value from duckdb_settings() where name in "
                                        "('enable_external_access', 'autoinstall_known_extensions', "
                                        "'autoload_known_extensions', 'lock_configuration', 'memory_limit', "
                                        "'threads', 'temp_directory')").fetchall())
    assert not (tmp_path / "leak.csv").exists() and not (tmp_path / "other.duckdb").exists()
    fresh = duckdb.connect()  # DuckDB's own reading of the figure settings.py gives
    fresh.execute(f"set memory_limit = '{settings.MEMORY_LIMIT}'")
    assert settings_now["memory_limit"] == fresh.execute("select current_setting('memory_limit')").fetchall()[0][0]
    assert settings_now["memory_limit"] == "1.8 GiB"  # the default, "2GB" (DuckDB counts 1000s, shows 1024s)
    assert (settings_now["enable_external_access"], settings_now["autoinstall_known_extensions"],
            settings_now["autoload_known_extensions"], settings_now["lock_configuration"]) == ("false",) * 3 + ("true",)
    assert int(settings_now["threads"]) == settings.THREADS == min(4, os.cpu_count())
    temp = Path(settings_now["temp_directory"])
    assert temp == Path(sql.private_temp_dir()) and temp.stat().st_mode & 0o777 == 0o700


def test_memory_limit_follows_the_environment(tmp_path):
    code = ("from talentboard import store\nwith store.connect() as con:\n"
            "    print(con.execute(\"select current_setting('memory_limit')\").fetchall()[0][0])")
    env = {**os.environ, "TALENTBOARD_DB": str(tmp_path / "t.duckdb"), "TALENTBOARD_MEMORY_LIMIT": "300MB"}
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "286.1 MiB", run.stderr  # 300,000,000 bytes


def test_a_file_connection_reaches_only_what_it_was_given(tmp_path):
    mine, theirs = tmp_path / "mine.csv", tmp_path / "theirs.csv"
    for path in (mine, theirs):
        path.write_text("a,b\n1,2\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "link.csv").symlink_to(theirs)  # a link inside the allowed directory to a file outside it
    with sql.file_connection(mine, out) as con:
        assert con.execute("select * from read_csv($p)", {"p": str(mine)}).fetchall() == [(1, 2)]
        con.execute("copy (select 42 as x) to $p (format parquet)", {"p": str(out / "x.parquet")})
        for path in (theirs, out / "link.csv", Path("/etc/passwd"), out / ".." / "theirs.csv"):
            with pytest.raises(duckdb.PermissionException):
                con.execute("select * from read_csv($p)", {"p": str(path)})
        with pytest.raises(duckdb.PermissionException):
            con.execute("copy (select 1) to $p", {"p": str(tmp_path / "y.csv")})
        with pytest.raises(duckdb.InvalidInputException, match="locked"):
            con.execute("set enable_external_access = true")
    assert duckdb.connect().execute("select x from read_parquet($p)", {"p": str(out / "x.parquet")}).fetchall() == [(42,)]
    assert not (tmp_path / "y.csv").exists()


def test_imports_and_exports_still_work_through_the_hardened_store(tmp_db, tmp_path):
    path = training_file(tmp_path / "t.csv", [("E1", "张三", "反洗钱", "2024-03-05", 3), ("E2", "李四", "党史", "2024-03-06", 2)])
    assert store.import_file(path, "training").rows_loaded == 2
    files = export.export_all(tmp_path / "out")
    assert duckdb.connect().execute("select employee_id, hours from read_parquet($p) order by 1",
                                    {"p": str(tmp_path / "out" / "training.parquet")}).fetchall() == [("E1", 3.0), ("E2", 2.0)]
    assert len(files) == 10 + len(export.backup_tables()) + 1  # 5 datasets x 2, the copy's tables, its manifest


# ----------------------------------------------------------------------------------------------
# A busy database
# ----------------------------------------------------------------------------------------------

def test_a_busy_file_waits_then_says_so_without_its_path(tmp_db):
    store.state(tmp_db)  # the store exists
    holder = Holder(tmp_db, 60)
    told = []
    try:
        started = time.monotonic()
        with store.waiting(1.0, lambda: told.append(1)), pytest.raises(store.DatabaseBusy) as busy:
            store.state(tmp_db)
        assert 1.0 <= time.monotonic() - started < 5
    finally:
        holder.release()
    assert told == [1]  # told once that it waits
    assert str(tmp_db) not in str(busy.value) and busy.value.path == str(tmp_db)
    assert store.state(tmp_db).batches == 0  # free again


def test_the_command_line_waits_its_turn(tmp_db, tmp_path):
    path = training_file(tmp_path / "t.csv", [("E1", "张三", "反洗钱", "2024-03-05", 3)])
    store.state(tmp_db)
    holder = Holder(tmp_db, 120)
    env = {**os.environ, "TALENTBOARD_DB": str(tmp_db), "TALENTBOARD_LOCK_WAIT": "60"}
    importing = subprocess.Popen([sys.executable, "-m", "talentboard", "import", "training", str(path)], cwd=REPO_ROOT,
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waiting = importing.stderr.readline()  # it says it waits (however long the machine takes to start it) ...
    holder.release()  # ... and runs once the file is let go
    out, err = importing.communicate(timeout=120)
    assert importing.returncode == 0, err
    assert waiting.strip() == t("cli.waiting", "zh", seconds=60) and "导入 1 行" in out
    holder = Holder(tmp_db, 60)
    try:
        gave_up = cli(tmp_db, "history", wait=1, lang="en")
    finally:
        holder.release()
    assert gave_up.returncode == 1 and gave_up.stdout == ""
    assert gave_up.stderr == t("cli.waiting", "en", seconds=1) + "\n" + t("cli.db_busy", "en", path=tmp_db, seconds=1) + "\n"


def page_texts(at) -> list[str]:
    return [e.value for kind in ("info", "error", "warning", "markdown", "caption", "title") for e in getattr(at, kind)]


def test_pages_answer_from_the_last_state_while_an_import_holds_the_file(demo_db):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert not at.exception and not at.error
    before = [m.value for m in at.metric]
    holder = Holder(demo_db, 120)
    try:
        again = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
        again.run()  # a new session: same process, the last state and its cached results
    finally:
        holder.release()
    assert not again.exception and not again.error
    assert [i.value for i in again.info][:1] == [t("busy.stale", "zh")]
    assert [m.value for m in again.metric] == before
    assert not any(str(demo_db) in text for text in page_texts(again))


def test_a_page_with_nothing_to_show_waits_with_a_notice(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest
    db = tmp_path / "never-seen.duckdb"
    store.load_demo(db=db)
    monkeypatch.setenv("TALENTBOARD_DB", str(db))
    monkeypatch.setattr(settings, "PAGE_BUSY_WAIT", 2.0)
    holder = Holder(db, 120)
    try:
        at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
        at.run()
    finally:
        holder.release()
    assert not at.exception and not at.error
    assert [i.value for i in at.info] == [t("busy.still", "zh")]
    assert [b.label for b in at.button] == [t("busy.refresh", "zh")]
    assert not any(str(db) in text for text in page_texts(at))


# ----------------------------------------------------------------------------------------------
# A file at the database path that is not a store
# ----------------------------------------------------------------------------------------------

def _text(path):
    path.write_text("姓名,工号\n张三,E1\n", encoding="utf-8")


def _empty(path):
    path.write_bytes(b"")


def _sqlite(path):
    con = sqlite3.connect(path)
    con.execute("create table people (name text)")
    con.commit()
    con.close()


def _foreign(path):
    con = duckdb.connect(str(path))
    con.execute("create table people as select 'x' as name")
    con.close()


def _foreign_meta(path):
    con = duckdb.connect(str(path))
    con.execute("create table meta (id integer, note varchar)")
    con.close()


def _newer(path):
    store.state(path)
    store.release_readers()
    con = duckdb.connect(str(path))
    con.execute("update meta set value = '99' where key = 'schema_version'")
    con.close()


def _truncated(path):
    con = duckdb.connect(str(path))
    con.execute("create table t as select range as a from range(300000)")
    con.close()
    path.write_bytes(path.read_bytes()[:5000])


def _garbled(path):
    con = duckdb.connect(str(path))
    con.execute("create table t as select range as a from range(300000)")
    con.close()
    data = bytearray(path.read_bytes())
    data[4096:4096 + 20000] = bytes(range(256)) * 78 + bytes(range(32))
    path.write_bytes(bytes(data))


UNUSABLE = {"text": (_text, "err.store_not_duckdb"), "empty": (_empty, "err.store_not_duckdb"),
            "folder": (lambda path: path.mkdir(), "err.store_not_duckdb"),
            "sqlite": (_sqlite, "err.store_not_duckdb"), "foreign": (_foreign, "err.store_foreign"),
            "foreign_meta": (_foreign_meta, "err.store_foreign"), "newer": (_newer, "err.store_newer"),
            "truncated": (_truncated, "err.store_damaged"), "garbled": (_garbled, "err.store_damaged")}


@pytest.mark.parametrize("kind", UNUSABLE)
def test_a_file_that_is_not_a_store_is_refused_and_left_as_it_is(tmp_path, kind):
    make, key = UNUSABLE[kind]
    db = tmp_path / "talentboard.duckdb"
    make(db)
    before = sha(db) if db.is_file() else []
    with pytest.raises(store.StoreUnusable) as refused:
        store.state(db)
    assert refused.value.key == key
    run = cli(db, "history", lang="en")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr == t(key, "en") + "\n" + t("cli.db_path", "en", path=db) + "\n"
    assert (sha(db) if db.is_file() else list(db.iterdir())) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talentboard.duckdb"]


def test_the_app_says_what_to_do_about_a_foreign_file(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest
    db = tmp_path / "talentboard.duckdb"
    _foreign(db)
    before = sha(db)
    monkeypatch.setenv("TALENTBOARD_DB", str(db))
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("err.store_foreign", "zh")]
    assert not any(str(db) in text for text in page_texts(at)) and sha(db) == before


def test_a_new_or_half_made_store_is_still_a_store(tmp_path):
    half = tmp_path / "half.duckdb"
    con = duckdb.connect(str(half))
    con.execute("create table meta (key varchar, value varchar)")  # a first start cut short
    con.close()
    assert store.state(half).batches == 0
    assert store.state(tmp_path / "new.duckdb").batches == 0


# ----------------------------------------------------------------------------------------------
# Nothing lost: replace and rollback keep rows; export writes a copy that restores an equal store
# ----------------------------------------------------------------------------------------------

def _batch_rows(db: Path, batch_id: int) -> tuple[list, str]:
    with store.connect(db) as con:
        rows = con.execute("select * from training_rows where _batch_id = ? order by _row", [batch_id]).fetchall()
    return rows, hashlib.sha256(repr(rows).encode()).hexdigest()


def test_replace_and_rollback_keep_every_row_they_take_out(tmp_db, tmp_path):
    first = store.import_file(training_file(tmp_path / "a.csv", [("E1", "张三", "反洗钱", "2024-03-05", 3.5),
                                                                 ("E2", "李四", "=HYPERLINK(\"x\")", "2024-03-06", 2)]),
                              "training").batch_id
    rows, digest = _batch_rows(tmp_db, first)
    with store.connect(tmp_db) as con:
        assert con.execute("select employee_id, course, hours from training_rows where _batch_id = ? order by _row",
                           [first]).fetchall() == [("E1", "反洗钱", 3.5), ("E2", "=HYPERLINK(\"x\")", 2.0)]
    second = store.import_file(training_file(tmp_path / "b.csv", [("E3", "王五", "党史", "2024-04-01", 1)]), "training",
                               replace=True).batch_id
    assert _batch_rows(tmp_db, first)[1] == digest  # replaced: archived as it was
    assert {b["batch_id"]: b["status"] for b in store.history(tmp_db)} == {first: "replaced", second: "active"}
    store.rollback(second, tmp_db)
    assert _batch_rows(tmp_db, first) == (rows, digest)
    with store.connect(tmp_db) as con:
        assert con.execute("select employee_id from training order by 1").fetchall() == [("E1",), ("E2",)]
        assert con.execute("select employee_id from training_rows where _batch_id = ?", [second]).fetchall() == [("E3",)]


def _tables(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [n for (n,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
        names += [n for (n,) in con.execute("select view_name from duckdb_views() where not internal order by 1").fetchall()]
        return {n: sorted(con.execute(f"select * from {n}").fetchall(), key=repr) for n in names}
    finally:
        con.close()


def test_export_restores_an_equal_store(demo_db, tmp_path):
    extra = training_file(tmp_path / "t.csv", [("E1", "张三", "反洗钱", "2024-03-05", 3)])
    assert cli(demo_db, "import", "training", str(extra), "--replace").returncode == 0
    assert cli(demo_db, "rollback", "1").returncode == 0
    store.remember_mapping("training", ["甲", "乙"], {"甲": "employee_id"}, demo_db)
    out = tmp_path / "export"
    run = cli(demo_db, "export", str(out))
    assert run.returncode == 0, run.stderr
    manifest = json.loads((out / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["tables"]) == {"batches", "column_mappings", "employees_rows", "training_rows",
                                       "competition_rows", "grading_rows", "innovation_rows"}
    assert (out / "backup").stat().st_mode & 0o777 == 0o700
    fresh = tmp_path / "fresh" / "restored.duckdb"
    run = cli(demo_db, "restore", str(out), "--db", str(fresh), lang="en")
    assert run.returncode == 0, run.stderr
    original, restored = _tables(demo_db), _tables(fresh)
    assert sorted(original) == sorted(restored) and "training" in restored and "batches" in restored
    assert all(original[name] == restored[name] for name in original)
    assert len(restored["training_rows"]) > len(restored["training"]) > 0  # the archive came back too
    # the restored store carries on where the original left off
    more = training_file(tmp_path / "u.csv", [("E9", "赵六", "合规", "2024-05-01", 1)])
    assert json.loads(cli(fresh, "import", "training", str(more), "--json").stdout)["batch_id"] == manifest["next_batch_id"]


def test_restore_refuses_a_store_with_data_a_damaged_copy_and_a_foreign_file(demo_db, tmp_path):
    out = tmp_path / "export"
    export.export_all(out, demo_db)
    target = tmp_path / "target.duckdb"
    assert export.restore(out, target)["batches"] == 5
    store.clear_demo(target)
    before = _tables(target)
    refused = cli(target, "restore", str(out / "backup"), lang="en")  # the backup folder itself also works
    assert refused.returncode == 1
    assert refused.stderr.strip() == t("err.restore_not_empty", "en", batches=5)
    assert _tables(target) == before
    export.restore(out, target, force=True)
    assert _tables(target) == _tables(demo_db)
    parquet = out / "backup" / "training_rows.parquet"
    good = parquet.read_bytes()
    data = bytearray(good)
    data[len(data) // 2] ^= 0xFF
    parquet.write_bytes(bytes(data))
    with pytest.raises(export.RestoreRefused) as damaged:
        export.restore(out, tmp_path / "other.duckdb")
    assert (damaged.value.key, damaged.value.values) == ("err.restore_damaged", {"file": parquet.name})
    with pytest.raises(export.RestoreRefused) as nothing:
        export.restore(tmp_path, tmp_path / "other.duckdb")
    assert nothing.value.key == "err.restore_no_backup"
    assert not (tmp_path / "other.duckdb").exists()
    parquet.write_bytes(good)  # a sound copy: a foreign file is still refused, even with force
    foreign = tmp_path / "foreign.duckdb"
    _foreign(foreign)
    before = sha(foreign)
    with pytest.raises(store.StoreUnusable):
        export.restore(out, foreign, force=True)
    assert sha(foreign) == before


def test_an_import_holds_the_file_only_for_the_duplicate_check_and_the_write(tmp_db, tmp_path):
    """While the file is read and parsed, another process can open the database (a page, a command)."""
    store.state(tmp_db)
    path = training_file(tmp_path / "t.csv", [("E1", "张三", "反洗钱", "2024-03-05", 3), ("E2", "李四", "党史", "2024-03-06", 2)])
    # a command opening the file as any does: asking this process's idle reading connection to let go
    probe = ("import sys\nfrom talentboard import store\nwith store.waiting(3), store.connect(sys.argv[1]):\n"
             "    print('opened')")
    opened = {}

    def progress(fraction, stage):
        if stage in ("progress.parse", "progress.write"):
            run = subprocess.run([sys.executable, "-c", probe, str(tmp_db)], capture_output=True, text=True, timeout=60,
                                 cwd=REPO_ROOT)
            opened[stage] = run.stdout.strip() == "opened"

    assert store.import_file(path, "training", progress=progress).rows_loaded == 2
    assert opened == {"progress.parse": True, "progress.write": False}  # the write holds it, the parse does not


def test_the_data_page_words_a_busy_file_and_an_unforeseen_error_without_python(caplog):
    from talentboard import uploads
    busy = uploads.unexpected(store.DatabaseBusy("/srv/secret/talentboard.duckdb"))
    assert busy.text("en") == t("busy.import_later", "en") and "/srv" not in busy.text("zh")
    with caplog.at_level("ERROR", logger="talentboard.uploads"):
        odd = uploads.unexpected(KeyError("c17"))
    ref = odd.values["ref"]
    assert re.fullmatch(r"[0-9a-f]{8}", ref)
    for lang in ("zh", "en"):
        assert ref in odd.text(lang) and "KeyError" not in odd.text(lang) and "c17" not in odd.text(lang)
    logged = [r for r in caplog.records if ref in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info[0] is KeyError  # the details are on the server, in full


def test_an_import_that_would_exceed_the_memory_limit_is_refused_cleanly(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "大培训.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("工号,姓名,培训名称,培训日期,学时\n")
        f.writelines(f"E{i:06d},张三{i},课程{i % 500},2024-03-{i % 28 + 1:02d},{i % 8 + 1}\n" for i in range(300_000))
    before = sha(demo_db)
    monkeypatch.setattr(settings, "MEMORY_LIMIT", "5MB")  # far too little for 300,000 rows
    result = store.import_file(path, "training", db=demo_db)
    assert result.rejection is not None and result.rejection.key == "err.out_of_memory"
    assert (result.batch_id, result.rows_loaded) == (None, 0)
    assert "5MB" in result.rejection.text("zh") and "MEMORY_LIMIT" in result.rejection.text("en")
    assert sha(demo_db) == before  # not a byte of the store changed
    monkeypatch.setattr(settings, "MEMORY_LIMIT", "2GB")
    assert store.import_file(path, "training", db=demo_db).rows_loaded == 300_000  # the same file, with room

