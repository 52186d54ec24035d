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


def default_period(last: dt.date | None) -> tuple[dt.date, dt.date]:
    """The year to date of the newest data (today's year when there is none)."""
    end = last or dt.date.today()
    return dt.date(end.year, 1, 1), end


def _language() -> str:
    """The language switch, kept in the URL as lang=zh|en by hand: a bound widget with display
    names would put the name (English), not the code, in the URL."""
    if st.session_state.get("lang") not in LANG_NAMES:
        wanted = st.query_params.get("lang")
        st.session_state["lang"] = wanted if wanted in LANG_NAMES else "zh"
    if st.session_state.get("lang_switch") not in LANG_NAMES:
        st.session_state["lang_switch"] = st.session_state["lang"]
    st.sidebar.segmented_control(t("app.language", st.session_state["lang"]), list(LANG_NAMES), key="lang_switch",
                                 format_func=LANG_NAMES.get, required=True, on_change=_switch_language)
    st.query_params["lang"] = st.session_state["lang"]
    return st.session_state["lang"]


def _switch_language() -> None:
    st.session_state["lang"] = st.session_state["lang_switch"]


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

    sidebar = st.sidebar
    sidebar.header(t("filter.header", lang))
    start, end = default_period(last)
    period = sidebar.date_input(t("filter.period", lang), value=(start, end), key="period",
                                format="YYYY-MM-DD", bind="query-params")
    if isinstance(period, (tuple, list)) and len(period) == 2:
        start, end = period
    elif isinstance(period, (tuple, list)) and len(period) == 1:  # the second date not picked yet
        start = end = period[0]
    orgs: list[str] = []
    if len(options["org"]) > 1:
        orgs = sidebar.multiselect(t("filter.org", lang), options["org"], key="org", bind="query-params",
                                   placeholder=t("filter.all", lang))
    branches = sidebar.multiselect(t("filter.branch", lang), options["branch"], key="branch",
                                   bind="query-params", placeholder=t("filter.all", lang))
    lines = sidebar.multiselect(t("filter.line", lang), options["line"], key="line", bind="query-params",
                                placeholder=t("filter.all", lang))
    filters = metrics.Filters(start, end, tuple(orgs), tuple(branches), tuple(lines))
    return Context(lang, db, version, filters, current.demo_active, last)
