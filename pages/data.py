"""数据管理 Data: upload spreadsheets with a preview before anything is written, the import history with
rollback, and the templates and data dictionary."""
import dataclasses
import logging
import secrets

import streamlit as st

from talentboard import charts, ingest, settings, store, ui, uploads, warm, workbooks
from talentboard.export import csv_bytes
from talentboard.i18n import label, t
from talentboard.literal import markdown, say
from talentboard.schema import DATASETS

context = ui.page_context()
lang = context.lang
db = context.db


def dataset_name(name: str) -> str:
    return label(DATASETS[name], lang)


def column_name(dataset: str, column: str) -> str:
    if not column:
        return t("data.map_ignore", lang)
    return t("data.field", lang, label=label(DATASETS[dataset].column(column), lang), name=column)


# ----------------------------------------------------------------------------------------------
# One uploaded file: what it is, how it reads, how its columns map, what would load; then the import
# ----------------------------------------------------------------------------------------------

def remember_choice(mapping_key: str, source: str, widget_key: str) -> None:
    """A hand-made column choice joins the file's mapping (the pipeline's reading decides the rest)."""
    st.session_state[mapping_key] = {**st.session_state.get(mapping_key, {}), source: st.session_state[widget_key]}


def auto_option(auto_text: str):
    """How a detected-unless-chosen setting shows its options: "auto" says what was detected."""
    return lambda option: auto_text if option == "auto" else str(option)


def file_card(upload: uploads.Upload, data: bytes, status: dict[int, str]) -> None:
    key = f"data_{upload.digest[:12]}"
    state = st.session_state
    with st.container(border=True):
        st.subheader(markdown(upload.name), anchor=False)
        done = state.get(f"{key}_done")
        # imported: the card says what was imported, not a second preview of the same file ("将导入 0"), until
        # the batch is rolled back and the file may be imported afresh
        if done and done["result"].batch_id is not None:
            if status.get(done["result"].batch_id, "rolled_back") != "rolled_back":
                show_done(key, done)
                return
            del state[f"{key}_done"]
        elif done:  # refused as a whole: why, above the file's preview
            show_done(key, done)
        if not keep_upload(upload, data):
            return
        look = ui.cached_look(upload)
        if look.problem is not None:  # empty, binary or a corrupt workbook: no choice below would help
            st.error(ui.message(look.problem, lang), icon=":material/error:")
            return
        options = list(DATASETS)
        top = st.columns([2, 2, 2, 2])
        dataset = top[0].selectbox(t("data.dataset", lang), options,
                                   index=options.index(look.dataset) if look.dataset else None,
                                   format_func=dataset_name, key=f"{key}_dataset",
                                   placeholder=t("data.dataset_pick", lang), help=t("data.dataset_help", lang))
        if dataset is None:
            st.warning(t("data.dataset_unknown", lang))
            return
        if look.sheets:
            state.setdefault(f"{key}_sheet", look.sheet)
        sheet = state.get(f"{key}_sheet")
        header = state.get(f"{key}_header", "auto")
        # hand-made choices belong to one header: another dataset, sheet or header row starts afresh
        mapping_key = f"{key}_{dataset}_{sheet}_{header}_mapping"
        default_mode = DATASETS[dataset].default_mode
        choices = uploads.Choices(
            dataset,
            encoding=None if state.get(f"{key}_encoding", "auto") == "auto" else state[f"{key}_encoding"],
            sheet=sheet,
            header_row=None if header == "auto" else header,
            mapping=tuple(state.get(mapping_key, {}).items()),
            replace=state.get(f"{key}_{dataset}_mode", default_mode) == "replace",
            strict=state.get(f"{key}_strict", False),
            clear_demo=context.demo and state.get(f"{key}_clear_demo", True))
        with st.spinner(t("data.reading", lang)):
            preview = ui.cached_preview(db, context.version, upload, choices)
        result, layout = preview.result, preview.result.layout
        if preview.remembered:  # the remembered choices are the user's own from now on: edits build on them
            state[mapping_key] = dict(preview.mapping)
            state[f"{mapping_key}_remembered"] = True
        # the import uses the mapping the preview used (remembered, or the user's own)
        import_choices = dataclasses.replace(choices, mapping=tuple(preview.mapping.items()))

        if look.sheets:
            top[1].selectbox(t("data.sheet", lang), look.sheets, key=f"{key}_sheet", disabled=len(look.sheets) == 1,
                             on_change=lambda: state.update({f"{key}_header": "auto"}))  # its own header row
        else:
            detected = (layout.encoding if layout else None) or "—"
            top[1].selectbox(t("data.encoding", lang), ["auto", *uploads.ENCODINGS], key=f"{key}_encoding",
                             format_func=auto_option(t("data.auto_encoding", lang, encoding=detected.upper())),
                             help=t("data.encoding_help", lang))
        detected_row = layout.header_row if layout else "—"
        top[2].selectbox(t("data.header_row", lang), ["auto", *range(1, 31)], key=f"{key}_header",
                         format_func=auto_option(t("data.auto_header", lang, row=detected_row)),
                         help=t("data.header_help", lang))

        if layout is not None and layout.headers:
            show_mapping(key, dataset, layout, mapping_key)
        show_checks(key, dataset, upload, choices, result)
        import_controls(key, dataset, upload, import_choices, result)


