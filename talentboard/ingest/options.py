"""How to read and load one file: the user's choices, one object through every room of the import."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Options:
    """None means "as detected". `mapping`: hand-made SOURCE -> column pairs (SOURCE a header name or #N;
    "" leaves a column out). `without_demo`: the demo is cleared by this import, so a row is new unless it
    is already in the data that is not the demo."""
    sheet: str | None = None
    header_row: int | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    replace: bool = False
    without_demo: bool = False
