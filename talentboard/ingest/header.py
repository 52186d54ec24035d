"""Header matching: find the header row among the first rows, and map its names to the dataset's columns."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from talentboard import schema
from talentboard.ingest.messages import ImportRejected, Listing, Message, Term
from talentboard.schema import Dataset

if TYPE_CHECKING:
    from talentboard.ingest.read import Layout

HEADER_SEARCH_ROWS = 30


def _score_header(records: list[list], index: dict[str, str], i: int) -> tuple[set[str], list[str]]:
    """The distinct dataset columns row i's names match, and the names (a blank or unknown cell takes
    the cell above: a vertically merged header)."""
    row = records[i]
    above = records[i - 1] if i > 0 else []
    names = []
    for j, cell in enumerate(row):
        cell = "" if cell is None else str(cell)
        upper = str(above[j]) if j < len(above) and above[j] is not None else ""
        if schema.normalise_header(cell) not in index and schema.normalise_header(upper) in index:
            cell = upper
        names.append(cell)
    matched = {index[n] for n in map(schema.normalise_header, names) if n in index}
    return matched, names


def find_header(records: list[list], dataset: Dataset, header_index: int | None = None,
                mapping: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """The header's index among records and its column names: the given one, or the row matching most columns."""
    index = schema.alias_index(dataset) | {schema.normalise_header(k): v for k, v in (mapping or {}).items()
                                           if v and not str(k).startswith("#")}
    if header_index is not None:
        return header_index, _score_header(records, index, header_index)[1]
    best, best_score = None, 0
    for i in range(min(len(records), HEADER_SEARCH_ROWS)):
        matched, names = _score_header(records, index, i)
        if len(matched) > best_score:
            best, best_score = (i, names), len(matched)
    if best is None:
        found = [str(c) for r in records[:5] for c in r if c not in (None, "")][:15]
        raise ImportRejected("err.no_header", dataset=Term(dataset.name),
                             needed=Listing(tuple(Term(dataset.name, c.name, named=True) for c in dataset.required)),
                             found=Listing(tuple(found)) if found else "—")
    return best


def best_header_match(records: list[list], dataset: Dataset) -> set[str]:
    """The dataset's columns matched by the row among the first that matches most of them."""
    index = schema.alias_index(dataset)
    rows = (_score_header(records, index, i)[0] for i in range(min(len(records), HEADER_SEARCH_ROWS)))
    return max(rows, key=len, default=set())


def map_columns(layout: Layout, dataset: Dataset, mapping: dict[str, str] | None = None) -> list[Message]:
    """Fill layout.mapping from the header names; explicit SOURCE=column pairs win. SOURCE is a header
    name, or #N for the Nth column (for a blank header, or one name used twice). Returns warnings."""
    index = schema.alias_index(dataset)
    by_name, by_position = {}, {}
    for source, column in (mapping or {}).items():  # a source mapped to "" is left out on purpose
        if column and column not in dataset.column_names:
            raise ImportRejected("err.bad_map", item=f"{source}={column}", columns=", ".join(dataset.column_names))
        position = re.fullmatch(r"#(\d+)", str(source).strip())
        if position:
            by_position[int(position[1]) - 1] = column
        else:
            by_name[schema.normalise_header(source)] = column
    normalised = [schema.normalise_header(h) for h in layout.headers]
    for source in [s for s in by_name if s not in normalised] + [f"#{j + 1}" for j in by_position
                                                                  if not 0 <= j < len(normalised)]:
        raise ImportRejected("err.map_source", source=source, found=Listing(tuple(h for h in layout.headers if h)))
    warnings, chosen = [], {}
    claimed = set(by_name.values()) | set(by_position.values())
    for j, name in enumerate(normalised):
        if j in by_position:
            column = by_position[j] or None
        elif name in by_name:
            column = by_name[name] or None
        else:
            column = index.get(name) if index.get(name) not in claimed else None
        if column is None:
            if name:
                layout.ignored.append(layout.headers[j])
            continue
        if column in chosen.values():
            k = next(k for k, c in chosen.items() if c == column)
            used = layout.headers[k] or f"#{k + 1}"
            warnings.append(Message("warn.duplicate_column", {"column": Term(dataset.name, column, named=True),
                                                              "used": used, "ignored": layout.headers[j]}))
            continue
        chosen[j] = column
    layout.mapping = chosen
    missing = [c for c in dataset.required if c.name not in chosen.values()]
    if missing:
        found = tuple(h for h in layout.headers if h)
        raise ImportRejected("err.missing_columns",
                             missing=Listing(tuple(Term(dataset.name, c.name, named=True) for c in missing)),
                             row=layout.header_row, found=Listing(found) if found else "—")
    personal = tuple(h for h in layout.ignored if schema.personal_header(h))
    others = tuple(h for h in layout.ignored if h not in personal)
    if personal:  # an ID card, phone or bank account column: said apart, so the office sees it was not kept
        warnings.append(Message("warn.personal_columns", {"columns": Listing(personal)}))
    if others:
        warnings.append(Message("warn.ignored_columns", {"dataset": Term(dataset.name), "columns": Listing(others)}))
    return warnings