def keep_upload(upload: uploads.Upload, data: bytes) -> bool:
    """The file kept for its preview (private to the app; deleted once imported or taken off the page)."""
    try:
        uploads.keep(upload.name, data, upload_owner)
    except OSError as error:  # the server's folder, not the user's file: its path stays in the server's log
        logging.getLogger(__name__).error("could not keep an upload: %s", error)
        st.error(t("data.upload_store_failed", lang), icon=":material/error:")
        return False
    st.session_state.setdefault("data_kept", {})[upload.path] = upload
    return True


def show_mapping(key: str, dataset: str, layout, mapping_key: str) -> None:
    st.markdown(f"**{t('data.mapping', lang)}**", help=t("data.mapping_help", lang))
    if st.session_state.get(f"{mapping_key}_remembered"):
        st.caption(t("data.mapping_remembered", lang))
    columns = ["", *DATASETS[dataset].column_names]
    per_row = 4
    samples = layout.samples + [None] * (len(layout.headers) - len(layout.samples))
    # a column without a header shows only if it holds data (Excel often leaves empty ones behind)
    shown = [j for j, h in enumerate(layout.headers) if (h and h.strip()) or samples[j]]
    for start in range(0, len(shown), per_row):
        for cell, j in zip(st.columns(per_row), shown[start:start + per_row]):
            widget_key = f"{key}_{dataset}_map_{j}"
            st.session_state[widget_key] = layout.mapping.get(j, "")  # shows what the pipeline really uses
            header = markdown((layout.headers[j] or "").strip() or t("data.column_n", lang, n=j + 1))
            mark = "" if j in layout.mapping else " ⚠"
            # chosen by position: a blank header, or one name used twice, is still one column
            cell.selectbox(f"{header}{mark}", columns, key=widget_key, format_func=lambda c: column_name(dataset, c),
                           help=say("data.sample", lang, value=samples[j]) if samples[j] else None,
                           on_change=remember_choice, args=(mapping_key, f"#{j + 1}", widget_key))
    missing = [c for c in DATASETS[dataset].required if c.name not in layout.mapping.values()]
    if missing:
        st.warning(say("data.map_required", lang,
                     columns=t("wb.value_sep", lang).join(column_name(dataset, c.name) for c in missing)))


def count_cards(result: store.ImportResult, loaded_key: str) -> None:
    """Rows read, to load (before) or loaded (after), duplicates and rejected, as four cards."""
    counts = [("data.rows_read", result.rows_read), (loaded_key, result.rows_loaded),
              ("data.rows_duplicate", result.rows_duplicate), ("data.rows_rejected", result.rows_rejected)]
    ui.metric_grid([(t(key, lang), f"{n:,}", None, t(f"{key}.help", lang)) for key, n in counts], per_row=4)


def show_checks(key: str, dataset: str, upload: uploads.Upload, choices: uploads.Choices,
                result: store.ImportResult) -> None:
    # a missing column is said once, by the mapping above, where it can be fixed
    if result.rejection is not None and not (result.rejection.key == "err.missing_columns" and result.layout):
        st.error(ui.message(result.rejection, lang), icon=":material/error:")
    if result.layout is None or not result.rows_read:
        return
    count_cards(result, "data.rows_new")
    show_warnings(result)
    if result.errors:
        report = ui.cached_error_report(db, context.version, upload, choices, lang)  # choices of the preview
        show_errors(key, dataset, upload, result, report)
    if result.preview is not None and len(result.preview):
        st.markdown(f"**{say('data.first_rows', lang, n=len(result.preview))}**")
        shown = ui.masked(context, uploads.preview_table(result.preview, dataset, lang))
        st.dataframe(shown, hide_index=True, key=f"{key}_first_rows",
                     column_config={c: column_name(dataset, c) for c in shown.columns})


