"""The app frame shared by every page: language, first-start demo, sidebar filters held in the URL, cached reads."""
from __future__ import annotations

import contextvars
import datetime as dt
import functools
import hashlib
import os
import pickle
import threading
import time
import importlib
from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from talentboard import charts, drill, literal, metrics, privacy, schema, settings, store, uploads, views
from talentboard.export import csv_bytes
from talentboard.i18n import t
from talentboard.literal import say

LANG_NAMES = {"zh": "中文", "en": "English"}
EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2100, 12, 31)  # the dates the import accepts, and then some
REPO_ROOT = store.REPO_ROOT
_demo_lock = threading.Lock()  # two sessions starting at once load the demo once


@dataclass(frozen=True)
class Context:
    lang: str
    db: str
    version: tuple
    filters: metrics.Filters
    demo: bool
    as_of: dt.date | None  # the newest date in any dataset
    as_of_by_dataset: dict = field(default_factory=dict)
    privacy: privacy.Privacy = privacy.OFF  # names masked, ids hidden, small groups left out (the sidebar's switch)

    def dataset_as_of(self, dataset: str) -> dt.date | None:
        return self.as_of_by_dataset.get(dataset)

    @property
    def scope(self) -> views.Scope:
        """What the key views (meeting mode, the deck, the report) are of: this run's period, scope, language,
        data dates and privacy."""
        return views.Scope(self.filters, self.lang, self.as_of, self.as_of_by_dataset, self.privacy)


class StoreMoved(Exception):
    """An import or rollback committed after this run read the store's version."""


def _at_version(con, version: tuple) -> None:
    """Read in one snapshot, and only at the version the run shows: cached under that version, numbers
    read after a later import or rollback would sit beside the earlier ones on a page (a mix of two
    states), say an answer "from the last state" while an import holds the file."""
    con.execute("begin transaction")
    if store.state_of(con).version != version:
        raise StoreMoved


def _fingerprint() -> str:
    """This code and its settings: results kept by another version of the app are never read."""
    digest = hashlib.sha256()
    for folder, pattern in (("talentboard", "**/*.py"), ("queries", "*.sql")):
        for path in sorted((REPO_ROOT / folder).glob(pattern)):
            digest.update(path.name.encode() + path.read_bytes())
    digest.update(repr(sorted((k, repr(v)) for k, v in vars(settings).items() if k.isupper())).encode())
    return digest.hexdigest()[:16]


CODE_KEY = _fingerprint()
# While a warm-up runs (talentboard/warm.py), every result computed is also put here, by data version.
_keeping: dict[tuple, dict[str, bytes]] | None = None


def forget_results() -> None:
    """Drop what this process has cached of the store's results."""
    for cached in (cached_options, cached_as_of, _compute, _cached_figure):
        cached.clear()
    _kept_read.clear()


# The results a warm-up kept for the version last read, by database file: (version, {key: pickled result}).
_kept_read: dict[str, tuple[tuple, dict[str, bytes]]] = {}
_kept_lock = threading.Lock()


def _kept_at(db: str, version: tuple) -> dict[str, bytes]:
    """The results kept for `version`, read from the store once (a page asks for a dozen or more), then from
    memory: a kept result never changes, its key naming the code, the call and the version."""
    with _kept_lock:
        if db in _kept_read and _kept_read[db][0] == version:
            return _kept_read[db][1]
    with store.reading(db) as con:
        _at_version(con, version)
        found = store.kept_results(con, version)
    with _kept_lock:
        _kept_read[db] = (version, found)
    return found


@contextmanager
def keeping_results(into: dict[tuple, dict[str, bytes]]):
    """Within: results are computed afresh (never read from the store) and kept in `into`, per version."""
    global _keeping
    _keeping = into
    try:
        yield into
    finally:
        _keeping = None


def _kept(db: str, version: tuple, call: tuple, compute):
    """compute(con), read in one snapshot at `version`: a result a warm-up kept for this call is read instead
    (results are the app's own, written only by warm.py into the store: pickled aggregates, never rows)."""
    key = hashlib.sha256(repr((CODE_KEY, call)).encode("utf-8")).hexdigest()
    if _keeping is None:
        kept = _kept_at(db, version).get(key)
        if kept is not None:
            return pickle.loads(kept)
    with store.reading(db) as con:
        _at_version(con, version)
        if _keeping is None:
            kept = store.kept_result(con, version, key)  # kept by a warm-up that ended after the read above
            if kept is not None:
                return pickle.loads(kept)
        value = compute(con)
    if _keeping is not None:
        _keeping.setdefault(version, {})[key] = pickle.dumps(value)
    return value


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _plain(items: list | tuple | dict) -> bool:
    """Whether a container holds only plain values (its repr then tells it apart from any other)."""
    values = list(items.keys()) + list(items.values()) if isinstance(items, dict) else items
    return all(type(v) in _PLAIN for v in values)


