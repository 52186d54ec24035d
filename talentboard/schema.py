"""The schema registry: every dataset and column declared once; import, templates and the data dictionary read it."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Column types. "enum" maps synonyms to a canonical value; "grade" is an ordinal kept as text.
TEXT, DATE, NUMBER, INTEGER, BOOL, ENUM, GRADE = "text", "date", "number", "integer", "bool", "enum", "grade"

SQL_TYPES = {TEXT: "VARCHAR", DATE: "DATE", NUMBER: "DOUBLE", INTEGER: "BIGINT",
             BOOL: "BOOLEAN", ENUM: "VARCHAR", GRADE: "VARCHAR"}

TRUE_WORDS = ("是", "y", "yes", "true", "t", "1", "√", "✓", "✔", "对", "有", "合格", "通过", "已通过")
FALSE_WORDS = ("否", "n", "no", "false", "f", "0", "×", "✗", "✘", "x", "错", "无", "不合格", "未通过", "不通过")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    label_zh: str = ""
    label_en: str = ""
    # enum: canonical value -> synonyms (exact, after normalisation); `contains` adds substring rules
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    contains: tuple[tuple[str, str], ...] = ()
    unknown: str = "error"  # enum: "error" rejects the row, or a canonical value that takes unknown words
    true_words: tuple[str, ...] = TRUE_WORDS
    false_words: tuple[str, ...] = FALSE_WORDS
    minimum: float | None = None
    maximum: float | None = None
    min_exclusive: bool = False
    unit: str = ""  # "万元", "元" or "小时": units in the header or the value ("12万", "90分钟") convert to it
    percent: bool = False  # "85%" reads as 85 on a 0-100 scale
    identifier: bool = False  # an id kept as text: "1001.0" reads 1001; a total label never hides in it
    year: bool = False  # an integer column holding a year: 2024年度, FY2024, 二〇二四年 read 2024
    # dates and years: the plausible range; later than today plus latest_years (in years) is refused
    earliest: str = "1950-01-01"
    latest_years: int = 1
    describe_zh: str = ""
    describe_en: str = ""
    labels_en: dict[str, str] = field(default_factory=dict)  # enum: canonical value -> English display name
    # personal data (talentboard/privacy.py): "name" is masked, "id" left out, "names" (a list) both
    personal: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    label_zh: str
    label_en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # natural key: a row whose key is already current is a duplicate
    default_mode: str = "append"
    fill_from_roster: tuple[str, ...] = ()
    # column -> SQL over the row's parsed columns, filling the column where the file leaves it blank
    derived: dict[str, str] = field(default_factory=dict)
    # column -> SQL over the stored row `d`, the value the current-data view shows where the file left it blank
    view_defaults: dict[str, str] = field(default_factory=dict)
    # (later, earlier) column pairs: a row whose `later` date is before its `earlier` one is rejected
    not_before: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]


# Aliases shared by several datasets.
EMPLOYEE_ID = ("工号", "员工编号", "职工编号", "人员编号", "员工号", "员工工号", "职工工号", "人员工号", "柜员号")
NAME = ("姓名", "员工姓名", "职工姓名", "名字", "参赛人", "参赛选手", "选手姓名")
BRANCH = ("机构", "所属机构", "网点", "所属网点", "支行", "部门", "单位", "所在单位", "信用社",
          "所属支行", "所在网点", "所属部门", "机构名称", "网点名称", "参赛单位", "所属单位")
LINE = ("条线", "岗位序列", "业务条线", "序列", "组别")


# Headers of personal data no dataset keeps (an ID card, a phone, a bank account, an address): a file's column
# under such a header is never stored, and the import says so in words of its own.
PERSONAL_HEADER_WORDS = ("身份证", "证件号", "证件号码", "手机", "电话", "联系方式", "银行卡", "银行账号", "卡号", "账号",
                         "住址", "地址", "邮箱", "微信")


def personal_header(header: str) -> bool:
    """Whether a file's header names personal data no dataset keeps (身份证号, 手机号码, 工资卡卡号…)."""
    text = normalise_header(header)
    return any(word in text for word in PERSONAL_HEADER_WORDS)


