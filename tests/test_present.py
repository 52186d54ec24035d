"""Presentation mode (pages/present.py, ?present=1) and the key views it shows (talentboard/views.py): one view per
screen in the order views.SLIDES gives, next/previous round the end, the page it was started from, the privacy switch
on by default, rotation, the way in from the sidebar and back; a dashboard URL's query string read as the sidebar
reads it (what the deck and the report are made from)."""
import datetime as dt

import pytest

from conftest import _run_page as run_page, figures
from talentboard import metrics, store, views
from talentboard.i18n import t
from talentboard.metrics import format_number, format_percent

TITLE_KEYS = {"kpis": "slide.kpis", "index": "slide.index", "trend": "overview.trend",
              "branch_hours": "training.branch_hours", "branch_coverage": "training.branch_coverage",
              "attainment": "training.attainment_by_line", "participation": "comp.participation",
              "medals": "comp.medals", "funnel": "innov.funnel", "benefit": "innov.benefit_by_studio"}


def titles(at) -> list[str]:
    return [e.value for e in at.title]


def footer(at) -> str:
    return at.main.caption[-1].value


def this_year(db) -> metrics.Filters:
    """The default period: 1 January to the newest date the data runs to."""
    with store.reading(db) as con:
        newest = metrics.latest_date(metrics.as_of_dates(con))
    return metrics.Filters(dt.date(newest.year, 1, 1), newest)


def test_the_slides_are_every_key_view_in_order():
    assert list(views.SLIDES) == list(TITLE_KEYS)
    assert [views.SLIDES[k][0] for k in views.SLIDES] == ["overview"] * 3 + ["training"] * 3 + ["competition"] * 2 + \
        ["innovation"] * 2
    assert views.first_slide_of("training") == 3 and views.first_slide_of("innovation") == 8
    assert views.first_slide_of("data") == 0  # a page with no view of its own opens on the KPI wall


def test_present_opens_on_the_kpi_wall_with_the_overview_numbers(demo_db):
    at = run_page("overview", {"present": "1"})
    assert titles(at) == [t("slide.kpis", "zh")]
    filters = this_year(demo_db)
    with store.reading(demo_db) as con:
        now = metrics.overview(con, filters)
    expected = [format_number(now.headcount, "zh"), format_number(now.training_hours, "zh"),
                format_number(now.hours_per_head, "zh"), format_percent(now.coverage),
                format_number(now.person_times, "zh"), format_number(now.participants, "zh"),
                format_number(now.award_winners, "zh"), format_number(now.active_projects, "zh"),
                format_number(now.converted_projects, "zh"), format_number(now.benefit, "zh")]
    assert [m.value for m in at.metric] == expected
    # no sidebar controls of the dashboard's own in the view: the filters, the data's date and the place in the footer
    assert footer(at).startswith(f"{filters.start} 至 {filters.end}")
    assert t("slide.masked", "zh") in footer(at) and "第 1 / 10 页" in footer(at)
    assert at.query_params["mask"] == "1"  # masked by default in a meeting


def test_next_and_previous_walk_every_view_and_come_round(demo_db):
    at = run_page("overview", {"present": "1", "lang": "en"})
    seen = [titles(at)[0]]
    for _ in range(len(views.SLIDES)):
        at.button(key="present_next").click().run()
        seen.append(titles(at)[0])
    assert seen == [t(TITLE_KEYS[k], "en") for k in views.SLIDES] + [t("slide.kpis", "en")]
    at.button(key="present_previous").click().run()
    assert titles(at) == [t("innov.benefit_by_studio", "en")]
    assert at.query_params["slide"] == str(len(views.SLIDES))
    at.button(key="present_page_down").click().run()  # a clicker's PageDown: the next view
    assert titles(at) == [t("slide.kpis", "en")]


@pytest.mark.parametrize("page, query, key", [
    ("training", {}, "branch_hours"), ("innovation", {}, "funnel"), ("competition", {}, "participation"),
    ("overview", {"slide": "8"}, "medals"), ("overview", {"slide": "99"}, "kpis")])
def test_a_presentation_opens_where_it_was_started(demo_db, page, query, key):
    at = run_page(page, {"present": "1"} | query)
    assert titles(at) == [t(TITLE_KEYS[key], "zh")]
    assert at.query_params["slide"] == str(list(views.SLIDES).index(key) + 1)