def _digest(value, into) -> None:
    """Feed a builder's inputs into a hash: frames by their columns, types and values."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        shape = ([str(c) for c in value.columns], [str(d) for d in value.dtypes]) \
            if isinstance(value, pd.DataFrame) else (str(value.name), str(value.dtype))
        into.update(repr((type(value).__name__, shape)).encode("utf-8"))
        try:
            into.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
        except TypeError:  # cells holding lists
            into.update(pickle.dumps(value))
    elif isinstance(value, (list, tuple, dict)) and _plain(value):  # names, colours: in one piece, not item by item
        into.update(repr((type(value).__name__, value)).encode("utf-8"))
    elif isinstance(value, dict):
        into.update(b"{")
        for key, item in value.items():
            _digest(key, into)
            _digest(item, into)
        into.update(b"}")
    elif isinstance(value, (list, tuple)):
        into.update(b"[")
        for item in value:
            _digest(item, into)
        into.update(b"]")
    else:
        into.update(repr((type(value).__name__, value)).encode("utf-8"))


# The store and data version a chart is built for outside a page's run (a download made on a click, see
# _briefing_views): charts.memo keys figures by it, as a page's run keys them by its context's, so they are shared.
_outside_run_at: contextvars.ContextVar[tuple[str, tuple] | None] = contextvars.ContextVar(
    "talentboard_outside_run_at", default=None)


def _figure_spec(builder, args: tuple, kwargs: dict) -> dict:
    """charts.memo: the specification `builder` makes of these inputs, built once (and kept by a warm-up
    for the data version of the page being run)."""
    digest = hashlib.sha256(f"{builder.__module__}.{builder.__qualname__}".encode("utf-8"))
    _digest((args, kwargs), digest)
    if get_script_run_ctx(suppress_warning=True) is not None:  # a page's run (or a warm-up's): its data version
        context = st.session_state.get("context")
        db, version = (context.db, context.version) if context is not None else (None, None)
    else:  # a download made on a click: the version it reads (no session to ask: Streamlit would log a warning)
        db, version = _outside_run_at.get() or (None, None)
    return _cached_figure(digest.hexdigest(), db, version, builder, args, kwargs)


@st.cache_data(ttl=3600, max_entries=1024, show_spinner=False)
def _cached_figure(key: str, db: str | None, version: tuple | None, _builder, _args: tuple, _kwargs: dict) -> dict:
    build = lambda: _builder(*_args, **_kwargs).to_plotly_json()  # noqa: E731
    if db is not None:
        try:
            with store.waiting(0):  # a kept one if the file is free now; else built here, never waited for
                return _kept(db, version, ("figure", key), lambda con: build())
        except (StoreMoved, store.DatabaseBusy):
            pass
    return build()


charts.memo = _figure_spec


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def cached_options(db: str, version: tuple) -> dict[str, list[str]]:
    return _kept(db, version, ("filter_options",), metrics.filter_options)


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def cached_as_of(db: str, version: tuple) -> dict:
    return _kept(db, version, ("as_of_dates",), metrics.as_of_dates)


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _compute(db: str, version: tuple, module: str, name: str, filters, args: tuple,
             shown: privacy.Privacy = privacy.OFF):
    func = getattr(importlib.import_module(module), name)
    result = _kept(db, version, (module, name, filters, args), lambda con: func(con, filters, *args))
    return privacy.apply(result, shown, getattr(func, "group_size", None))


def masked(context: Context, result):
    """A table read outside compute (a file's preview and rejected rows, a batch's rows) as the screen may show it."""
    return privacy.apply(result, context.privacy)


def compute(context: Context, func, *args, filters: metrics.Filters | None = None):
    """func(con, filters, *args) from talentboard/, cached per data version: a small aggregate, never raw rows,
    as the screen may show it (privacy.apply: names masked and small groups left out when the switch is on).
    When the data moved on since the run began, the page starts again on the data as it is now."""
    try:
        return while_busy(context.lang, lambda: _compute(context.db, context.version, func.__module__, func.__name__,
                                                         filters or context.filters, args, context.privacy))
    except StoreMoved:
        st.rerun()


# The last state each database file showed, for every session of this process: while an import in
# another process holds the file, pages answer from it (and the results cached for its version).
_last_state: dict[str, store.State] = {}


def while_busy(lang: str, read):
    """read(); while another process (a long import) holds the database, the page waits with a notice
    in the reader's language, and after settings.PAGE_BUSY_WAIT says to refresh later. No path, no error."""
    deadline = time.monotonic() + settings.PAGE_BUSY_WAIT
    with store.waiting(settings.PAGE_LOCK_WAIT):
        try:
            return read()
        except store.DatabaseBusy:
            pass
        with st.spinner(t("busy.waiting", lang)):
            while time.monotonic() < deadline:
                try:
                    return read()
                except store.DatabaseBusy:
                    continue
    st.info(t("busy.still", lang), icon=":material/hourglass_top:")
    st.button(t("busy.refresh", lang), key="busy_refresh")
    st.stop()


def _read_state(db: str, lang: str) -> tuple[store.State, bool]:
    """The store's state, and whether it is the last one seen because an import holds the file now."""
    with store.waiting(settings.PAGE_LOCK_WAIT):
        try:
            _last_state[db] = _current_state(db)
            return _last_state[db], False
        except store.DatabaseBusy:
            if db in _last_state:
                return _last_state[db], True
    _last_state[db] = while_busy(lang, lambda: _current_state(db))
    return _last_state[db], False


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def cached_look(upload: uploads.Upload) -> uploads.Reading:
    return uploads.first_look(upload)


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def cached_preview(db: str, version: tuple, upload: uploads.Upload, choices: uploads.Choices) -> uploads.Preview:
    """A file's dry run, once per file, choices and data version: widgets rerun the page, not the pipeline."""
    return uploads.preview(upload, choices, db=db)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def cached_error_report(db: str, version: tuple, upload: uploads.Upload, choices: uploads.Choices, lang: str) -> bytes:
    """The error report of a file's dry run, built once per preview, not on every rerun of the page."""
    return uploads.error_report(cached_preview(db, version, upload, choices).result, lang)


