"""Plain-language highlights for the overview, written from the scorecard and the KPIs, about the scope
the reader chose: the whole union, or the branches picked or clicked."""
from __future__ import annotations

import pandas as pd

from talentboard.i18n import t
from talentboard.metrics import Overview, format_number, format_percent

MIN_BRANCHES = 3  # comparing branches says little with fewer
NAMED_BRANCHES = 3  # a scope of up to this many branches is named; more are counted


def scope_name(branches: tuple[str, ...], lang: str) -> str:
    """What the numbers are about: 全辖 / the branch names / 所选 5 个机构."""
    if not branches:
        return t("hl.scope_all", lang)
    if len(branches) <= NAMED_BRANCHES:
        return t("hl.scope_sep", lang).join(branches)
    return t("hl.scope_some", lang, n=len(branches))


def write(scorecard: pd.DataFrame, now: Overview, before: Overview, lang: str,
          branches: tuple[str, ...] = (), compare: bool = True) -> list[str]:
    """Three to five sentences an executive reads first; fewer when the data cannot support them.
    `scorecard` ranks every branch in the org and line scope; `branches` is what the reader narrowed to
    (then the sentences are about those branches and where they stand); `compare` is False when the
    previous period has no records to compare with."""
    lines: list[str] = []
    scope = scope_name(branches, lang)
    if now.coverage is not None and not now.headcount_is_estimate:  # a guessed headcount gives no coverage
        if not compare or before.coverage is None:
            lines.append(t("hl.coverage", lang, scope=scope, value=format_percent(now.coverage)))
        else:
            key = "hl.coverage_up" if now.coverage >= before.coverage else "hl.coverage_down"
            lines.append(t(key, lang, scope=scope, value=format_percent(now.coverage),
                           change=f"{abs(now.coverage - before.coverage) * 100:.1f}"))
    if len(scorecard) < MIN_BRANCHES:
        return lines
    if branches:
        ranked = scorecard.reset_index(drop=True)
        for branch in branches[:NAMED_BRANCHES]:
            row = ranked.index[ranked["branch"] == branch]
            if len(row):
                place = int(row[0]) + 1
                lines.append(t("hl.branch_rank", lang, branch=branch, value=f"{ranked.at[row[0], 'talent_index']:.0f}",
                               rank=place, n=len(ranked)))
        return lines[:5]
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
