"""Innovation measures: studios, the stage funnel, conversion, days in each stage, money, awards, timeline.

Scope: projects started by the period's end (the portfolio as of then), in the chosen branches and
orgs; `studio` narrows to one studio (a click on the studio chart). The line filter does not apply.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from talentboard import sql
from talentboard.metrics import Filters, change, change_points, format_number, format_percent

STAGES = ("立项", "研究中", "已完成", "已转化")  # funnel stages 1–4; 推广应用 counts as 已转化
TIMELINE_LIMIT = 80


def _frame(con, name: str, filters: Filters, studio: str | None, **extra) -> pd.DataFrame:
    return sql.frame(con, name, filters.params() | {"studio": studio} | extra)


def studio_names(con, filters: Filters | None = None) -> list[str]:
    """Every studio in the store, sorted, whatever the filters: the list a studio's fixed colour comes from."""
    return [str(name) for name in sql.frame(con, "innovation_studio_names")["studio"]]


def studios(con, filters: Filters, studio: str | None = None) -> pd.DataFrame:
    return _frame(con, "innovation_studios", filters, studio)


def funnel(con, filters: Filters, studio: str | None = None) -> pd.DataFrame:
    result = _frame(con, "innovation_funnel", filters, studio)
    return result.assign(stage_name=[STAGES[s - 1] for s in result["stage"]])


def stage_days(con, filters: Filters, studio: str | None = None) -> pd.DataFrame:
    return _frame(con, "innovation_stage_days", filters, studio)


SPANS = ("to_complete", "to_convert", "start_to_convert")


def overall_stage_days(days: pd.DataFrame) -> pd.DataFrame:
    """The overall rows of stage_days (all studios), in the order a project lives them."""
    overall = days[days["studio"].isna()]
    return overall.sort_values("span", key=lambda spans: spans.map(SPANS.index)).reset_index(drop=True)


def categories(con, filters: Filters, studio: str | None = None) -> pd.DataFrame:
    return _frame(con, "innovation_categories", filters, studio)


def awards(con, filters: Filters, studio: str | None = None) -> pd.DataFrame:
    return _frame(con, "innovation_awards", filters, studio)


def timeline(con, filters: Filters, studio: str | None = None, as_of: dt.date | None = None) -> pd.DataFrame:
    return _frame(con, "innovation_timeline", filters, studio, as_of=as_of or filters.end, limit=TIMELINE_LIMIT)


def totals(table: pd.DataFrame) -> dict:
    """Portfolio totals from the studio table: conversion rate and benefit per unit of funding overall."""
    done = table["completed"].sum() + table["converted"].sum()
    return {"studios": len(table), "projects": int(table["projects"].sum()), "active": int(table["active"].sum()),
            "converted": int(table["converted"].sum()),
            "conversion_rate": table["converted"].sum() / done if done else None,
            "benefit": float(table["benefit"].sum()), "funding": float(table["funding"].sum()),
            "benefit_per_funding": table["benefit"].sum() / table["funding"].sum() if table["funding"].sum() else None,
            "patents": int(table["patents"].sum())}


def table_view(table: pd.DataFrame) -> pd.DataFrame:
    """The studio table as read on screen: the conversion rate in percent; a ratio with nothing to divide by
    stays empty (the table shows "—": a studio with no finished project has no conversion rate yet, not 0%),
    and every ratio stays a number, so a click on its header sorts it by value."""
    return table.assign(conversion_rate=table["conversion_rate"] * 100)


def summary(con, filters: Filters, studio: str | None = None) -> dict:
    """The portfolio's totals as of the period's end (what the KPI cards show)."""
    return totals(studios(con, filters, studio))


# The KPI cards in order: (name, how its value reads, how its change reads). A rate changes in
# percentage points; a count, an amount or a ratio changes relative to the previous period.
KPIS = (("studios", "count", "relative"), ("active", "count", "relative"), ("converted", "count", "relative"),
        ("conversion_rate", "percent", "points"), ("benefit", "amount", "relative"),
        ("benefit_per_funding", "ratio", "relative"))


def kpi_cards(now: dict, before: dict, lang: str) -> list[tuple[str, str, str | None]]:
    """(name, value, change against the previous period) per KPI; the previous period is the portfolio as
    of its own end (Filters.previous()). A change reads None when there is nothing to compare with."""
    cards = []
    for name, kind, delta_kind in KPIS:
        value, earlier = now.get(name), before.get(name)
        if kind == "percent":
            shown = format_percent(value)
        elif kind == "ratio":
            shown = format_number(value, lang, digits=2)
        else:
            shown = format_number(value, lang)
        delta = change_points(value, earlier, lang) if delta_kind == "points" else change(value, earlier)
        cards.append((name, shown, delta))
    return cards