def current_user() -> str:
    """Who is at the browser, when Streamlit's login says, or the header named by TALENTBOARD_USER_HEADER
    (set only behind an intranet proxy that writes it: a browser could send it too); "" when unknown."""
    try:
        if st.user.is_logged_in:
            return str(st.user.get("name") or st.user.get("email") or "")
    except Exception:  # no login configured
        pass
    header = os.environ.get("TALENTBOARD_USER_HEADER")
    return str((st.context.headers or {}).get(header) or "") if header else ""


def message(note, lang: str) -> str:
    """An import's message (a rejection, a warning: ingest.Message) for Streamlit's Markdown: the file's own
    names and values in it read as the literal text they are."""
    values = {k: v.text(lang) if callable(getattr(v, "text", None)) else v for k, v in note.values.items()}
    return say(note.key, lang, **values)


def confirm_button(label: str, key: str, question: str, lang: str) -> bool:
    """A button that asks once more before it acts; True on the run the user confirms. `question` is Markdown
    (made with say() when it names data)."""
    asking = f"{key}_asking"
    if st.button(label, key=key, icon=":material/undo:"):
        st.session_state[asking] = True
    if not st.session_state.get(asking):
        return False
    st.warning(question, icon=":material/warning:")
    with st.container(horizontal=True):
        yes = st.button(t("ui.confirm", lang), key=f"{key}_yes", type="primary")
        no = st.button(t("ui.cancel", lang), key=f"{key}_no")
    if yes or no:
        st.session_state[asking] = False
    if no:
        st.rerun()
    return yes


def _current_state(db: str) -> store.State:
    """The store's state; on first start, with an empty database, the shipped demo is loaded first
    through the ordinary import pipeline."""
    current = store.state(db)
    if current.batches == 0:
        with _demo_lock:
            if store.state(db).batches == 0:
                store.load_demo(db=db)
        current = store.state(db)
    return current


def page_context() -> Context:
    """The context the entry script set for this run. On a cold start straight onto a page URL,
    Streamlit 1.67 first runs the page alone: its legacy mode for apps with a pages/ folder (which
    SPEC's layout has) stays on until the public st.navigation has run once. Turning it off the
    way st.navigation does and rerunning sends this run through dashboard.py as usual."""
    context = st.session_state.get("context")
    if context is None:
        from streamlit.runtime.pages_manager import PagesManager  # the flag st.navigation clears
        PagesManager.uses_pages_directory = False
        st.rerun()
    return context


def url_choice(widget, label: str, options: list[str], key: str, default: str, format_func, lang: str = "",
               **widget_args) -> str:
    """A single choice held in the URL under `key` as its code (zh, this_year, …). Widgets bound to
    the URL with a format_func would put the display label there instead, so this syncs by hand.
    The widget is keyed per language: the browser keeps a choice by its shown text, so after a
    language switch an old widget would send back a label the new options no longer hold, and the
    next page would fall back to the default."""
    if st.session_state.get(key) not in options:
        wanted = st.query_params.get(key)
        st.session_state[key] = wanted if wanted in options else default
    widget_key = f"{key}_choice{'_' + lang if lang else ''}"
    if st.session_state.get(widget_key) != st.session_state[key]:
        st.session_state[widget_key] = st.session_state[key]
    widget(label, options, key=widget_key, format_func=format_func,
           on_change=lambda: st.session_state.update({key: st.session_state[widget_key]}), **widget_args)
    st.query_params[key] = st.session_state[key]
    return st.session_state[key]


def language() -> str:
    # labelled in both languages: whoever opens the page can find the switch
    return url_choice(st.sidebar.segmented_control, "语言 · Language", list(LANG_NAMES), "lang", "zh",
                      LANG_NAMES.get, required=True)


def _filters(lang: str, options: dict, as_of: dt.date | None) -> metrics.Filters:
    """Period (a quick pick or a custom range), org, branch and line, all held in the URL; a branch
    list follows the chosen orgs, and branches fall back to all when the orgs change."""
    sidebar = st.sidebar
    sidebar.header(t("filter.header", lang))
    anchor = as_of or dt.date.today()
    choice = url_choice(sidebar.selectbox, t("filter.period", lang), list(metrics.PERIODS), "range", "this_year",
                        lambda name: t(f"period.{name}", lang), lang)
    if choice == "custom":
        start, end = metrics.quick_period("this_year", anchor)
        # Streamlit's default window is ten years either side of today: a URL for an older period
        # would be dropped without a word, so the window covers any date a record may carry.
        period = sidebar.date_input(t("filter.custom", lang), value=(start, end), key="period",
                                    format="YYYY-MM-DD", bind="query-params", min_value=EARLIEST,
                                    max_value=LATEST)
        picked = list(period) if isinstance(period, (tuple, list)) else [period]
        start, end = (picked + picked)[:2] if picked and picked[0] else (start, end)  # one date picked: that day
    else:
        start, end = metrics.quick_period(choice, anchor)
        sidebar.caption(say("filter.range_shown", lang, start=start, end=end))
    orgs: list[str] = []
    if len(options["org"]) > 1:
        orgs = sidebar.multiselect(t("filter.org", lang), options["org"], key="org", bind="query-params",
                                   placeholder=t("filter.all", lang), on_change=_orgs_changed)
    branch_options = branch_choices(options, orgs)
    branches = sidebar.multiselect(t("filter.branch", lang), branch_options, key="branch",
                                   bind="query-params", placeholder=t("filter.all", lang))
    lines = sidebar.multiselect(t("filter.line", lang), options["line"], key="line", bind="query-params",
                                placeholder=t("filter.all", lang))
    return metrics.Filters(start, end, tuple(orgs), tuple(branches), tuple(lines))