def _employee_id(required=True):
    return Column("employee_id", TEXT, required, EMPLOYEE_ID, "工号", "Employee ID", identifier=True, personal="id",
                  describe_zh="职工唯一编号，与花名册一致", describe_en="Unique staff number, as in the roster")


def _name(required=False):
    return Column("name", TEXT, required, NAME, "姓名", "Name", personal="name",
                  describe_zh="职工姓名（缺省时从花名册补齐）", describe_en="Staff name (filled from the roster when absent)")


def _branch(required=False):
    return Column("branch", TEXT, required, BRANCH, "机构", "Branch",
                  describe_zh="所属信用社、支行或部门", describe_en="Branch, sub-branch or department")


def _line(aliases=LINE):
    return Column("line", TEXT, False, aliases, "条线", "Line",
                  describe_zh="业务条线，如柜面、客户经理、综合管理", describe_en="Business line, e.g. tellers, account managers")


EMPLOYEES = Dataset(
    "employees", "职工花名册", "Staff roster",
    key=("employee_id",), default_mode="upsert",
    columns=(
        _employee_id(), _name(True), _branch(True),
        Column("org", TEXT, False, ("法人机构", "联社", "行社", "所属联社", "法人单位"), "法人机构", "Org",
               describe_zh="所属法人机构（联社、农商银行）", describe_en="Legal entity (union or rural bank)"),
        _line(("条线", "岗位序列", "业务条线", "序列")),
        Column("position", TEXT, False, ("岗位", "职务", "岗位名称"), "岗位", "Position"),
        Column("gender", ENUM, False, ("性别",), "性别", "Gender",
               values={"男": ("男", "m", "male", "男性"), "女": ("女", "f", "female", "女性")},
               labels_en={"男": "Male", "女": "Female"}),
        Column("birth_date", DATE, False, ("出生日期", "出生年月", "生日"), "出生日期", "Birth date",
               earliest="1920-01-01", latest_years=0),
        Column("hire_date", DATE, False, ("入职日期", "入行时间", "参加工作时间", "入职时间", "入行日期"), "入职日期", "Hire date"),
        Column("education", TEXT, False, ("学历", "最高学历", "文化程度"), "学历", "Education"),
        Column("party_member", BOOL, False, ("是否党员", "党员", "政治面貌"), "党员", "Party member",
               true_words=TRUE_WORDS + ("中共党员", "党员", "中共预备党员", "预备党员"),
               false_words=FALSE_WORDS + ("群众", "共青团员", "团员", "民主党派", "无党派人士", "无党派"),
               describe_zh="中共党员为是", describe_en="True for CPC members"),
        Column("status", ENUM, False, ("状态", "在岗状态", "人员状态", "在职状态"), "人员状态", "Status",
               values={"在岗": ("在岗", "在职", "正常", "在册"), "离职": ("离职", "辞职", "解除合同", "调出"),
                       "退休": ("退休", "内退", "离退休"), "长期病假": ("长期病假", "病休", "病假"),
                       "借调": ("借调", "外派")},
               unknown="在岗",
               labels_en={"在岗": "On duty", "离职": "Left", "退休": "Retired", "长期病假": "Long-term sick leave",
                          "借调": "Seconded"},
               describe_zh="只有“在岗”计入人数", describe_en="Only 在岗 (on duty) counts in headcount"),
    ),
)

