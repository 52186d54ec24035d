"""会议模式 Presentation: the key views one per screen for a meeting room — the KPI wall, then the key chart of each
page — in large type, with the sidebar and Streamlit's chrome hidden. Next and previous by button or arrow key
(PageDown/PageUp from a presenter's clicker too), optional rotation every N seconds, the filters and the data's
date in the footer. Opened by ?present=1 (with the usual filter parameters) or the sidebar's button; names are
masked unless mask=0."""
import functools
import time

import streamlit as st

from talentboard import charts, metrics, ui, views
from talentboard.i18n import t
from talentboard.literal import markdown, say

context = ui.page_context()
lang = context.lang
KEYS = list(views.SLIDES)
scope = context.scope
# The browser's window height, reported by a few lines of script (no fetch) and again on a resize: the chart takes
# what the title, the takeaway, the buttons and the footer leave, so a view fills a 1080-line meeting-room screen
# and a laptop's 768 alike without scrolling. Until it reports (the first run), a 1080-line screen is assumed.
SCREEN = st.components.v2.component("present_screen", js="""
export default function ({ setStateValue }) {
  const report = () => setStateValue("height", window.innerHeight);
  report();
  window.addEventListener("resize", report);
  return () => window.removeEventListener("resize", report);
}""")
screen = SCREEN(key="present_screen", on_height_change=lambda: None)
AROUND_CHART = 330  # px the toolbar, title, takeaway, buttons and footer take at presentation type
SCREEN_HEIGHT = int(getattr(screen, "height", None) or 1080)
CHART_HEIGHT = max(320, SCREEN_HEIGHT - AROUND_CHART)
# type as large as the screen allows: charts.SCREEN_SCALE on 1080 lines, less on a shorter screen so twenty
# branch names still fit one under another (never below the dashboard's own size)
TYPE_SCALE = min(charts.SCREEN_SCALE, max(1.0, charts.SCREEN_SCALE * SCREEN_HEIGHT / 1080))


def place() -> int:
    """The view shown (0-based): the session's, else the URL's slide=N (1-based), else the first view of the page the
    presentation was started from."""
    if "present_slide" not in st.session_state:
        wanted = st.query_params.get("slide", "")
        start = views.first_slide_of(st.session_state.get("present_from", "overview"))
        st.session_state["present_slide"] = int(wanted) - 1 if wanted.isdigit() and 1 <= int(wanted) <= len(KEYS) \
            else start
        st.session_state["present_shown_at"] = time.monotonic()
    return st.session_state["present_slide"]


def go(step: int) -> None:
    """A button's callback: the next (or previous) view, round the end."""
    st.session_state["present_slide"] = (place() + step) % len(KEYS)
    st.session_state["present_shown_at"] = time.monotonic()


def rotation() -> int:
    """Seconds between views when rotating (0: by hand), held in the URL as rotate=N."""
    if "present_rotate" not in st.session_state:
        wanted = st.query_params.get("rotate", "")
        st.session_state["present_rotate"] = int(wanted) if wanted.isdigit() and int(wanted) in ROTATIONS else 0
    return st.session_state["present_rotate"]


ROTATIONS = (0, 15, 30, 60, 120)


def ask_rerun() -> None:
    """A click in the view's fragment that takes a whole run: a new rotation (the fragment is timed when the page
    runs), or the way out."""
    st.session_state["present_rerun"] = True


def leave() -> None:
    """Back to the dashboard: the page presented from, its filters kept (the privacy switch as it was before)."""
    for name in ("present", "slide", "rotate"):
        if name in st.query_params:
            del st.query_params[name]
    before = st.session_state.pop("mask_before_present", None)
    if before is not None:
        st.session_state["mask"] = before
        if before:
            st.query_params["mask"] = "1"
        elif "mask" in st.query_params:
            del st.query_params["mask"]
    for name in ("present_slide", "present_shown_at", "present_rotate"):
        st.session_state.pop(name, None)
    ask_rerun()  # the button is in the view's fragment: the whole app runs again, as the dashboard


QUICK_PERIODS = [name for name in metrics.PERIODS if name != "custom"]


