"""The command line: python -m talentboard import | history | rollback | export | restore | demo | warm | deck | report."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from talentboard import settings, store
from talentboard.i18n import DEFAULT_LANG, t
from talentboard.export import BACKUP_DIR
from talentboard.schema import DATASETS

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3
ERRORS_PRINTED = 20
LIMIT_SETTINGS = {"err.file_too_big": "MAX_FILE_MB", "err.too_many_rows": "MAX_ROWS"}  # refusal -> its setting


class UsageError(Exception):
    pass


WARM_HELP = "do not compute the views ahead for the new data (see TALENTBOARD_WARM)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m talentboard", description="Talentboard 人才发展看板")
    parser.add_argument("--lang", choices=("zh", "en"), default=os.environ.get("TALENTBOARD_LANG", DEFAULT_LANG),
                        help="message language (default zh, or $TALENTBOARD_LANG)")
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser("import", help="import a spreadsheet into a dataset")
    imp.add_argument("dataset", help=" | ".join(DATASETS))
    imp.add_argument("file")
    imp.add_argument("--replace", action="store_true", help="replace the dataset's current data (archived, not deleted)")
    imp.add_argument("--sheet", help="Excel sheet name (default: the first)")
    imp.add_argument("--header-row", type=int, help="the header's row number as the spreadsheet shows it")
    imp.add_argument("--map", nargs="+", action="extend", default=[], metavar="SOURCE=column",
                     help="map a header (or #N, the Nth column) to a column; repeat the flag or list several")
    imp.add_argument("--strict", action="store_true", help="write nothing if any row is rejected")
    imp.add_argument("--dry-run", action="store_true", help="check the file; write nothing")
    imp.add_argument("--json", action="store_true")
    imp.add_argument("--user", help="who imports (default $TALENTBOARD_USER or $USER)")
    imp.add_argument("--clear-demo", action="store_true",
                     help="take the demo data out of the current data in the same transaction as this import")
    imp.add_argument("--no-warm", action="store_true", help=WARM_HELP)

    hist = commands.add_parser("history", help="list import batches")
    hist.add_argument("--json", action="store_true")

    back = commands.add_parser("rollback", help="take a batch out of the current data")
    back.add_argument("batch_id", type=int)
    back.add_argument("--no-warm", action="store_true", help=WARM_HELP)

    exp = commands.add_parser("export", help="export every dataset as CSV and Parquet, and a full copy under DIR/backup")
    exp.add_argument("dir")

    res = commands.add_parser("restore", help="rebuild the database from an export's full copy (DIR or DIR/backup)")
    res.add_argument("dir")
    res.add_argument("--db", help="the database file to restore into (default $TALENTBOARD_DB or data/talentboard.duckdb)")
    res.add_argument("--force", action="store_true", help="replace a database that already holds data")
    res.add_argument("--no-warm", action="store_true", help=WARM_HELP)

    warm = commands.add_parser("warm", help="compute the views once for the current data, so the first reader "
                                            "does not wait (done after every import unless --no-warm)")
    warm.set_defaults(no_warm=False, forced=True)

    query_help = ("the query string of a dashboard URL, e.g. 'range=last_year&branch=城关支行&lang=en&mask=1': "
                  "the same period, scope, language and privacy as that link (default: this year, all, zh)")
    deck = commands.add_parser("deck", help="write the briefing deck: PPTX with native, editable charts")
    deck.add_argument("file")
    deck.add_argument("--query", default="", help=query_help)
    report = commands.add_parser("report", help="write the briefing as one self-contained, offline HTML file")
    report.add_argument("file")
    report.add_argument("--query", default="", help=query_help)

    demo = commands.add_parser("demo", help="write synthetic demo spreadsheets")
    demo.add_argument("--scale", type=int, default=1,
                      help="how many county unions (legal entities) of about 600 staff each (default 1)")
    demo.add_argument("--seed", type=int, default=2024)
    demo.add_argument("--training-rows", type=int, metavar="N",
                      help="write exactly N training rows, streamed in constant memory (e.g. 10000000 with "
                           "--scale 100: a province's records), instead of about 45 hours a head a year; "
                           "at most 500 a head (scale x 300,000)")
    demo.add_argument("--out", help="where to write (default data/demo for scale 1 and the default seed, "
                                    "else data/demo-sSCALE-seedSEED, with -rowsN for --training-rows, "
                                    "so the shipped demo is never overwritten)")
    demo.add_argument("--load", action="store_true", help="also import the files into the database")
    demo.add_argument("--no-warm", action="store_true", help=WARM_HELP)
    return parser


def parse_map(items: list[str], dataset: str, lang: str) -> dict[str, str]:
    """SOURCE=column pairs; every column must be one of the dataset's, or empty to leave SOURCE out."""
    columns = DATASETS[dataset].column_names
    mapping = {}
    for item in items:
        source, sep, column = item.rpartition("=")
        if not sep or not source.strip() or column.strip() not in [*columns, ""]:
            raise UsageError(t("err.bad_map", lang, item=item, columns=", ".join(columns)))
        mapping[source.strip()] = column.strip()
    return mapping