def branch_choices(options: dict, orgs: list[str]) -> list[str]:
    """The branches offered: all of them, or those of the chosen orgs (a branch name shared by two
    orgs stays offered if either is chosen)."""
    if not orgs:
        return list(options["branch"])
    return [b for b in options["branch"] if options["branch_orgs"].get(b, set()) & set(orgs)]


def _orgs_changed() -> None:
    st.session_state["branch"] = []  # a child filter falls back to "all" when its parent changes


# Pages whose charts narrow them to one branch (or studio) on a click: the page's URL path -> its focus
# prefix and what the focus names. The sidebar says so, so it never reads "all" while the page shows one.
FOCUS_PAGES = {"overview": ("overview", "branch"), "training": ("training", "branch"), "competition": ("comp", "branch"),
               "innovation": ("innov", "studio")}
NO_FILTER_PAGES = {"data"}  # pages the period and scope do not apply to: no filters in their sidebar
STYLE = """<style>
/* The first screen at 1366x768 reaches the first chart: less padding above the title, a smaller
   title and KPI figures that still read from the back of a room. */
[data-testid="stMainBlockContainer"], .block-container {padding-top: 1.4rem !important;}
[data-testid="stSidebarUserContent"] {padding-top: 0.5rem !important;}
[data-testid="stMain"] h1 {font-size: 2.1rem; padding: 0.2rem 0 0.1rem 0;}
[data-testid="stMetricValue"] {font-size: 2rem;}
[data-testid="stMetric"] {padding: 0.55rem 0.8rem !important;}
/* A KPI's label and change wrap onto a second line rather than end in "…" on a laptop screen. */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"],
[data-testid="stMetricDelta"] * {white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: anywhere;}
[data-testid="stMetricDelta"] {height: auto !important;}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important;}
/* The period list above the calendar already offers the quick picks, in the reader's language;
   Streamlit's own quick-select row under the calendar is English only. */
[data-testid="stDateInputQuickSelect"] {display: none !important;}
/* Printing a view (Ctrl+P, or "Save as PDF"): A4 landscape, the view's content only. Landscape because the
   views are laid out wide (rows of five KPI cards, charts drawn as wide as the screen): Plotly does not draw a
   chart again for print, so a chart keeps the width it had on screen, and Chrome shrinks a page that is too
   wide by at most about 1.5 times, which fits the 1,428 px of a full-width chart on a 1920 screen into
   landscape's 277 mm (1,047 px) but not into portrait's 190 mm. The view is laid out 277 mm wide and grows
   to its widest chart (min-content) instead of cutting it off at the right edge; a row of cards wraps when
   its charts do not fit side by side. Sidebar, header, toolbars, widgets, buttons and downloads are left out;
   a chart, a table or a KPI card is not split across two pages. */
@page {size: A4 landscape; margin: 10mm;}
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], [data-testid="stBottom"], [data-testid="stSkipToContent"],
  [data-testid="stButton"], [data-testid="stDownloadButton"], [data-testid="stLinkButton"],
  [data-testid="stPageLink"], [data-testid="stPopover"], [data-testid="stFormSubmitButton"],
  [data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stDateInput"],
  [data-testid="stCheckbox"], [data-testid="stRadio"], [data-testid="stTextInput"], [data-testid="stNumberInput"],
  [data-testid="stSlider"], [data-testid="stButtonGroup"], [data-testid="stFileUploader"],
  [data-testid="stElementToolbar"], [data-testid="stTooltipIcon"], [data-testid="stHeaderActionElements"],
  [data-testid="stTabs"] [role="tablist"], .modebar-container {display: none !important;}
  /* a row of buttons and the words that go with them ("谁是这些人？" and a button per KPI) */
  [data-testid="stHorizontalBlock"]:has([data-testid="stButton"]):not(:has([data-testid="stPlotlyChart"],
    [data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stMetric"], [data-testid="stAlert"])) {
    display: none !important;}
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {overflow: visible !important;
    height: auto !important; background: white !important;}
  [data-testid="stAppViewContainer"], [data-testid="stMain"] {align-items: flex-start !important;
    margin: 0 !important; padding: 0 !important;}
  [data-testid="stMainBlockContainer"] {width: 277mm !important; min-width: min-content !important;
    max-width: none !important; margin: 0 !important; padding: 0 !important; align-self: flex-start !important;}
  [data-testid="stVerticalBlock"], [data-testid="stLayoutWrapper"], [data-testid="stHorizontalBlock"],
  [data-testid="stElementContainer"], [data-testid="stFullScreenFrame"], [data-testid="stPlotlyChart"],
  .js-plotly-plot, .js-plotly-plot .plot-container {width: fit-content !important; min-width: 100% !important;
    max-width: none !important; overflow: visible !important; contain: none !important;}
  [data-testid="stHorizontalBlock"] {flex-wrap: wrap !important;}
  [data-testid="stPlotlyChart"], [data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stMetric"],
  [data-testid="stAlert"], [data-testid="stColumn"] {break-inside: avoid;}
}
</style>"""


# Presentation mode: no sidebar, no Streamlit chrome, type for the back of a room; the clicker's keys on hidden buttons.
PRESENT_STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], [data-testid="stMainMenu"] {display: none !important;}
[data-testid="stMainBlockContainer"], .block-container {padding: 0.6rem 2.6rem 0.4rem 2.6rem !important;
  max-width: 100% !important;}