def show_warnings(result: store.ImportResult) -> None:
    for warning in result.warnings:  # worded now, in the reader's language
        st.caption(f"⚠ {ui.message(warning, lang)}")


def show_errors(key: str, dataset: str, upload_name: uploads.Upload | str, result: store.ImportResult, report) -> None:
    """The rejected rows (row, whose row, column, value, reason) and the error report to fix them in."""
    name = upload_name if isinstance(upload_name, str) else upload_name.name
    st.markdown(f"**{say('data.errors', lang, n=result.rows_rejected)}**")
    errors = ui.masked(context, uploads.error_table(result.errors, dataset, lang))
    labels = uploads.error_table_labels(dataset, lang)
    if len(errors) > charts.TABLE_ROWS:  # a file of ten thousand bad rows: the report below lists them all
        st.caption(say("data.errors_first_rows", lang, shown=f"{charts.TABLE_ROWS:,}", n=f"{len(errors):,}"))
        errors = errors.head(charts.TABLE_ROWS)
    st.dataframe(errors, hide_index=True, key=f"{key}_errors", height=min(36 * (len(errors) + 1) + 4, 320),
                 column_config={c: labels[c] for c in errors.columns}
                 | {"row": st.column_config.NumberColumn(labels["row"], format="%d")})
    if context.privacy.mask:  # the report holds each rejected row whole, names and ids with it
        st.caption(t("privacy.no_error_report", lang))
    else:
        st.download_button(t("data.error_report", lang), report,
                           file_name=f"{t('data.error_report_file', lang)}-{name.rsplit('.', 1)[0]}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"{key}_error_report", icon=":material/download:")


def import_controls(key: str, dataset: str, upload: uploads.Upload, choices: uploads.Choices,
                    result: store.ImportResult) -> None:
    modes = [DATASETS[dataset].default_mode, "replace"]
    left, right = st.columns([3, 2])
    mode = left.radio(t("data.mode", lang), modes, key=f"{key}_{dataset}_mode", horizontal=True,
                      format_func=lambda m: t(f"data.mode.{m}", lang),
                      captions=[t(f"data.mode.{m}.help", lang) for m in modes])
    right.checkbox(t("data.strict", lang), key=f"{key}_strict", help=t("data.strict_help", lang))
    if context.demo:  # the first real import: the demo (invented) goes, in the import's own transaction
        right.checkbox(t("data.clear_demo_first", lang), value=True, key=f"{key}_clear_demo",
                       help=t("data.clear_demo_first.help", lang))
    if result.rejection is None and result.rows_loaded == 0:
        st.info(t("data.nothing_new", lang), icon=":material/check_circle:")
    ready = result.rejection is None and result.rows_loaded > 0
    button = t("data.import", lang, n=f"{result.rows_loaded:,}", dataset=dataset_name(dataset)) if ready \
        else t("data.import_nothing", lang)
    if not st.button(button, type="primary", key=f"{key}_import", disabled=not ready):
        return
    before = store.row_count(dataset, db)
    bar = st.progress(0.0, text=t("progress.read", lang))
    try:  # another process's import holds the file: this one waits its turn, and says so
        with store.waiting(settings.PAGE_BUSY_WAIT, lambda: bar.progress(0.0, text=t("busy.import_waits", lang))):
            done = uploads.run_import(upload, choices, user=ui.current_user(), db=db,
                                      progress=lambda fraction, stage: bar.progress(fraction, text=t(stage, lang)))
    except Exception as error:  # the import is one transaction: nothing was written; say why, no traceback
        st.error(ui.message(uploads.unexpected(error), lang))
        return
    bar.progress(1.0, text=t("progress.done", lang))
    if done.batch_id is not None:
        warm.start(db)  # the views computed ahead for the new data, in a process of their own
    st.session_state[f"{key}_done"] = {"dataset": dataset, "mode": mode, "result": done, "before": before,
                                       "after": store.row_count(dataset, db), "file": upload.name}
    st.rerun()  # the sidebar's filters and every view read the new data


def show_done(key: str, done: dict) -> None:
    """What the import did: its counts, the demo cleared first, its warnings and rejected rows, and the way
    to the charts."""
    result: store.ImportResult = done["result"]
    if result.batch_id is None:
        st.error(ui.message(result.rejection, lang) if result.rejection else t("data.not_imported", lang))
        return
    st.success(say("data.imported", lang, batch=result.batch_id, loaded=f"{result.rows_loaded:,}",
                 duplicate=f"{result.rows_duplicate:,}", rejected=f"{result.rows_rejected:,}"),
               icon=":material/task_alt:")
    count_cards(result, "data.rows_loaded")
    if result.demo_cleared:
        st.markdown(say("data.demo_cleared_first", lang, n=result.demo_cleared))
    st.markdown(say("data.count_change", lang, dataset=dataset_name(done["dataset"]), before=f"{done['before']:,}",
                  after=f"{done['after']:,}"))
    if done["mode"] == "replace":
        st.caption(t("data.replaced_note", lang))
    show_warnings(result)
    if result.errors:
        show_errors(key, done["dataset"], done.get("file", ""), result, lambda: uploads.error_report(result, lang))
    view = uploads.VIEW_OF_DATASET[done["dataset"]]
    st.page_link(view, label=t("data.open_view", lang), icon=":material/monitoring:")


def uploader_words(limit_mb: int) -> None:
    """The file uploader in the reader's language, once on this page (see uploads.uploader_css)."""
    st.html(uploads.uploader_css(lang, limit_mb))


# ----------------------------------------------------------------------------------------------
# The page
# ----------------------------------------------------------------------------------------------

st.title(t("page.data", lang))
st.caption(t("data.caption", lang))
notice = st.session_state.pop("data_notice", None)
if notice:
    kind, text = notice
    (st.success if kind == "success" else st.error)(text)
if context.demo:
    with st.container(border=True):
        st.info(t("data.demo_notice", lang), icon=":material/info:")
        if ui.confirm_button(t("data.clear_demo", lang), "data_clear_demo", t("data.clear_demo_confirm", lang), lang):
            cleared = store.clear_demo(db)
            warm.start(db)
            st.session_state["data_notice"] = ("success", t("data.demo_cleared", lang, n=cleared))
            st.rerun()

# The open tab is kept by Streamlit (a rollback's rerun stays on the history), across a change of language too.
TABS = ("data.tab.upload", "data.tab.history", "data.tab.templates")
open_tab = st.session_state.get("data_tab")
for tab_key in TABS:
    if open_tab in (t(tab_key, "zh"), t(tab_key, "en")):
        st.session_state["data_tab"] = t(tab_key, lang)
upload_tab, history_tab, templates_tab = st.tabs([t(k, lang) for k in TABS], key="data_tab", on_change="rerun")
batches = store.history(db)  # the history tab's table, and whether a file's batch is still in the data
with upload_tab:
    limit_mb = min(settings.MAX_UPLOAD_MB, st.get_option("server.maxUploadSize"))
    uploader_words(limit_mb)
    files = st.file_uploader(t("data.upload", lang), type=["csv", "xlsx", "xls"], accept_multiple_files=True,
                             key="data_files", help=t("data.upload_help", lang))
    shown_files: dict[str, str] = {}
    status = {b["batch_id"]: b["status"] for b in batches}
    upload_owner = st.session_state.setdefault("data_upload_owner", secrets.token_hex(8))  # this session's copies
    uploads.prune()
    on_page = set()
    for file in files or []:
        data = file.getvalue()
        try:
            upload = uploads.receive(file.name, data, upload_owner)
        except ingest.ImportRejected as refused:  # over the size cap: said in the reader's language
            st.error(refused.message(lang), icon=":material/error:")
            continue
        on_page.add(upload.path)
        if upload.digest in shown_files:  # the same content twice: one card, one import
            st.caption(say("data.same_upload", lang, file=upload.name, other=shown_files[upload.digest]))
            continue
        shown_files[upload.digest] = upload.name
        file_card(upload, data, status)
    kept = st.session_state.get("data_kept", {})
    for path in [p for p in kept if p not in on_page]:  # taken off the page or replaced: its copy goes
        uploads.discard(kept.pop(path))

with history_tab:
    if not batches:
        st.info(t("cli.history_empty", lang))
    else:
        table = uploads.history_table(batches, lang)
        shown = list(uploads.HISTORY_COLUMNS)
        ui.table(table, "import_history", lang, key="data_history",
                 column_config={c: t(f"data.col.{c}", lang) for c in shown}
                 | {c: st.column_config.NumberColumn(t(f"data.col.{c}", lang), format="localized")
                    for c in ("rows_read", "rows_loaded", "rows_duplicate", "rows_rejected")}
                 | {"imported_at": st.column_config.DatetimeColumn(t("data.col.imported_at", lang),
                                                                   format="YYYY-MM-DD HH:mm")},
                 height=min(36 * (len(table) + 1) + 4, 420),
                 extra=("rows_read", "rows_duplicate"))  # the status column stays in view at 1366 px
        by_id = {b["batch_id"]: b for b in batches}
        newest = max(by_id)
        state = st.session_state
        seen = (lang, *((b["batch_id"], b["status"]) for b in batches))  # the label is in the reader's language
        if state.get("data_batch_seen") != seen:  # an import or a rollback since the last run
            kept = state.pop("data_batch", None)
            # a new import: the picker offers it first; otherwise the batch picked stays picked, set afresh so
            # the browser shows its new status, not the one it had when picked
            if kept in by_id and state.get("data_batch_newest") == newest:
                state["data_batch"] = kept
            state["data_batch_seen"], state["data_batch_newest"] = seen, newest
        picked = st.selectbox(t("data.pick_batch", lang), list(by_id), key="data_batch",
                              on_change=lambda: st.session_state.update({"data_rollback_asking": False}),
                              format_func=lambda b: t("data.batch_label", lang, batch=b,
                                                      dataset=dataset_name(by_id[b]["dataset"]), file=by_id[b]["file"],
                                                      status=t(f"status.{by_id[b]['status']}", lang)))
        batch = by_id[picked]
        st.download_button(say("data.batch_rows", lang, n=f"{batch['rows_loaded']:,}"),
                           lambda: csv_bytes(ui.masked(context, store.batch_rows(picked, db))),
                           file_name=f"batch-{picked}-{batch['dataset']}.csv", mime="text/csv",
                           key="data_batch_rows", icon=":material/download:")
        if batch["status"] == "rolled_back":
            st.caption(t("data.already_rolled_back", lang))
        elif ui.confirm_button(t("data.rollback", lang), "data_rollback",
                               say("data.rollback_confirm", lang, batch=picked, dataset=dataset_name(batch["dataset"]),
                                 n=f"{batch['rows_loaded']:,}", file=batch["file"]), lang):
            try:
                store.rollback(picked, db)
                warm.start(db)
                st.session_state["data_notice"] = ("success", say("cli.rolled_back", lang, batch_id=picked,
                                                                dataset=dataset_name(batch["dataset"]),
                                                                file=batch["file"]))
            except store.RollbackRefused as refused:
                st.session_state["data_notice"] = ("error", say(refused.key, lang, **refused.values))
            st.rerun()

with templates_tab:
    st.markdown(t("data.templates_intro", lang))
    for name, dataset in DATASETS.items():
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{dataset_name(name)}** · `{name}`", width="stretch")
            st.download_button(t("data.template_xlsx", lang), lambda name=name: workbooks.template_xlsx(name, lang),
                               file_name=t("data.template_file", lang, dataset=label(dataset, lang), ext="xlsx"),
                               key=f"data_template_{name}_xlsx",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               icon=":material/table_view:")
            st.download_button(t("data.template_csv", lang), lambda name=name: workbooks.template_csv(name),
                               file_name=t("data.template_file", lang, dataset=label(dataset, lang), ext="csv"),
                               mime="text/csv",
                               key=f"data_template_{name}_csv", icon=":material/description:")
    st.subheader(t("data.dictionary", lang), anchor=False)
    st.caption(t("data.dictionary_help", lang))
    dictionary = workbooks.data_dictionary(lang)
    st.dataframe(dictionary, hide_index=True, key="data_dictionary", height=420)
    st.download_button(t("data.dictionary_xlsx", lang), lambda: workbooks.data_dictionary_xlsx(lang),
                       file_name=f"{t('data.dictionary', lang)}.xlsx", key="data_dictionary_xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:")