def cmd_import(args) -> int:
    lang = args.lang
    if args.dataset not in DATASETS:
        raise UsageError(t("err.unknown_dataset", lang, name=args.dataset, names=", ".join(DATASETS)))
    mapping = parse_map(args.map, args.dataset, lang)
    result = store.import_file(Path(args.file), args.dataset, replace=args.replace, sheet=args.sheet,
                               header_row=args.header_row, mapping=mapping, strict=args.strict,
                               dry_run=args.dry_run, user=args.user, clear_demo=args.clear_demo)
    if args.json:
        print(json.dumps(result.as_json(lang), ensure_ascii=False, indent=2, default=str))
        if result.batch_id is not None:
            warm_views(args, out=sys.stderr)  # stdout holds the one object
        return result.exit_code
    for error in result.errors[:ERRORS_PRINTED]:
        print(t("cli.row_error", lang, row=error.row, column=error.header or error.column, value=error.value or "",
                message=error.message(lang)))
    if len(result.errors) > ERRORS_PRINTED:
        print(t("warn.errors_truncated", lang, n=len(result.errors) - ERRORS_PRINTED))
    for warning in result.warnings:
        print(warning.text(lang))
        if warning.key == "warn.sheets":  # how, on the command line
            print(t("cli.sheet_hint", lang))
    if result.rejection is not None:
        print(result.rejection.text(lang), file=sys.stderr)
        if result.rejection.key in LIMIT_SETTINGS:  # where an administrator raises it
            print(t("cli.limit_hint", lang, setting=LIMIT_SETTINGS[result.rejection.key]), file=sys.stderr)
    else:
        counts = {k: getattr(result, k) for k in ("batch_id", "rows_read", "rows_loaded", "rows_duplicate", "rows_rejected")}
        print(t("cli.dry_run" if args.dry_run else "cli.imported", lang, **counts))
        if result.demo_cleared:
            print(t("data.demo_cleared_first", lang, n=result.demo_cleared))
    if result.batch_id is not None:
        warm_views(args)
    return result.exit_code


def warm_views(args, db: Path | None = None, out=None) -> None:
    """The views computed once for the data as it now is (talentboard/warm.py), unless --no-warm or
    TALENTBOARD_WARM=0: the first reader of the dashboard then does not wait."""
    if args.no_warm or not (settings.WARM or getattr(args, "forced", False)):
        return
    from talentboard.warm import warm
    done = warm(db)
    for view in done.problems:
        print(t("cli.warm_failed", args.lang, view=view), file=sys.stderr)
    if done.results:
        print(t("cli.warmed", args.lang, n=done.results, seconds=f"{done.seconds:.1f}"), file=out or sys.stdout)
    elif not done.problems:
        print(t("cli.warm_stale", args.lang), file=out or sys.stdout)


