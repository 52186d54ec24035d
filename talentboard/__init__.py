"""Talentboard: training, competition, grading and innovation analytics for rural credit unions."""
import os

# openpyxl writes through lxml when lxml is installed (python-pptx, for the deck, brings it), and then writes text
# as character references (&#23004;) where it wrote UTF-8: the demo's spreadsheets would no longer be the bytes
# shipped in data/demo/, nor match the rows the demo writes at once beside openpyxl's own. openpyxl reads this
# once, when first imported: every part of the app imports this package first.
os.environ.setdefault("OPENPYXL_LXML", "False")
