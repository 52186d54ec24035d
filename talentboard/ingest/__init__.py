"""The import pipeline: a spreadsheet's bytes in, parsed and validated rows staged in DuckDB out.

Rooms: `read` (the readers and their limits: bytes -> an all-text table), `header` (finding the header
and mapping its names to columns), `values` (one parser per value class, as column-wise SQL, so ten
million rows never pass through Python), `pipeline` (the whole preparation), and `messages` (what the
user is told, worded when shown in the reader's language).
"""
from talentboard.ingest.header import HEADER_SEARCH_ROWS, best_header_match, find_header, map_columns
from talentboard.ingest.messages import ImportRejected, Listing, Message, RowError, Term, Unit, resolve, worded
from talentboard.ingest.options import Options
from talentboard.ingest.pipeline import (Prepared, Staged, active_batches_sql, cleanup, env_user, file_hash,
                                         forget_staged, keep_staged, latest_per_key_sql, mark_duplicates, stage,
                                         stage_file, staged_key, take_staged)
from talentboard.ingest.read import (XLS_MAGIC, XLSX_MAGIC, Layout, detect_encoding, excel_records, head_records,
                                     read_raw)
from talentboard.ingest.values import lit

__all__ = ["HEADER_SEARCH_ROWS", "ImportRejected", "Layout", "Listing", "Message", "Options", "Prepared", "RowError",
           "Staged", "Term", "Unit", "XLSX_MAGIC", "XLS_MAGIC", "active_batches_sql", "best_header_match", "cleanup",
           "detect_encoding", "env_user", "excel_records", "file_hash", "find_header", "forget_staged", "head_records",
           "keep_staged", "latest_per_key_sql", "lit", "map_columns", "mark_duplicates", "read_raw", "resolve", "stage",
           "stage_file", "staged_key", "take_staged", "worded"]
