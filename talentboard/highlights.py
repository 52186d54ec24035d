"""Plain-language highlights for the overview, written from the scorecard and the KPIs."""
from __future__ import annotations

import pandas as pd

from talentboard.i18n import t
from talentboard.metrics import Overview, format_number, format_percent

MIN_BRANCHES = 3  # comparing branches says little with fewer


def write(scorecard: pd.DataFrame, now: Overview, before: Overview, lang: str) -> list[str]:
    """Three to five sentences an executive reads first; fewer when the data cannot support them."""
    lines: list[str] = []
    if now.coverage is not None:
        key = "hl.coverage_up" if before.coverage is not None and now.coverage >= before.coverage else "hl.coverage_down"
        if before.coverage is None:
            key = "hl.coverage"
        lines.append(t(key, lang, value=format_percent(now.coverage),
                       change=f"{abs(now.coverage - (before.coverage or 0)) * 100:.1f}"))
    if len(scorecard) >= MIN_BRANCHES:
        low = scorecard.loc[scorecard["coverage"].idxmin()]
        lines.append(t("hl.lowest_coverage", lang, branch=low["branch"], value=format_percent(low["coverage"])))
        mean = scorecard["hours_per_head"].mean()
        least = scorecard.loc[scorecard["hours_per_head"].idxmin()]
        if mean > 0:
            lines.append(t("hl.lowest_hours", lang, branch=least["branch"], value=format_number(least["hours_per_head"], lang),
                           mean=format_number(mean, lang), ratio=format_percent(least["hours_per_head"] / mean)))
        top = scorecard.iloc[0]
        lines.append(t("hl.top_index", lang, branch=top["branch"], value=f"{top['talent_index']:.0f}"))
        if scorecard["points_per_100"].max() > 0:
            medals = scorecard.loc[scorecard["points_per_100"].idxmax()]
            lines.append(t("hl.top_points", lang, branch=medals["branch"], value=format_number(medals["points_per_100"], lang)))
    return lines[:5]