TRAINING = Dataset(
    "training", "培训记录", "Training records",
    key=("employee_id", "course", "start_date"), fill_from_roster=("name", "branch"),
    columns=(
        _employee_id(), _name(), _branch(),
        Column("course", TEXT, True, ("培训名称", "培训项目", "课程名称", "培训内容", "培训主题", "课程", "培训班名称"),
               "培训名称", "Course"),
        Column("start_date", DATE, True, ("培训日期", "日期", "开始日期", "培训时间", "培训开始日期"), "培训日期", "Date"),
        Column("hours", NUMBER, True, ("学时", "培训学时", "培训时长", "时长", "课时"), "学时", "Hours",
               minimum=0, maximum=200, min_exclusive=True, unit="小时",
               describe_zh="培训学时，大于0且不超过200", describe_en="Hours, more than 0 and at most 200"),
        Column("category", ENUM, False, ("培训类别", "类别", "培训类型", "类型"), "培训类别", "Category",
               values={"思想政治": ("思想政治", "党建", "政治理论", "理论学习", "红色教育", "政治学习", "思政"),
                       "专业技能": ("专业技能", "业务技能", "柜面", "信贷", "技能", "业务知识"),
                       "合规风控": ("合规风控", "合规", "风控", "风险管理", "案防", "反洗钱"),
                       "营销服务": ("营销服务", "营销", "服务", "客户服务", "文明服务"),
                       "其他": ("其他", "其它", "综合")},
               contains=(("党", "思想政治"), ("政治", "思想政治"), ("合规", "合规风控"), ("风险", "合规风控"),
                         ("营销", "营销服务"), ("服务", "营销服务"), ("技能", "专业技能"), ("业务", "专业技能")),
               unknown="其他",
               labels_en={"思想政治": "Political study", "专业技能": "Professional skills", "合规风控": "Compliance & risk",
                          "营销服务": "Marketing & service", "其他": "Other"}),
        Column("form", ENUM, False, ("培训形式", "形式", "方式", "培训方式"), "培训形式", "Form",
               values={"集中培训": ("集中培训", "集中", "面授", "脱产培训"), "以会代训": ("以会代训",),
                       "外出学习": ("外出学习", "外出培训", "外派学习"), "线上学习": ("线上学习", "线上", "网络学习", "在线学习", "网络培训"),
                       "现场教学": ("现场教学", "现场", "实地教学"), "其他": ("其他", "其它")},
               unknown="其他",
               labels_en={"集中培训": "Classroom", "以会代训": "Training at meetings", "外出学习": "Off-site study",
                          "线上学习": "Online", "现场教学": "On-site teaching", "其他": "Other"}),
        Column("organizer", TEXT, False, ("主办部门", "组织部门", "主办单位", "组织单位"), "主办部门", "Organizer"),
        Column("score", NUMBER, False, ("考核成绩", "成绩", "考试成绩", "考核分数"), "考核成绩", "Score",
               minimum=0, maximum=100, percent=True),
        Column("passed", BOOL, False, ("是否合格", "考核结果", "考核情况"), "是否合格", "Passed"),
        Column("cost", NUMBER, False, ("费用", "培训费用", "培训费"), "培训费用", "Cost", minimum=0, unit="元",
               describe_zh="培训费用（元）", describe_en="Cost in yuan"),
    ),
)

COMPETITION = Dataset(
    "competition", "技能竞赛成绩", "Competition results",
    key=("competition", "date", "event", "employee_id"), fill_from_roster=("name", "branch"),
    view_defaults={"rank": "rank() over (partition by d.competition, d.date, d.event order by d.score desc)"},
    columns=(
        Column("competition", TEXT, True, ("竞赛名称", "比赛名称", "赛事", "赛事名称"), "竞赛名称", "Competition"),
        Column("date", DATE, True, ("竞赛日期", "比赛日期", "日期", "比赛时间", "竞赛时间"), "竞赛日期", "Date",
               describe_zh="只填年份时按当年7月1日计", describe_en="A bare year means 1 July of it"),
        Column("level", ENUM, False, ("竞赛级别", "级别", "比赛级别"), "竞赛级别", "Level",
               values={"联社级": ("联社级", "行社级", "县级", "联社"), "市级": ("市级", "市", "地市级"),
                       "省级": ("省级", "省", "省联社级"), "全国": ("全国", "国家级", "全国级")},
               labels_en={"联社级": "Union", "市级": "City", "省级": "Provincial", "全国": "National"}),
        _line(),
        Column("event", TEXT, True, ("竞赛项目", "项目", "比赛项目", "赛项"), "竞赛项目", "Event"),
        _employee_id(), _name(), _branch(),
        Column("score", NUMBER, True, ("成绩", "得分", "分数", "比赛成绩"), "成绩", "Score", percent=True),
        Column("rank", INTEGER, False, ("名次", "排名"), "名次", "Rank", minimum=1,
               describe_zh="缺省时按同一竞赛同一项目的成绩排定", describe_en="Derived within competition and event when absent"),
        Column("award", ENUM, False, ("奖项", "获奖等级", "获奖情况"), "奖项", "Award",
               values={"特等奖": ("特等奖", "特等"), "一等奖": ("一等奖", "一等", "金", "金奖", "第一名"),
                       "二等奖": ("二等奖", "二等", "银", "银奖", "第二名"), "三等奖": ("三等奖", "三等", "铜", "铜奖", "第三名"),
                       "优秀奖": ("优秀奖", "优秀", "鼓励奖"), "无": ("无", "未获奖", "-", "/", "—")},
               labels_en={"特等奖": "Grand prize", "一等奖": "First prize", "二等奖": "Second prize",
                          "三等奖": "Third prize", "优秀奖": "Merit award", "无": "No award"}),
    ),
)

