"""Numbers an office may want to change, in one place: training targets, scorecard weights, uploads and limits."""
from __future__ import annotations

import logging
import os
import re

# Annual training hours each person should reach; lines may have their own.
TRAINING_TARGET_HOURS = 40.0
TRAINING_TARGET_BY_LINE: dict[str, float] = {}

# Branch scorecard: the talent development index weights its four percentile ranks by these.
SCORECARD_WEIGHTS = {"hours_per_head": 1.0, "coverage": 1.0, "competition_points": 1.0, "innovation_results": 1.0}

# Privacy (the sidebar's switch, `mask=1` in the URL): a breakdown's group of fewer people than this is left
# out while names are masked. Env: TALENTBOARD_PRIVACY_MIN_GROUP.
PRIVACY_MIN_GROUP = 3

# Whose briefing: the name on the deck's and the report's title slide (e.g. "XX省农村信用社联合社"). Empty: the
# orgs chosen in the filters, or the store's only org. Env: TALENTBOARD_INSTITUTION.
INSTITUTION = ""

# Competition medal points by award (SPEC: 特等 8, 一等 5, 二等 3, 三等 2, 优秀 1).
AWARD_POINTS = {"特等奖": 8, "一等奖": 5, "二等奖": 3, "三等奖": 2, "优秀奖": 1}

# ----------------------------------------------------------------------------------------------
# Uploads and limits. Each may also be set in the environment (TALENTBOARD_<NAME>), which wins.
# ----------------------------------------------------------------------------------------------

# Where the data page keeps uploaded files while they are previewed: a folder private to the app (0700, files
# 0600). Empty: `uploads` beside the database file (data/uploads/ by default). Env: TALENTBOARD_UPLOADS.
UPLOADS = ""
# An upload is deleted once imported; one left untouched (an abandoned preview) this many minutes is deleted
# too. Env: TALENTBOARD_UPLOAD_KEEP_MINUTES.
UPLOAD_KEEP_MINUTES = 60
# The largest file the data page keeps, in MB (of 1,048,576 bytes); a larger one is refused with its size and
# this cap. Streamlit drops files over server.maxUploadSize (.streamlit/config.toml) before the app sees them,
# with its own English message: keep that above this. Env: TALENTBOARD_MAX_UPLOAD_MB.
MAX_UPLOAD_MB = 200
# The largest file any import reads (the command line's too: a province's year of training records runs to
# hundreds of MB), in MB. Env: TALENTBOARD_MAX_FILE_MB.
MAX_FILE_MB = 4096
# The most data rows one import reads. Env: TALENTBOARD_MAX_ROWS.
MAX_ROWS = 20_000_000


def _from_env(name: str, default, convert):
    """A setting from TALENTBOARD_<name> when set and valid; otherwise the default above, and a word in the log."""
    text = os.environ.get(f"TALENTBOARD_{name}", "").strip()
    if not text:
        return default
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None:
        logging.getLogger(__name__).warning("TALENTBOARD_%s=%r is not valid; using %r", name, text, default)
        return default
    return value


def _positive(text: str) -> float | None:
    value = float(text)
    if not value > 0:  # nor nan
        return None
    return int(value) if value.is_integer() else value  # 300, not 300.0, where the number is shown


UPLOADS = _from_env("UPLOADS", UPLOADS, str)
UPLOAD_KEEP_MINUTES = _from_env("UPLOAD_KEEP_MINUTES", UPLOAD_KEEP_MINUTES, _positive)
MAX_UPLOAD_MB = _from_env("MAX_UPLOAD_MB", MAX_UPLOAD_MB, _positive)
MAX_FILE_MB = _from_env("MAX_FILE_MB", MAX_FILE_MB, _positive)
MAX_ROWS = _from_env("MAX_ROWS", MAX_ROWS, lambda text: int(text) if int(text) > 0 else None)

# ----------------------------------------------------------------------------------------------
# The database. Each may also be set in the environment (TALENTBOARD_<NAME>), which wins.
# ----------------------------------------------------------------------------------------------

