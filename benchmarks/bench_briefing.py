"""The sidebar's briefing downloads (issue 12): the deck made on a click, read straight from the store (as the
command line does) against through the pages' cache (`ui.cached_reader`): the first click (nothing cached yet,
each distinct question computed once, each chart built) and a click after meeting mode or an earlier click
asked the same.
Prints seconds (min / median of --runs) and ratios; asserts nothing.

    python benchmarks/bench_briefing.py --db /tmp/big12/big.duckdb --runs 3
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
logging.getLogger("streamlit").setLevel(logging.ERROR)  # "no runtime found": the cache lives in this process

from talentboard import deck, metrics, privacy, store, ui, views  # noqa: E402


def context_for(db: str) -> ui.Context:
    """Last year's views of the whole store, names masked: what a page's run hands the download button."""
    with store.reading(db) as con:
        as_of = metrics.as_of_dates(con)
        version = store.state_of(con).version
    start, end = metrics.quick_period("last_year", metrics.latest_date(as_of))
    return ui.Context("zh", db, version, metrics.Filters(start, end), False, metrics.latest_date(as_of), as_of,
                      privacy.Privacy(mask=True))


def timed(make) -> float:
    started = time.perf_counter()
    make()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    context = context_for(options.db)
    scope, cover = context.scope, views.cover(context.scope, [])  # as ui.briefing_file makes it

    def forget() -> None:  # nothing cached in this process: every view computed, every chart built
        ui._compute.clear()
        ui._cached_figure.clear()
        ui._kept_read.clear()

    straight, first, again = [], [], []
    for _ in range(options.runs):
        forget()
        straight.append(timed(lambda: deck.build(views.slides(views.reader(context.db, context.privacy), scope),
                                                 cover, scope)))
        forget()
        with ui.keeping_results({}):  # what a warm-up kept in the store is not read: computed, as on a cold click
            first.append(timed(lambda: ui.briefing_file(context, [], "deck")))
        again.append(timed(lambda: ui.briefing_file(context, [], "deck")))
    print(f"store: {options.db}, runs: {options.runs}, deck of {len(views.SLIDES)} views, range=last_year, masked")
    print("| path | min s | median s | speed-up on the median |")
    print("| --- | --- | --- | --- |")
    base = statistics.median(straight)
    for name, times in (("straight from the store (before)", straight), ("through the cache, first click", first),
                        ("through the cache, asked before", again)):
        print(f"| {name} | {min(times):.2f} | {statistics.median(times):.2f} | "
              f"{base / statistics.median(times):.1f}× |")


if __name__ == "__main__":
    main()
