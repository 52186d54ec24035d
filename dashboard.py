"""Talentboard entry point: page config, the shared frame (language, filters), navigation."""
import streamlit as st

from talentboard import ui
from talentboard.i18n import t

st.set_page_config(page_title="人才发展看板 · Talentboard", page_icon=":material/insights:", layout="wide")
st.session_state["context"] = context = ui.frame()
pages = [
    st.Page("pages/overview.py", title=t("page.overview", context.lang), icon=":material/dashboard:",
            url_path="overview", default=True),
]
st.navigation(pages).run()
