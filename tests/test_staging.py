"""The import's own DuckDB (ingest.stage_file): a text file scanned and transcoded in chunks, the memory limit it
runs under, and the data page's import reusing what its preview read, never its duplicate count."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pytest

from talentboard import ingest, settings, sql, store, uploads
from talentboard.ingest import read

HEADER = "工号,姓名,培训名称,培训日期,学时,培训类别\r\n"
# Two-, three- and four-byte characters in GB18030 (鿿 and 𠀀 are outside GBK), full-width digits and a
# full-width space that the parser folds, a quoted cell with a comma.
RECORDS = [("E001", "张三", "反洗钱业务培训", "2024/03/05", "3", "合规风控"),
           ("E002", "李四", "党史学习教育（第二期）", "2024/03/06", "２", "思想政治"),
           ("E003", "王　五", "\"柜面业务, 技能提升\"", "2024/03/07", "1.5", "专业技能"),
           ("E004", "赵鿿六", "信贷风险防控𠀀", "2024/03/08", "4", "合规风控")]


def folded(text: str) -> str:
    """Full-width forms as the parser folds them: （ to (, the ideographic space to a space."""
    return "".join(chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else " " if ch == "\u3000" else ch
                   for ch in text)


def expected_rows() -> list[tuple]:
    """The rows as the store should keep them, worked out here: hours as numbers, full-width folded, dates."""
    hours = {"3": 3.0, "２": 2.0, "1.5": 1.5, "4": 4.0}
    return [(e, folded(n), folded(c.strip('"')), dt.date(*map(int, d.split("/"))), hours[h], k)
            for e, n, c, d, h, k in RECORDS]


def write(path: Path, encoding: str, records=RECORDS, header: str = HEADER) -> Path:
    path.write_bytes((header + "".join(",".join(r) + "\r\n" for r in records)).encode(encoding))
    return path


def stored(db: Path, batch_id: int) -> list[tuple]:
    with store.connect(db) as con:
        return con.execute("select employee_id, name, course, start_date, hours, category from training_rows "
                            "where _batch_id = ? order by _row", [batch_id]).fetchall()


@pytest.mark.parametrize("chunk", [1, 7])
def test_a_gb18030_file_transcoded_in_chunks_gives_the_same_rows(tmp_path, monkeypatch, chunk):
    """Chunks of 1 to 7 bytes split every multi-byte character somewhere; the rows, the file's hash and the row
    numbers of the errors are those of the whole file."""
    path = write(tmp_path / "培训.csv", "gb18030", RECORDS + [("E005", "钱七", "消防安全知识", "2024/13/01", "2", "其他")])
    monkeypatch.setattr(read, "CHUNK_BYTES", chunk)
    result = store.import_file(path, "training", db=tmp_path / "t.duckdb")
    assert result.layout.encoding == "gb18030"
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 4, 1)
    assert [(e.row, e.column, e.code) for e in result.errors] == [(6, "start_date", "row.date")]
    assert stored(tmp_path / "t.duckdb", result.batch_id) == expected_rows()
    with store.connect(tmp_path / "t.duckdb") as con:
        digest = con.execute("select content_hash from batches where batch_id = ?", [result.batch_id]).fetchall()[0][0]
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_other_encodings_in_small_chunks_read_as_utf8_does(tmp_path, monkeypatch, encoding):
    monkeypatch.setattr(read, "CHUNK_BYTES", 3)
    result = store.import_file(write(tmp_path / "t.csv", encoding), "training", db=tmp_path / "t.duckdb")
    assert result.rows_loaded == 4 and stored(tmp_path / "t.duckdb", result.batch_id) == expected_rows()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_nul_byte_beyond_the_first_chunk_is_found_on_its_line(tmp_path, monkeypatch, encoding):
    """Past the first 4 KB (where a NUL in a GB18030 file reads as binary) and many chunks in."""
    records = [(f"F{i:03d}", "周八", "营销服务礼仪", "2024/01/02", "1", "营销服务") for i in range(300)]
    records += [("E001", "王\x00五", "反洗钱业务培训", "2024/03/05", "3", "合规风控")]
    path = write(tmp_path / "t.csv", encoding, records)
    monkeypatch.setattr(read, "CHUNK_BYTES", 5)
    result = store.import_file(path, "training", db=tmp_path / "t.duckdb")
    assert result.rejection is not None and result.rejection.key == "err.nul_bytes"
    assert result.rejection.values["row"] == 302  # the header is line 1


def test_blank_lines_in_small_chunks_keep_each_row_on_its_line(tmp_path, monkeypatch):
    """A blank line makes records and lines differ: the error's row is the file's line, counted in chunks."""
    text = HEADER + "\r\n".join(",".join(r) for r in RECORDS[:2]) + "\r\n\r\n\r\nE009,孙九,消防安全知识,2024/02/30,2,其他\r\n"
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("gb18030"))
    monkeypatch.setattr(read, "CHUNK_BYTES", 4)
    result = store.import_file(path, "training", db=tmp_path / "t.duckdb", dry_run=True)
    assert [(e.row, e.code) for e in result.errors] == [(6, "row.date")]
    assert result.rows_loaded == 2


def test_the_import_duckdb_runs_under_its_own_limit_and_spills(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MEMORY_LIMIT", "2GB")
    monkeypatch.setattr(settings, "IMPORT_MEMORY_LIMIT", "512MB")
    assert sql.import_memory_limit() == "512MB"
    monkeypatch.setattr(settings, "MEMORY_LIMIT", "300MB")  # the smaller wins
    assert sql.import_memory_limit() == "300MB"
    monkeypatch.setattr(settings, "IMPORT_MEMORY_LIMIT", "0.25GiB")
    assert sql.import_memory_limit() == "0.25GiB"
    staged = ingest.stage_file(store.DATASETS["training"], write(tmp_path / "t.csv", "utf-8"))
    try:
        limit = staged.con.execute("select current_setting('memory_limit'), current_setting('temp_directory')").fetchall()[0]
        assert limit == ("256.0 MiB", sql.private_temp_dir())
        with pytest.raises(duckdb.Error):  # it reaches no other file
            staged.con.execute(f"select * from read_csv('{tmp_path / 'other.csv'}')")
    finally:
        staged.close()


# ----------------------------------------------------------------------------------------------
# The data page: the preview's reading reused by the import; the duplicate check never
# ----------------------------------------------------------------------------------------------

@pytest.fixture
def page(tmp_path, tmp_db, monkeypatch):
    """A store with a roster, and a count of the times a file is read and checked."""
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,机构\n" + "".join(f"E00{i},人{i},城关信用社\n" for i in range(1, 8)), encoding="utf-8")
    assert store.import_file(roster, "employees").exit_code == 0
    for key in list(ingest.pipeline._kept):  # what earlier tests' previews kept
        ingest.take_staged(key).close()
    calls = []
    real = ingest.stage_file

    def counted(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)
    monkeypatch.setattr(ingest, "stage_file", counted)
    monkeypatch.setattr(settings, "UPLOADS", str(tmp_path / "uploads"))
    yield calls
    for key in list(ingest.pipeline._kept):
        ingest.take_staged(key).close()


def upload_of(records, name="培训.csv", encoding="gb18030"):
    data = (HEADER + "".join(",".join(r) + "\r\n" for r in records)).encode(encoding)
    return uploads.keep(name, data, owner="s1")


def test_the_page_import_after_a_preview_reads_the_file_once_and_loads_what_the_command_line_does(page, tmp_path):
    upload = upload_of(RECORDS)
    choices = uploads.Choices("training")
    preview = uploads.preview(upload, choices)
    assert (preview.result.rows_loaded, len(preview.result.preview)) == (4, 4)
    assert len(page) == 1
    done = uploads.run_import(upload, choices)
    assert len(page) == 1  # the import used what the preview read
    assert (done.rows_read, done.rows_loaded, done.rows_duplicate, done.rows_rejected) == (4, 4, 0, 0)
    assert done.batch_id is not None and not upload.path.exists()
    assert stored(store.db_path(), done.batch_id) == expected_rows()
    assert not ingest.pipeline._kept  # the import closed it
    # the same file through the command line, into a store of its own: the same batch
    cli = tmp_path / "cli.csv"
    write(cli, "gb18030")
    other = store.import_file(cli, "training", db=tmp_path / "cli.duckdb")
    assert stored(tmp_path / "cli.duckdb", other.batch_id) == stored(store.db_path(), done.batch_id)
    with store.connect() as con:
        batch = con.execute("select rows_read, rows_loaded, rows_duplicate, rows_rejected, encoding, origin, content_hash "
                            "from batches where batch_id = ?", [done.batch_id]).fetchall()[0]
    assert batch == (4, 4, 0, 0, "gb18030", "web", hashlib.sha256(cli.read_bytes()).hexdigest())


def test_data_imported_after_the_preview_is_counted_against_when_the_page_imports(page, tmp_path):
    """The preview said four new rows; another import then loaded two of them: the page's import loads two
    and counts two duplicates, as a fresh import would, though it reuses the preview's reading."""
    upload = upload_of(RECORDS)
    choices = uploads.Choices("training")
    assert uploads.preview(upload, choices).result.rows_loaded == 4
    before = store.state().version
    other = write(tmp_path / "other.csv", "utf-8", RECORDS[1:3])
    assert store.import_file(other, "training").rows_loaded == 2
    assert store.state().version != before
    done = uploads.run_import(upload, choices)
    assert (done.rows_loaded, done.rows_duplicate) == (2, 2)
    assert page == [upload.path, other]  # the upload was read once, by its preview
    assert [r[0] for r in stored(store.db_path(), done.batch_id)] == ["E001", "E004"]


def test_a_preview_of_another_file_or_other_choices_is_not_reused(page, tmp_path):
    first = upload_of(RECORDS[:2])
    choices = uploads.Choices("training")
    uploads.preview(first, choices)
    # the same name and owner, other bytes: another upload (its folder is named by its digest)
    second = upload_of(RECORDS)
    assert uploads.run_import(second, choices).rows_loaded == 4
    assert len(page) == 2
    # another header row: read again
    third = upload_of(RECORDS[:3], name="三.csv")
    uploads.preview(third, choices)
    again = uploads.run_import(third, uploads.Choices("training", header_row=1))
    assert (again.rows_loaded, again.rows_duplicate) == (0, 3) and len(page) == 4


def test_a_file_changed_in_place_after_its_preview_is_read_again(page, tmp_path):
    path = write(tmp_path / "t.csv", "gb18030", RECORDS[:2])
    upload = uploads.Upload("t.csv", path, "")
    uploads.preview(upload, uploads.Choices("training"))
    write(path, "gb18030", RECORDS)  # another size
    done = uploads.run_import(upload, uploads.Choices("training"))
    assert done.rows_loaded == 4 and len(page) == 2


def test_taking_a_file_off_the_page_closes_what_its_preview_kept(page):
    upload = upload_of(RECORDS)
    uploads.preview(upload, uploads.Choices("training"))
    assert len(ingest.pipeline._kept) == 1
    uploads.discard(upload)
    assert not ingest.pipeline._kept


@pytest.mark.parametrize("chunk", [1, 11])
def test_marks_split_across_chunks_still_switch_their_checks_on(tmp_path, monkeypatch, chunk):
    """The scan tells the parser whether to look for # (Excel errors) and full-width forms at all: each is found
    however the chunks cut the file, and total rows (合计, ＴＯＴＡＬ cut anywhere) are dropped as ever."""
    header = "工号,姓名,培训名称,培训日期,学时,考核成绩\r\n"
    lines = ["E001,张三,反洗钱业务培训,2024/03/05,２,#N/A", "E002,李四,党史学习教育,2024/03/06,3,88",
             "小计,,,,5,", "E003,王五,ＴＯＴＡＬ ｔｒａｉｎｉｎｇ,2024/03/07,1,90", "ＧＲＡＮＤ ＴＯＴＡＬ,,,,6,"]
    path = tmp_path / "t.csv"
    path.write_bytes((header + "\r\n".join(lines) + "\r\n").encode("gb18030"))
    monkeypatch.setattr(read, "CHUNK_BYTES", chunk)
    result = store.import_file(path, "training", db=tmp_path / "t.duckdb", dry_run=True, preview_rows=5)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 3, 0)
    warned = {w.key: w.values for w in result.warnings}
    assert warned["warn.dropped_total"]["n"] == 2 and warned["warn.dropped_total"]["rows"].items == ("4", "6")
    assert warned["warn.excel_errors"]["n"] == 1
    shown = result.preview
    assert shown["hours"].tolist() == [2.0, 3.0, 1.0]
    assert shown["course"].tolist() == ["反洗钱业务培训", "党史学习教育", "TOTAL training"]
    assert shown["score"].isna().tolist() == [True, False, False]


