"""Plain-language highlights for the overview, written from the scorecard and the KPIs, about the scope
the reader chose: the whole union, or the branches picked or clicked."""
from __future__ import annotations

import pandas as pd

from talentboard.i18n import t
from talentboard.literal import say
from talentboard.metrics import Overview, format_number, format_percent

MIN_BRANCHES = 3  # comparing branches says little with fewer
NAMED_BRANCHES = 3  # a scope of up to this many branches is named; more are counted


def scope_name(branches: tuple[str, ...], lang: str, lines: tuple[str, ...] = ()) -> str:
    """What the numbers are about: 全辖 / the branch names / 所选 5 个机构, and the line when one is chosen
    (柜面条线): never "the whole union" for a part of it."""
    parts = []
    if branches:
        parts.append(t("hl.scope_sep", lang).join(branches) if len(branches) <= NAMED_BRANCHES
                     else t("hl.scope_some", lang, n=len(branches)))
    if lines:
        parts.append(t("hl.scope_line", lang, line=t("hl.scope_sep", lang).join(lines)) if len(lines) <= NAMED_BRANCHES
                     else t("hl.scope_lines", lang, n=len(lines)))
    return t("hl.scope_join", lang).join(parts) if parts else t("hl.scope_all", lang)


def varies(values: pd.Series) -> bool:
    """A highest or lowest means something only where the branches differ."""
    return len(values) > 0 and values.max() > values.min()


def write(scorecard: pd.DataFrame, now: Overview, before: Overview, lang: str,
          branches: tuple[str, ...] = (), compare: bool = True, lines: tuple[str, ...] = ()) -> list[str]:
    """Three to five sentences an executive reads first, as Markdown in which branch names read as the literal
    text they are; fewer when the data cannot support them.
    `scorecard` ranks every branch in the org and line scope; `branches` is what the reader narrowed to
    (then the sentences are about those branches and where they stand); `compare` is False when the
    previous period has no records to compare with. The whole scope's figures are the KPI cards' own."""
    lines_out: list[str] = []
    scope = scope_name(branches, lang, lines)
    if now.coverage is not None and not now.headcount_is_estimate:  # a guessed headcount gives no coverage
        if not compare or before.coverage is None:
            lines_out.append(say("hl.coverage", lang, scope=scope, value=format_percent(now.coverage)))
        else:
            points = round((now.coverage - before.coverage) * 100, 1)
            key = "hl.coverage_same" if points == 0 else "hl.coverage_up" if points > 0 else "hl.coverage_down"
            lines_out.append(say(key, lang, scope=scope, value=format_percent(now.coverage), change=f"{abs(points):.1f}"))
    if len(scorecard) < MIN_BRANCHES:
        return lines_out
    if branches:
        ranked = scorecard.reset_index(drop=True)
        if varies(ranked["talent_index"]):
            for branch in branches[:NAMED_BRANCHES]:
                row = ranked.index[ranked["branch"] == branch]
                if len(row):
                    lines_out.append(say("hl.branch_rank", lang, branch=branch, rank=int(row[0]) + 1, n=len(ranked),
                                       value=f"{ranked.at[row[0], 'talent_index']:.0f}"))
        return lines_out[:5]
    if varies(scorecard["coverage"]):
        low = scorecard.loc[scorecard["coverage"].idxmin()]
        lines_out.append(say("hl.lowest_coverage", lang, branch=low["branch"], value=format_percent(low["coverage"])))
    whole = now.hours_per_head  # the hours-per-head card's own figure, not a mean of branch rows
    if varies(scorecard["hours_per_head"]) and whole:
        least = scorecard.loc[scorecard["hours_per_head"].idxmin()]
        lines_out.append(say("hl.lowest_hours", lang, branch=least["branch"], scope=scope,
                           value=format_number(least["hours_per_head"], lang), mean=format_number(whole, lang),
                           ratio=format_percent(least["hours_per_head"] / whole)))
    if varies(scorecard["talent_index"]):
        top = scorecard.iloc[0]
        lines_out.append(say("hl.top_index", lang, branch=top["branch"], value=f"{top['talent_index']:.0f}"))
    if scorecard["points_per_100"].max() > 0 and varies(scorecard["points_per_100"]):
        medals = scorecard.loc[scorecard["points_per_100"].idxmax()]
        lines_out.append(say("hl.top_points", lang, branch=medals["branch"], value=format_number(medals["points_per_100"], lang)))
    return lines_out[:5]