[data-testid="stMain"] h1 {font-size: 2.9rem !important; padding: 0.1rem 0 0.2rem 0 !important;}
[data-testid="stMarkdownContainer"] p.takeaway {font-size: 1.8rem !important; line-height: 1.4; margin: 0.1rem 0 0.4rem 0;
  color: #1f1f1f;}
.st-key-present_kpis [data-testid="stMetricValue"] {font-size: 3.6rem !important;}
.st-key-present_kpis [data-testid="stMetricLabel"] p {font-size: 1.45rem !important;}
.st-key-present_kpis [data-testid="stMetricDelta"] {font-size: 1.3rem !important;}
.st-key-present_kpis [data-testid="stMetric"] {padding: 1.2rem 1.2rem !important;}
.st-key-present_nav button p {font-size: 1.3rem !important;}
.st-key-present_nav button {min-height: 3rem; padding: 0 1.8rem;}
.st-key-present_page_up, .st-key-present_page_down {display: none !important;}
[data-testid="stMain"] [data-testid="stCaptionContainer"] p {font-size: 1.15rem;}
.st-key-present_kpis [data-testid="stMetricValue"], .st-key-present_kpis [data-testid="stMetricValue"] * {
  white-space: nowrap !important;}
/* A laptop's shorter screen (768 lines): the same view in smaller type, so it still fits without scrolling
   (the chart is sized to what the text leaves: pages/present.py). */
@media (max-height: 900px) {
  [data-testid="stMain"] h1 {font-size: 2.1rem !important;}
  [data-testid="stMarkdownContainer"] p.takeaway {font-size: 1.3rem !important; margin: 0 0 0.2rem 0;}
  .st-key-present_kpis [data-testid="stMetricValue"] {font-size: 2.5rem !important;}
  .st-key-present_kpis [data-testid="stMetricLabel"] p {font-size: 1.1rem !important;}
  .st-key-present_kpis [data-testid="stMetricDelta"] {font-size: 1.05rem !important;}
  .st-key-present_kpis [data-testid="stMetric"] {padding: 0.6rem 0.9rem !important;}
  .st-key-present_nav button p {font-size: 1.1rem !important;}
  .st-key-present_nav button {min-height: 2.4rem;}
  [data-testid="stMain"] [data-testid="stCaptionContainer"] p {font-size: 0.95rem;}
}
</style>"""


def style(presenting: bool) -> None:
    """The app's style sheet, and presentation mode's (the sidebar and Streamlit's chrome hidden): the first thing a
    run sends, before anything is drawn in the sidebar (the language switch), so the sidebar never shows in
    presentation mode, not even while the first run is under way."""
    st.html(STYLE)
    if presenting:
        st.html(PRESENT_STYLE)


def frame(lang: str, page: str = "overview") -> Context:
    """Draw the sidebar's filters for `page` (none where they do not apply) and return the context
    every page reads."""
    db = str(store.db_path())
    try:
        current, stale = _read_state(db, lang)
        version = current.version
        options = while_busy(lang, lambda: cached_options(db, version))
        as_of = while_busy(lang, lambda: cached_as_of(db, version))
    except StoreMoved:  # an import or rollback committed meanwhile: the page starts again on its data
        st.rerun()
    except store.StoreUnusable as unusable:  # what to do, never the server's path
        st.error(t(unusable.key, lang))
        st.stop()
    except Exception as error:  # a damaged or unreadable database file: say so, never a traceback
        st.error(say("app.db_error", lang, reason=type(error).__name__))
        st.stop()

    if stale:
        st.info(t("busy.stale", lang), icon=":material/hourglass_top:")
    last = metrics.latest_date(as_of)
    if page in NO_FILTER_PAGES:
        start, end = metrics.quick_period("this_year", last or dt.date.today())
        filters = metrics.Filters(start, end)
    else:
        filters = _filters(lang, options, last)
        if page in FOCUS_PAGES:
            prefix, kind = FOCUS_PAGES[page]
            name = focused(prefix)
            if name:
                st.sidebar.caption(say(f"filter.focus_{kind}", lang, name=name))
    context = Context(lang, db, version, filters, current.demo_active, last, as_of, privacy_switch(lang))
    if page not in NO_FILTER_PAGES and page != "present":
        meeting_sidebar(context, list(options["org"]))
    return context


# ----------------------------------------------------------------------------------------------
# The meeting room: presentation mode (pages/present.py, ?present=1) and the briefing to take away
# ----------------------------------------------------------------------------------------------

def presenting() -> bool:
    return st.query_params.get("present") == "1"


def _start_presenting() -> None:
    """The sidebar button's callback: presentation mode on this page's filters, names masked (the switch goes back to
    how it was on the way out)."""
    st.session_state["mask_before_present"] = bool(st.session_state.get("mask"))
    st.session_state["mask"] = True
    for name in ("present_slide", "present_shown_at", "present_rotate"):
        st.session_state.pop(name, None)
    st.query_params["present"] = "1"
    st.query_params["mask"] = "1"


def cached_reader(db: str, shown: privacy.Privacy, version: tuple) -> views.Ask:
    """ask(func, *args, filters=...) as `compute` answers it (the results the pages cached, or a warm-up kept in
    the store), at `version`, for work done outside a page's run (a deferred download): no spinner, no rerun.
    Raises StoreMoved when the store is no longer at `version` where a view must be read."""
    def ask(func, *args, filters: metrics.Filters):
        return _compute(db, version, func.__module__, func.__name__, filters, args, shown)
    return ask


def _briefing_views(context: Context) -> list[views.Slide]:
    """The views a download holds, through the pages' cache at the store's version on the click (a view a page or
    meeting mode drew at it is not computed again, nor its chart built again). While an import in another process
    holds the file: at the version the page showed, whose views the cache may hold. When an import commits
    meanwhile: once more at the new version, then straight from the store."""
    for _ in range(2):
        try:
            version = store.state(context.db).version
        except store.DatabaseBusy:
            version = context.version
        token = _outside_run_at.set((context.db, version))
        try:
            return views.slides(cached_reader(context.db, context.privacy, version), context.scope)
        except StoreMoved:
            continue
        finally:
            _outside_run_at.reset(token)
    return views.slides(views.reader(context.db, context.privacy), context.scope)


def briefing_file(context: Context, orgs: list[str], kind: str) -> bytes:
    """The deck (kind "deck") or the HTML report ("report") of the views for the sidebar's filters, language and
    privacy switch: what `python -m talentboard deck|report --query <this page's URL query>` writes. Made when the
    button is clicked, outside the page's run, from the store as it is then (`_briefing_views`)."""
    scope = context.scope
    shown = _briefing_views(context)
    if kind == "deck":
        from talentboard import deck
        return deck.build(shown, views.cover(scope, orgs), scope)
    from talentboard import report
    return report.build(shown, views.cover(scope, orgs), scope)


def meeting_sidebar(context: Context, orgs: list[str]) -> None:
    """The sidebar's 会议模式 section: present this view's filters, or take the briefing away as PPTX or HTML."""
    lang, sidebar = context.lang, st.sidebar
    sidebar.header(t("present.header", lang))
    sidebar.button(t("present.start", lang), icon=":material/co_present:", on_click=_start_presenting,
                   key="present_start", width="stretch", help=t("present.start.help", lang))
    stem = t("present.file_stem", lang, date=dt.date.today())
    for kind, suffix, mime, icon in (
            ("deck", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             ":material/slideshow:"),
            ("report", "html", "text/html", ":material/description:")):
        sidebar.download_button(t(f"present.download_{kind}", lang), functools.partial(briefing_file, context, orgs, kind),
                                file_name=f"{stem}.{suffix}", mime=mime, key=f"present_download_{kind}", icon=icon,
                                width="stretch", help=t(f"present.download_{kind}.help", lang), on_click="ignore")


def privacy_switch(lang: str) -> privacy.Privacy:
    """The sidebar's privacy switch, held in the URL as mask=1 (a shared link stays masked); on by default in
    presentation mode (present=1)."""
    if "mask" not in st.session_state:
        wanted = st.query_params.get("mask")
        st.session_state["mask"] = wanted == "1" if wanted in ("0", "1") else st.query_params.get("present") == "1"
    on = st.sidebar.toggle(t("privacy.switch", lang), key="mask",
                           help=say("privacy.switch.help", lang, n=settings.PRIVACY_MIN_GROUP))
    presenting = st.query_params.get("present") == "1"
    if on or presenting:
        st.query_params["mask"] = "1" if on else "0"
    elif "mask" in st.query_params:
        del st.query_params["mask"]
    return privacy.Privacy(mask=on)


# ----------------------------------------------------------------------------------------------
# Cards: a titled, bordered block per question, with its chart or table and the data to download
# ----------------------------------------------------------------------------------------------

def card(title: str, help_text: str | None = None, height: str = "content"):
    """A bordered container headed by the question it answers; use as a context manager. height="stretch"
    makes it as tall as the card beside it."""
    box = st.container(border=True, height=height)
    box.markdown(f"**{title}**", help=help_text)
    return box


NO_CHANGE = {"delta_color": "off", "delta_arrow": "off"}  # grey, no arrow: neither good news nor bad


def metric_grid(cards: list[tuple[str, str, str | None, str]], per_row: int = 5) -> None:
    """KPI cards (label, value, delta, help) in rows of equal columns, so a laptop screen cuts nothing."""
    for start in range(0, len(cards), per_row):
        row = cards[start:start + per_row]
        for column, (label, value, delta, help_text) in zip(st.columns(per_row), row):
            column.metric(label, value, delta=delta, help=help_text, border=True, height="stretch",
                          **NO_CHANGE if delta and metrics.direction(delta) is None else {})


def download(data: pd.DataFrame, name: str, lang: str, key: str) -> None:
    """The data behind a chart or table as CSV with BOM, safe against spreadsheet formulas. The file is made
    when the button is clicked, not on every run of the page (nor is the frame hashed to find it in a cache)."""
    st.download_button(t("ui.download_csv", lang), functools.partial(csv_bytes, data), file_name=f"{name}.csv",
                       mime="text/csv", key=f"{key}_csv", icon=":material/download:", type="tertiary")


def chart(fig, data: pd.DataFrame, name: str, lang: str, key: str, on_select=None, empty_key: str = "chart.empty") -> None:
    """A Plotly chart in the house theme (Streamlit's own theme would override its type and colours) plus
    its data download; `on_select` makes a click on a point act (e.g. focus a branch). A figure with
    nothing to draw shows what is missing instead of an empty frame."""
    if not charts.has_data(fig):
        st.info(t(empty_key, lang), icon=":material/info:")
        return
    st.plotly_chart(charts.finish(fig), key=key, on_select=on_select or "ignore", selection_mode="points", theme=None,
                    config=charts.plotly_config(lang, name))
    suppressed_note(data, lang)
    download(data, name, lang, key)


def suppressed_note(data: pd.DataFrame, lang: str) -> None:
    """Say so when privacy left small groups out of a breakdown (privacy.masked_frame counts them)."""
    note = views.left_out(data, lang)
    if note:
        st.caption(literal.markdown(note))


def table(data: pd.DataFrame, name: str, lang: str, key: str, column_config: dict | None = None,
          height: int | str = "auto", extra: list[str] | tuple[str, ...] = (),
          download_data: pd.DataFrame | None = None, most: int | None = None,
          profiles: dict[str, str] | None = None) -> None:
    """A table and its download (`download_data` when the file should hold more than the screen). A missing
    value reads "—", never None; `extra` columns stay out of the default view (so a laptop screen cuts
    nothing) and come in with a "show all columns" switch. With `most` (a list of records, e.g. people),
    only the first `most` rows go to the browser, a line says so, and the download holds every row.
    `profiles` makes names open profiles: {"name": "person"} opens the clicked row's person (by its
    `person_key` column, never shown), {"branch": "branch"} the clicked branch's profile."""
    order = None
    if extra and not st.toggle(t("ui.all_columns", lang), key=f"{key}_all"):
        order = [c for c in data.columns if c not in set(extra) | HIDDEN_COLUMNS]
    shown = data
    if most is not None and len(data) > most:
        st.caption(say("ui.table_first_rows", lang, shown=f"{most:,}", n=f"{len(data):,}"))
        shown = data.head(most)
    if profiles:  # what a click opens: a person's record, a branch's, or either
        kinds = set(profiles.values())
        st.caption(t("people.click_hint" if kinds == {"person"} else
                     "people.click_hint_branch" if kinds == {"branch"} else "drill.click_hint_both", lang))
    event = st.dataframe(_without_hidden(shown), hide_index=True, column_config=column_config, height=height, key=key,
                         placeholder="—", column_order=order, on_select="rerun" if profiles else "ignore",
                         selection_mode="single-cell")
    suppressed_note(data, lang)
    download(_without_hidden(data if download_data is None else download_data), name, lang, key)
    for row, column in (event.selection.get("cells", []) if profiles else []):
        if column in profiles and 0 <= row < len(shown):
            open_profile(profiles[column], shown.iloc[row]["person_key" if profiles[column] == "person" else column])


def _without_hidden(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as the browser and its download get it: the link keys (HIDDEN_COLUMNS) kept here only."""
    return frame.drop(columns=[c for c in frame.columns if c in HIDDEN_COLUMNS])


# ----------------------------------------------------------------------------------------------
# Profiles: any list or chart naming a person or a branch opens its profile on the people page, the
# sidebar's filters (and language and privacy) kept
# ----------------------------------------------------------------------------------------------

PEOPLE_PAGE = "pages/people.py"
PROFILE_PARAMS = {"person": "person", "branch": "unit"}  # a profile's view -> the URL parameter naming whom
HIDDEN_COLUMNS = {"person_key"}  # in a result for links, never shown nor downloaded


def kept_params(**changes) -> dict[str, str | list[str]]:
    """The URL's parameters (period, scope, language, privacy) with `changes`: a page's own focus stays behind."""
    params: dict[str, str | list[str]] = {}
    for name in st.query_params:
        values = st.query_params.get_all(name)
        if values and not name.endswith("_focus"):
            params[name] = values if len(values) > 1 else values[0]
    params.update({k: str(v) for k, v in changes.items() if v is not None})
    return params


def open_profile(view: str, who: str):
    """Go to the people page showing `who` (a person's key, or a branch) in `view` ("person" or "branch").
    Parameters a widget holds (bind="query-params": the sidebar's org, branch, line and period, a page's own
    picks) are left to their widgets: a page switch may not set them (Streamlit raises)."""
    st.session_state["view"] = view  # the page's view choice (url_choice) keeps a session's choice over the URL's
    params = kept_params(view=view, **{PROFILE_PARAMS[view]: who})
    bound = _bound_params(params)
    st.switch_page(PEOPLE_PAGE, query_params={k: v for k, v in params.items() if k not in bound})


def _bound_params(names) -> set[str]:
    """Which of `names` are URL parameters bound to a widget in this run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    if ctx is None:
        return set()
    with ctx.session_state.query_params() as params:
        return {name for name in names if params.is_bound(name)}


def empty(lang: str, dataset: str) -> None:
    """What to upload when a dataset is missing: never a blank chart."""
    st.info(say("empty.dataset", lang, dataset=t(f"dataset.{dataset}", lang)), icon=":material/upload_file:")


# ----------------------------------------------------------------------------------------------
# Focus: a click on a branch (or studio) in a chart narrows the page to it, visibly, with a way back
# ----------------------------------------------------------------------------------------------

def focus_key(page: str) -> str:
    return f"{page}_focus"


def focused(page: str) -> str | None:
    """The branch or studio the page is narrowed to; held in the URL as <page>_focus=… (one name per
    page, so a focus never leaks into another page)."""
    key = focus_key(page)
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(key) or None
    value = st.session_state[key]
    if value:
        st.query_params[key] = value
    elif key in st.query_params:
        del st.query_params[key]
    return value


def focus_on_click(page: str, chart_key: str, field: str = "y", skip: str | None = None, people: bool = False):
    """An on_select callback: the clicked point's `field` (the axis holding the branch) becomes the focus;
    a click on `skip` (a chart's "N others" bar) focuses nothing. With `people`, the click also asks for the
    list of the branch's people (branch_people opens it, on this click's run only)."""
    def callback() -> None:
        points = st.session_state[chart_key].selection.get("points", [])
        if points:  # the chart draws names made Plotly-safe (charts.drawn): the stored name is focused
            name = literal.from_plotly(points[0].get(field) or points[0].get("label"))
            if name != skip:
                st.session_state[focus_key(page)] = name
                if people:
                    st.session_state[people_key(page)] = name
    return callback


def focus_bar(page: str, lang: str, hint_key: str = "focus.hint") -> None:
    """Say what the page is narrowed to, with the way back."""
    value = st.session_state.get(focus_key(page))
    if not value:
        st.caption(t(hint_key, lang))
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(say("focus.now", lang, name=value))
        if st.button(t("focus.clear", lang), key=f"{page}_focus_clear", icon=":material/close:"):
            st.session_state[focus_key(page)] = None
            st.rerun()


# ----------------------------------------------------------------------------------------------
# Drill-down: the people behind a KPI or a branch's bar, in a dialog; a name opens the person's profile
# ----------------------------------------------------------------------------------------------

def people_key(page: str) -> str:
    return f"{page}_people"


def _people_config(lang: str) -> dict:
    """How the columns of a drill.people_behind list read."""
    number = st.column_config.NumberColumn
    return {"name": st.column_config.TextColumn(t("col.name", lang), width=90),
            "employee_id": st.column_config.TextColumn(t("col.employee_id", lang), width=90),
            "branch": st.column_config.TextColumn(t("col.branch", lang)),
            "line": st.column_config.TextColumn(t("col.line", lang)),
            "position": st.column_config.TextColumn(t("col.position", lang)),
            "hours": number(t("col.hours", lang), format="%.1f", width=70),
            "trainings": number(t("drill.col.trainings", lang), format="%d", width=80),
            "last_training": st.column_config.DateColumn(t("drill.col.last_training", lang), format="YYYY-MM-DD",
                                                         help=t("drill.col.last_training.help", lang)),
            "competitions": number(t("drill.col.competitions", lang), format="%d", width=80),
            "entries": number(t("drill.col.entries", lang), format="%d", width=80),
            "best_award": st.column_config.TextColumn(t("drill.col.best_award", lang))}


def _measure_name(measure: str, lang: str, estimate: bool = False) -> str:
    """What a list of people is called; without a roster the headcount is the staff seen in the records."""
    return t("drill.measure.headcount_estimate" if estimate and measure == "headcount" else f"drill.measure.{measure}",
             lang)


def people_dialog(context: Context, measure: str, filters: metrics.Filters, branch: str | None = None,
                  count: int | None = None, estimate: bool = False) -> None:
    """Open a dialog listing the people behind `measure` (drill.people_behind) in `filters`' period and scope:
    names open the person's profile, branches the branch's; the list downloads whole. With `branch` (a
    click on its bar) the dialog is that branch's, with a link to its profile; `estimate`: there is no roster,
    the headcount is the staff seen in the records."""
    lang = context.lang
    what = _measure_name(measure, lang, estimate)
    title = say("drill.title_branch", lang, branch=branch, what=what) if branch else \
        say("drill.title", lang, what=what, n=metrics.format_number(count, lang)) if count is not None else what

    def body() -> None:
        people = compute(context, drill.people_behind, measure, filters=filters)
        people = people.assign(best_award=people["best_award"].map(
            lambda a: schema.display("competition", "award", a, lang), na_action="ignore")) \
            if "best_award" in people else people
        scope = say("drill.scope", lang, start=filters.start, end=filters.end, n=f"{len(people):,}")
        with st.container(horizontal=True, vertical_alignment="center"):
            st.caption(scope + (t("drill.hint.headcount", lang) if measure == "headcount" else "")
                       + (t("drill.hint.estimate", lang) if estimate and measure == "headcount" else ""))
            if branch:  # a link: the people page's branch view, the sidebar's filters kept
                st.page_link(PEOPLE_PAGE, label=t("drill.branch_profile", lang), icon=":material/storefront:",
                             query_params=kept_params(view="branch", unit=branch))
        if people.empty:
            st.info(t("drill.none", lang), icon=":material/info:")
            return
        shown = people.drop(columns="branch") if branch else people
        table(shown, f"{measure}_{branch}" if branch else measure, lang, key=f"drill_{measure}_table",
              column_config=_people_config(lang), height=min(35 * (min(len(shown), 12) + 1) + 3, 458),
              most=charts.TABLE_ROWS, profiles={"name": "person"} | ({} if branch else {"branch": "branch"}))

    st.dialog(title, width="large")(body)()


def people_buttons(context: Context, counts: list[tuple[str, int]], filters: metrics.Filters, key: str,
                   estimate: bool = False) -> None:
    """Under a KPI grid, a button per people-based KPI ("在岗人员 546"): a click opens the list of those people
    (on the click's run only: the click leaves a request, taken once). A KPI counting nobody has no button.
    `estimate`: no roster, the headcount is an estimate (the staff seen in the records) and says so."""
    lang = context.lang
    counts = [(measure, count) for measure, count in counts if count]
    if not counts:
        return
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.caption(t("drill.who", lang), width="content")
        for measure, count in counts:
            label = say("drill.button", lang, what=_measure_name(measure, lang, estimate),
                        n=metrics.format_number(count, lang))
            st.button(label, key=f"{key}_{measure}", type="tertiary", icon=":material/group:",
                      on_click=_ask, args=(people_key(key), measure))
    asked = st.session_state.pop(people_key(key), None)
    if asked in dict(counts):
        people_dialog(context, asked, filters, count=dict(counts)[asked], estimate=estimate)


def _ask(key: str, value: str) -> None:
    """A button's callback: leave a request for the run it starts (it outlives a rerun, a click's value does not)."""
    st.session_state[key] = value


def branch_people(context: Context, page: str, measure: str) -> None:
    """The list of a branch's people a click on its bar asked for (focus_on_click(..., people=True)): opened
    on the click's run only, never again on a later one."""
    branch = st.session_state.pop(people_key(page), None)
    if branch:
        people_dialog(context, measure, context.filters.focused(branch), branch=branch)