GRADING = Dataset(
    "grading", "等级评定", "Staff grading",
    key=("year", "employee_id"), fill_from_roster=("name", "branch"),
    columns=(
        Column("year", INTEGER, True, ("评定年度", "年度", "年份"), "评定年度", "Year", minimum=1990, year=True,
               describe_zh="年份，可写 2024、2024年、2024年度", describe_en="A four-digit year, such as 2024"),
        _employee_id(), _name(), _branch(), _line(("条线", "岗位序列", "业务条线", "序列")),
        Column("grade", GRADE, True, ("等级", "评定等级", "星级", "评定结果"), "评定等级", "Grade",
               describe_zh="一级…五级、初级…首席或一星…五星", describe_en="一级…五级, 初级…首席 or 一星…五星"),
        Column("score", NUMBER, False, ("评定得分", "得分", "分数"), "评定得分", "Score", minimum=0, maximum=100, percent=True),
    ),
)

INNOVATION = Dataset(
    "innovation", "创新成果", "Innovation projects",
    key=("project_id",),
    derived={"project_id": "'P-' || upper(substr(md5(studio || '|' || title), 1, 8))"},
    not_before=(("end_date", "start_date"), ("converted_date", "start_date")),
    columns=(
        Column("project_id", TEXT, False, ("课题编号", "成果编号", "编号", "项目编号"), "课题编号", "Project ID",
               identifier=True, describe_zh="缺省时由工作室和课题名称生成", describe_en="Derived from studio and title when absent"),
        Column("title", TEXT, True, ("成果名称", "课题名称", "项目名称", "课题"), "课题名称", "Title"),
        Column("studio", TEXT, True, ("工作室", "创新工作室", "所属工作室", "工作室名称"), "工作室", "Studio"),
        Column("leader", TEXT, False, ("领衔人", "负责人", "劳模", "课题负责人"), "领衔人", "Leader",
               personal="name"),
        Column("category", ENUM, False, ("创新类别", "类别", "成果类别"), "创新类别", "Category",
               values={v: (v,) for v in ("管理创新", "服务创新", "业务创新", "产品创新", "技术创新", "党建创新", "普惠金融创新", "其他")},
               contains=(("普惠", "普惠金融创新"), ("党建", "党建创新"), ("管理", "管理创新"), ("服务", "服务创新"),
                         ("产品", "产品创新"), ("技术", "技术创新"), ("科技", "技术创新"), ("业务", "业务创新")),
               unknown="其他",
               labels_en={"管理创新": "Management", "服务创新": "Service", "业务创新": "Business", "产品创新": "Product",
                          "技术创新": "Technology", "党建创新": "Party building", "普惠金融创新": "Inclusive finance",
                          "其他": "Other"}),
        Column("status", ENUM, True, ("状态", "进展", "当前状态", "课题状态", "进展情况"), "状态", "Status",
               values={"立项": ("立项", "已立项", "申报"), "研究中": ("研究中", "在研", "进行中", "实施中"),
                       "已完成": ("已完成", "完成", "结题", "已结题"), "已转化": ("已转化", "转化", "已应用"),
                       "推广应用": ("推广应用", "推广", "已推广"), "中止": ("中止", "终止", "暂停", "撤销")},
               labels_en={"立项": "Approved", "研究中": "In research", "已完成": "Completed", "已转化": "Converted",
                          "推广应用": "Rolled out", "中止": "Stopped"}),
        Column("start_date", DATE, True, ("立项日期", "开始日期", "立项时间"), "立项日期", "Start date"),
        Column("end_date", DATE, False, ("完成日期", "结题日期", "完成时间", "结题时间"), "完成日期", "End date",
               latest_years=5),
        Column("converted_date", DATE, False, ("转化日期", "应用日期", "转化时间"), "转化日期", "Converted date"),
        Column("members", TEXT, False, ("成员", "参与人员", "成员工号", "课题成员", "团队成员"), "成员", "Members", personal="names",
               describe_zh="工号或姓名，以、，；或空格分隔", describe_en="Employee ids or names separated by 、 , ; or spaces"),
        _branch(),
        Column("funding", NUMBER, False, ("经费", "经费投入", "投入", "投入经费"), "经费投入", "Funding", minimum=0, unit="万元",
               describe_zh="经费投入（万元）", describe_en="Funding in 10k yuan (万元)"),
        Column("benefit", NUMBER, False, ("经济效益", "效益", "创效", "创造效益"), "经济效益", "Benefit", unit="万元",
               describe_zh="经济效益（万元）", describe_en="Economic benefit in 10k yuan (万元)"),
        Column("award_level", ENUM, False, ("获奖级别", "获奖", "获奖情况"), "获奖级别", "Award level",
               values={"国家级": ("国家级", "全国", "国家"), "省级": ("省级", "省"), "市级": ("市级", "市"),
                       "县级": ("县级", "县", "联社级"), "无": ("无", "未获奖", "-", "/", "—")},
               labels_en={"国家级": "National", "省级": "Provincial", "市级": "City", "县级": "County", "无": "None"}),
        Column("patents", INTEGER, False, ("专利", "专利数", "专利数量"), "专利数", "Patents", minimum=0),
    ),
)