def test_a_file_without_marks_skips_those_checks_and_reads_the_same(tmp_path):
    """No # and no full-width form in the file: the parser looks for neither, and reads the same rows."""
    plain = write(tmp_path / "plain.csv", "utf-8", RECORDS[:1] + RECORDS[3:])
    scan = read._to_utf8(plain, "utf-8", tmp_path)
    assert (scan.hash_sign, scan.full_width) == (False, False)
    marked = write(tmp_path / "marked.csv", "utf-8")  # RECORDS[1] has （ and ２, RECORDS[2] the ideographic space
    scan = read._to_utf8(marked, "utf-8", tmp_path)
    assert (scan.hash_sign, scan.full_width) == (False, True)
    result = store.import_file(plain, "training", db=tmp_path / "t.duckdb")
    assert stored(tmp_path / "t.duckdb", result.batch_id) == [expected_rows()[0], expected_rows()[3]]


@pytest.mark.parametrize("chunk", [1, 2, 3, 1 << 20])
def test_the_scan_finds_the_last_line_with_a_mark_however_the_chunks_fall(tmp_path, monkeypatch, chunk):
    """The last line holding a # or a full-width form, counted here from the text itself: chunks of one to
    three bytes split every form between two reads."""
    monkeypatch.setattr(read, "CHUNK_BYTES", chunk)
    text = HEADER + "".join(",".join(r) + "\r\n" for r in RECORDS) + "E005,钱七,#N/A,2024/03/09,1,其他\r\n"
    lines = text.split("\r\n")
    forms = [i + 1 for i, line in enumerate(lines) if any("\uff01" <= ch <= "\uff5e" or ch in "\u3000\u00a0" for ch in line)]
    hashes = [i + 1 for i, line in enumerate(lines) if "#" in line]
    path = tmp_path / "marks.csv"
    path.write_bytes(text.encode("utf-8"))
    scan = read._to_utf8(path, "utf-8", tmp_path)
    assert (scan.full_width_line, scan.hash_line) == (forms[-1], hashes[-1]) == (4, 6)
    gbk = tmp_path / "marks-gbk.csv"
    gbk.write_bytes(text.encode("gb18030"))
    scan = read._to_utf8(gbk, "gb18030", tmp_path)
    assert (scan.full_width_line, scan.hash_line) == (4, 6)