def test_a_view_draws_the_pages_figure_in_large_type(demo_db):
    page = figures(run_page("overview", {"range": "last_year"}))
    shown = figures(run_page("overview", {"present": "1", "range": "last_year", "mask": "0", "slide": "2"}))
    index = next(f for f in page if f["layout"]["meta"]["title"] == t("overview.index_chart", "zh"))
    assert len(shown) == 1
    assert [d["y"] for d in shown[0]["data"]] == [d["y"] for d in index["data"]]
    assert [d["x"] for d in shown[0]["data"]] == [d["x"] for d in index["data"]]
    assert shown[0]["layout"]["xaxis"]["tickfont"]["size"] >= 20 > index["layout"]["xaxis"]["tickfont"]["size"]
    assert shown[0]["data"][0]["textfont"]["size"] >= 20


def test_the_index_takeaway_names_the_highest_and_lowest_branch(demo_db):
    at = run_page("overview", {"present": "1", "slide": "2", "mask": "0"})
    filters = this_year(demo_db)
    with store.reading(demo_db) as con:
        card = metrics.branch_scorecard(con, filters).sort_values("talent_index")
    low, high = card.iloc[0], card.iloc[-1]
    takeaway = next(m.value for m in at.markdown if "takeaway" in m.value)
    assert f"{high['branch']}人才发展指数最高（{high['talent_index']:.0f}）" in takeaway
    assert f"{low['branch']}最低（{low['talent_index']:.0f}）" in takeaway
    assert takeaway.count("个机构中") == 1 and f"{len(card)} 个机构中" in takeaway


def test_mask_is_on_by_default_and_off_when_the_link_says_so(demo_db):
    assert t("slide.masked", "zh") in footer(run_page("overview", {"present": "1"}))
    at = run_page("overview", {"present": "1", "mask": "0"})
    assert t("slide.masked", "zh") not in footer(at)
    assert at.query_params["mask"] == "0"


def test_the_sidebar_starts_presenting_and_the_way_out_restores_the_page(demo_db):
    at = run_page("training", {"range": "last_year"})
    assert titles(at)[0] == t("page.training", "zh") and "mask" not in at.query_params
    at.button(key="present_start").click().run()
    assert titles(at) == [t("training.branch_hours", "zh")]
    assert at.query_params["present"] == "1" and at.query_params["mask"] == "1"
    assert at.query_params["range"] == "last_year"
    at.button(key="present_exit").click().run()
    assert titles(at)[0] == t("page.training", "zh")
    assert "present" not in at.query_params and "slide" not in at.query_params
    assert "mask" not in at.query_params and at.session_state["mask"] is False  # off again, as it was
    assert at.query_params["range"] == "last_year"


def test_rotation_moves_on_once_its_interval_has_passed(demo_db):
    at = run_page("overview", {"present": "1", "rotate": "15"})
    assert at.session_state["present_rotate"] == 15 and titles(at) == [t("slide.kpis", "zh")]
    at.run()  # well within 15 s: the same view
    assert titles(at) == [t("slide.kpis", "zh")]
    at.session_state["present_shown_at"] = 0.0  # as if the view had been up for as long as the machine has
    at.run()
    assert titles(at) == [t("slide.index", "zh")] and at.query_params["rotate"] == "15"
    at = run_page("overview", {"present": "1", "rotate": "7"})  # not an interval offered: by hand
    assert at.session_state["present_rotate"] == 0 and "rotate" not in at.query_params


@pytest.mark.parametrize("query", [
    {"range": "last_year", "branch": "城关支行", "line": "柜面"},
    {"range": "custom", "period": ["2025-03-01", "2025-09-30"], "lang": "en"},
    {"range": "this_quarter", "line": ["柜面", "客户经理"], "mask": "0"},
])
def test_a_query_string_reads_as_the_sidebar_reads_it(demo_db, query):
    """The footer the app writes from its sidebar's filters equals the one written from the same URL's query string
    (views.scope_from_query: what the command line's deck and report are made from)."""
    at = run_page("overview", {"present": "1"} | query)
    with store.reading(demo_db) as con:
        options, as_of = metrics.filter_options(con), metrics.as_of_dates(con)
    pairs = [(k, v) for k, values in ({"present": "1"} | query).items() for v in ([values] if isinstance(values, str)
                                                                                   else values)]
    from urllib.parse import urlencode
    scope = views.scope_from_query(views.parse_query(urlencode(pairs)), options, as_of)
    assert footer(at).startswith(views.scope_line(scope))
    lang = query.get("lang", "zh")
    assert scope.lang == lang and scope.privacy.mask == (query.get("mask") != "0")