def pick_period() -> None:
    """The toolbar's period choice becomes the sidebar's (the URL's range=…): the whole app runs again on it."""
    st.session_state["range"] = st.session_state["present_period"]
    ask_rerun()


def toolbar(index: int) -> None:
    """A thin row over the view: where we are, the period (a chairman changes it without the sidebar), rotation,
    and the way out."""
    with st.container(horizontal=True, vertical_alignment="center", key="present_toolbar"):
        st.caption(say("present.position", lang, n=index + 1, total=len(KEYS)), width="content")
        current = st.session_state.get("range", "this_year")
        st.session_state["present_period"] = current if current in QUICK_PERIODS else None  # custom: none of these
        with st.popover(t(f"period.{current}", lang), icon=":material/date_range:", type="tertiary"):
            st.selectbox(t("filter.period", lang), QUICK_PERIODS, key="present_period", on_change=pick_period,
                         format_func=lambda name: t(f"period.{name}", lang), placeholder=t("period.custom", lang))
        with st.popover(t("present.rotate", lang), icon=":material/timer:", type="tertiary"):
            st.selectbox(t("present.rotate_every", lang), ROTATIONS, key="present_rotate", on_change=ask_rerun,
                         format_func=lambda s: t("present.rotate_off", lang) if s == 0 else t("present.seconds", lang, n=s))
        st.space("stretch")
        st.button(t("present.exit", lang), icon=":material/close:", type="tertiary", on_click=leave, key="present_exit",
                  shortcut="Esc")


def show(index: int) -> None:
    """One view: its title, its takeaway, and the chart or the KPI wall, in large type."""
    slide = views.slide(functools.partial(ui.compute, context), scope, KEYS[index])  # as the pages compute
    st.title(slide.title)
    if slide.empty:
        st.info(markdown(slide.empty), icon=":material/info:")
        return
    st.markdown(f"<p class='takeaway'>{markdown(slide.takeaway)}</p>", unsafe_allow_html=True)
    if slide.cards:
        with st.container(key="present_kpis"):
            ui.metric_grid(slide.cards, per_row=5)
        return
    figure = charts.for_screen(slide.chart.figure, CHART_HEIGHT, TYPE_SCALE)
    st.plotly_chart(figure, theme=None, key=f"present_{slide.key}", config=charts.plotly_config(lang, slide.key))
    if slide.chart.note:
        st.caption(markdown(slide.chart.note))
    ui.suppressed_note(slide.chart.data, lang)


def navigation() -> None:
    with st.container(horizontal=True, horizontal_alignment="center", key="present_nav"):
        st.button(t("present.previous", lang), icon=":material/arrow_back:", on_click=go, args=(-1,),
                  key="present_previous", shortcut="Left")
        st.button(t("present.next", lang), icon=":material/arrow_forward:", on_click=go, args=(1,),
                  key="present_next", shortcut="Right", type="primary")
        # a presenter's clicker sends PageDown and PageUp: the same steps, on buttons kept out of sight
        st.button("PageUp", on_click=go, args=(-1,), key="present_page_up", shortcut="PageUp")
        st.button("PageDown", on_click=go, args=(1,), key="present_page_down", shortcut="PageDown")


def footer(index: int) -> None:
    st.caption(markdown(f"{views.scope_line(scope)} · {views.as_of_line(scope)}")
               + " · " + say("present.position", lang, n=index + 1, total=len(KEYS)))


@st.fragment(run_every=rotation() or None)
def presentation() -> None:
    """The view and its controls, rerun alone on a click or a rotation's tick (not the sidebar's filters)."""
    if st.session_state.pop("present_rerun", False):
        st.rerun()
    every = rotation()
    if every and time.monotonic() - st.session_state.setdefault("present_shown_at", time.monotonic()) >= every - 0.5:
        go(1)
    index = place()
    st.query_params["slide"] = str(index + 1)
    if every:
        st.query_params["rotate"] = str(every)
    elif "rotate" in st.query_params:
        del st.query_params["rotate"]
    toolbar(index)
    show(index)
    navigation()
    footer(index)


presentation()
