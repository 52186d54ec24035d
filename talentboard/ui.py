"""The app frame shared by every page: language, first-start demo, sidebar filters held in the URL, cached reads."""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import streamlit as st

from talentboard import metrics, store
from talentboard.i18n import t

LANG_NAMES = {"zh": "中文", "en": "English"}
_demo_lock = threading.Lock()  # two sessions starting at once load the demo once


@dataclass(frozen=True)
class Context:
    lang: str
    db: str
    version: tuple
    filters: metrics.Filters
    demo: bool
    as_of: dt.date | None


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def cached_options(db: str, version: tuple) -> dict[str, list[str]]:
    with store.connect(db) as con:
        return metrics.filter_options(con)


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def cached_dates(db: str, version: tuple) -> tuple[dt.date | None, dt.date | None]:
    with store.connect(db) as con:
        return metrics.data_dates(con)


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def cached_overview(db: str, version: tuple, filters: metrics.Filters) -> metrics.Overview:
    with store.connect(db) as con:
        return metrics.overview(con, filters)


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


def url_choice(widget, label: str, options: list[str], key: str, default: str, format_func, **widget_args) -> str:
    """A single choice held in the URL under `key` as its code (zh, this_year, …). Widgets bound to
    the URL with a format_func would put the display label there instead, so this syncs by hand."""
    if st.session_state.get(key) not in options:
        wanted = st.query_params.get(key)
        st.session_state[key] = wanted if wanted in options else default
    widget_key = f"{key}_choice"
    if st.session_state.get(widget_key) not in options:
        st.session_state[widget_key] = st.session_state[key]
    widget(label, options, key=widget_key, format_func=format_func,
           on_change=lambda: st.session_state.update({key: st.session_state[widget_key]}), **widget_args)
    st.query_params[key] = st.session_state[key]
    return st.session_state[key]


def _language() -> str:
    lang = st.session_state.get("lang", "zh")
    return url_choice(st.sidebar.segmented_control, t("app.language", lang), list(LANG_NAMES), "lang", "zh",
                      LANG_NAMES.get, required=True)


def _filters(lang: str, options: dict, as_of: dt.date | None) -> metrics.Filters:
    """Period (a quick pick or a custom range), org, branch and line, all held in the URL; a branch
    list follows the chosen orgs, and branches fall back to all when the orgs change."""
    sidebar = st.sidebar
    sidebar.header(t("filter.header", lang))
    anchor = as_of or dt.date.today()
    choice = url_choice(sidebar.selectbox, t("filter.period", lang), list(metrics.PERIODS), "range", "this_year",
                        lambda name: t(f"period.{name}", lang))
    if choice == "custom":
        start, end = metrics.quick_period("this_year", anchor)
        period = sidebar.date_input(t("filter.custom", lang), value=(start, end), key="period",
                                    format="YYYY-MM-DD", bind="query-params")
        picked = list(period) if isinstance(period, (tuple, list)) else [period]
        start, end = (picked + picked)[:2] if picked and picked[0] else (start, end)  # one date picked: that day
    else:
        start, end = metrics.quick_period(choice, anchor)
        sidebar.caption(t("filter.range_shown", lang, start=start, end=end))
    orgs: list[str] = []
    if len(options["org"]) > 1:
        orgs = sidebar.multiselect(t("filter.org", lang), options["org"], key="org", bind="query-params",
                                   placeholder=t("filter.all", lang), on_change=_orgs_changed)
    branch_options = [b for b in options["branch"]
                      if not orgs or options["branch_orgs"].get(b, set()) & set(orgs)]
    branches = sidebar.multiselect(t("filter.branch", lang), branch_options, key="branch",
                                   bind="query-params", placeholder=t("filter.all", lang))
    lines = sidebar.multiselect(t("filter.line", lang), options["line"], key="line", bind="query-params",
                                placeholder=t("filter.all", lang))
    return metrics.Filters(start, end, tuple(orgs), tuple(branches), tuple(lines))


def _orgs_changed() -> None:
    st.session_state["branch"] = []  # a child filter falls back to "all" when its parent changes


def frame() -> Context:
    """Draw the sidebar (language and filters) and return the context every page reads."""
    lang = _language()
    db = str(store.db_path())
    try:
        current = _current_state(db)
        version = current.version
        options = cached_options(db, version)
        first, last = cached_dates(db, version)
    except store.DatabaseBusy:
        st.error(t("err.db_busy", lang, path=db))
        st.stop()
    except Exception as error:  # a damaged or unreadable database file: say so, never a traceback
        st.error(t("app.db_error", lang, reason=f"{type(error).__name__}: {error}"))
        st.stop()

    filters = _filters(lang, options, last)
    return Context(lang, db, version, filters, current.demo_active, last)
