"""Innovation measures: studios, the stage funnel, conversion, days in each stage, money, awards, timeline.

Scope: projects started by the period's end (the portfolio as of then), in the chosen branches and
orgs; `studio` narrows to one studio (a click on the studio chart). The line filter does not apply.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from talentboard import sql
from talentboard.metrics import Filters

STAGES = ("立项", "研究中", "已完成", "已转化")  # funnel stages 1–4; 推广应用 counts as 已转化
TIMELINE_LIMIT = 80


def _frame(con, name: str, filters: Filters, studio: str | None, **extra) -> pd.DataFrame:
    return sql.frame(con, name, filters.params() | {"studio": studio} | extra)


def studios(con, filters: Filters, studio: str | None = None) -> pd.DataFrame:
    return _frame(con, "innovation_studios", filters, studio)


def funnel(con, filters: Filters, studio: str | None = None) -> pd.DataFrame:
    result = _frame(con, "innovation_funnel", filters, studio)
    return result.assign(stage_name=[STAGES[s - 1] for s in result["stage"]])


def stage_days(con, filters: Filters, studio: str | None = None) -> pd.DataFrame:
    return _frame(con, "innovation_stage_days", filters, studio)


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
