"""Warm-up: after the data changed, each view is run once as an executive first opens it (its default
period and scope, in each language), and every result it computed is kept in the store under the new data
version, so the first reader of the dashboard, in any server process, reads them instead of waiting.
Results are kept only for the current version and for this code (ui.CODE_KEY): an import, rollback or
upgrade makes them stale, never wrong."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from talentboard import settings, store


class _Bare(logging.Filter):
    """Streamlit's warnings about running outside a server (caches made with no runtime, calls from outside a
    script run), which importing the pages' code and AppTest's sessions make here: nothing a user of the
    command line can act on. A filter, not a level: Streamlit sets its loggers' levels when it reads its config."""
    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        return "missing ScriptRunContext" not in text and "No runtime found" not in text


for _name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.runtime.caching.cache_data_api"):
    logging.getLogger(_name).addFilter(_Bare())

from talentboard import ui  # noqa: E402  (after the filter: its caches are made as it is imported)

# The views an executive opens; the data page reads only the batch history, which is small.
VIEWS = ("pages/overview.py", "pages/training.py", "pages/competition.py", "pages/innovation.py")
LANGS = ("zh", "en")


@dataclass
class Warmed:
    results: int  # results kept for the current data version
    seconds: float
    problems: list[str]  # views that raised (their results are not kept); empty when all ran


def warm(db: Path | str | None = None, timeout: float = 600) -> Warmed:
    """Run every view once on the store `db` and keep what it computed. Safe to run at any time: results
    computed while another import lands are kept under the version they were computed at, which is then
    no longer current, and so never read."""
    from streamlit.testing.v1 import AppTest  # runs the real page scripts, headless, in this process

    started = time.perf_counter()
    db = str(Path(db or store.db_path()).absolute())
    previous = os.environ.get("TALENTBOARD_DB")
    os.environ["TALENTBOARD_DB"] = db
    kept: dict[tuple, dict[str, bytes]] = {}
    problems = []
    try:
        ui.forget_results()  # computed afresh, each one, so each is kept
        with ui.keeping_results(kept):
            for lang in LANGS:
                for view in VIEWS:
                    app = AppTest.from_file(str(store.REPO_ROOT / "dashboard.py"), default_timeout=timeout)
                    app.query_params["lang"] = lang
                    app.switch_page(view)
                    app.run()
                    if app.exception:
                        problems.append(f"{view} ({lang})")
    finally:
        if previous is None:
            os.environ.pop("TALENTBOARD_DB", None)
        else:
            os.environ["TALENTBOARD_DB"] = previous
    saved = sum(store.keep_results(db, version, results) for version, results in kept.items())
    return Warmed(saved, time.perf_counter() - started, problems)


def start(db: Path | str | None = None) -> None:
    """A warm-up in a process of its own, left to run (the data page's import, rollback or demo clearing:
    the server's pages carry on meanwhile; the two processes take turns with the file). Off with WARM=0."""
    if not settings.WARM:
        return
    env = {**os.environ, "TALENTBOARD_DB": str(Path(db or store.db_path()).absolute())}
    subprocess.Popen([sys.executable, "-m", "talentboard", "warm"], cwd=store.REPO_ROOT, env=env,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)
