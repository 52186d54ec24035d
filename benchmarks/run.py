"""The benchmark of issue 10: one command that measures the app on a data set and writes docs/PERFORMANCE.md.

    python benchmarks/run.py --scale 100                       # generate the demo at scale 100 if missing, run every part
    python benchmarks/run.py --data /tmp/bench10/demo-10m --label 10m-training-rows
    python benchmarks/run.py --scale 1 --runs 3 --only import,views,queries

Parts (`--only`, comma-separated; all by default):
  import       each demo file imported with the command line into a fresh store, against DuckDB's own read_csv
               into a table on the file converted to UTF-8 (pandas.read_excel for the roster workbook); the
               training file is also imported as that UTF-8 copy; seconds, ratio, peak memory of the child
  views        each page run through dashboard.py with AppTest: cold (first run in a fresh process) and warm
               (a second session's run in the same process), medians over --runs processes; peak memory
  queries      each named query (queries/*.sql) with the parameters the pages bind at the default filters
  baseline     the pandas baseline (benchmarks/baseline.py): the same views computed from the spreadsheets
  payload      the websocket bytes of one visit to each page of a running `streamlit run dashboard.py`
  server       the server's peak memory with ten sessions open, each having visited the five pages
  concurrency  one session against twenty browsing the five pages at once on one server: page times

Each data set has its own section in the output (scale 1, scale 100, ten million rows sit side by side),
and each part its own block in it, replaced when that part is run again: every block names the command,
date, machine and git commit it was measured at. Databases and converted files go under --work.
Every process the runner starts runs in its own process group and is stopped on exit, also on Ctrl-C.
"""
from __future__ import annotations

import argparse
import asyncio
import codecs
import contextlib
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PYTHON = sys.executable
DEFAULT_WORK = Path("/tmp/bench10/bench")
PARTS = ("import", "views", "queries", "baseline", "payload", "server", "concurrency")
PAGES = ("overview", "training", "competition", "innovation", "data")
DEFAULT_PAGE = "overview"  # served at the app's root URL
SERVER_SESSIONS = 10
CONCURRENT_SESSIONS = 20
# The budgets (2 cores, medians of several runs). The view budgets are set at ten million
# training rows; they are shown at every scale.
BUDGET = {"import_utf8": 2.0, "import_gbk": 3.0, "import_mb": 1024, "cold_s": 1.5, "warm_s": 0.3,
          "vs_baseline": 10.0, "memory_share": 0.2, "payload_bytes": 1_500_000, "server_mb": 1536,
          "concurrency": 3.0}
RUN_TIMEOUT_S = 1800.0


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------
# Processes: each child in a process group of its own, stopped on exit (also on Ctrl-C or SIGTERM)
# ------------------------------------------------------------------------------------------------

_children: set[subprocess.Popen] = set()


def spawn(cmd: list[str], env: dict | None = None, **kwargs) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, cwd=REPO, env=env or child_env(), stdin=subprocess.DEVNULL,
                            start_new_session=True, **kwargs)
    _children.add(proc)
    return proc


def stop(proc: subprocess.Popen) -> None:
    """End a child and everything in its process group: SIGTERM, then SIGKILL after ten seconds."""
    if proc.returncode is None:
        for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=wait_s)
                break
            except subprocess.TimeoutExpired:
                continue
    _children.discard(proc)


def stop_all() -> None:
    for proc in list(_children):
        stop(proc)


def child_env(db: Path | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    if db is not None:
        env["TALENTBOARD_DB"] = str(db)
    return env


@dataclass
class Child:
    out: str
    err: str
    wall_s: float
    peak_mb: float  # the child's peak resident memory, or its largest descendant's (wait4's ru_maxrss)
    code: int

    def json(self) -> dict:
        """The last line of the child's output, a JSON object."""
        lines = [line for line in self.out.splitlines() if line.startswith("{")]
        if self.code != 0 or not lines:
            raise RuntimeError(f"child failed ({self.code}):\n{self.err[-3000:]}")
        return json.loads(lines[-1])


def run_child(cmd: list[str], env: dict | None = None, timeout_s: float = RUN_TIMEOUT_S) -> Child:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = spawn(cmd, env, stdout=out, stderr=err)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout_s:
                stop(proc)
                raise TimeoutError(f"{' '.join(cmd)} took over {timeout_s:.0f} s")
            time.sleep(0.01)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        _children.discard(proc)
        out.seek(0)
        err.seek(0)
        return Child(out.read().decode(errors="replace"), err.read().decode(errors="replace"), wall,
                     usage.ru_maxrss / 1024, proc.returncode)


# ------------------------------------------------------------------------------------------------
# Children: code run in a fresh process (python benchmarks/run.py child KIND ...)
# ------------------------------------------------------------------------------------------------

def default_filters(con):
    """The filters a session opens with: 本年, anchored on the date the data runs to; all orgs, branches, lines."""
    from talentboard import metrics
    as_of = metrics.latest_date(metrics.as_of_dates(con))
    start, end = metrics.quick_period("this_year", as_of or dt.date.today())
    return metrics.Filters(start, end)


def app_test(page: str, query: dict | None = None):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=RUN_TIMEOUT_S)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py")
    return at


def timed_page(page: str, query: dict | None = None) -> float:
    at = app_test(page, query)
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception}")
    return seconds


def server_start() -> None:
    """What a server does once, when it starts, and AppTest again for every session: scan the installed
    packages' metadata for components (0.06-0.2 s). Done once, before anything is timed; later sessions
    reuse it, as a server's do."""
    import functools
    from streamlit.components.v2 import manifest_scanner
    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)
    manifest_scanner.scan_component_manifests()