DATASETS: dict[str, Dataset] = {d.name: d for d in (EMPLOYEES, TRAINING, COMPETITION, GRADING, INNOVATION)}

# Grade scales, lowest first; the order is configurable by editing this list.
GRADE_SCALES: tuple[tuple[str, ...], ...] = (
    ("一级", "二级", "三级", "四级", "五级"),
    ("初级", "中级", "高级", "资深", "首席"),
    ("一星", "二星", "三星", "四星", "五星"),
)
GRADE_LABELS_EN = dict(zip(GRADE_SCALES[0], ("Grade 1", "Grade 2", "Grade 3", "Grade 4", "Grade 5"))) | dict(
    zip(GRADE_SCALES[1], ("Junior", "Intermediate", "Senior", "Expert", "Chief"))) | dict(
    zip(GRADE_SCALES[2], ("1 star", "2 stars", "3 stars", "4 stars", "5 stars")))


def enum_values(dataset: str, column: str) -> list[str]:
    """The canonical values of an enum or grade column, in the registry's order (grades lowest first)."""
    col = DATASETS[dataset].column(column)
    if col.type == GRADE:
        return [g for scale in GRADE_SCALES for g in scale]
    return list(col.values)


def display(dataset: str, column: str, value, lang: str = "zh"):
    """A stored enum or grade value as the user reads it: canonical Chinese in zh, its English name in en.
    Values the registry does not know (and None) come back unchanged; stored values stay canonical."""
    if lang != "en" or not isinstance(value, str):
        return value
    col = DATASETS[dataset].column(column)
    names = GRADE_LABELS_EN if col.type == GRADE else col.labels_en
    return names.get(value, value)