def test_a_query_naming_what_the_store_does_not_hold_is_refused(demo_db):
    with store.reading(demo_db) as con:
        options, as_of = metrics.filter_options(con), metrics.as_of_dates(con)
    for query, key in (("branch=不存在支行", "query.unknown"), ("range=next_year", "query.bad_range"),
                       ("range=custom&period=2025-09-30&period=2025-01-01", "query.bad_period"),
                       ("range=custom&period=2025-13-01", "query.bad_period")):
        with pytest.raises(views.BadQuery) as refused:
            views.scope_from_query(views.parse_query(query), options, as_of)
        assert refused.value.key == key
        assert refused.value.text("en").isascii() or "不存在支行" in refused.value.text("en")
    whole = views.parse_query("http://host:8501/training?range=last_year&branch=%E5%9F%8E%E5%85%B3%E6%94%AF%E8%A1%8C")
    assert whole == {"range": ["last_year"], "branch": ["城关支行"]}


def test_the_title_slide_names_whose_briefing_it_is(monkeypatch):
    filters = metrics.Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    whole = views.Scope(filters, "zh", dt.date(2025, 12, 31))
    branch = views.Scope(metrics.Filters(filters.start, filters.end, branches=("城关支行", "营业部")), "en", None)
    org = views.Scope(metrics.Filters(filters.start, filters.end, orgs=("甲农商银行",)), "zh", None)
    assert views.institution(whole, ["甲农商银行", "乙农商银行"]) == t("slide.all_orgs", "zh")
    assert views.institution(whole, ["甲农商银行"]) == "甲农商银行"  # the store's only org
    assert views.institution(branch, ["甲农商银行", "乙农商银行"]) == "城关支行, 营业部"
    assert views.institution(org, ["甲农商银行", "乙农商银行"]) == "甲农商银行"
    monkeypatch.setattr(views.settings, "INSTITUTION", "某某省农村信用社联合社")
    assert views.institution(branch, []) == "某某省农村信用社联合社"
    cover = views.cover(branch, [], today=dt.date(2026, 12, 2))
    assert cover.made_on == "Made on 2026-12-02" and cover.as_of == "Data as of —"
    assert cover.scope == "2025-01-01 to 2025-12-31 · Branch: 城关支行, 营业部"


def test_the_period_changes_in_meeting_mode_without_the_sidebar(demo_db):
    at = run_page("overview", {"present": "1", "slide": "3"})
    assert footer(at).startswith(f"{this_year(demo_db).start} 至")
    at.selectbox(key="present_period").select("last_year").run()
    newest = this_year(demo_db).end
    assert footer(at).startswith(f"{newest.year - 1}-01-01 至 {newest.year - 1}-12-31")
    assert at.query_params["range"] == "last_year" and titles(at) == [t("overview.trend", "zh")]  # the same view
    with store.reading(demo_db) as con:
        hours = metrics.overview(con, metrics.Filters(dt.date(newest.year - 1, 1, 1), dt.date(newest.year - 1, 12, 31)))
    takeaway = next(m.value for m in at.markdown if "takeaway" in m.value)
    assert format_number(hours.training_hours, "zh") in takeaway


def _briefing_context(db, lang: str = "en", mask: bool = False):
    """The context a page's run hands the sidebar's download buttons: last year's views of the whole store."""
    from talentboard import privacy, ui
    with store.reading(db) as con:
        as_of = metrics.as_of_dates(con)
        version = store.state_of(con).version
    start, end = metrics.quick_period("last_year", metrics.latest_date(as_of))
    return ui.Context(lang, str(db), version, metrics.Filters(start, end), True, metrics.latest_date(as_of), as_of,
                      privacy.Privacy(mask=mask))


def _counted(monkeypatch, module, name: str) -> list:
    """Count the calls of a measure (its name and module kept, so the cached path finds it too)."""
    import functools
    calls, original = [], getattr(module, name)

    @functools.wraps(original)
    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)
    monkeypatch.setattr(module, name, counting)
    return calls


def _same_views(left: list, right: list) -> None:
    import pandas as pd
    assert [s.key for s in left] == [s.key for s in right] and len(left) == len(views.SLIDES)
    for a, b in zip(left, right):
        assert (a.title, a.takeaway, a.cards) == (b.title, b.takeaway, b.cards), a.key
        if a.chart is not None:
            pd.testing.assert_frame_equal(a.chart.data.reset_index(drop=True), b.chart.data.reset_index(drop=True))


