"""Many users at once, against the running app: `streamlit run dashboard.py` on its own copy of the demo.

Twenty sessions browse the four views over Streamlit's own websocket protocol (tests/wsclient.py)
while one more session uploads and imports a file on the data page and another rolls that batch
back. No session may see an exception or an error message, and every set of KPI cards a session is
shown must be the cards of one committed state of the store (before the import, after it, after
the rollback): never a mix of two, never half a batch. The cards of each committed state are read
by probe sessions while the store stands still at it, and checked against AppTest's rendering of a
database copy brought to the same state through the store's own API.

A second test holds the database file with a long import from another process, as the command
line does, while sessions keep browsing.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import random
import shutil
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

from browser import running_app
from conftest import REPO_ROOT
from wsclient import Problem, Run, Session

pytestmark = pytest.mark.slow

PAGES = ("overview", "training", "competition", "innovation")
DEFAULT_PAGE = "overview"  # served at the app's root URL
# Each reader opens the app with one of these URL queries (the app keeps the filters for the session)
# and goes round the views listed with it. The second route's filters, in English, stay on the views
# the import changes: every page and query combination costs a cold run after each commit.
ROUTES = (("", PAGES),
          ("lang=en&range=last_year&line=" + urllib.parse.quote("柜面"), ("overview", "training")))
READERS = 20
THINK_S = (6.0, 15.0)  # a reader's pause between two clicks
IMPORT_NAME = "并发演练培训.csv"
T0 = time.monotonic()


def log(text: str) -> None:
    """Progress, seen with pytest -s."""
    print(f"[{time.monotonic() - T0:6.1f} s] {text}", flush=True)


def training_file(employee_ids: list[str]) -> bytes:
    """A training sheet the store has not seen: one course for each employee in each of the last three
    years, so a period's numbers and its change against the period before both move."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["工号", "培训名称", "培训日期", "培训学时", "培训类别", "培训形式"])
    for day in ("2024-09-16", "2025-06-16", "2026-06-15"):
        for employee in employee_ids:
            writer.writerow([employee, "并发演练专题培训", day, 6, "合规风控", "集中培训"])
    return out.getvalue().encode("utf-8")


def app_test_cards(db: Path, page: str, query: str, monkeypatch) -> tuple:
    """The KPI cards AppTest renders for a page and URL query against a database file."""
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("TALENTBOARD_DB", str(db))
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
    for key, values in urllib.parse.parse_qs(query).items():
        at.query_params[key] = values[0] if len(values) == 1 else values
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return tuple((m.label, m.value, m.proto.delta) for m in at.metric)