def cmd_history(args) -> int:
    batches = store.history()
    if args.json:
        keep = ("batch_id", "dataset", "file", "mode", "rows_loaded", "imported_at", "status")
        print(json.dumps([{k: (b[k].isoformat() if k == "imported_at" else b[k]) for k in keep} for b in batches],
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    if not batches:
        print(t("cli.history_empty", args.lang))
    for b in batches:
        print(f"{b['batch_id']:>5}  {b['imported_at']:%Y-%m-%d %H:%M}  {b['dataset']:<12} "
              f"{t('mode.' + b['mode'], args.lang):<6} {b['rows_loaded']:>9}  "
              f"{t('status.' + b['status'], args.lang):<8} {b['user_name'] or ''}  {b['file']}")
    return EXIT_OK


def cmd_rollback(args) -> int:
    try:
        batch = store.rollback(args.batch_id)
    except store.RollbackRefused as refused:
        print(t(refused.key, args.lang, **refused.values), file=sys.stderr)
        return EXIT_REJECTED
    print(t("cli.rolled_back", args.lang, batch_id=batch["batch_id"], dataset=batch["dataset"], file=batch["file"]))
    warm_views(args)
    return EXIT_OK


def cmd_export(args) -> int:
    from talentboard.export import export_all
    files = export_all(args.dir)
    print(t("cli.exported", args.lang, n=len(files), dir=args.dir))
    print(t("cli.backup_written", args.lang, dir=Path(args.dir) / BACKUP_DIR))
    return EXIT_OK


def cmd_restore(args) -> int:
    from talentboard.export import RestoreRefused, restore
    db = Path(args.db) if args.db else store.db_path()
    try:
        restored = restore(args.dir, db, force=args.force)
    except RestoreRefused as refused:
        print(t(refused.key, args.lang, **refused.values), file=sys.stderr)
        return EXIT_REJECTED
    rows = sum(n for table, n in restored.items() if table.endswith("_rows"))
    print(t("cli.restored", args.lang, dir=args.dir, batches=restored["batches"], rows=rows, db=db))
    warm_views(args, db=db)
    return EXIT_OK


def cmd_demo(args) -> int:
    from talentboard.demo import max_training_rows, write_demo
    if args.scale < 1:
        raise UsageError(t("cli.demo_bad_scale", args.lang, scale=args.scale))
    rows = args.training_rows
    if rows is not None and not 1 <= rows <= max_training_rows(args.scale):
        raise UsageError(t("cli.demo_bad_training_rows", args.lang, rows=rows, scale=args.scale,
                           most=max_training_rows(args.scale)))
    out = args.out
    if out is None:
        default = args.scale == 1 and args.seed == 2024 and rows is None
        name = f"demo-s{args.scale}-seed{args.seed}" + ("" if rows is None else f"-rows{rows}")
        out = store.DEMO_DIR if default else store.DEMO_DIR.with_name(name)
    files = write_demo(out, scale=args.scale, seed=args.seed, training_rows=rows)
    print(t("cli.demo_written", args.lang, files=", ".join(str(f) for f in files)))
    if args.load:
        for result in store.load_demo(out):
            print(f"{result.dataset}: " + t("cli.imported", args.lang, batch_id=result.batch_id,
                                              rows_read=result.rows_read, rows_loaded=result.rows_loaded,
                                              rows_duplicate=result.rows_duplicate, rows_rejected=result.rows_rejected))
        warm_views(args)
    return EXIT_OK


def cmd_briefing(args) -> int:
    """deck / report: the views a dashboard URL shows (views.slides), taken away as PPTX or HTML."""
    from talentboard import views
    db = store.db_path()
    if not db.exists() or store.state(db).batches == 0:
        print(t("cli.briefing_no_data", args.lang), file=sys.stderr)
        return EXIT_REJECTED
    try:
        scope, ask, orgs = views.scope_and_reader(str(db), args.query)
    except views.BadQuery as bad:
        raise UsageError(bad.text(args.lang)) from None
    shown = views.slides(ask, scope)
    if args.command == "deck":
        from talentboard import deck
        made = deck.build(shown, views.cover(scope, orgs), scope)
    else:
        from talentboard import report
        made = report.build(shown, views.cover(scope, orgs), scope)
    path = Path(args.file)
    partial = path.with_name(path.name + ".part")  # never a half-written file under the name asked for
    partial.write_bytes(made)
    partial.replace(path)
    print(t("cli.briefing_written", args.lang, file=path, n=len(shown)))
    return EXIT_OK


def cmd_warm(args) -> int:
    warm_views(args)
    return EXIT_OK


COMMANDS = {"import": cmd_import, "history": cmd_history, "rollback": cmd_rollback, "export": cmd_export,
            "restore": cmd_restore, "demo": cmd_demo, "warm": cmd_warm, "deck": cmd_briefing, "report": cmd_briefing}
EXIT_PIPE = 141  # 128 + SIGPIPE: the reader of our output (head, less) went away


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # argparse exits 2 on bad usage
    try:
        code = _run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:  # `history | head`: stop quietly, as other commands do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit must not fail again
        return EXIT_PIPE


def _run(args) -> int:
    seconds = settings.LOCK_WAIT

    def waiting() -> None:
        print(t("cli.waiting", args.lang, seconds=int(seconds)), file=sys.stderr, flush=True)

    try:
        with store.waiting(seconds, waiting):
            return COMMANDS[args.command](args)
    except UsageError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    except store.DatabaseBusy as busy:  # the command line may name the file: it is the user's own
        print(t("cli.db_busy", args.lang, path=busy.path, seconds=int(seconds)), file=sys.stderr)
        return EXIT_REJECTED
    except store.StoreUnusable as unusable:
        print(t(unusable.key, args.lang), file=sys.stderr)
        print(t("cli.db_path", args.lang, path=unusable.path), file=sys.stderr)
        return EXIT_REJECTED
    except BrokenPipeError:
        raise
    except Exception as error:  # no traceback reaches a user; TALENTBOARD_DEBUG=1 shows it
        if os.environ.get("TALENTBOARD_DEBUG"):
            raise
        reason = f"{type(error).__name__}: {error}"
        key = "err.internal" if args.command == "import" else "err.internal_command"
        message = t(key, args.lang, reason=reason)
        if args.command == "import" and args.json:  # --json always prints its one object
            print(json.dumps({"batch_id": None, "dataset": args.dataset, "rows_read": 0, "rows_loaded": 0,
                              "rows_duplicate": 0, "rows_rejected": 0,
                              "errors": [{"row": None, "column": None, "value": args.file, "message": message}],
                              "warnings": []}, ensure_ascii=False, indent=2))
        print(message, file=sys.stderr)
        return EXIT_REJECTED