def test_the_sidebar_briefing_reads_through_the_pages_cache(demo_db, monkeypatch):
    """A download made on a click comes through the cache the pages fill (a second one computes no view and builds
    no chart), and holds the same views as a read straight from the store."""
    from talentboard import charts, training, ui
    context = _briefing_context(demo_db, mask=True)
    monkeypatch.setattr(charts, "memo", ui._figure_spec)
    calls = _counted(monkeypatch, training, "by_branch")
    straight = views.slides(views.reader(context.db, context.privacy), context.scope)
    assert len(calls) == 2  # hours per head and coverage both ask for the branches
    cached = views.slides(ui.cached_reader(context.db, context.privacy, context.version), context.scope)
    assert len(calls) == 3  # through the cache: the same question is computed once
    _same_views(cached, straight)
    ui.briefing_file(context, [], "deck")
    calls.clear()
    built = _counted(monkeypatch, charts, "style")  # every chart builder finishes with charts.style
    again = ui.briefing_file(context, [], "report")
    assert calls == [] and built == []  # the views and their charts from the cache
    assert again.startswith(b"<!DOCTYPE html>") and t("training.branch_hours", "en").encode() in again


def test_while_an_import_holds_the_file_the_briefing_comes_from_the_cache(demo_db, monkeypatch):
    """The file is held by an import in another process: the download is made of the views cached at the version
    the page showed, without waiting for the store."""
    from talentboard import training, ui
    context = _briefing_context(demo_db)
    first = ui.briefing_file(context, [], "report")

    def held(db):
        raise store.DatabaseBusy(db)
    monkeypatch.setattr(ui.store, "state", held)
    calls = _counted(monkeypatch, training, "by_branch")
    assert ui.briefing_file(context, [], "report") == first and calls == []


def test_the_sidebar_briefing_reads_once_more_when_the_store_moved_on(demo_db, monkeypatch):
    """An import commits during the click (the version read first is gone by the time a view is read): the views are
    read once more through the cache at the version now, and straight from the store when it moves again."""
    import dataclasses
    from talentboard import training, ui
    context = _briefing_context(demo_db)
    real = store.state(context.db)
    gone = dataclasses.replace(real, version=("moved on",))
    with pytest.raises(ui.StoreMoved):
        views.slides(ui.cached_reader(context.db, context.privacy, gone.version), context.scope)
    answers = iter([gone])
    monkeypatch.setattr(ui.store, "state", lambda db: next(answers, real))
    calls = _counted(monkeypatch, training, "by_branch")
    once_more = ui.briefing_file(context, [], "report")
    assert len(calls) == 1  # the second try, through the cache (straight from the store would ask twice)
    monkeypatch.setattr(ui.store, "state", lambda db: gone)  # it keeps moving: straight from the store
    calls.clear()
    assert ui.briefing_file(context, [], "report") == once_more and len(calls) == 2


def test_meeting_modes_style_comes_before_anything_in_the_sidebar(demo_db, monkeypatch):
    """The style sheet that hides the sidebar is sent before the language switch is drawn there, so the sidebar
    never shows in meeting mode, not even while the first run is drawn."""
    from talentboard import ui
    order: list[str] = []
    for name in ("style", "language"):
        real = getattr(ui, name)
        monkeypatch.setattr(ui, name, lambda *a, _real=real, _name=name: order.append(_name) or _real(*a))
    run_page("overview", {"present": "1"})
    assert order == ["style", "language"]


def test_a_download_after_a_page_builds_only_the_charts_the_page_did_not_draw(demo_db, monkeypatch):
    """The charts a page drew at this data version are the download's too: after the training page, the deck builds
    the other pages' charts only."""
    from talentboard import charts, ui
    monkeypatch.setattr(charts, "memo", ui._figure_spec)
    built = _counted(monkeypatch, charts, "style")  # every chart builder finishes with charts.style
    run_page("training", {"range": "last_year", "lang": "en"})
    built.clear()
    ui.briefing_file(_briefing_context(str(store.db_path()), lang="en"), [], "deck")
    charted = [key for key in views.SLIDES if key != "kpis"]
    on_training = [key for key in charted if views.SLIDES[key][0] == "training"]
    assert len(built) == len(charted) - len(on_training)