# Two example rows per dataset, as an office would type them: the templates show them. The same two people
# (100234 王丽, 100518 陈建国) appear throughout, so the templates tell one story.
EXAMPLES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "employees": (
        {"employee_id": "100234", "name": "王丽", "branch": "城关支行", "org": "青禾县农村信用合作联社",
         "line": "柜面", "position": "综合柜员", "gender": "女", "birth_date": "1990-06-18",
         "hire_date": "2012-07-01", "education": "本科", "party_member": "中共党员", "status": "在岗"},
        {"employee_id": "100518", "name": "陈建国", "branch": "青石信用社", "org": "青禾县农村信用合作联社",
         "line": "客户经理", "position": "客户经理", "gender": "男", "birth_date": "1985-11-02",
         "hire_date": "2008-08-15", "education": "大专", "party_member": "群众", "status": "在岗"},
    ),
    "training": (
        {"employee_id": "100234", "name": "王丽", "branch": "城关支行", "course": "2025年反洗钱专题培训",
         "start_date": "2025-03-05", "hours": "4", "category": "合规风控", "form": "集中培训",
         "organizer": "合规部", "score": "92", "passed": "合格", "cost": "0"},
        {"employee_id": "100518", "name": "陈建国", "branch": "青石信用社", "course": "信贷业务骨干研修班",
         "start_date": "2025-04-14", "hours": "24", "category": "专业技能", "form": "外出学习",
         "organizer": "省联社培训中心", "score": "85.5", "passed": "合格", "cost": "3600"},
    ),
    "competition": (
        {"competition": "2025年全县农信系统业务技能竞赛", "date": "2025-06-20", "level": "联社级", "line": "柜面",
         "event": "点钞", "employee_id": "100234", "name": "王丽", "branch": "城关支行", "score": "98.5",
         "rank": "1", "award": "一等奖"},
        {"competition": "2025年全县农信系统业务技能竞赛", "date": "2025-06-20", "level": "联社级", "line": "客户经理",
         "event": "业务知识", "employee_id": "100518", "name": "陈建国", "branch": "青石信用社", "score": "86",
         "rank": "3", "award": "三等奖"},
    ),
    "grading": (
        {"year": "2024", "employee_id": "100234", "name": "王丽", "branch": "城关支行", "line": "柜面",
         "grade": "三级", "score": "88"},
        {"year": "2024", "employee_id": "100518", "name": "陈建国", "branch": "青石信用社", "line": "客户经理",
         "grade": "四级", "score": "91.5"},
    ),
    "innovation": (
        {"project_id": "CX-2024-001", "title": "智能柜台业务流程优化", "studio": "王丽劳模创新工作室", "leader": "王丽",
         "category": "服务创新", "status": "已转化", "start_date": "2024-03-01", "end_date": "2024-11-30",
         "converted_date": "2025-01-15", "members": "100234、100518", "branch": "城关支行", "funding": "5",
         "benefit": "36.8", "award_level": "市级", "patents": "1"},
        {"project_id": "CX-2023-004", "title": "整村授信数字化走访工具", "studio": "陈建国劳模创新工作室",
         "leader": "陈建国", "category": "普惠金融创新", "status": "推广应用", "start_date": "2023-09-01",
         "end_date": "2024-06-30", "converted_date": "2024-09-01", "members": "100518、100234",
         "branch": "青石信用社", "funding": "12", "benefit": "150", "award_level": "省级", "patents": "0"},
    ),
}

_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_UNIT_SUFFIX = re.compile(r"[（(\[【][^）)\]】]*[）)\]】]\s*$")


def to_halfwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


def normalise_header(text: object) -> str:
    """Header as matched: half-width, trimmed, lower case, a bracketed unit suffix dropped, inner spaces removed."""
    s = unicodedata.normalize("NFKC", str(text or "")).strip()
    s = _UNIT_SUFFIX.sub("", s).strip()
    s = re.sub(r"[\s*＊:：]+", "", s)
    return s.lower()


def header_unit(text: object) -> str:
    """The unit written in a header's brackets, e.g. 经费（元） -> 元."""
    m = re.search(r"[（(\[【]([^）)\]】]*)[）)\]】]\s*$", str(text or ""))
    return m.group(1).strip() if m else ""


def alias_index(dataset: Dataset) -> dict[str, str]:
    """Normalised header -> canonical column, canonical names included."""
    index: dict[str, str] = {}
    for col in dataset.columns:
        for alias in (col.name, col.label_zh, *col.aliases):
            index.setdefault(normalise_header(alias), col.name)
    return index
