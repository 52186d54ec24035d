"""Talentboard entry point: page config, the shared frame (language, filters), navigation."""
import streamlit as st

from talentboard import ui
from talentboard.i18n import t

# The icon is a local file: a :material/…: page icon would be fetched from a font CDN.
st.set_page_config(page_title="人才发展看板 · Talentboard", page_icon=str(ui.REPO_ROOT / "talentboard" / "assets" / "icon.png"),
                   layout="wide")
presenting = ui.presenting()
ui.style(presenting)
lang = ui.language()
# One line per view; a page file is registered only once it exists.
PAGES = [
    ("pages/overview.py", "page.overview", ":material/dashboard:", "overview"),
    ("pages/training.py", "page.training", ":material/school:", "training"),
    ("pages/competition.py", "page.competition", ":material/emoji_events:", "competition"),
    ("pages/innovation.py", "page.innovation", ":material/lightbulb:", "innovation"),
    ("pages/people.py", "page.people", ":material/badge:", "people"),
    ("pages/data.py", "page.data", ":material/upload_file:", "data"),
]
# Presentation mode (?present=1) runs on every page's address, the sidebar and Streamlit's chrome hidden: it opens
# at the views of the page it was started from.
pages = [st.Page("pages/present.py" if presenting else path, title=t(title, lang), icon=icon, url_path=url,
                 default=(url == "overview"))
         for path, title, icon, url in PAGES if (ui.REPO_ROOT / path).exists()]
page = st.navigation(pages, position="hidden" if presenting else "sidebar")
st.session_state["present_from"] = page.url_path or "overview"
st.session_state["context"] = ui.frame(lang, "present" if presenting else page.url_path or "overview")
try:
    page.run()
finally:  # a page run without this script (Streamlit's legacy pages/ mode) finds no context: ui.page_context
    st.session_state.pop("context", None)