def child_view(page: str, warm: int) -> dict:
    """The first run of a page in this process (cold), then `warm` runs of new sessions (warm), after what a
    server does when it starts (server_start)."""
    import resource
    server_start()
    cold = timed_page(page)
    warm_s = [timed_page(page) for _ in range(warm)]
    return {"cold": cold, "warm": warm_s, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_import(dataset: str, path: str) -> dict:
    """`python -m talentboard import DATASET FILE --json`, timed inside the process."""
    import io
    started = time.perf_counter()
    from talentboard import cli
    loaded = time.perf_counter()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = cli.main(["import", dataset, path, "--json", "--no-warm"])  # the warm-up is timed on its own
    seconds = time.perf_counter() - loaded
    result = json.loads(printed.getvalue())
    return {"seconds": seconds, "startup": loaded - started, "code": code, "rows_loaded": result["rows_loaded"],
            "rows_read": result["rows_read"], "rows_rejected": result["rows_rejected"]}


def child_warm() -> dict:
    """`python -m talentboard warm`: every view run once and its results kept in the store."""
    import resource
    from talentboard import warm
    done = warm.warm()
    return {"seconds": done.seconds, "results": done.results, "problems": done.problems,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_read_csv(path: str, db: str, skip: int) -> dict:
    """DuckDB's own read_csv into a table of a database file (typed by its sniffer)."""
    import duckdb
    Path(db).unlink(missing_ok=True)
    con = duckdb.connect(db)
    started = time.perf_counter()
    con.execute("create table t as select * from read_csv(?, skip = ?, header = true)", [path, skip])
    seconds = time.perf_counter() - started
    rows = con.execute("select count(*) from t").fetchone()[0]
    con.close()
    return {"seconds": seconds, "rows": rows}


def child_read_excel(path: str, db: str) -> dict:
    """pandas.read_excel (openpyxl) into a DuckDB table: what reading the workbook costs without the app."""
    import duckdb
    import pandas as pd
    Path(db).unlink(missing_ok=True)
    con = duckdb.connect(db)
    started = time.perf_counter()
    frame = pd.read_excel(path, sheet_name=0, header=None, dtype=str, engine="openpyxl")
    con.register("frame", frame)
    con.execute("create table t as select * from frame")
    seconds = time.perf_counter() - started
    con.close()
    return {"seconds": seconds, "rows": len(frame)}


def profile_views() -> list[tuple[str, dict]]:
    """The people page as it is opened from a link: the roster's first person on duty, the largest branch, and
    the three largest side by side (the URL queries ui.open_profile and the comparison's picker make)."""
    from talentboard import store
    with store.connect() as con:
        person = con.execute("select person_key(employee_id) from employees where coalesce(status, '在岗') = '在岗' "
                             "order by employee_id limit 1").fetchall()
        largest = [b for (b,) in con.execute("select branch from employees group by branch "
                                             "order by count(*) desc, branch limit 3").fetchall()]
    views = [("people", {"view": "person", "person": person[0][0]})] if person else []
    if largest:
        views += [("people", {"view": "branch", "unit": largest[0]}), ("people", {"view": "compare", "compare": largest})]
    return views


def search_sample() -> dict:
    """The person search's own parameters (typed, not in a URL): a common surname, the page's limit; and a key
    no roster row holds (a person seen only in the records is looked for there: every record is read)."""
    from talentboard import people
    return {"text": "王", "limit": people.FIND_LIMIT + 1, "key": "0" * 12}


def child_queries(runs: int) -> dict:
    """Each named query's time with the parameters the pages bind: the five pages and the people page's views
    (profile_views) are run once (AppTest, default filters) with talentboard.sql.frame recording each query's
    first parameters and its calls; then each query runs `runs` times on one connection. A query no page ran
    is timed with the default filters' parameters (and the search's, search_sample) when those are all it
    binds."""
    from talentboard import sql, store
    recorded: dict[str, dict] = {}
    calls: dict[str, dict[str, dict[str, int]]] = {"cold": {}, "warm": {}}
    plain = sql.frame
    current = {"page": "", "run": "cold"}

    def recording(con, name, params=None):
        recorded.setdefault(name, dict(params or {}))
        per_page = calls[current["run"]].setdefault(name, {})
        per_page[current["page"]] = per_page.get(current["page"], 0) + 1
        return plain(con, name, params)

    from talentboard import ui
    sql.frame = recording
    try:
        for run in ("cold", "warm"):  # the warm runs show what the cache does not keep
            current["run"] = run
            # cold: every result computed, never read from what a warm-up kept in the store
            with ui.keeping_results({}) if run == "cold" else contextlib.nullcontext():
                for page, query in [(page, None) for page in PAGES] + profile_views():
                    current["page"] = page if query is None else f"{page}:{query['view']}"
                    timed_page(page, query)
    finally:
        sql.frame = plain
    connects = []
    for _ in range(runs):
        started = time.perf_counter()
        with store.connect():
            pass
        connects.append(time.perf_counter() - started)
    out = []
    with store.connect() as con:
        defaults = default_filters(con).params() | search_sample()
        for path in sorted(sql.QUERY_DIR.glob("*.sql")):
            name = path.stem
            if name == "macros":
                continue
            params = recorded.get(name)
            source = "page"
            if params is None:
                wanted = set(re.findall(r"\$(\w+)", sql.text(name)))
                if not wanted <= set(defaults):
                    out.append({"name": name, "skipped": "binds " + ", ".join(sorted(wanted - set(defaults)))})
                    continue
                params, source = defaults, "default filters"
            seconds, rows = [], 0
            for _ in range(runs):
                started = time.perf_counter()
                rows = len(plain(con, name, params))
                seconds.append(time.perf_counter() - started)
            out.append({"name": name, "seconds": seconds, "rows": rows, "params": source,
                        "calls": calls["cold"].get(name, {}), "warm_calls": calls["warm"].get(name, {})})
    return {"queries": out, "connect": connects}


def child_counts() -> dict:
    """Rows of each dataset's current data, and the app's headline numbers at the default filters."""
    from talentboard import metrics, store
    from talentboard.schema import DATASETS
    with store.connect() as con:
        counts = {name: con.execute(f'select count(*) from "{name}"').fetchone()[0] for name in DATASETS}
        filters = default_filters(con)
        kpis = metrics.overview(con, filters)
        before = metrics.overview(con, filters.previous())
    return {"counts": counts, "period": [str(filters.start), str(filters.end)],
            "app": {"headcount": kpis.headcount, "hours": kpis.training_hours, "person_times": kpis.person_times,
                    "sessions": kpis.sessions, "trained": kpis.trained, "participants": kpis.participants,
                    "award_winners": kpis.award_winners, "before_hours": before.training_hours,
                    "before_trained": before.trained}}


def child_main(argv: list[str]) -> None:
    kind, *rest = argv
    if kind == "view":
        result = child_view(rest[0], int(rest[1]))
    elif kind == "import":
        result = child_import(*rest)
    elif kind == "warm":
        result = child_warm()
    elif kind == "read_csv":
        result = child_read_csv(rest[0], rest[1], int(rest[2]))
    elif kind == "read_excel":
        result = child_read_excel(*rest)
    elif kind == "queries":
        result = child_queries(int(rest[0]))
    elif kind == "counts":
        result = child_counts()
    else:
        raise SystemExit(f"unknown child {kind}")
    print(json.dumps(result, default=str, ensure_ascii=False), flush=True)


def child(kind: str, *args, db: Path | None = None, timeout_s: float = RUN_TIMEOUT_S) -> Child:
    return run_child([PYTHON, str(Path(__file__).resolve()), "child", kind, *map(str, args)], child_env(db), timeout_s)


# ------------------------------------------------------------------------------------------------
# The data set and the store
# ------------------------------------------------------------------------------------------------

@dataclass
class Bench:
    key: str  # the section's name in the output
    title: str
    data: Path
    work: Path
    runs: int
    command: str
    note: str
    baseline_runs: int

    @property
    def store(self) -> Path:
        return self.work / "store.duckdb"


def demo_files() -> dict[str, str]:
    from talentboard.demo import FILES
    return dict(FILES)


def prepare_data(args, work_root: Path) -> tuple[str, str, Path]:
    """(section key, title, data directory); the demo is generated at --scale when it is not there yet."""
    if args.data:
        data = Path(args.data).resolve()
        missing = [name for name in demo_files().values() if not (data / name).exists()]
        if missing:
            raise SystemExit(f"{data} lacks {', '.join(missing)}")
        key = args.label or f"data-{data.name}"
        return key, args.label or f"data {data}", data
    data = work_root / f"demo-s{args.scale}"
    done = data / ".complete"
    if not done.exists():
        log(f"generating the demo at scale {args.scale} into {data}")
        shutil.rmtree(data, ignore_errors=True)
        made = run_child([PYTHON, "-m", "talentboard", "demo", "--scale", str(args.scale), "--out", str(data)])
        if made.code != 0:
            raise SystemExit(f"demo generation failed:\n{made.err[-3000:]}")
        done.write_text(f"{made.wall_s:.1f} s\n")
        log(f"generated in {made.wall_s:.1f} s")
    return f"scale-{args.scale}", f"Scale {args.scale}", data


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()


APP_CODE = ("dashboard.py", "pages", "queries", "talentboard", ".streamlit", "requirements.txt")


def commit() -> str:
    """HEAD, the last commit that changed the app's own code (benchmarks and docs aside: a rebase of those
    does not change what was measured), and whether the app's code has uncommitted changes."""
    dirty = " with uncommitted changes to it" if git("status", "--porcelain", "--untracked-files=no", "--",
                                                      *APP_CODE) else ""
    app = git("log", "-1", "--format=%h", "--", *APP_CODE)
    return f"{git('rev-parse', '--short', 'HEAD')}` (app code of `{app}`{dirty})"


def encoding_of(path: Path) -> str:
    head = path.read_bytes()[:1 << 16] if path.stat().st_size < 1 << 16 else path.open("rb").read(1 << 16)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gbk"


def utf8_copy(path: Path, encoding: str, out: Path) -> Path:
    """The file converted to UTF-8 (no BOM), streamed in 4 MB pieces; kept for the next run."""
    if encoding == "utf-8":
        return path
    target = out / path.name
    if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
        return target
    out.mkdir(parents=True, exist_ok=True)
    with path.open(encoding=encoding, newline="") as src, open(str(target) + ".part", "w", encoding="utf-8",
                                                                newline="") as dst:
        while chunk := src.read(1 << 22):
            dst.write(chunk)
    os.replace(str(target) + ".part", target)
    return target


def title_rows(path: Path) -> int:
    """1 when the first line is a title (a single filled cell above the header), else 0."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        first = f.readline()
    return 1 if sum(1 for cell in first.strip().split(",") if cell.strip()) <= 1 else 0


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


# ------------------------------------------------------------------------------------------------
# The parts. Each returns the Markdown of its block.
# ------------------------------------------------------------------------------------------------

def met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def secs(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def part_import(bench: Bench) -> tuple[str, dict]:
    files = demo_files()
    for stale in (bench.store, Path(str(bench.store) + ".wal")):
        stale.unlink(missing_ok=True)
    bench.work.mkdir(parents=True, exist_ok=True)
    roster_copy = bench.work / "roster-only.duckdb"
    rows, counts = [], {}
    for dataset, name in files.items():
        path = bench.data / name
        log(f"import: {dataset} ({path.stat().st_size / 1e6:,.1f} MB)")
        imported = child("import", dataset, path, db=bench.store)
        result = imported.json()
        counts[dataset] = result["rows_loaded"]
        if dataset == "employees":
            shutil.copyfile(bench.store, roster_copy)
        if path.suffix == ".xlsx":
            reads = [child("read_excel", path, bench.work / "baseline.duckdb").json()["seconds"]
                     for _ in range(bench.runs)]
            rows.append(_import_row(name, dataset, result, imported, "xlsx", "pandas.read_excel", reads, None))
            continue
        encoding = encoding_of(path)
        copy = utf8_copy(path, encoding, bench.work / "utf8")
        skip = title_rows(copy)
        read = [child("read_csv", copy, bench.work / "baseline.duckdb", skip) for _ in range(bench.runs)]
        reads = [r.json()["seconds"] for r in read]
        gbk = encoding == "gbk"
        rows.append(_import_row(name, dataset, result, imported, encoding.upper().replace("-SIG", " (BOM)"),
                                "read_csv (UTF-8 copy)", reads, BUDGET["import_gbk" if gbk else "import_utf8"],
                                max(r.peak_mb for r in read)))
        if gbk and dataset == "training":  # the same rows as UTF-8: the import without the conversion
            log("import: training, the UTF-8 copy, into a store holding the roster")
            target = bench.work / "utf8-import.duckdb"
            shutil.copyfile(roster_copy, target)
            again = child("import", dataset, copy, db=target)
            rows.append(_import_row(f"{name} as UTF-8", dataset, again.json(), again, "UTF-8",
                                    "read_csv (same file)", reads, BUDGET["import_utf8"], max(r.peak_mb for r in read)))
            target.unlink(missing_ok=True)
    roster_copy.unlink(missing_ok=True)
    (bench.work / "baseline.duckdb").unlink(missing_ok=True)
    (bench.work / "store.commit").write_text(commit())
    text = table(["file", "rows loaded", "encoding", "import (s)", "baseline", "baseline (s)", "ratio", "budget",
                  "import peak (MB)", "baseline peak (MB)", "budget ≤ 1 GB"], rows)
    note = ("Import: `python -m talentboard import DATASET FILE --json` in a fresh process, timed inside it from "
            "`cli.main` to its return (interpreter start and imports excluded; the command's whole wall time is "
            "in brackets), one run each, all files into one fresh store, roster first. Baseline: DuckDB's own "
            f"`read_csv` into a table of a fresh database file, on the file converted to UTF-8 (median of {bench.runs}); "
            "for the roster workbook `pandas.read_excel` (openpyxl) into a DuckDB table. Peak memory: the "
            "child process's maximum resident set (`wait4`), including any process it started. The memory "
            "budget is set at ten million training rows.")
    return note + "\n\n" + text, counts


def _import_row(name, dataset, result, imported: Child, encoding, baseline, reads, budget, read_peak=None) -> list:
    ratio = result["seconds"] / median(reads)
    return [f"{name} ({dataset})", f"{result['rows_loaded']:,}", encoding,
            f"{secs(result['seconds'])} ({secs(imported.wall_s)})", baseline, secs(median(reads)), f"{ratio:.2f}",
            f"≤ {budget:g}×: {met(ratio <= budget)}" if budget else "—", f"{imported.peak_mb:,.0f}",
            f"{read_peak:,.0f}" if read_peak else "—", met(imported.peak_mb <= BUDGET["import_mb"])]


def part_views(bench: Bench) -> dict:
    """Each page cold and warm on the store as an import leaves it (warmed: every view's results kept by the
    warm-up, timed here), and cold on a copy with nothing kept (what a filter no warm-up foresaw costs)."""
    import duckdb
    log("views: the warm-up (python -m talentboard warm)")
    warmed = child("warm", db=bench.store)
    bare = bench.work / "not-warmed.duckdb"
    shutil.copyfile(bench.store, bare)
    with duckdb.connect(str(bare)) as con:
        con.execute("delete from results")
    found = {"_warm_up": {**warmed.json(), "wall_s": warmed.wall_s, "peak_mb": warmed.peak_mb}}
    for page in PAGES:
        runs, bare_runs = [], []
        for i in range(bench.runs):
            log(f"views: {page}, process {i + 1} of {bench.runs}")
            runs.append(child("view", page, 2, db=bench.store).json())
            bare_runs.append(child("view", page, 0, db=bare).json())
        found[page] = {"cold": median([r["cold"] for r in runs]), "warm": median([w for r in runs for w in r["warm"]]),
                       "cold_all": [r["cold"] for r in runs], "peak_mb": max(r["peak_mb"] for r in runs),
                       "cold_bare": median([r["cold"] for r in bare_runs])}
    bare.unlink(missing_ok=True)
    return found


def views_markdown(bench: Bench, views: dict, baseline: dict | None) -> str:
    rows = []
    warm_up = views.get("_warm_up")
    for page, v in views.items():
        if page.startswith("_"):
            continue
        b = (baseline or {}).get(page)
        row = [page, secs(v["cold"]), f"≤ 1.5 s: {met(v['cold'] <= BUDGET['cold_s'])}", secs(v["warm"]),
               f"≤ 0.3 s: {met(v['warm'] <= BUDGET['warm_s'])}", secs(v["cold_bare"]) if "cold_bare" in v else "—",
               f"{v['peak_mb']:,.0f}"]
        if b:
            faster, share = b["cold"] / v["cold"], v["peak_mb"] / b["peak_mb"]
            row += [secs(b["cold"]), f"{faster:.2f}×", f"≥ 10×: {met(faster >= BUDGET['vs_baseline'])}",
                    f"{b['peak_mb']:,.0f}", f"{share:.2f}", f"≤ 0.2: {met(share <= BUDGET['memory_share'])}"]
        else:
            row += ["—"] * 6
        rows.append(row)
    note = (f"Each page run through `dashboard.py` with Streamlit's AppTest, as tests/conftest.py's `run_page` does, "
            f"at the default filters (本年, everything in scope). Cold: the first script run in a fresh Python "
            f"process (Streamlit already imported, and the scan of installed packages for components done, which a "
            f"server does once when it starts and AppTest again for every session); warm: a new AppTest session's "
            f"run in the same process, after it. Medians over {bench.runs} processes (cold) and two warm runs in each; peak memory: the largest "
            f"process's resident maximum. \"baseline cold\": the pandas baseline's first run in a fresh process "
            f"(measured in the same run of this benchmark, see below); \"faster\": baseline cold ÷ app cold; "
            f"\"memory share\": app peak ÷ baseline peak. The budgets are set at ten million training rows. The store "
            f"is as an import leaves it: warmed (`python -m talentboard warm`, which every import runs, keeps each "
            f"view's results at the default filters); \"cold, not warmed\": the first run on a copy with nothing "
            f"kept, what a period or scope no warm-up foresaw costs.")
    if warm_up:
        note += (f" The warm-up itself: {secs(warm_up['seconds'])} s for {warm_up['results']} results "
                 f"(whole command {secs(warm_up['wall_s'])} s, peak {warm_up['peak_mb']:,.0f} MB).")
    return note + "\n\n" + table(["view", "cold (s)", "budget", "warm (s)", "budget", "cold, not warmed (s)",
                                   "peak (MB)", "baseline cold (s)",
                                   "faster", "budget", "baseline peak (MB)", "memory share", "budget"], rows)


def part_queries(bench: Bench) -> str:
    log("queries: the pages once (recording the parameters), then each query")
    found = child("queries", max(bench.runs, 3), db=bench.store).json()
    rows, skipped = [], []
    for q in found["queries"]:
        if "skipped" in q:
            skipped.append(f"`{q['name']}` ({q['skipped']})")
            continue
        calls, warm = (", ".join(f"{page} {n}" for page, n in q[k].items()) or "—" for k in ("calls", "warm_calls"))
        rows.append([q["name"], secs(median(q["seconds"])), secs(min(q["seconds"])), f"{q['rows']:,}", q["params"],
                     calls, warm])
    rows.sort(key=lambda r: -float(r[1]))
    rows.append(["(`store.connect`: open, schema check, macros)", secs(median(found["connect"])),
                 secs(min(found["connect"])), "—", "—", "—", "—"])
    note = ("Each named query run through `talentboard.sql.frame` on one open connection, with the parameters "
            "the pages bound when they were run at the default filters (each query's first call; the pages were "
            "run with AppTest, recording every call: \"calls, cold run\" counts them in each page's first run in "
            "the process, \"calls, warm run\" in a second session's run after it, which a cache should spare). A "
            "query no page ran is timed with the default filters' `Filters.params()`. Median and best of "
            f"{max(bench.runs, 3)} runs.")
    text = note + "\n\n" + table(["query", "median (s)", "best (s)", "rows", "parameters", "calls, cold run",
                                   "calls, warm run"], rows)
    if skipped:
        text += "\n\nNot timed (a page did not run them and they bind more than the filters): " + ", ".join(skipped) + "."
    return text


def part_baseline(bench: Bench) -> tuple[str, dict]:
    found = {}
    for view in PAGES:
        runs = []
        for i in range(bench.baseline_runs):
            log(f"baseline: {view}, process {i + 1} of {bench.baseline_runs}")
            runs.append(run_child([PYTHON, str(REPO / "benchmarks" / "baseline.py"), view, str(bench.data),
                                   "--runs", "2"]).json())
        found[view] = {"cold": median([r["seconds"][0] for r in runs]), "warm": median([r["seconds"][1] for r in runs]),
                       "peak_mb": max(r["peak_mb"] for r in runs), "numbers": runs[-1]["numbers"]}
    app = child("counts", db=bench.store).json()
    numbers = found["overview"]["numbers"]
    check = [("headcount (on duty)", numbers["headcount"], app["app"]["headcount"]),
             ("training hours, default period", numbers["now"]["hours"], app["app"]["hours"]),
             ("person-times, default period", numbers["now"]["person_times"], app["app"]["person_times"]),
             ("trained staff (distinct, on duty), default period", numbers["now"]["trained"], app["app"]["trained"]),
             ("competition participants, default period", numbers["now"]["participants"], app["app"]["participants"]),
             ("training hours, previous period", numbers["before"]["hours"], app["app"]["before_hours"])]
    rows = [[view, secs(v["cold"]), secs(v["warm"]), f"{v['peak_mb']:,.0f}"] for view, v in found.items()]
    agree = [[what, f"{b:,}", f"{a:,}", "yes" if abs(float(a) - float(b)) < 1e-6 else "**no**"] for what, b, a in check]
    note = ("The same pages computed the way a plain script would (benchmarks/baseline.py): pandas reads the "
            "spreadsheets (the roster workbook with openpyxl, the GBK files decoded) and groups in memory on every "
            "run: each view's KPIs for the period and the one before, and its charts' groupings. Cold: the first run "
            f"in a fresh process (pandas imported); warm: the second run in it. Medians over {bench.baseline_runs} processes. "
            f"The baseline's numbers against the app's (`metrics.overview`) at the default filters "
            f"({app['period'][0]} to {app['period'][1]}):")
    return (note + "\n\n" + table(["view", "cold (s)", "warm (s)", "peak (MB)"], rows) + "\n\n"
            + table(["number", "baseline", "app", "equal"], agree)), found


# --- against a running server --------------------------------------------------------------------

def free_port() -> int:
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(bench: Bench, name: str):
    """`streamlit run dashboard.py` on the benchmark's store, on a free port; yields (url, process)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    logs = bench.work / f"server-{name}.log"
    cmd = [PYTHON, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with logs.open("wb") as out:
        proc = spawn(cmd, child_env(bench.store), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start; see {logs}")
            time.sleep(0.25)
        yield url, proc
    finally:
        stop(proc)


def memory_mb(pid: int) -> tuple[float, float]:
    """(peak, current) resident memory of a process and its descendants, from /proc (VmHWM, VmRSS)."""
    peak = now = 0.0
    pending = [pid]
    while pending:
        p = pending.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            for task in Path(f"/proc/{p}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        peak += int(fields.get("VmHWM", "0 kB").split()[0]) / 1024
        now += int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
    return peak, now


def url_path(page: str) -> str:
    return "" if page == DEFAULT_PAGE else page


def counting_session():
    """tests/wsclient.py's Session, counting the bytes of every message the server sends."""
    sys.path.insert(0, str(REPO / "tests"))
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from wsclient import Session

    class Counting(Session):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.bytes = self.messages = self.largest = 0

        async def _receive(self, deadline: float) -> ForwardMsg:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            raw = await asyncio.wait_for(self._ws.recv(), timeout=remaining)
            self.bytes += len(raw)
            self.messages += 1
            self.largest = max(self.largest, len(raw))
            return ForwardMsg.FromString(raw)

    return Counting


async def visit(session, page: str, first: bool) -> dict:
    before_bytes, before_messages = session.bytes, session.messages
    run = await session.run(page, "" if first else None, path=url_path(page), timeout_s=RUN_TIMEOUT_S)
    if session.problems:
        raise RuntimeError("; ".join(map(str, session.problems)))
    return {"page": page, "seconds": run.ended - run.requested, "bytes": session.bytes - before_bytes,
            "messages": session.messages - before_messages}


def part_payload(bench: Bench) -> str:
    Counting = counting_session()

    async def go(url: str) -> list[list[dict]]:
        rounds = []
        for _ in range(2):  # the first visits find the caches cold, the second warm: the bytes are the same
            seen = []
            for page in PAGES:
                async with Counting(url, f"payload-{page}") as session:
                    seen.append(await visit(session, page, True) | {"largest": session.largest})
            rounds.append(seen)
        return rounds

    log("payload: a server, one new session per page visit")
    with server(bench, "payload") as (url, _):
        first, second = asyncio.run(go(url))
    rows = []
    for a, b in zip(first, second):
        rows.append([a["page"], f"{a['bytes'] / 1e3:,.1f}", f"{b['bytes'] / 1e3:,.1f}", a["messages"],
                     f"{a['largest'] / 1e3:,.1f}", f"≤ 1.5 MB: {met(max(a['bytes'], b['bytes']) <= BUDGET['payload_bytes'])}",
                     secs(a["seconds"]), secs(b["seconds"])])
    note = ("Bytes the server sends over the websocket (`/_stcore/stream`, the protobuf messages as sent: the "
            "session's start, every element, the end of the run) for one visit to each page by a new session at the "
            "default filters, against `streamlit run dashboard.py` on the benchmark's store; first visits on a "
            "fresh server (cold caches), then again (warm). The page's static JavaScript, the same for every page and "
            "cached by the browser, and downloads (fetched only when clicked) are not counted. KB = 1,000 bytes.")
    return note + "\n\n" + table(["view", "first visit (KB)", "second visit (KB)", "messages", "largest message (KB)",
                                   "budget", "first visit (s)", "second visit (s)"], rows)


def part_server(bench: Bench) -> str:
    Counting = counting_session()

    async def go(url: str, proc) -> tuple[float, float, float, float]:
        idle = memory_mb(proc.pid)
        sessions = [Counting(url, f"s{i}") for i in range(SERVER_SESSIONS)]
        for s in sessions:
            await s.__aenter__()
        try:
            async def browse(i: int, s) -> None:
                for k in range(len(PAGES)):
                    await visit(s, PAGES[(i + k) % len(PAGES)], k == 0)

            await asyncio.gather(*(browse(i, s) for i, s in enumerate(sessions)))
            await asyncio.sleep(2)
            peak, now = memory_mb(proc.pid)
        finally:
            for s in sessions:
                await s.__aexit__(None, None, None)
        return idle[1], peak, now

    log(f"server: {SERVER_SESSIONS} sessions, each visiting the five pages, kept open")
    with server(bench, "memory") as (url, proc):
        idle, peak, now = asyncio.run(go(url, proc))
    note = (f"`streamlit run dashboard.py` on a fresh start; {SERVER_SESSIONS} websocket sessions open at once, each "
            "visiting the five pages (starting at a different one), then held open. Peak: the server process's "
            "VmHWM (its highest resident memory since it started) plus its children's, read while the sessions "
            "are open. The budget is set at ten million training rows.")
    return note + "\n\n" + table(["server", "MB", "budget"],
                                 [["resident after start, before any session", f"{idle:,.0f}", ""],
                                  [f"resident with {SERVER_SESSIONS} sessions open", f"{now:,.0f}", ""],
                                  ["peak", f"{peak:,.0f}", f"≤ 1.5 GB: {met(peak <= BUDGET['server_mb'])}"]])


def part_concurrency(bench: Bench, rounds: int, think: tuple[float, float]) -> str:
    Counting = counting_session()

    async def go(url: str, sessions: int) -> list[dict]:
        async def browse(i: int) -> list[dict]:
            pause = random.Random(i)
            seen = []
            async with Counting(url, f"c{i}") as s:
                for k in range(rounds * len(PAGES)):
                    if k:
                        await asyncio.sleep(pause.uniform(*think))
                    seen.append(await visit(s, PAGES[(i + k) % len(PAGES)], k == 0))
            return seen
        return [v for found in await asyncio.gather(*(browse(i) for i in range(sessions))) for v in found]

    found = {}
    for sessions in (1, CONCURRENT_SESSIONS):
        log(f"concurrency: {sessions} session(s) on a fresh server, {rounds} rounds of the five pages")
        with server(bench, f"concurrency-{sessions}") as (url, _):
            started = time.monotonic()
            found[sessions] = asyncio.run(go(url, sessions))
            found[f"{sessions}-wall"] = time.monotonic() - started
    rows = []
    one, many = found[1], found[CONCURRENT_SESSIONS]
    for page in (*PAGES, None):
        a = [v["seconds"] for v in one if page in (None, v["page"])]
        b = [v["seconds"] for v in many if page in (None, v["page"])]
        ratio = median(b) / median(a)
        rows.append([page or "every page", secs(median(a)), secs(max(a)), secs(median(b)), secs(max(b)), len(b),
                     f"{ratio:.2f}", f"≤ 3×: {met(ratio <= BUDGET['concurrency'])}"])
    paused = (f"a pause of {think[0]:g}–{think[1]:g} s between two clicks, as a reader's in tests/test_concurrency.py"
              if think[1] > 0 else "no pause between clicks")
    note = (f"One server (`streamlit run dashboard.py`, a fresh start for each case); websocket sessions "
            f"(tests/wsclient.py) each going round the five pages ({rounds} rounds, {paused}), each starting at a "
            f"different page, at the default filters; a page's time is from the session's request to the end of the "
            f"script run. One session alone took {found['1-wall']:.1f} s in all; {CONCURRENT_SESSIONS} at once "
            f"{found[f'{CONCURRENT_SESSIONS}-wall']:.1f} s. Ratio: the median with {CONCURRENT_SESSIONS} sessions ÷ "
            "the median with one.")
    return note + "\n\n" + table(["view", "1 session median (s)", "max (s)", f"{CONCURRENT_SESSIONS} sessions median (s)",
                                   "max (s)", "visits", "ratio", "budget"], rows)


# ------------------------------------------------------------------------------------------------
# The output file: a head, then one section per data set, one block per part in it
# ------------------------------------------------------------------------------------------------

HEAD = """# Performance

How fast Talentboard is at the scale of a provincial federation (issue 10), measured by one command:

```bash
python benchmarks/run.py --scale 100          # the demo at scale 100 (60,232 staff, 2.72 million training rows)
python benchmarks/run.py --scale 1            # the shipped demo's scale
python benchmarks/run.py --data DIR --label NAME   # demo files already written, e.g. ten million training rows
```

Options: `--runs K` (processes per measurement, medians; 3 by default; `--baseline-runs K` for the pandas baseline alone), `--only import,views,queries,baseline,payload,server,concurrency`
(parts to run; the store is imported first when missing), `--rounds R` and `--think MIN,MAX` (rounds of the five pages per session in the
concurrency part, 3, and the pause between two clicks, 6–15 s as in tests/test_concurrency.py), `--out FILE` (this file by default), `--work DIR` (databases, converted files and server logs;
`/tmp/bench10/bench` by default), `--note TEXT` (a word about the machine). Each data set has a section below, and
each part a block in it, replaced when the part is run again; each block names the command, date, machine and git
commit it was measured at. The budgets are the issue's; a figure over its budget reads **not met**. Memory in MB of
1,048,576 bytes; bytes to the browser in KB of 1,000 bytes. Times are seconds. A figure taken on a shared, busy
machine is slower than on a quiet one: read them as ratios.
"""


def block_marks(key: str, part: str) -> tuple[str, str]:
    return f"<!-- bench:{key}:{part} -->", f"<!-- /bench:{key}:{part} -->"


def write_output(out: Path, bench: Bench, header: str | None, blocks: dict[str, str]) -> None:
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    sections: list[tuple[str, str]] = []  # (key, body) in file order
    for match in re.finditer(r"<!-- bench:([^:\s]+) -->\n(.*?)<!-- /bench:\1 -->\n?", text, re.S):
        sections.append((match.group(1), match.group(2)))
    existing = dict(sections)
    body = existing.get(bench.key, "")
    old_header = body.split("<!-- bench:", 1)[0].strip()
    parts = {}
    for part in PARTS:
        start, end = block_marks(bench.key, part)
        if start in body:
            parts[part] = body.split(start, 1)[1].split(end, 1)[0].strip()
    parts.update(blocks)
    new = (header or old_header).strip() + "\n\n"
    for part in PARTS:
        if part in parts:
            start, end = block_marks(bench.key, part)
            new += f"{start}\n{parts[part]}\n{end}\n\n"
    if bench.key in existing:
        sections = [(k, new if k == bench.key else b) for k, b in sections]
    else:
        sections.append((bench.key, new))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(HEAD + "".join(f"\n<!-- bench:{k} -->\n{b.rstrip()}\n<!-- /bench:{k} -->\n" for k, b in sections),
                   encoding="utf-8")


def machine(note: str) -> str:
    import duckdb
    import pandas
    import streamlit
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) / 1024 / 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; load average {load} at the end; Python "
            f"{platform.python_version()}, DuckDB {duckdb.__version__}, pandas {pandas.__version__}, Streamlit "
            f"{streamlit.__version__}" + (f". {note}" if note else ""))


def stamp(bench: Bench, part: str, started: dt.datetime) -> str:
    return (f"*Measured {started:%Y-%m-%d %H:%M} UTC at commit `{commit()} with `{bench.command}`; "
            f"{machine(bench.note)}.*")


def think_range(text: str) -> tuple[float, float]:
    low, high = (float(x) for x in text.split(","))
    if not 0 <= low <= high:
        raise argparse.ArgumentTypeError("MIN,MAX with 0 <= MIN <= MAX")
    return low, high


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["child"]:
        child_main(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=1, help="the demo's scale (generated when missing)")
    parser.add_argument("--data", help="a directory of demo files to use instead (as `talentboard demo` writes them)")
    parser.add_argument("--label", help="the section's name for --data (default: data-<directory name>)")
    parser.add_argument("--runs", type=int, default=3, help="processes per measurement (medians)")
    parser.add_argument("--baseline-runs", type=int, help="processes per view of the pandas baseline (default: --runs); "
                        "at ten million rows each takes minutes")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the five pages per session (concurrency)")
    parser.add_argument("--think", type=think_range, default=(6.0, 15.0), metavar="MIN,MAX",
                        help="seconds a session pauses between two clicks in the concurrency part (0,0: none)")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts: " + ",".join(PARTS))
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "PERFORMANCE.md")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--note", default="", help="a word about the machine, printed with the figures")
    args = parser.parse_args(argv)
    chosen = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(chosen) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    if args.runs < 1 or args.rounds < 1 or (args.baseline_runs is not None and args.baseline_runs < 1):
        parser.error("--runs, --baseline-runs and --rounds are at least 1")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background
    try:
        return run(args, chosen)
    except KeyboardInterrupt:
        log("interrupted: stopping every process started")
        return 130
    finally:
        stop_all()


def run(args, chosen: list[str]) -> int:
    args.work.mkdir(parents=True, exist_ok=True)
    key, title, data = prepare_data(args, args.work)
    shown = ["python", "benchmarks/run.py"] + ([f"--data {args.data}"] if args.data else [f"--scale {args.scale}"])
    shown += [f"--label {args.label}"] if args.label else []
    shown += [f"--runs {args.runs}"] + ([f"--only {','.join(chosen)}"] if set(chosen) != set(PARTS) else [])
    shown += [f"--rounds {args.rounds} --think {args.think[0]:g},{args.think[1]:g}"] if "concurrency" in chosen else []
    baseline_runs = args.baseline_runs or args.runs
    shown += [f"--baseline-runs {baseline_runs}"] if "baseline" in chosen and baseline_runs != args.runs else []
    bench = Bench(key, title, data, args.work / key, args.runs, " ".join(shown), args.note, baseline_runs)
    bench.work.mkdir(parents=True, exist_ok=True)
    built_at = bench.work / "store.commit"
    needs_store = set(chosen) - {"import", "baseline"}
    fresh = bench.store.exists() and built_at.exists() and built_at.read_text() == commit()
    if "import" not in chosen and (needs_store or "baseline" in chosen) and not fresh:
        log("the store is missing or was built at another commit: importing first")
        chosen = ["import", *chosen]
    blocks, results = {}, {}
    header = None
    for part in PARTS:
        if part not in chosen:
            continue
        started = dt.datetime.now(dt.timezone.utc)
        log(f"part {part}")
        if part == "import":
            text, counts = part_import(bench)
            header = section_header(bench, counts)
        elif part == "views":  # written again with the baseline's ratios when the baseline is run too
            results["views"], results["views_started"] = part_views(bench), started
            text = views_markdown(bench, results["views"], None)
        elif part == "queries":
            text = part_queries(bench)
        elif part == "baseline":
            text, results["baseline"] = part_baseline(bench)
        elif part == "payload":
            text = part_payload(bench)
        elif part == "server":
            text = part_server(bench)
        else:
            text = part_concurrency(bench, args.rounds, args.think)
        blocks[part] = f"### {part.capitalize()}\n\n{stamp(bench, part, started)}\n\n{text}"
        write_output(args.out, bench, header, blocks)
    if "views" in results:
        blocks["views"] = (f"### Views\n\n{stamp(bench, 'views', results['views_started'])}\n\n"
                           + views_markdown(bench, results["views"], results.get("baseline")))
    if header is None and not (args.out.exists() and f"<!-- bench:{key} -->" in args.out.read_text(encoding="utf-8")):
        header = section_header(bench, child("counts", db=bench.store).json()["counts"])
    write_output(args.out, bench, header, blocks)
    log(f"written: {args.out} (section {key})")
    return 0


def section_header(bench: Bench, counts: dict) -> str:
    described = ", ".join(f"{n:,} {name}" for name, n in counts.items())
    return f"## {bench.title}\n\nData: `{bench.data}` — rows loaded: {described}."


if __name__ == "__main__":
    sys.exit(main())
