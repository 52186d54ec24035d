"""Privacy for a shared screen: personal names masked (张*明, 欧阳*华), employee ids hidden, and breakdowns over
groups smaller than a minimum suppressed. Applied once, in the data layer: every measure's result passes
through `apply` on its way to a page (ui.compute), a download, the deck or the report. Which columns are
personal is a field of the schema registry (Column.personal); which results are breakdowns, and by which
size column, is declared on the measure (`@breakdown("headcount")`)."""
from __future__ import annotations

import dataclasses
import re

import pandas as pd

from talentboard import settings
from talentboard.schema import DATASETS


@dataclasses.dataclass(frozen=True)
class Privacy:
    mask: bool = False
    min_group: int = settings.PRIVACY_MIN_GROUP


OFF = Privacy()


def _columns(kind: str) -> frozenset[str]:
    return frozenset(c.name for d in DATASETS.values() for c in d.columns if c.personal == kind)


NAME_COLUMNS = _columns("name")  # a person's name: masked
ID_COLUMNS = _columns("id")  # an employee id: the column is left out
NAMES_COLUMNS = _columns("names")  # a list of names or ids: each masked, ids hidden
_SEPARATORS = re.compile(r"[、,，;；\s]+")
_ID_LIKE = re.compile(r"\d")  # a member written as an id (100234, E0012) rather than a name


def mask_name(name):
    """张明 → 张*, 张小明 → 张*明, 欧阳小华 → 欧阳*华: the first character (two in a name of four or more, a
    compound surname), then stars, then the last. Anything not a name (None, NA) is returned as it is."""
    if not isinstance(name, str):
        return name
    text = name.strip()
    if len(text) <= 1:
        return "*" if text else text
    if len(text) == 2:
        return text[0] + "*"
    if len(text) == 3:
        return text[0] + "*" + text[2]
    return text[:2] + "*" * (len(text) - 3) + text[-1]


def mask_names(text):
    """A list of members (ids or names, separated by 、 , ; or spaces): names masked, ids left out."""
    if not isinstance(text, str):
        return text
    names = [mask_name(part) for part in _SEPARATORS.split(text) if part and not _ID_LIKE.search(part)]
    return "、".join(names)


def breakdown(size: str):
    """Declare a measure's result a breakdown whose rows are groups of `size` people: with privacy on, a row
    of fewer than the minimum is left out (and the frame says how many in attrs["suppressed"])."""
    def declare(func):
        func.group_size = size
        return func
    return declare


def masked_frame(frame: pd.DataFrame, privacy: Privacy, size: str | None = None) -> pd.DataFrame:
    """A table with names masked, ids left out and (when `size` names its group-size column) small groups
    left out."""
    frame = frame.drop(columns=[c for c in frame.columns if c in ID_COLUMNS])
    for column in frame.columns:
        if column in NAME_COLUMNS:  # a leader may be written as an id: hidden as ids are
            frame[column] = frame[column].map(lambda v: None if isinstance(v, str) and _ID_LIKE.search(v)
                                              else mask_name(v), na_action="ignore")
        elif column in NAMES_COLUMNS:
            frame[column] = frame[column].map(mask_names, na_action="ignore")
    if size is not None and size in frame.columns:
        people = pd.to_numeric(frame[size], errors="coerce")
        small = (people > 0) & (people < privacy.min_group)  # an empty group tells of no one
        if small.any():
            frame = frame.loc[~small.fillna(False)].reset_index(drop=True)
            frame.attrs["suppressed"] = int(small.sum())
    return frame


def apply(result, privacy: Privacy, size: str | None = None):
    """`result` as the screen may show it: unchanged with privacy off; otherwise every table in it (a frame,
    or frames inside a dict, list, tuple or dataclass) masked. Numbers and text that name no person pass."""
    if not privacy.mask:
        return result
    if isinstance(result, pd.DataFrame):
        return masked_frame(result, privacy, size)
    if isinstance(result, dict):
        return {key: apply(value, privacy, size) for key, value in result.items()}
    if isinstance(result, (list, tuple)) and not hasattr(result, "_fields"):
        return type(result)(apply(value, privacy, size) for value in result)
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        changes = {f.name: apply(getattr(result, f.name), privacy)
                   for f in dataclasses.fields(result) if f.init}
        changes = {k: v for k, v in changes.items() if v is not getattr(result, k)}
        if any(f.name in NAME_COLUMNS or f.name in ID_COLUMNS for f in dataclasses.fields(result)):
            changes.update(_masked_record(result))
        return dataclasses.replace(result, **changes) if changes else result
    return result


def _masked_record(record) -> dict:
    """A record naming one person (a profile): its name masked and its id blanked."""
    changes = {}
    for f in dataclasses.fields(record):
        if f.name in NAME_COLUMNS:
            changes[f.name] = mask_name(getattr(record, f.name))
        elif f.name in ID_COLUMNS:
            changes[f.name] = None
    return changes
