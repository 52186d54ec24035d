"""Text from data, files and URLs shown as the literal text it is: in Streamlit's Markdown (every st.markdown,
caption, alert, metric label, widget label and help text) and in Plotly's labels (which read a subset of HTML).

Streamlit 1.67 renders Markdown with micromark (CommonMark + GFM, math, directives) and then rewrites text
nodes: bare URLs and e-mail addresses become links, :material_x: and :streamlit: become icons, :smile:
becomes an emoji, and ` -> `, ` -- `, ` >= ` become arrows and signs. A backslash before an ASCII punctuation
mark makes it plain text in CommonMark, which stops everything parsed from the source; the text-node rewrites
see the text after that, so an invisible WORD JOINER (U+2060) is put inside each pattern they would match."""
from __future__ import annotations

import re

from talentboard.i18n import t

WORD_JOINER = "\u2060"
# Marks that open or close Markdown anywhere in a line: escapes, code, emphasis, strikethrough, links and
# images, raw HTML and autolinks, character references, math, tables, heading closers, directive attributes,
# a colon before a letter (a directive: :red[…], :name), and underscores but those inside a word (employee_id:
# CommonMark opens or closes no emphasis there).
ESCAPED = re.compile(r"_+|[\\`*~\[\]<>&$|#{}]|:(?=[A-Za-z])")
# Marks that open a block only at the start of a line (a list item, a rule, a quote, a setext line); a value
# may stand at the start of a message.
LINE_START = re.compile(r"^([-+=]|\d{1,9}[.)](?=\s|$))")
WHITESPACE = re.compile(r"\s+")
# The text-node rewrites of Streamlit 1.67's Markdown (StreamlitMarkdown.js), each broken by a WORD JOINER:
# after the colon of :name: and :material/…: (icons, emoji, the Streamlit logo), between a scheme and its //
# and between www and its dot (GFM's bare links), after the @ of an e-mail address, inside ->, <-, <->, --,
# >=, <=, ~= standing alone (typographic symbols).
TEXT_NODE_PATTERNS = (
    (re.compile(r":(?=[\w+-]+:|material/)"), ":" + WORD_JOINER),
    (re.compile(r"(?i)(https?:)(//)"), r"\1" + WORD_JOINER + r"\2"),
    (re.compile(r"(?i)(www)(\.)"), r"\1" + WORD_JOINER + r"\2"),
    (re.compile(r"@(?=[-\w])"), "@" + WORD_JOINER),
    (re.compile(r"(?:(?<=\s)|^)(<->|->|<-|--|>=|<=|~=)(?=\s|$)"),
     lambda m: m.group(1)[0] + WORD_JOINER + m.group(1)[1:]),
)


def markdown(value: object) -> str:
    """`value` as Markdown that Streamlit shows as exactly that text (runs of whitespace, line breaks included,
    read as one space, as HTML shows them anyway). Digits, dates and percentages come back unchanged."""
    text = WHITESPACE.sub(" ", str(value))
    for pattern, replacement in TEXT_NODE_PATTERNS:
        text = pattern.sub(replacement, text)
    text = ESCAPED.sub(lambda m: m.group(0) if _inside_word(m) else "\\" + "\\".join(m.group(0)), text)
    return LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text, count=1)


def _inside_word(match: re.Match) -> bool:
    text, start, end = match.string, match.start(), match.end()
    return (match.group(0)[0] == "_" and 0 < start and end < len(text) and text[start - 1].isalnum()
            and text[end].isalnum())


def markdown_values(values: dict) -> dict:
    """A message's values ready for a Markdown template: text escaped, numbers and dates as they are."""
    return {key: markdown(value) if isinstance(value, str) else value for key, value in values.items()}


# Plotly draws labels, ticks, legends, hover text and annotations through its own HTML subset (<b>, <a href>,
# <br>, <span style>…) and decodes &lt; &gt; &amp; and numeric references (plotly.js svg_text_utils
# convertEntities: /&(#\d+|#x[\da-fA-F]+|[a-z]+);/, one pass); an & that starts no such reference is drawn
# as it is. A template's %{…} is filled from the data, so a value's own "%{" is written as a reference too.
PLOTLY_REFERENCE = re.compile(r"&(?=(#\d+|#x[\da-fA-F]+|[a-z]+);)")
PLOTLY_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("%{", "&#37;{"))


def plotly(value: object) -> object:
    """A string as Plotly text that draws as exactly that string ("Marketing & service" stays as it is);
    anything else as it is."""
    if not isinstance(value, str):
        return value
    value = PLOTLY_REFERENCE.sub("&amp;", value)
    for raw, entity in PLOTLY_ENTITIES[1:]:
        value = value.replace(raw, entity)
    return value


def from_plotly(value: object) -> object:
    """The stored string behind a Plotly text made by plotly() (a clicked point's category, say)."""
    if not isinstance(value, str):
        return value
    for raw, entity in reversed(PLOTLY_ENTITIES):
        value = value.replace(entity, raw)
    return value


def say(key: str, lang: str, **values: object) -> str:
    """A translated message for Streamlit's Markdown (st.markdown, captions, alerts, metric and widget labels,
    help): its values, which may come from data, a file or the URL, read as the literal text they are."""
    return t(key, lang, **markdown_values(values))