# The most memory one DuckDB database may use, in DuckDB's units ("2GB", "512MB"). Env: TALENTBOARD_MEMORY_LIMIT.
MEMORY_LIMIT = "2GB"
# The most memory the DuckDB that reads and checks one import's file may use (at most MEMORY_LIMIT); past it,
# that DuckDB spills to its private temp folder. Ten million training rows peaked at 914 MB for the whole
# import with 256MB (1,137 MB with 512MB, in the same time): the store's own write needs about 450 MB beside it.
# Env: TALENTBOARD_IMPORT_MEMORY_LIMIT.
IMPORT_MEMORY_LIMIT = "256MB"
# DuckDB's worker threads. Env: TALENTBOARD_THREADS.
THREADS = min(4, os.cpu_count() or 1)
# How long a command waits, in seconds, while another process (a long import) holds the database file,
# before it says when to retry. Env: TALENTBOARD_LOCK_WAIT.
LOCK_WAIT = 300.0
# A page waits this long for the file before it answers from the last state it showed, and, with nothing
# to show, at most PAGE_BUSY_WAIT seconds (with a notice) before it asks the reader to refresh later.
PAGE_LOCK_WAIT = 1.0
PAGE_BUSY_WAIT = 120.0
# After an import, rollback or restore from the command line, the views are computed once for the new data
# (talentboard/warm.py) so the first reader does not wait. Env: TALENTBOARD_WARM=0 turns it off.
WARM = True
# The app's pages read through one connection per process, kept open while they read and closed after this
# many idle seconds, or as soon as the reads in flight end when another process (an import) waits for the
# file. Env: TALENTBOARD_READER_IDLE.
READER_IDLE = 2.0


def _size(text: str) -> str | None:
    return text if re.fullmatch(r"\d+(\.\d+)?\s*(K|M|G|T)i?B", text, re.IGNORECASE) else None


MEMORY_LIMIT = _from_env("MEMORY_LIMIT", MEMORY_LIMIT, _size)
IMPORT_MEMORY_LIMIT = _from_env("IMPORT_MEMORY_LIMIT", IMPORT_MEMORY_LIMIT, _size)
THREADS = _from_env("THREADS", THREADS, lambda text: int(text) if int(text) > 0 else None)
LOCK_WAIT = _from_env("LOCK_WAIT", LOCK_WAIT, _positive)
READER_IDLE = _from_env("READER_IDLE", READER_IDLE, _positive)
PRIVACY_MIN_GROUP = _from_env("PRIVACY_MIN_GROUP", PRIVACY_MIN_GROUP,
                               lambda text: int(text) if int(text) > 0 else None)
INSTITUTION = _from_env("INSTITUTION", INSTITUTION, str)
WARM = _from_env("WARM", WARM, lambda text: {"1": True, "0": False}.get(text))

# ----------------------------------------------------------------------------------------------
# Readers' limits: a hostile or broken file gets a refusal in words within seconds, not a hang or a crash.
# Each may also be set in the environment (TALENTBOARD_<NAME>), which wins.
# ----------------------------------------------------------------------------------------------

# The most columns a file's header may have (no dataset has more than about 25). Env: TALENTBOARD_MAX_COLUMNS.
MAX_COLUMNS = 500
# The largest cell, in KB (of 1,024 characters); a CSV line longer than this is read by the slower, checking
# reader. Env: TALENTBOARD_MAX_CELL_KB.
MAX_CELL_KB = 64
# An .xlsx is refused unread when its parts unpack beyond this many MB, or one part unpacks more than
# MAX_ZIP_RATIO times its packed size (a zip bomb; real sheets pack 5 to 30 times). Env: TALENTBOARD_MAX_UNZIPPED_MB,
# TALENTBOARD_MAX_ZIP_RATIO.
MAX_UNZIPPED_MB = 2048
MAX_ZIP_RATIO = 250
# A workbook is read in a process of its own with at most this much memory (MB) and this many seconds
# (CPU and wall clock); past either it is refused as unreadable. Env: TALENTBOARD_EXCEL_MEMORY_MB,
# TALENTBOARD_EXCEL_SECONDS.
EXCEL_MEMORY_MB = 4096
EXCEL_SECONDS = 120

MAX_COLUMNS = _from_env("MAX_COLUMNS", MAX_COLUMNS, lambda text: int(text) if int(text) > 0 else None)
MAX_CELL_KB = _from_env("MAX_CELL_KB", MAX_CELL_KB, lambda text: int(text) if int(text) > 0 else None)
MAX_UNZIPPED_MB = _from_env("MAX_UNZIPPED_MB", MAX_UNZIPPED_MB, _positive)
MAX_ZIP_RATIO = _from_env("MAX_ZIP_RATIO", MAX_ZIP_RATIO, _positive)
EXCEL_MEMORY_MB = _from_env("EXCEL_MEMORY_MB", EXCEL_MEMORY_MB, lambda text: int(text) if int(text) > 0 else None)
EXCEL_SECONDS = _from_env("EXCEL_SECONDS", EXCEL_SECONDS, lambda text: int(text) if int(text) > 0 else None)
