"""人员与网点 People and branches: one person's or one branch's whole record across every dataset, and branches
side by side. Reached from any list or chart naming a person or a branch (ui.open_profile), filters kept."""
import streamlit as st

from talentboard import ui
from talentboard.i18n import t

context = ui.page_context()
lang = context.lang

st.title(t("page.people", lang))
VIEWS = ["person", "branch", "compare"]
view = ui.url_choice(st.segmented_control, t("people.view", lang), VIEWS, "view", "person",
                     lambda name: t(f"people.view.{name}", lang), lang, required=True, label_visibility="collapsed")


def person_view() -> None:
    """Search by name or id; one person's training, competitions, grades and projects, and a summary."""


def branch_view() -> None:
    """One branch against the whole: KPIs with rank and percentile, scorecard parts over time, its people,
    those below target, its studios."""


def compare_view() -> None:
    """Two to four branches side by side on the scorecard parts."""


{"person": person_view, "branch": branch_view, "compare": compare_view}[view]()
