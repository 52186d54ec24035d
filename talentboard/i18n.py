"""The one translation table: every user-facing string, in Chinese (default) and English."""
from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

TEXT: dict[str, tuple[str, str]] = {
    # --- import: file-level problems
    "err.file_missing": ("找不到文件：{path}", "File not found: {path}"),
    "err.file_empty": ("文件是空的：{file}", "The file is empty: {file}"),
    "err.not_spreadsheet": ("{file} 不是可识别的表格文件（支持 CSV、.xlsx、.xls）",
                            "{file} is not a spreadsheet this tool can read (CSV, .xlsx, .xls)"),
    "err.bad_excel": ("无法打开 Excel 文件 {file}：{reason}", "Could not open the Excel file {file}: {reason}"),
    "err.no_sheet": ("工作表“{sheet}”不存在；文件中的工作表：{sheets}", "There is no sheet “{sheet}”; the file has: {sheets}"),
    "err.no_rows": ("文件中没有数据行：{file}", "The file has no data rows: {file}"),
    "err.no_header": ("没有找到可识别的表头。“{dataset}”至少需要这些列：{needed}；在文件前几行找到的是：{found}",
                      "No recognisable header. “{dataset}” needs at least these columns: {needed}; the first rows of the file hold: {found}"),
    "err.missing_columns": ("缺少必填列：{missing}（第 {row} 行表头中找到的列：{found}）",
                            "Missing required column(s): {missing} (the header on row {row} holds: {found})"),
    "err.header_row": ("表头行 {row} 超出文件范围（共 {rows} 行）", "Header row {row} is outside the file ({rows} rows)"),
    "err.bad_map": ("--map 参数“{item}”无效：应为 原列名=标准列名，标准列名是：{columns}",
                    "Invalid --map “{item}”: use SOURCE=column, where column is one of: {columns}"),
    "err.map_source": ("--map 中的原列名“{source}”不在表头中；表头有：{found}",
                       "--map names “{source}”, which is not in the header; the header holds: {found}"),
    "err.internal_command": ("命令执行时发生意外错误，数据库未作修改：{reason}",
                             "An unexpected error stopped the command; the database was not changed: {reason}"),
    "err.unknown_dataset": ("未知数据集“{name}”；可用：{names}", "Unknown dataset “{name}”; use one of: {names}"),
    "err.db_busy": ("数据库正被其他程序占用，请稍后再试：{path}", "The database is in use by another program; try again shortly: {path}"),
    "err.internal": ("导入时发生意外错误，数据库未作任何修改：{reason}",
                     "An unexpected error stopped the import; the database was not changed: {reason}"),
    # --- import: row-level reasons
    "row.required": ("必填项为空", "required value is empty"),
    "row.date": ("不是可识别的日期", "not a recognisable date"),
    "row.date_range": ("日期超出合理范围（1900—2100年）", "date outside 1900–2100"),
    "row.number": ("不是可识别的数字", "not a recognisable number"),
    "row.integer": ("不是整数", "not a whole number"),
    "row.percent": ("此列不接受百分数", "a percentage is not allowed in this column"),
    "row.min": ("不能小于 {minimum}", "must be at least {minimum}"),
    "row.min_exclusive": ("必须大于 {minimum}", "must be more than {minimum}"),
    "row.max": ("不能大于 {maximum}", "must be at most {maximum}"),
    "row.bool": ("应为 是/否、Y/N、√/×、合格/不合格", "expected yes/no (是/否, Y/N, √/×, 合格/不合格)"),
    "row.enum": ("不是允许的取值，可用：{values}", "not an allowed value; use one of: {values}"),
    "row.grade": ("不是可识别的等级，可用：{values}", "not a recognisable grade; use one of: {values}"),
    "row.before_start": ("早于立项日期", "earlier than the start date"),
    # --- import: warnings
    "warn.dropped_total": ("已忽略 {n} 行合计/小计行（第 {rows} 行）", "Ignored {n} total row(s) (合计/总计, row {rows})"),
    "warn.dropped_blank": ("已忽略 {n} 行空行", "Ignored {n} blank row(s)"),
    "warn.ignored_columns": ("以下列不属于“{dataset}”，已忽略：{columns}", "These columns are not part of “{dataset}” and were ignored: {columns}"),
    "warn.duplicate_column": ("有多列对应“{column}”，使用了“{used}”，忽略了“{ignored}”",
                              "Several columns match “{column}”; used “{used}”, ignored “{ignored}”"),
    "warn.enum_default": ("“{column}”中有 {n} 个值不在标准取值中，已记为“{default}”：{values}",
                          "{n} value(s) in “{column}” are not standard and were recorded as “{default}”: {values}"),
    "warn.same_file": ("该文件内容与第 {batch} 批（{when}）相同", "This file has the same content as batch {batch} ({when})"),
    "warn.conflicts": ("{n} 行与已有数据主键相同但内容不同，已按重复跳过；如需更正请使用“替换”导入",
                       "{n} row(s) share a key with existing data but differ in content; skipped as duplicates. Use replace to correct them"),
    "warn.errors_truncated": ("另有 {n} 条错误未列出", "{n} more error(s) not listed"),
    "warn.sheets": ("工作簿有 {n} 个工作表（{sheets}），读取了“{sheet}”；可用 --sheet 选择其他工作表",
                    "The workbook has {n} sheets ({sheets}); read “{sheet}”. Choose another with --sheet"),
    "warn.percent_scaled": ("“{column}”的 {n} 个值都在 0～1 之间，按百分比格式读作 0～100",
                            "All {n} values of “{column}” lie within 0–1: read as percentages on a 0–100 scale"),
    "warn.units_converted": ("“{column}”表头单位为{unit}，已换算为{target}", "“{column}” is headed in {unit}; converted to {target}"),
    # --- command line
    "cli.imported": ("第 {batch_id} 批：读取 {rows_read} 行，导入 {rows_loaded} 行，重复跳过 {rows_duplicate} 行，拒绝 {rows_rejected} 行",
                     "Batch {batch_id}: read {rows_read}, loaded {rows_loaded}, duplicates skipped {rows_duplicate}, rejected {rows_rejected}"),
    "cli.dry_run": ("试运行：读取 {rows_read} 行，可导入 {rows_loaded} 行，重复 {rows_duplicate} 行，拒绝 {rows_rejected} 行；未写入数据库",
                    "Dry run: read {rows_read}, would load {rows_loaded}, duplicates {rows_duplicate}, rejected {rows_rejected}; nothing written"),
    "cli.rejected_file": ("文件被拒绝，数据库未修改。", "The file was rejected; the database was not changed."),
    "cli.strict_rejected": ("严格模式：有行被拒绝，未写入任何数据。", "Strict mode: some rows were rejected, so nothing was written."),
    "cli.row_error": ("第 {row} 行，列“{column}”，值“{value}”：{message}", "Row {row}, column “{column}”, value “{value}”: {message}"),
    "cli.rolled_back": ("已回滚第 {batch_id} 批（{dataset}，{file}）", "Rolled back batch {batch_id} ({dataset}, {file})"),
    "cli.no_batch": ("没有第 {batch_id} 批", "There is no batch {batch_id}"),
    "cli.already_rolled_back": ("第 {batch_id} 批已回滚过", "Batch {batch_id} was already rolled back"),
    "cli.exported": ("已导出 {n} 个文件到 {dir}", "Exported {n} files to {dir}"),
    "cli.demo_written": ("已生成示例数据：{files}", "Demo data written: {files}"),
    "cli.history_empty": ("还没有导入记录", "No imports yet"),
    # --- batch statuses and modes
    "status.active": ("生效", "active"),
    "status.rolled_back": ("已回滚", "rolled back"),
    "status.replaced": ("已被替换", "replaced"),
    "mode.append": ("追加", "append"),
    "mode.replace": ("替换", "replace"),
    "mode.upsert": ("更新", "upsert"),
    # --- the app frame
    "app.title": ("人才发展看板", "Talentboard"),
    "app.language": ("语言", "Language"),
    "app.demo_notice": ("当前显示的是示例数据（虚构），上传本单位数据后即可替换。",
                        "You are looking at demo data (invented). Upload your own spreadsheets to replace it."),
    "app.db_error": ("无法打开数据库：{reason}", "Could not open the database: {reason}"),
    "filter.header": ("筛选", "Filters"),
    "filter.period": ("时间范围", "Period"),
    "filter.org": ("法人机构", "Org"),
    "filter.branch": ("机构", "Branch"),
    "filter.line": ("条线", "Line"),
    "filter.all": ("全部", "All"),
    "page.overview": ("总览", "Overview"),
    # --- overview
    "overview.caption": ("{start} 至 {end} · 数据截至 {asof}", "{start} to {end} · data as of {asof}"),
    "overview.no_data": ("还没有数据。请在“数据管理”上传花名册和培训记录，或用命令行导入。",
                         "No data yet. Upload the roster and training records, or import them from the command line."),
    "kpi.headcount": ("在岗人数", "Headcount"),
    "kpi.headcount.help": ("范围内人员状态为“在岗”的职工人数（无状态列时为花名册全部人员）",
                           "Staff in scope whose status is 在岗 (on duty); the whole roster when there is no status column"),
    "kpi.headcount_estimate": ("在岗人数（估算）", "Headcount (estimate)"),
    "kpi.headcount_estimate.help": ("没有花名册：按各数据集中出现过的不同职工数估算",
                                    "No roster: estimated as the distinct staff seen in any dataset"),
    "kpi.training_hours": ("培训总学时", "Training hours"),
    "kpi.training_hours.help": ("期间内范围内全部培训记录的学时合计", "Sum of hours of all training records in the period and scope"),
    "kpi.hours_per_head": ("人均学时", "Hours per head"),
    "kpi.hours_per_head.help": ("培训总学时 ÷ 在岗人数", "Training hours ÷ headcount"),
    "kpi.coverage": ("培训覆盖率", "Training coverage"),
    "kpi.coverage.help": ("期间内参加过培训的在岗职工 ÷ 在岗人数", "Staff on duty with any training in the period ÷ headcount"),
    "kpi.person_times": ("培训人次", "Person-times"),
    "kpi.person_times.help": ("培训记录行数（一人参加一次培训计一人次）", "Number of training records (one person at one session)"),
    "kpi.participants": ("竞赛参赛人数", "Competitors"),
    "kpi.participants.help": ("期间内参加技能竞赛的不同职工数", "Distinct staff who competed in the period"),
    "kpi.award_winners": ("获奖人数", "Award winners"),
    "kpi.award_winners.help": ("期间内获得特等奖至优秀奖的不同职工数", "Distinct staff with any award (特等奖 to 优秀奖) in the period"),
    "kpi.active_projects": ("在研创新课题", "Active projects"),
    "kpi.active_projects.help": ("状态为“立项”或“研究中”的创新课题数（按立项日期不晚于期末）",
                                 "Innovation projects at 立项 or 研究中, started by the end of the period"),
    "kpi.converted_projects": ("已转化成果", "Converted results"),
    "kpi.converted_projects.help": ("状态为“已转化”或“推广应用”的课题数（按立项日期不晚于期末）",
                                    "Projects at 已转化 or 推广应用, started by the end of the period"),
    "kpi.benefit": ("创新效益（万元）", "Benefit (10k yuan)"),
    "kpi.benefit.help": ("范围内创新课题经济效益合计（万元）", "Economic benefit of innovation projects in scope (万元, 10k yuan)"),
    "unit.hours": ("学时", "h"),
    "unit.people": ("人", ""),
    "unit.wan_yuan": ("万元", "10k yuan"),
}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The text for key in lang, with {placeholders} filled; an unknown key shows as itself."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**values) if values else text


def label(column, lang: str = DEFAULT_LANG) -> str:
    """A schema column's display name."""
    return column.label_en if lang == "en" else column.label_zh