def test_a_full_width_form_in_the_header_alone_does_not_make_every_cell_folded(tmp_path):
    """培训费用（元） in the header, none below it: the parser skips the folding and reads the same rows; a
    full-width form in a data row turns it back on."""
    header = "工号,姓名,培训名称,培训日期,学时（小时）,培训类别\r\n"
    plain = write(tmp_path / "plain.csv", "utf-8", RECORDS[:1] + RECORDS[3:], header=header)
    result = store.import_file(plain, "training", db=tmp_path / "t.duckdb")
    assert (result.layout.full_width, result.layout.hash_sign) == (False, False)
    assert stored(tmp_path / "t.duckdb", result.batch_id) == [expected_rows()[0], expected_rows()[3]]
    marked = write(tmp_path / "marked.csv", "utf-8", header=header)
    result = store.import_file(marked, "training", db=tmp_path / "t2.duckdb")
    assert result.layout.full_width is True
    assert stored(tmp_path / "t2.duckdb", result.batch_id) == expected_rows()


def test_an_upload_gone_before_its_import_is_said_to_be_missing(page):
    upload = upload_of(RECORDS)
    uploads.discard(upload)  # pruned, say, after UPLOAD_KEEP_MINUTES
    done = uploads.run_import(upload, uploads.Choices("training"))
    assert done.batch_id is None and done.rejection.key == "err.file_missing"