@pytest.fixture(scope="module")
def store_copy(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("concurrency") / "talentboard.duckdb"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture(scope="module")
def upload_bytes(demo_template: Path) -> bytes:
    """Every employee on the roster's 柜面 line and one in five of the others."""
    from talentboard import store
    with store.connect(demo_template) as con:
        rows = con.execute("select employee_id, line from employees order by employee_id").fetchall()
    ids = [e for i, (e, line) in enumerate(rows) if line == "柜面" or i % 5 == 0]
    return training_file(ids)


@pytest.fixture(scope="module")
def app(store_copy: Path) -> str:
    with running_app(store_copy) as url:
        yield url


def url_path(page: str) -> str:
    return "" if page == DEFAULT_PAGE else page


async def probe(url: str, routes=ROUTES) -> dict[tuple[str, int], tuple]:
    """The KPI cards of every route's pages, read while the store stands still: one session per route."""
    async def one(q: int) -> dict[tuple[str, int], tuple]:
        cards = {}
        query, pages = routes[q]
        async with Session(url, f"probe{q}") as session:
            for page in pages:
                run = await session.run(page, query if page == pages[0] else None, path=url_path(page))
                assert not session.problems, session.problems
                cards[page, q] = run.metrics()
        return cards
    return {key: cards for found in await asyncio.gather(*(one(q) for q in range(len(routes))))
            for key, cards in found.items()}


@dataclass
class Seen:
    """One page run of a reader: which reader, on which of ROUTES, and what the run showed."""
    reader: int
    query: int
    run: Run

    @property
    def key(self) -> tuple[str, int]:
        return self.run.page, self.query


async def browse(url: str, index: int, stop: asyncio.Event, runs: list[Seen], busy: set[int],
                 problems: list[Problem], routes=ROUTES) -> None:
    """A reader going round the views of their route, with its filters, until told to stop; `busy`
    holds the readers waiting for a run."""
    q = index % len(routes)
    query, pages = routes[q]
    rng = random.Random(index)
    async with Session(url, f"reader{index}") as session:
        turn = index
        while not stop.is_set():
            page = pages[turn % len(pages)]
            busy.add(index)
            run = await session.run(page, query if turn == index else None, path=url_path(page))
            busy.discard(index)
            runs.append(Seen(index, q, run))
            turn += 1
            try:
                await asyncio.wait_for(stop.wait(), timeout=rng.uniform(*THINK_S))
            except TimeoutError:
                pass
        problems += session.problems


async def import_on_the_data_page(session: Session, data: bytes) -> list[str]:
    """Upload the file, keep the demo (the first import would take it out) and import it; the
    success messages the page then shows."""
    run = await session.run("data", "")
    await session.upload(run.widget("file_uploader", "data_files"), IMPORT_NAME, data)
    run = await session.run("data")
    keep_demo = run.widget("checkbox", "_clear_demo", suffix=True).checkbox.id
    session.set(keep_demo, bool_value=False)
    run = await session.run("data")
    button = run.widget("button", keep_demo.rsplit("-", 1)[1].replace("_clear_demo", "_import"))
    assert not button.button.disabled, f"the import button is disabled: {run.texts('ERROR')}"
    session.click(button)
    return (await session.run("data")).texts("SUCCESS")


async def roll_back_on_the_data_page(session: Session) -> tuple[str, list[str]]:
    """Ask for the rollback of the batch the history offers first (the newest) and confirm; the
    batch picked and the success messages the page then shows."""
    run = await session.run("data")
    picker = run.widget("selectbox", "data_batch").selectbox
    picked = picker.raw_value if picker.set_value else picker.options[picker.default]
    session.click(run.widget("button", "data_rollback"))
    run = await session.run("data")
    session.click(run.widget("button", "data_rollback_yes"))
    return picked, (await session.run("data")).texts("SUCCESS")


async def until(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout_s:.0f} s still not: {what}")
        await asyncio.sleep(0.2)


async def twenty_readers_an_import_and_a_rollback(url: str, data: bytes) -> dict:
    stop = asyncio.Event()
    runs: list[Seen] = []
    busy: set[int] = set()
    problems: list[Problem] = []
    marks: dict[str, float] = {"start": time.monotonic()}
    readers = [asyncio.create_task(browse(url, i, stop, runs, busy, problems)) for i in range(READERS)]
    async with Session(url, "importer") as importer, Session(url, "admin") as admin:
        await admin.run("data", "")  # the history, open before the import
        # a page shown before the import, and readers waiting for theirs while it commits
        await until(lambda: runs and len(busy) >= 3, 180, "a run done and three on their way")
        log(f"{len(runs)} reader runs; importing")
        marks["import_asked"] = time.monotonic()
        imported = await import_on_the_data_page(importer, data)
        marks["imported"] = time.monotonic()
        log(f"{len(runs)} reader runs; imported: {imported}; probing")
        after_import = await probe(url)  # the store stands still until the rollback below
        await until(lambda: len(busy) >= 3, 180, "three runs on their way")
        log(f"{len(runs)} reader runs; rolling back")
        marks["rollback_asked"] = time.monotonic()
        picked, rolled_back = await roll_back_on_the_data_page(admin)
        marks["rolled_back"] = time.monotonic()
        log(f"{len(runs)} reader runs; rolled back: {rolled_back}; probing the final state")
        final = await probe(url)
        # the readers go on until a few of them have seen a page asked for after the rollback
        await until(lambda: len({s.reader for s in runs if s.run.requested > marks["rolled_back"]}) >= 3,
                    180, "three readers saw a page asked for after the rollback")
        stop.set()
        await asyncio.gather(*readers)
        problems += importer.problems + admin.problems
    marks["end"] = time.monotonic()
    log(f"{len(runs)} reader runs; done")
    return {"runs": runs, "problems": problems, "marks": marks, "imported": imported, "picked": picked,
            "rolled_back": rolled_back, "after_import": after_import, "final": final}


def test_twenty_readers_while_one_session_imports_and_another_rolls_back(
        app, store_copy, demo_template, upload_bytes, tmp_path, monkeypatch):
    from talentboard import store
    from talentboard.i18n import label, t
    from talentboard.schema import DATASETS
    batch = len(store.history(demo_template)) + 1  # the next batch number
    rows = upload_bytes.decode("utf-8").count("\n") - 1
    started = time.monotonic()
    seen = asyncio.run(twenty_readers_an_import_and_a_rollback(app, upload_bytes))
    runs, marks, after_import, final = seen["runs"], seen["marks"], seen["after_import"], seen["final"]

    assert not seen["problems"], "\n".join(map(str, seen["problems"]))
    # the web session's import and rollback did what they said, to the batch expected
    assert seen["imported"] == [t("data.imported", "zh", batch=batch, loaded=f"{rows:,}", duplicate="0",
                                  rejected="0")]
    training = label(DATASETS["training"], "zh")
    assert seen["picked"] == t("data.batch_label", "zh", batch=batch, dataset=training, file=IMPORT_NAME,
                               status=t("status.active", "zh"))
    assert seen["rolled_back"] == [t("cli.rolled_back", "zh", batch_id=batch, dataset=training, file=IMPORT_NAME)]

    # The committed states' cards, as AppTest renders them from database copies brought to each state by
    # the store's API: the demo (= after the rollback, which takes the batch out again), and demo + the file.
    before = tmp_path / "before.duckdb"
    shutil.copyfile(demo_template, before)
    imported = tmp_path / "imported.duckdb"
    shutil.copyfile(demo_template, imported)
    (tmp_path / IMPORT_NAME).write_bytes(upload_bytes)
    assert store.import_file(tmp_path / IMPORT_NAME, "training", db=imported).rows_loaded == rows
    assert final[DEFAULT_PAGE, 0] == app_test_cards(before, DEFAULT_PAGE, ROUTES[0][0], monkeypatch)
    assert after_import[DEFAULT_PAGE, 0] == app_test_cards(imported, DEFAULT_PAGE, ROUTES[0][0], monkeypatch)
    # the import moves every card set of the views it touches, so a mix of two states cannot pass as one
    for page in ("overview", "training"):
        for q in range(len(ROUTES)):
            assert after_import[page, q] != final[page, q], (page, ROUTES[q][0])
            assert len(set(after_import[page, q]) & set(final[page, q])) < len(final[page, q]) - 1

    # Every reader's cards are those of one committed state; of the state then, when the run lies
    # wholly before the import, between the import and the rollback, or after the rollback.
    committed = {key: {after_import[key], final[key]} for key in final}
    wrong = [s for s in runs if s.run.metrics() not in committed[s.key]]
    assert not wrong, "\n".join(f"{s.key}: {s.run.metrics()}" for s in wrong[:5])
    windows = {
        "before the import": ([s for s in runs if s.run.ended < marks["import_asked"]], final),
        "between import and rollback": ([s for s in runs if s.run.requested > marks["imported"]
                                         and s.run.ended < marks["rollback_asked"]], after_import),
        "after the rollback": ([s for s in runs if s.run.requested > marks["rolled_back"]], final),
    }
    for name, (inside, cards) in windows.items():
        assert inside, f"no reader's run lay wholly {name}"
        stale = [s for s in inside if s.run.metrics() != cards[s.key]]
        assert not stale, f"{name}: " + "\n".join(f"{s.key}: {s.run.metrics()}" for s in stale[:5])
    # and runs were on their way while each change was committed
    for asked, done in (("import_asked", "imported"), ("rollback_asked", "rolled_back")):
        assert any(s.run.requested < marks[done] and s.run.ended > marks[asked] for s in runs), asked
    print(f"\nconcurrency: {READERS} readers + importer + admin + {2 * len(ROUTES)} probe sessions; "
          f"{len(runs)} reader page runs ({sum(1 for s in runs if s.run.metrics())} with KPI cards), "
          f"0 errors; import {marks['imported'] - marks['import_asked']:.1f} s, "
          f"rollback {marks['rolled_back'] - marks['rollback_asked']:.1f} s, "
          f"storm {marks['end'] - marks['start']:.1f} s, test {time.monotonic() - started:.1f} s")


# A long import from the command line: the CLI's own import, slowed down as it starts to write (the
# database file is held from its duplicate check to its commit), so it holds the file for HOLD_S seconds,
# longer than a page ever waited before it said "in use".
HOLD_S = 15.0
LONG_IMPORT = """
import sys, time
from talentboard import cli, store
plain = store.import_file

def slow(*args, **kwargs):
    def progress(fraction, stage):
        if stage == "progress.write":
            print("holding", flush=True)
            time.sleep(float(sys.argv[2]))
    return plain(*args, **kwargs, progress=progress)

store.import_file = slow
sys.exit(cli.main(["import", "training", sys.argv[1], "--json"]))
"""
# The readers stay on the views the import changes; their pages are cached before the file is held.
HOLD_ROUTES = (("", ("overview", "training")),
               ("lang=en&range=last_year&line=" + urllib.parse.quote("柜面"), ("training", "overview")))
HOLD_READERS = 8


def newcomer_route(db: Path) -> tuple[str, tuple[str, ...]]:
    """Filters nobody has used: the period before this year's, of the same length. The first route's
    readers have this period's numbers cached (as their "before"); nobody has those of the period
    before it, so a page with these filters has half of its numbers cached and half to read."""
    from talentboard import metrics, store
    with store.connect(db) as con:
        as_of = metrics.latest_date(metrics.as_of_dates(con))
    start, end = metrics.quick_period("this_year", as_of)
    period = metrics.Filters(start, end).previous()
    return f"range=custom&period={period.start}&period={period.end}", ("overview", "training")


async def readers_while_a_long_import_holds_the_file(url: str, db: Path, file: Path, newcomer_at) -> dict:
    stop = asyncio.Event()
    runs: list[Seen] = []
    busy: set[int] = set()
    problems: list[Problem] = []
    marks: dict[str, float] = {"start": time.monotonic()}
    before = await probe(url, HOLD_ROUTES)
    readers = [asyncio.create_task(browse(url, i, stop, runs, busy, problems, HOLD_ROUTES))
               for i in range(HOLD_READERS)]
    await until(lambda: len({s.reader for s in runs}) == HOLD_READERS, 180, "every reader saw a page")
    importer = await asyncio.create_subprocess_exec(
        sys.executable, "-c", LONG_IMPORT, str(file), str(HOLD_S), cwd=REPO_ROOT,
        env={**os.environ, "TALENTBOARD_DB": str(db), "PYTHONPATH": str(REPO_ROOT)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    line = await asyncio.wait_for(importer.stdout.readline(), timeout=180)
    assert line.strip() == b"holding", (line, await importer.stderr.read())
    marks["held"] = time.monotonic()
    log(f"{len(runs)} reader runs; the file is held")

    async def released() -> tuple[bytes, bytes]:
        found = await asyncio.wait_for(importer.communicate(), timeout=180)
        marks["released"] = time.monotonic()
        log(f"{len(runs)} reader runs; the import ended ({importer.returncode})")
        return found

    ending = asyncio.create_task(released())
    newcomers = []
    async with Session(url, "newcomer") as newcomer:  # arrives while the file is held
        query, pages = newcomer_at
        for page in pages:
            newcomers.append(await newcomer.run(page, query if page == pages[0] else None, path=url_path(page)))
        output, errors = await ending
        await until(lambda: len({s.reader for s in runs if s.run.requested > marks["released"]}) == HOLD_READERS,
                    180, "every reader saw a page asked for after the import")
        stop.set()
        await asyncio.gather(*readers)
        problems += newcomer.problems
    after = await probe(url, HOLD_ROUTES + (newcomer_at,))
    marks["end"] = time.monotonic()
    return {"runs": runs, "problems": problems, "marks": marks, "before": before, "after": after,
            "newcomers": newcomers, "code": importer.returncode, "output": output, "errors": errors}


def test_pages_keep_answering_while_a_long_command_line_import_holds_the_file(
        app, store_copy, demo_template, upload_bytes, tmp_path, monkeypatch):
    """Issue 9: "a writer holding the file over 10 s turns every page into that error". Now a page
    answers from the last committed state (with a notice) or waits for the import with a notice;
    no page shows an error, and every card set is one committed state's."""
    from talentboard.i18n import t
    file = tmp_path / IMPORT_NAME
    file.write_bytes(upload_bytes)
    rows = upload_bytes.decode("utf-8").count("\n") - 1
    # The newcomer's cards before the import, as AppTest renders them from the demo; the store the app
    # serves holds the demo's numbers too (alone, or with the first test's batch rolled back).
    newcomer_at = newcomer_route(demo_template)
    before_copy = tmp_path / "before.duckdb"
    shutil.copyfile(demo_template, before_copy)
    newcomer_before = [app_test_cards(before_copy, page, newcomer_at[0], monkeypatch) for page in newcomer_at[1]]
    started = time.monotonic()
    seen = asyncio.run(readers_while_a_long_import_holds_the_file(app, store_copy, file, newcomer_at))
    runs, marks, before, after = seen["runs"], seen["marks"], seen["before"], seen["after"]

    assert seen["code"] == 0, seen["errors"].decode(errors="replace")
    assert json.loads(seen["output"])["rows_loaded"] == rows
    assert marks["released"] - marks["held"] >= HOLD_S
    assert not seen["problems"], "\n".join(map(str, seen["problems"]))
    for key in before:
        assert before[key] != after[key], key  # a page showing the state before differs from one after
    committed = {key: {before[key], after[key]} for key in before}
    wrong = [s for s in runs if s.run.metrics() not in committed[s.key]]
    assert not wrong, "\n".join(f"{s.key}: {s.run.metrics()}" for s in wrong[:5])
    during = [s for s in runs if s.run.requested > marks["held"] and s.run.ended < marks["released"]]
    assert during, "no reader's page was shown while the file was held"
    notices = {t("busy.stale", lang) for lang in ("zh", "en")} | {t("busy.waiting", lang) for lang in ("zh", "en")}
    # every page shown while the file was held says so
    silent = [s for s in during if not notices & set(s.run.shown_texts())]
    assert not silent, [(s.key, s.run.requested - marks["held"], s.run.ended - s.run.requested, s.run.shown_texts(),
                         [e.WhichOneof("type") for e in s.run.drawn][:12]) for s in silent[:3]]
    # the newcomer, whose filters nobody had used, waited (with the notice) and then saw the import's data
    first = seen["newcomers"][0]
    assert first.requested < marks["released"] < first.ended and notices & set(first.shown_texts()), (
        first.requested - marks["held"], first.ended - marks["held"], first.shown_texts())
    newcomer_after = [after[page, len(HOLD_ROUTES)] for page in newcomer_at[1]]
    assert newcomer_before != newcomer_after
    for run, cards in zip(seen["newcomers"], zip(newcomer_before, newcomer_after)):
        assert run.metrics() in cards, (run.page, run.metrics(), cards)
    after_release = [s for s in runs if s.run.requested > marks["released"]]
    assert after_release and all(s.run.metrics() == after[s.key] for s in after_release)
    print(f"\nlong import: {HOLD_READERS} readers + a newcomer + {len(HOLD_ROUTES) * 2 + 1} probe sessions; "
          f"file held {marks['released'] - marks['held']:.1f} s; {len(runs)} reader page runs, {len(during)} "
          f"wholly while held, 0 errors; test {time.monotonic() - started:.1f} s")
