"""Synthetic demo data: the five spreadsheets a county rural credit union's HR office and trade
union keep (roster, training, competitions, grading, innovation), written the way their Excel
exports really look: title rows, Chinese headers, GBK or BOM encodings, CRLF line ends.

Everything is invented (places, people, courses) and deterministic for (scale, seed). The data
covers 2024-01-01 .. 2026-10-31. Patterns planted for the dashboard to find, per legal entity:

- training: outlets LAGGING_OUTLETS (石门信用社, 双河信用社 at scale 1) have many staff with no
  training at all and far fewer hours per head; political study is about a quarter of hours;
- competition: outlet MEDAL_OUTLET (城关支行, the biggest) wins by far the most medals; a dozen
  tellers per org (IMPROVERS_PER_ORG) climb from the bottom to the top of their events year by year;
- innovation: the first studio of each org converts about 90% of its finished projects (the others
  about 20%) and brings most of the benefit.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FIRST_DAY = np.datetime64("2024-01-01")
LAST_DAY = np.datetime64("2026-10-31")
YEARS = (2024, 2025, 2026)
NEVER = np.datetime64("2100-01-01")  # exit date of someone still employed
# New Year, Spring Festival, Labour Day and National Day breaks: no training on these days.
HOLIDAYS = np.concatenate([np.arange(np.datetime64(first), np.datetime64(last) + 1) for first, last in (
    ("2024-01-01", "2024-01-01"), ("2024-02-10", "2024-02-17"), ("2024-05-01", "2024-05-05"),
    ("2024-10-01", "2024-10-07"), ("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"),
    ("2025-05-01", "2025-05-05"), ("2025-10-01", "2025-10-08"), ("2026-01-01", "2026-01-03"),
    ("2026-02-15", "2026-02-23"), ("2026-05-01", "2026-05-05"), ("2026-10-01", "2026-10-07"))])
FILE_TIME = dt.datetime(2026, 11, 2, 9, 30, 0)  # fixed so the xlsx bytes are reproducible

ORG_NAME = "青禾县农村信用合作联社"
ORG_SHORT = "青禾"
ID_PREFIX = "QC"
EMPLOYEES_PER_ORG = 600

ROSTER_FILE = "职工花名册.xlsx"
TRAINING_FILE = "培训记录.csv"
COMPETITION_FILE = "技能竞赛成绩.csv"
GRADING_FILE = "等级评定.csv"
INNOVATION_FILE = "创新成果.csv"
# Which dataset each file is imported into, roster first (the others are filled from it).
FILES = {"employees": ROSTER_FILE, "training": TRAINING_FILE, "competition": COMPETITION_FILE,
         "grading": GRADING_FILE, "innovation": INNOVATION_FILE}

# ---------------------------------------------------------------------------------------------
# Vocabulary. Every character here must be encodable in GBK (two of the files are GBK).

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
                "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
                "毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN_MALE = list("伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林阳建国峰志文海亮成晨东坤博兵毅"
                  "松柏航川锋力朋")
GIVEN_FEMALE = list("芳娜敏静丽艳娟霞燕玲婷雪琳颖倩洁梅慧蓉红萍莉秀兰晶丹妮悦欣瑶璐媛蕾薇琴云月春莹露岚")
GIVEN_MIDDLE = list("晓子思雨嘉佳文一小永德振家诗梦亚海春秋俊新金玉立宏志")
# Real well-known people a random draw could hit: redrawn if produced.
FAMOUS_NAMES = frozenset("""李娜 刘翔 姚明 王菲 成龙 李白 杜甫 孙俪 刘洋 杨利伟 王亚平 邓亚萍 郎平 李宁 马云 马化腾
雷军 周杰伦 王力宏 林俊杰 张学友 刘德华 黎明 郭富城 赵薇 范冰冰 章子怡 巩俐 周迅 李连杰 吴京 黄渤 徐峥 王宝强
孙杨 叶诗文 张怡宁 王楠 刘国梁 孔令辉 马龙 张继科 许海峰 林丹 鲁迅 老舍 巴金 冰心 茅盾 钱学森 袁隆平 屠呦呦
钟南山 雷锋 焦裕禄 王进喜 张海迪 邓稼先 华罗庚 陈景润 李四光 周恩来 朱德 毛泽东 邓小平 江泽民 胡锦涛 习近平
李克强 李鹏 朱镕基 温家宝 张艺谋 陈凯歌 冯小刚 姜文 莫言 余华 金庸 古龙 琼瑶 韩寒 易建联 王治郅 刘备 关羽 张飞
孙权 曹操 诸葛亮 岳飞 李清照 苏轼 王安石 孔子 孟子 老子 孙武 黄飞鸿 叶问 霍元甲 王军霞 张宁 杨阳 刘璇 高敏
伏明霞 郭晶晶 田亮 王励勤 王皓 邓琳琳 李小鹏 杨威 程菲 张伟 王刚 王芳 李明 刘波 王宁 张杰 杨洋 陈坤 李晨 林志玲
赵丽颖 杨幂 刘诗诗 唐嫣 孙红雷 邓超 李冰冰 舒淇 王俊凯 易烊千玺 王源 鹿晗 吴亦凡 杨紫 宋丹丹 赵本山 冯巩 倪萍
白岩松 董卿 康辉 李咏 朱军 崔永元""".split())

# Invented place names: a first and a last character from these lists (plus a middle one if needed).
PLACE_FIRST = list("青白金石龙马凤黄柳桃杨梅竹松高新安永长太平宝兴东西南北大小双三古清云花红碧玉乐福丰")
PLACE_LAST = list("山河桥溪坪坝湾岭庄塘口沟集铺店寨场林泉川峰滩堡渡岗营屯台")
PLACE_MIDDLE = list("家水田岩花沙土")
# Combinations that are well-known real cities or counties, or read badly (黄泉 = the underworld).
PLACE_AVOID = frozenset("黄泉 乐山 黄山 东营 西林 平塘 长岭 福山 永川 东山 南山 北山 平山 宝山 金山 石台 清河 新河 高台 "
                        "青山 白山 松山 龙口 东台 西峰 兴山 三台 龙泉".split())

# Scale 1 is the shipped demo: its outlets have fixed names so the story reads the same each time.
FIRST_ORG_OUTLETS = ("城关支行", "青石信用社", "白鹤信用社", "桃源支行", "龙潭信用社",
                     "石门信用社", "柳林支行", "金桥信用社", "双河信用社", "马鞍支行")
DEPARTMENTS = ("综合办公室", "人力资源部", "财务会计部", "风险管理部")
MEDAL_OUTLET = 0  # 城关支行: the county-seat branch with the strongest tellers
LAGGING_OUTLETS = (5, 8)  # 石门信用社, 双河信用社: remote outlets that rarely train
IMPROVERS_PER_ORG = 12  # tellers who climb from the bottom to the top of their events

LINES = ("柜面", "客户经理", "综合管理")
ALL = "全员"  # a course open to every line
GRADES = ("一级", "二级", "三级", "四级", "五级")  # 一级 lowest, 五级 highest

# Training catalogue: course, canonical category, audience line (ALL = everyone), kind, organizer,
# hours choices, share of sessions with an exam, relative frequency.
# kind: org = head office session, branch = held inside one outlet (以会代训, organized by the outlet
# itself), online, away, site.
COURSES = [
    ("党的二十大精神专题学习", "思想政治", ALL, "org", "党委办公室", (2, 3, 4), 0.7, 3),
    ("党纪学习教育专题党课", "思想政治", ALL, "org", "党委办公室", (2, 3), 0.7, 3),
    ("理论学习中心组扩大学习", "思想政治", "综合管理", "org", "党委办公室", (2, 3), 0.0, 2),
    ("每周政治理论学习", "思想政治", ALL, "branch", None, (1, 1.5, 2), 0.0, 3),
    ("网上党校专题课程", "思想政治", ALL, "online", "党委办公室", (1, 2, 3, 4), 0.9, 3),
    ("红色教育基地现场教学", "思想政治", ALL, "site", "工会", (4, 6, 8), 0.0, 1),
    ("工会干部与会员政治素质提升", "思想政治", ALL, "org", "工会", (2, 3), 0.6, 1),
    ("柜面业务操作规范培训", "专业技能", "柜面", "org", "财务会计部", (2, 3, 4), 0.8, 3),
    ("点钞与传票录入技能训练", "专业技能", "柜面", "site", "财务会计部", (2, 3), 0.6, 2),
    ("反假货币业务培训", "专业技能", "柜面", "org", "财务会计部", (2, 3, 4), 0.9, 2),
    ("支付结算与账户管理", "专业技能", "柜面", "online", "财务会计部", (1, 2), 0.9, 2),
    ("数字人民币业务培训", "专业技能", ALL, "online", "财务会计部", (1, 2), 0.9, 2),
    ("信贷业务流程与贷前调查", "专业技能", "客户经理", "org", "信贷管理部", (3, 4, 6), 0.8, 3),
    ("农户小额信用贷款实务", "专业技能", "客户经理", "org", "信贷管理部", (2, 3, 4), 0.7, 2),
    ("财务报表分析与授信审查", "专业技能", "客户经理", "away", "省联社培训中心", (16, 24), 0.9, 1),
    ("新会计准则解读", "专业技能", "综合管理", "org", "财务会计部", (2, 3), 0.5, 1),
    ("晨会业务学习", "专业技能", ALL, "branch", None, (0.5, 1), 0.0, 5),
    ("柜面业务骨干研修班", "专业技能", "柜面", "away", "省联社培训中心", (8, 16, 24), 0.9, 1),
    ("办公软件应用", "专业技能", "综合管理", "online", "人力资源部", (1, 2), 0.8, 1),
    ("反洗钱知识培训", "合规风控", ALL, "online", "风险管理部", (1, 2), 0.95, 3),
    ("案件防控警示教育", "合规风控", ALL, "org", "风险管理部", (2,), 0.6, 2),
    ("合规操作与典型案例剖析", "合规风控", ALL, "org", "风险管理部", (2, 3), 0.9, 2),
    ("员工行为管理与异常行为排查", "合规风控", ALL, "branch", None, (1,), 0.0, 2),
    ("信贷风险识别与不良贷款清收", "合规风控", "客户经理", "org", "风险管理部", (3, 4), 0.7, 2),
    ("消费者权益保护培训", "合规风控", ALL, "online", "风险管理部", (1, 2), 0.9, 2),
    ("电信网络诈骗防范", "合规风控", "柜面", "branch", None, (1, 1.5), 0.0, 2),
    ("数据安全与保密教育", "合规风控", ALL, "online", "综合办公室", (1,), 0.9, 1),
    ("厅堂服务与营销技巧", "营销服务", "柜面", "org", "个人金融部", (2, 3), 0.8, 2),
    ("文明规范服务培训", "营销服务", "柜面", "site", "个人金融部", (2, 4), 0.3, 1),
    ("客户经理营销能力提升班", "营销服务", "客户经理", "away", "市农信办", (8, 16), 0.8, 1),
    ("普惠金融整村授信推进", "营销服务", "客户经理", "org", "普惠金融部", (3, 4), 0.8, 2),
    ("网格化营销实务", "营销服务", "客户经理", "site", "普惠金融部", (4,), 0.3, 1),
    ("投诉处理与服务礼仪", "营销服务", ALL, "online", "个人金融部", (1, 2), 0.9, 1),
    ("消防安全与应急处置演练", "其他", ALL, "branch", None, (2,), 0.0, 1),
    ("职工心理健康讲座", "其他", ALL, "org", "工会", (2,), 0.0, 1),
    ("安全保卫与防抢演练", "其他", ALL, "branch", None, (1, 2), 0.0, 1),
    ("公文写作培训", "其他", "综合管理", "org", "综合办公室", (3, 4), 0.3, 1),
]
FORM_OF_KIND = {"org": "集中培训", "branch": "以会代训", "online": "线上学习", "away": "外出学习",
                "site": "现场教学"}
SIZE_OF_KIND = {"org": (25, 81), "branch": (10, 81), "online": (40, 81), "away": (10, 17),
                "site": (15, 41)}
# How clerks actually type the category: synonyms the importer maps back.
CATEGORY_SPELLINGS = {"思想政治": (("思想政治", "党建", "理论学习"), (0.5, 0.3, 0.2)),
                      "专业技能": (("专业技能", "业务技能"), (0.7, 0.3))}
MONTH_WEIGHTS = np.array([1.0, 0.5, 1.3, 1.1, 1.0, 1.1, 0.9, 0.8, 1.0, 0.8, 1.1, 0.9])
HOURS_PER_HEAD = 45.0  # yearly person-hours budget per employed head (laggards pull the mean down)
# How the budget is split: political study about a quarter of all hours.
CATEGORY_SHARES = {"思想政治": 0.25, "专业技能": 0.39, "合规风控": 0.17, "营销服务": 0.13, "其他": 0.06}
PASS_MARK = 70

# Competitions: events, (mean, spread) of scores.
EVENTS = {"柜面": {"点钞": (86, 6), "传票录入": (78, 9), "汉字录入": (74, 10), "反假货币": (88, 5)},
          "客户经理": {"业务知识": (80, 8), "营销演讲": (82, 6)}}
CONTEST_NAME = {"柜面": "柜面业务技能竞赛", "客户经理": "客户经理营销技能比武"}

PROJECT_TITLES = {
    "管理创新": ["柜面业务流程再造", "网点劳动组合优化研究", "绩效考核精细化管理实践", "网点运营成本管控模式探索",
               "基层网点“一点一策”管理实践", "员工积分制管理探索", "档案管理标准化建设", "合规管理清单化实践",
               "集中作业模式优化", "网点负责人履职评价体系",
               "费用报销流程线上化", "基层网点标准化建设评价"],
    "服务创新": ["厅堂服务“一站式”改造", "适老化金融服务网点建设", "客户投诉快速响应机制", "流动服务车进村服务实践",
               "残障客户无障碍服务规范", "网点等候时间压降方案", "农民工工资代发便民服务", "厅堂微沙龙服务模式",
               "客户满意度回访机制", "节假日营业网点弹性服务"],
    "业务创新": ["存量客户分层经营模式", "代发工资客户综合营销", "对公账户开户流程优化", "存款营销“网格+”模式",
               "银行卡助农取款服务点提质", "社保卡一体化服务推广", "公积金贷款业务联动营销", "商户收单综合服务方案",
               "县域中小企业结算服务方案", "养老金客户专属服务体系"],
    "产品创新": ["新型农业经营主体专属贷款产品", "“乡村振兴贷”产品设计", "种养殖户活体抵押贷款探索", "茶农季节性信用贷款",
               "返乡创业担保贷款产品优化", "林权抵押贷款产品开发", "个体工商户线上信用贷", "农机具按揭贷款产品",
               "光伏贷款产品设计", "农村集体经济组织专属存款"],
    "技术创新": ["柜面智能预填单系统开发", "信贷档案电子化管理系统", "反假币识别辅助工具开发", "网点智能排班小程序",
               "贷后风险预警模型构建", "移动展业终端功能优化", "营销数据看板开发", "柜面差错自动校验工具",
               "自助设备运维管理系统", "柜面印章电子化管理"],
    "党建创新": ["党建引领网格化金融服务", "“党建+金融”助力乡村振兴", "党员先锋岗创建实践", "支部共建结对帮扶模式",
               "红色金融教育阵地建设", "党员志愿服务队金融知识宣传",
               "“支部建在网点上”实践", "党建品牌创建与评价"],
    "普惠金融创新": ["普惠金融整村授信模式探索", "信用村信用户评定机制优化", "普惠金融服务站运营模式", "农户信息建档数字化实践",
                 "新市民金融服务方案", "小微企业首贷拓展机制", "乡村金融服务专员驻村模式", "农户信用评级模型改进",
                 "农村电商金融服务模式", "金融辅导员进园区实践"],
    "其他": ["职工技能传帮带机制", "新员工导师制培养实践", "网点安全保卫标准化建设", "职工书屋与学习型组织建设",
           "青年员工成长档案建设", "职工心理关爱机制建设", "反诈宣传进村入户实践"],
}
STUDIO_CATEGORIES = tuple(PROJECT_TITLES)  # 管理创新 … 其他, as the spec lists them


# ---------------------------------------------------------------------------------------------
# Helpers

def _random_days(rng: np.random.Generator, start, end, size) -> np.ndarray:
    """Uniform dates in [start, end] as datetime64[D]."""
    start, end = np.datetime64(start, "D"), np.datetime64(end, "D")
    return start + rng.integers(0, int((end - start).astype(int)) + 1, size).astype("timedelta64[D]")


def _day_array(column: pd.Series) -> np.ndarray:
    """A date column as datetime64[D] (pandas keeps seconds; day arithmetic needs days)."""
    return column.to_numpy().astype("datetime64[D]")


def _workday(dates: np.ndarray) -> np.ndarray:
    """Move weekends and public holidays to the next working day (offices train on working days)."""
    dates = dates.astype("datetime64[D]")
    later = np.busday_offset(dates, 0, roll="forward", holidays=HOLIDAYS)
    earlier = np.busday_offset(dates, 0, roll="backward", holidays=HOLIDAYS)
    return np.where(later <= LAST_DAY, later, earlier)  # the data stops at LAST_DAY


def _format_dates(dates, style: str) -> np.ndarray:
    """Dates as text the way each office types them; NaT becomes an empty cell."""
    dates = np.asarray(dates, dtype="datetime64[D]")
    unique, inverse = np.unique(dates, return_inverse=True)  # few distinct dates: format each once
    text = []
    for day in pd.DatetimeIndex(unique):
        if pd.isna(day):
            text.append("")
        elif style == "slash":
            text.append(f"{day.year}/{day.month}/{day.day}")
        elif style == "chinese":
            text.append(f"{day.year}年{day.month}月{day.day}日")
        else:
            text.append(day.strftime("%Y-%m-%d"))
    return np.array(text, dtype=object)[inverse.reshape(-1)]


def _format_number(value: float) -> str:
    """1.5 -> '1.5', 2.0 -> '2', NaN -> '' (Excel shows no trailing .0)."""
    if value is None or pd.isna(value):
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _format_numbers(values) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    unique, inverse = np.unique(values, return_inverse=True)
    return np.array([_format_number(v) for v in unique], dtype=object)[inverse.reshape(-1)]


def _place_names(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    """Invented two-character place names (three characters once the two-character ones run out)."""
    pool = [a + b for a in PLACE_FIRST for b in PLACE_LAST]
    pool = [p for p in pool if p not in taken and p not in PLACE_AVOID]
    if count > len(pool):
        pool += [a + m + b for a in PLACE_FIRST for m in PLACE_MIDDLE for b in PLACE_LAST]
    picked = rng.choice(len(pool), size=count, replace=False)
    return [pool[i] for i in picked]


def _person_names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """Invented names: a common surname and one or two given characters; famous names redrawn."""
    n = len(female)
    names = np.empty(n, dtype=object)
    todo = np.arange(n)
    while len(todo):
        surname = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), len(todo))]
        male_last = np.array(GIVEN_MALE)[rng.integers(0, len(GIVEN_MALE), len(todo))]
        female_last = np.array(GIVEN_FEMALE)[rng.integers(0, len(GIVEN_FEMALE), len(todo))]
        last = np.where(female[todo], female_last, male_last)
        middle = np.array(GIVEN_MIDDLE + GIVEN_MALE[:12] + GIVEN_FEMALE[:12])[
            rng.integers(0, len(GIVEN_MIDDLE) + 24, len(todo))]
        two_chars = rng.random(len(todo)) < 0.7
        given = np.where(two_chars, np.char.add(middle.astype(str), last.astype(str)), last)
        drawn = np.char.add(surname.astype(str), given.astype(str)).astype(object)
        ok = np.array([d not in FAMOUS_NAMES for d in drawn], dtype=bool)
        names[todo[ok]] = drawn[ok]
        todo = todo[~ok]
    return names


# ---------------------------------------------------------------------------------------------
# The organisation: legal entities (org) and their branches

def make_branches(scale: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per branch: its org, kind (营业部, 部门, 网点), outlet number and planted role."""
    names_needed = (scale - 1) * (len(FIRST_ORG_OUTLETS) + 1)
    taken = {ORG_SHORT, *(n[:-3] if n.endswith("信用社") else n[:-2] for n in FIRST_ORG_OUTLETS)}
    invented = iter(_place_names(rng, names_needed, taken))
    rows = []
    for org_no in range(scale):
        short = ORG_SHORT if org_no == 0 else next(invented)
        org = ORG_NAME if scale == 1 else f"{short}农商银行"
        prefix = "" if scale == 1 else short  # branch names stay unique across orgs
        rows.append((org, short, org_no, f"{prefix}营业部", "营业部", -1))
        rows += [(org, short, org_no, f"{prefix}{d}", "部门", -1) for d in DEPARTMENTS]
        for outlet_no in range(len(FIRST_ORG_OUTLETS)):
            if org_no == 0:
                name = FIRST_ORG_OUTLETS[outlet_no]
            else:
                name = next(invented) + ("支行" if rng.random() < 0.4 else "信用社")
            rows.append((org, short, org_no, name, "网点", outlet_no))
    branches = pd.DataFrame(rows, columns=["org", "org_short", "org_no", "branch", "kind", "outlet_no"])
    branches["lagging"] = branches["outlet_no"].isin(LAGGING_OUTLETS)
    branches["medal"] = branches["outlet_no"] == MEDAL_OUTLET
    # Head count per branch: departments are small, the rest is shared among the outlets.
    sizes = np.zeros(len(branches), dtype=int)
    for org_no, idx in branches.groupby("org_no").indices.items():
        kinds = branches["kind"].to_numpy()[idx]
        dept = kinds == "部门"
        sizes[idx[dept]] = rng.integers(8, 15, dept.sum())
        sizes[idx[kinds == "营业部"]] = rng.integers(44, 57)
        outlets = idx[kinds == "网点"]
        remaining = EMPLOYEES_PER_ORG + int(rng.integers(-20, 21)) - sizes[idx].sum()
        outlet_sizes = rng.multinomial(remaining, rng.dirichlet(np.full(len(outlets), 12.0)))
        # The county-seat outlet (the medal winner) is the biggest; the rest in random order.
        largest = outlet_sizes.argmax()
        outlet_sizes[[MEDAL_OUTLET, largest]] = outlet_sizes[[largest, MEDAL_OUTLET]]
        sizes[outlets] = outlet_sizes
    branches["size"] = sizes
    return branches


# ---------------------------------------------------------------------------------------------
# employees — 职工花名册

def make_roster(branches: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One row per employee, with the written roster columns and hidden traits the other datasets use."""
    b = np.repeat(np.arange(len(branches)), branches["size"].to_numpy())
    n = len(b)
    kind = branches["kind"].to_numpy()[b]
    branch_name = branches["branch"].to_numpy()[b]
    # Within a branch the first two are its heads; departments are all 综合管理.
    seat = pd.Series(b).groupby(b).cumcount().to_numpy()
    line = np.array(LINES, dtype=object)[rng.choice(3, n, p=[0.50, 0.335, 0.165])]
    line[(kind == "部门") | (seat < 2)] = "综合管理"
    is_head = seat < 2

    female = rng.random(n) < np.select([line == "柜面", line == "客户经理"], [0.68, 0.32], 0.45)
    female[is_head] = rng.random(is_head.sum()) < 0.25
    age = np.clip(rng.normal(38, 9, n), 22, np.where(female, 54, 58))
    age[is_head] = rng.uniform(38, 54, is_head.sum())
    birth = LAST_DAY - (age * 365.25).astype(int).astype("timedelta64[D]")
    hire_age = np.clip(rng.normal(23.5, 2.0, n), 18, age - 0.2)
    hire = birth + (hire_age * 365.25).astype(int).astype("timedelta64[D]")
    # Each summer a class of graduates joins (about 4% a year).
    new = (~is_head) & (age < 27) & (rng.random(n) < 0.45)
    new_year = rng.choice(YEARS, n)
    hire = np.where(new, (new_year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
                    + np.timedelta64(181, "D") + rng.integers(0, 31, n).astype("timedelta64[D]"), hire)
    hire = np.minimum(hire, LAST_DAY - np.timedelta64(60, "D"))

    # Status: most at work; 3% left, 2% retired, a few on long sick leave or seconded during the
    # period (exact counts, drawn from staff who had joined before mid-2023).
    status = np.array(["在岗"] * n, dtype=object)
    candidates = rng.permutation(np.flatnonzero(~is_head & (hire < np.datetime64("2023-07-01"))))
    counts = np.round(n * np.array([0.03, 0.02, 0.008, 0.008])).astype(int).clip(1)
    for status_name, chosen in zip(("离职", "退休", "长期病假", "借调"), np.split(candidates, np.cumsum(counts))):
        status[chosen] = status_name
    exit_date = np.full(n, NEVER)
    gone = status != "在岗"
    exit_date[gone] = _random_days(rng, "2024-02-01", "2026-10-15", gone.sum())
    retired = status == "退休"  # retirees reached 60 (men) or 55 (women) on leaving
    birth[retired] = exit_date[retired] - (np.where(female[retired], 55, 60) * 365.25).astype(int).astype(
        "timedelta64[D]") + rng.integers(0, 90, retired.sum()).astype("timedelta64[D]")
    hire[retired] = birth[retired] + (rng.uniform(19, 24, retired.sum()) * 365.25).astype(int).astype(
        "timedelta64[D]")
    age_now = (LAST_DAY - birth).astype(int) / 365.25

    # Positions by line and seat.
    outlet_head = np.where(pd.Series(branch_name).str.endswith("支行"), "行长",
                           np.where(kind == "网点", "主任", np.where(kind == "营业部", "总经理", "部门经理")))
    position = np.empty(n, dtype=object)
    position[seat == 0] = outlet_head[seat == 0]
    position[seat == 1] = ("副" + pd.Series(outlet_head[seat == 1])).to_numpy()
    position[seat == 1] = np.where(position[seat == 1] == "副部门经理", "部门副经理", position[seat == 1])
    staff = seat >= 2
    pick = rng.random(n)
    position[staff & (line == "综合管理") & (kind == "部门")] = np.where(
        pick[staff & (line == "综合管理") & (kind == "部门")] < 0.3, "业务主管", "专员")
    mask = staff & (line == "综合管理") & (kind != "部门")
    position[mask] = np.array(["综合内勤", "安全保卫", "综合员"], dtype=object)[rng.choice(3, mask.sum())]
    mask = line == "柜面"
    position[mask] = np.where(pick[mask] < 0.1, "大堂经理", "综合柜员")
    mask = line == "客户经理"
    position[mask] = np.array(["客户经理", "农户客户经理", "小微客户经理"], dtype=object)[
        rng.choice(3, mask.sum(), p=[0.6, 0.25, 0.15])]
    first_of_line = pd.Series(b).groupby([b, line]).cumcount().to_numpy() == 0
    position[first_of_line & (line == "柜面")] = "会计主管"
    position[first_of_line & (line == "客户经理")] = "信贷主管"

    older = age_now > 48
    education = np.where(older,
                         np.array(["高中", "大专", "本科", "硕士"], dtype=object)[
                             rng.choice(4, n, p=[0.15, 0.45, 0.38, 0.02])],
                         np.array(["高中", "大专", "本科", "硕士"], dtype=object)[
                             rng.choice(4, n, p=[0.01, 0.15, 0.74, 0.10])])
    party_p = np.where(is_head, 0.9, np.where(line == "综合管理", 0.55, 0.3))
    party = np.where(rng.random(n) < party_p, "中共党员",
                     np.where((age_now < 28) & (rng.random(n) < 0.6), "共青团员", "群众"))

    # Hidden traits: how keen on training, how skilled at competitions, whether a regular contestant.
    lagging = branches["lagging"].to_numpy()[b]
    diligence = rng.lognormal(0, 0.35, n)
    diligence[rng.random(n) < 0.02] = 0  # a handful anywhere who never show up
    diligence[lagging] *= 0.5
    # Laggard outlets: 45% of their staff never get to any training at all.
    share_in_branch = pd.Series(rng.random(n)).groupby(b).rank(pct=True).to_numpy()
    diligence[lagging & (share_in_branch <= 0.45)] = 0
    medal = branches["medal"].to_numpy()[b]
    ability = rng.normal(0, 1, n) + np.where(medal & (line != "综合管理"), 0.6, 0)

    roster = pd.DataFrame({
        "branch_no": b, "org_no": branches["org_no"].to_numpy()[b], "org": branches["org"].to_numpy()[b],
        "org_short": branches["org_short"].to_numpy()[b],
        "branch": branch_name, "line": line, "position": position,
        "gender": np.where(female, "女", "男"), "birth_date": birth.astype("datetime64[D]"),
        "hire_date": hire.astype("datetime64[D]"), "education": education, "party": party,
        "status": status, "exit_date": exit_date, "diligence": diligence, "ability": ability,
        "lagging": lagging, "medal": medal,
        "regular": rng.random(n) < np.where(medal, 0.8, 0.45), "study": rng.normal(0, 1, n),
    })
    roster["name"] = _person_names(rng, female)
    # Employee numbers follow seniority, as HR systems hand them out.
    order = np.lexsort((rng.random(n), roster["hire_date"].to_numpy()))
    width = max(4, len(str(n)))
    ids = np.empty(n, dtype=object)
    ids[order] = [f"{ID_PREFIX}{i:0{width}d}" for i in range(1, n + 1)]
    roster["employee_id"] = ids
    return roster.sort_values(["branch_no", "employee_id"], ignore_index=True)


def write_roster(roster: pd.DataFrame, path: Path, scale: int) -> Path:
    """职工花名册.xlsx: a merged title row, a 制表日期 row, the header on row 3, real Excel dates."""
    header = ["员工编号", "姓名", "所属机构", "条线", "岗位", "性别", "出生日期", "入职日期", "学历", "政治面貌", "人员状态"]
    columns = ["employee_id", "name", "branch", "line", "position", "gender", "birth_date", "hire_date",
               "education", "party", "status"]
    if scale > 1:
        header.insert(3, "法人机构")
        columns.insert(3, "org")
    title = f"{ORG_NAME}职工花名册" if scale == 1 else "全市农商银行系统职工花名册"

    wb = openpyxl.Workbook(write_only=True)  # streaming: 50,000 rows write in seconds
    wb.properties.creator = "人力资源部"
    wb.properties.created = FILE_TIME
    wb.properties.modified = FILE_TIME
    ws = wb.create_sheet("花名册")
    widths = {"员工编号": 10, "姓名": 9, "所属机构": 16, "法人机构": 16, "岗位": 12, "出生日期": 12, "入职日期": 12,
              "人员状态": 10}
    for i, h in enumerate(header):
        ws.column_dimensions[get_column_letter(i + 1)].width = widths.get(h, 8)
    ws.freeze_panes = "A4"
    title_cell = WriteOnlyCell(ws, value=title)
    title_cell.font = Font(size=16, bold=True)
    title_cell.alignment = Alignment(horizontal="center")
    ws.append([title_cell])
    ws.append(["制表日期：2026年10月31日"])
    bold = []
    for h in header:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = Font(bold=True)
        bold.append(cell)
    ws.append(bold)
    ws.merged_cells.add(f"A1:{get_column_letter(len(header))}1")
    # openpyxl writes the first employee (a datetime.date is a real Excel date cell); the rest are the
    # same XML, written at once (openpyxl takes seconds per ten thousand rows) and checked against it.
    dates = [c in ("birth_date", "hire_date") for c in columns]
    ws.append([roster[c].iat[0].date() if d else roster[c].iat[0] for c, d in zip(columns, dates)])

    notes = wb.create_sheet("说明")
    for line in ("1. 本表由人力资源部每月末导出，人员状态以制表日期为准。",
                 "2. 条线：柜面、客户经理、综合管理；人员状态：在岗、离职、退休、长期病假、借调。",
                 "3. 员工编号为唯一标识，请勿修改；新入职人员编号顺延。",
                 "4. 本表数据为演示用虚构数据。"):
        notes.append([line])
    _save_reproducibly(wb, path, "xl/worksheets/sheet1.xml",
                       _rows_xml([roster[c].to_numpy() for c in columns], dates, first_row=4))
    return path


def _rows_xml(columns: list[np.ndarray], dates: list[bool], first_row: int) -> str:
    """Worksheet rows as openpyxl's write-only mode writes them: text as inline strings, dates as
    day numbers with the date style (3: the first style after the title's and the header's fonts)."""
    n = len(columns[0])
    number = np.array([str(i) for i in range(first_row, first_row + n)], dtype=object)
    pieces = np.empty((n, 4 + 5 * len(columns)), dtype=object)
    pieces[:, 0], pieces[:, 1], pieces[:, 2], pieces[:, -1] = '<row r="', number, '">', "</row>"
    for j, (column, is_date) in enumerate(zip(columns, dates)):
        if is_date:  # days since 1899-12-30, Excel's day 0
            text = (column.astype("datetime64[D]") - np.datetime64("1899-12-30")).astype(int).astype(str)
            opening, closing = '" s="3" t="n"><v>', "</v></c>"
        else:
            unique, inverse = np.unique(column.astype(str), return_inverse=True)
            text = np.array([xml_escape(u) for u in unique], dtype=object)[inverse]
            opening, closing = '" t="inlineStr"><is><t>', "</t></is></c>"
        at = 3 + 5 * j
        pieces[:, at], pieces[:, at + 1], pieces[:, at + 2] = f'<c r="{get_column_letter(j + 1)}', number, opening
        pieces[:, at + 3], pieces[:, at + 4] = text, closing
    return "".join(pieces.ravel().tolist())


def _save_reproducibly(wb: openpyxl.Workbook, path: Path, sheet: str, rows_xml: str) -> None:
    """Save an xlsx whose bytes depend only on its content (fixed times in the properties and zip).
    rows_xml replaces the sheet's last row, which it must begin with (openpyxl wrote that row itself)."""
    from openpyxl.writer.excel import ExcelWriter  # wb.save() would stamp the current time

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FILE_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == sheet:
                xml = content.decode("utf-8")
                start, end = xml.rindex("<row "), xml.index("</sheetData>")
                if not rows_xml.startswith(xml[start:end]):
                    raise RuntimeError(f"{sheet}: the rows written at once differ from openpyxl's own")
                content = (xml[:start] + rows_xml + xml[end:]).encode("utf-8")
            target.writestr(fixed, content)


# ---------------------------------------------------------------------------------------------
# training — 培训记录

def _pick_attendees(weights: np.ndarray, sizes: np.ndarray, rng: np.random.Generator):
    """Weighted sampling without replacement for every session at once (exponential race keys:
    the `size` smallest of Exp(1)/weight). weights: sessions x employees, 0 = cannot attend."""
    sessions, people = weights.shape
    with np.errstate(divide="ignore"):
        keys = rng.standard_exponential((sessions, people)) / weights
    k = min(int(sizes.max()), people)
    cols = np.argpartition(keys, k - 1, axis=1)[:, :k] if k < people else np.tile(np.arange(people), (sessions, 1))
    picked_keys = np.take_along_axis(keys, cols, axis=1)
    order = np.argsort(picked_keys, axis=1)
    cols = np.take_along_axis(cols, order, axis=1)
    picked_keys = np.take_along_axis(picked_keys, order, axis=1)
    keep = (np.arange(k) < sizes[:, None]) & np.isfinite(picked_keys)
    rows = np.broadcast_to(np.arange(sessions)[:, None], cols.shape)
    return rows[keep], cols[keep]


def _make_sessions(org_no: int, branches: pd.DataFrame, year: int, count: int,
                   rng: np.random.Generator) -> pd.DataFrame:
    """Candidate training sessions of one org in one year (more than needed; trimmed by hours later)."""
    catalogue = pd.DataFrame(COURSES, columns=["course", "category", "audience", "kind", "organizer",
                                               "hours_choices", "exam_share", "frequency"])
    course = rng.choice(len(catalogue), count, p=catalogue["frequency"] / catalogue["frequency"].sum())
    s = catalogue.iloc[course].reset_index(drop=True)
    months = 12 if year < 2026 else 10  # the data ends on 2026-10-31
    month = rng.choice(months, count, p=MONTH_WEIGHTS[:months] / MONTH_WEIGHTS[:months].sum())
    first = np.datetime64(f"{year}-01", "M") + month
    length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(int)
    s["start_date"] = _workday(first.astype("datetime64[D]")
                               + (rng.random(count) * length).astype(int).astype("timedelta64[D]"))
    s["hours"] = [choices[i] for choices, i in
                  zip(s["hours_choices"], (rng.random(count) * s["hours_choices"].map(len)).astype(int))]
    s["hours"] = s["hours"].astype(float)
    low_high = np.array([SIZE_OF_KIND[k] for k in s["kind"]])
    s["size"] = rng.integers(low_high[:, 0], low_high[:, 1])
    # Branch-held sessions belong to one outlet; laggard outlets hold few of them.
    outlets = branches[(branches["org_no"] == org_no) & (branches["kind"] != "部门")]
    outlet_weight = outlets["size"].to_numpy() * np.where(outlets["lagging"], 0.15, 1.0)
    host = outlets.index.to_numpy()[rng.choice(len(outlets), count, p=outlet_weight / outlet_weight.sum())]
    s["host_branch"] = np.where(s["kind"] == "branch", host, -1)
    s["organizer"] = np.where(s["kind"] == "branch", branches["branch"].to_numpy()[host], s["organizer"])
    spelled = s["category"].copy()
    for canonical, (spellings, p) in CATEGORY_SPELLINGS.items():
        mask = (s["category"] == canonical).to_numpy()
        spelled[mask] = np.array(spellings, dtype=object)[rng.choice(len(spellings), mask.sum(), p=p)]
    s["category_written"] = spelled
    s["examined"] = rng.random(count) < s["exam_share"]
    # Fees: away courses are paid per head; some head-office courses pay an outside lecturer.
    cost = np.full(count, np.nan)
    away = (s["kind"] == "away").to_numpy()
    cost[away] = rng.integers(80, 301, away.sum()) * 10
    paid = (s["kind"] == "org").to_numpy() & (rng.random(count) < 0.3)
    cost[paid] = rng.integers(5, 31, paid.sum()) * 10
    s["cost"] = cost
    return s.drop_duplicates(["course", "start_date"], ignore_index=True)


def make_training(roster: pd.DataFrame, branches: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One row per employee per session, sessions sized 10-80 and budgeted to ~HOURS_PER_HEAD a year."""
    parts = []
    for org_no, staff in roster.groupby("org_no", sort=True):
        hire = _day_array(staff["hire_date"])
        leave = _day_array(staff["exit_date"])
        line = staff["line"].to_numpy()
        home = staff["branch_no"].to_numpy()
        diligence = staff["diligence"].to_numpy()
        for year in YEARS:
            months = 12 if year < 2026 else 10
            year_start, year_end = np.datetime64(f"{year}-01-01"), np.datetime64(f"{year}-12-31")
            employed_days = (np.minimum(leave, year_end) - np.maximum(hire, year_start)).astype(int).clip(0, 365)
            budget = HOURS_PER_HEAD * employed_days.sum() / 365 * months / 12
            s = _make_sessions(org_no, branches, year, int(budget / 20) + 300, rng)
            date = s["start_date"].to_numpy()[:, None]
            audience = s["audience"].to_numpy()[:, None]
            eligible = (hire[None, :] <= date) & (date < leave[None, :]) & (diligence[None, :] > 0)
            eligible &= (audience == ALL) | (audience == line[None, :])
            host = s["host_branch"].to_numpy()[:, None]
            eligible &= (host < 0) | (host == home[None, :])
            size = np.minimum(s["size"].to_numpy(), eligible.sum(axis=1))
            # Keep sessions (in random order) until each category's share of the budget is spent.
            keep = size >= 10
            person_hours = pd.Series(np.where(keep, size * s["hours"].to_numpy(), 0))
            spent = person_hours.groupby(s["category"]).cumsum().to_numpy()
            keep &= spent <= budget * s["category"].map(CATEGORY_SHARES).to_numpy()
            s, eligible, size = s[keep].reset_index(drop=True), eligible[keep], size[keep]
            # Branch-held sessions reach nearly everyone present; others favour the keen.
            weights = eligible * np.where(s["kind"].to_numpy()[:, None] == "branch", 1.0, diligence[None, :])
            rows, cols = _pick_attendees(weights, size, rng)
            part = s.iloc[rows][["course", "start_date", "hours", "category_written", "kind", "organizer",
                                 "examined", "cost"]].reset_index(drop=True)
            part["employee"] = staff.index.to_numpy()[cols]
            parts.append(part)
    t = pd.concat(parts, ignore_index=True)
    # Scores on examined sessions, driven by the person's study aptitude.
    study = roster["study"].to_numpy()[t["employee"].to_numpy()]
    score = np.clip(np.round(84 + 5 * study + rng.normal(0, 6, len(t))), 60, 100)
    t["score"] = np.where(t["examined"], score, np.nan)
    t["passed"] = np.where(t["examined"], np.where(score >= PASS_MARK, "合格", "不合格"), "")
    t["form"] = t["kind"].map(FORM_OF_KIND)
    t["employee_id"] = roster["employee_id"].to_numpy()[t["employee"].to_numpy()]
    t["name"] = roster["name"].to_numpy()[t["employee"].to_numpy()]
    return t.sort_values(["start_date", "course", "employee_id"], ignore_index=True)


def write_training(training: pd.DataFrame, path: Path) -> Path:
    """培训记录.csv: GBK, a title row, dates like 2024/3/5, and a 合计 row at the bottom. Written as CSV
    with no quoting: no value of ours holds a comma, a quote or a line end."""
    columns = [training["employee_id"], training["name"], training["course"],
               _format_dates(training["start_date"].to_numpy(), "slash"), _format_numbers(training["hours"]),
               training["category_written"], training["form"], training["organizer"],
               _format_numbers(training["score"]), training["passed"], _format_numbers(training["cost"])]
    columns = [pd.Series(column, dtype=object) if isinstance(column, np.ndarray) else column.reset_index(drop=True)
               for column in columns]
    with open(path, "wb") as f:
        f.write((_training_title_row() + "\r\n" + ",".join(TRAINING_HEADER) + "\r\n").encode("gbk"))
        for start in range(0, len(training), 50_000):  # in chunks (Python strings cost memory): "a,b,…,k\r\n"
            chunk = [column.iloc[start:start + 50_000].to_numpy(dtype=object) for column in columns]
            cells = np.full((len(chunk[0]), 2 * len(chunk)), ",", dtype=object)
            cells[:, 0::2] = np.column_stack(chunk)
            cells[:, -1] = "\r\n"
            f.write("".join(cells.ravel().tolist()).encode("gbk"))
        f.write((_training_total_row(training["hours"].sum()) + "\r\n").encode("gbk"))
    return path


TRAINING_HEADER = ("工号", "姓名", "培训名称", "培训日期", "培训学时", "培训类别", "培训形式", "主办部门", "考核成绩",
                   "考核结果", "培训费用（元）")
TRAINING_ROWS_PER_HEAD = 500  # the most --training-rows allows per head of the roster (about 0.7 a working day)
STREAM_BLOCK = 2000  # the most sessions drawn at once while streaming


def _training_title_row() -> str:
    return ",".join(["2024—2026年度职工培训台账"] + [""] * (len(TRAINING_HEADER) - 1))


def _training_total_row(hours: float) -> str:
    total = [""] * len(TRAINING_HEADER)
    total[0], total[4] = "合计", _format_number(hours)
    return ",".join(total)


def max_training_rows(scale: int) -> int:
    """The most training rows write_demo streams at this scale (TRAINING_ROWS_PER_HEAD a nominal head)."""
    return scale * EMPLOYEES_PER_ORG * TRAINING_ROWS_PER_HEAD


def _gbk_table(texts) -> np.ndarray:
    """Texts encoded once as GBK bytes, in an object array that numpy can index by the million."""
    return np.array([text.encode("gbk") for text in texts], dtype=object)


def write_training_stream(roster: pd.DataFrame, branches: pd.DataFrame, rows: int, path: Path,
                          rng: np.random.Generator) -> Path:
    """培训记录.csv with exactly `rows` data rows, in the layout of write_training (GBK, title row, CRLF,
    合计 row), written one working day at a time: memory stays the same whatever `rows` is.

    The same people and catalogue as make_training, at the density asked for: each working day gets its
    share of the rows (by MONTH_WEIGHTS); its sessions are drawn (org by head count, course by frequency
    and by the category's share of person-hours, CATEGORY_SHARES) and filled by weighted sampling of the
    org's staff employed that day (diligence: laggard outlets' staff train about half as much and 45%
    of them never; branch-held sessions take their own outlet's staff, laggards hosting few). A day's
    last session is kept whole (the next day then takes less); only the file's very last one is cut to
    make the count exact. One session per org, course and day (and host outlet for branch-held ones),
    so nobody has the same course twice on one day."""
    catalogue = pd.DataFrame(COURSES, columns=["course", "category", "audience", "kind", "organizer",
                                               "hours_choices", "exam_share", "frequency"])
    kinds = list(FORM_OF_KIND)
    course_kind = catalogue["kind"].map(kinds.index).to_numpy()
    held_in_branch = course_kind == kinds.index("branch")
    course_audience = catalogue["audience"].map(lambda a: -1 if a == ALL else LINES.index(a)).to_numpy()
    exam_share = catalogue["exam_share"].to_numpy()
    choices = catalogue["hours_choices"].map(len).to_numpy()
    hours_table = np.array([list(h) + [0.0] * (4 - len(h)) for h in catalogue["hours_choices"]])
    size_low = np.array([SIZE_OF_KIND[k][0] for k in catalogue["kind"]])
    size_high = np.array([SIZE_OF_KIND[k][1] for k in catalogue["kind"]])
    course_rank = np.argsort(np.argsort(catalogue["course"].to_numpy()))  # the file is sorted by course name
    spellings = [CATEGORY_SPELLINGS.get(c, ((c,), (1.0,))) for c in catalogue["category"]]
    spelling_p = np.array([list(p) + [0.0] * (3 - len(p)) for _, p in spellings])
    # A session's text around its date: "培训名称," + date + ",学时,类别,形式," + organizer + ","
    course_text = [f"{name}," for name in catalogue["course"]]
    middle_text = [[[f",{_format_number(h)},{s},{FORM_OF_KIND[kind]}," for s in names] for h in hours]
                   for hours, (names, _), kind in zip(catalogue["hours_choices"], spellings, catalogue["kind"])]
    organizer_text = [*branches["branch"], *catalogue["organizer"].fillna("")]  # host outlet, else the course's

    # Staff by org: the roster is sorted by branch, branches by org, so each org's staff are contiguous.
    org_no = roster["org_no"].to_numpy()
    orgs = int(org_no.max()) + 1
    org_start = np.searchsorted(org_no, np.arange(orgs))
    org_size = np.bincount(org_no, minlength=orgs)
    org_p = org_size / org_size.sum()
    width = int(org_size.max())
    valid = np.arange(width)[None, :] < org_size[:, None]
    slot = np.where(valid, org_start[:, None] + np.arange(width)[None, :], 0)  # org x place -> employee
    line = roster["line"].map(LINES.index).to_numpy()
    home = roster["branch_no"].to_numpy()
    slot_line = np.where(valid, line[slot], -2).astype(np.int8)
    slot_home = np.where(valid, home[slot], -2).astype(np.int32)
    diligence = roster["diligence"].to_numpy()
    hire = _day_array(roster["hire_date"]).astype(int)
    leave = _day_array(roster["exit_date"]).astype(int)
    study = roster["study"].to_numpy()
    id_rank = np.argsort(np.argsort(roster["employee_id"].to_numpy()))
    # Hosts of branch-held sessions: 营业部 and outlets (laggards rarely); every org has the same number.
    hosts = branches[branches["kind"] != "部门"].groupby("org_no")
    host_table = np.vstack([g.index.to_numpy() for _, g in hosts])
    host_weight = np.vstack([(g["size"] * np.where(g["lagging"], 0.15, 1.0)).to_numpy() for _, g in hosts])
    host_p = host_weight / host_weight.sum(axis=1, keepdims=True)
    key_span = len(branches) + orgs  # (course, host outlet or org) -> one number

    # Course odds: each category's expected person-hours in proportion to its CATEGORY_SHARES. A session's
    # expected size: its drawn size, capped by those who may come (an outlet's staff, for branch-held ones).
    keen = diligence > 0
    by_org = np.bincount(org_no[keen] * 3 + line[keen], minlength=3 * orgs).reshape(orgs, 3)
    by_home = np.bincount(home[keen] * 3 + line[keen], minlength=3 * len(branches)).reshape(-1, 3)
    pool_org = org_p @ by_org  # by line, in an average org
    pool_host = org_p @ np.einsum("oh,ohl->ol", host_p, by_home[host_table])  # by line, at an average host
    expected_size = np.array([
        np.minimum(np.arange(low, high), (pool_host if branch else pool_org)[a].sum() if a < 0 else
                   (pool_host if branch else pool_org)[a]).mean()
        for low, high, a, branch in zip(size_low, size_high, course_audience, held_in_branch)])
    person_hours = catalogue["frequency"] * catalogue["hours_choices"].map(np.mean) * expected_size
    course_p = (catalogue["frequency"] * catalogue["category"].map(CATEGORY_SHARES)
                / person_hours.groupby(catalogue["category"]).transform("sum")).to_numpy()
    course_p = course_p / course_p.sum()

    # Row pieces, encoded once: "工号,姓名," per person; "成绩,结果,费用\r\n" per score and fee.
    person_part = _gbk_table(roster["employee_id"] + "," + roster["name"] + ",")
    score_texts = [",,"] + [f"{s},{'合格' if s >= PASS_MARK else '不合格'}," for s in range(60, 101)]
    fee_texts = [""] + [str(10 * i) for i in range(1, 301)]  # fees are whole tens up to 3000 yuan
    tail_part = _gbk_table(s + f + "\r\n" for s in score_texts for f in fee_texts)

    # Each working day's share of the rows.
    days = np.arange(FIRST_DAY, LAST_DAY + 1)
    days = days[np.is_busday(days, holidays=HOLIDAYS)]
    month = days.astype("datetime64[M]")
    _, month_index, per_month = np.unique(month, return_inverse=True, return_counts=True)
    weight = MONTH_WEIGHTS[month.astype(int) % 12] / per_month[month_index]
    targets = np.round(rows * np.cumsum(weight) / weight.sum()).astype(np.int64)  # rows written by each day's end
    targets[-1] = rows

    written, half_hours = 0, 0  # half hours: the 合计 row, counted exactly
    with open(path, "wb") as f:
        f.write((_training_title_row() + "\r\n" + ",".join(TRAINING_HEADER) + "\r\n").encode("gbk"))
        for day, target in zip(days, targets):
            need = int(target) - written  # a day that went over its share leaves the next one less
            if need <= 0:
                continue
            today = int(day.astype(int))
            keen = (hire <= today) & (today < leave) & (diligence > 0)
            day_weight = np.where(valid & keen[slot], diligence[slot], 0.0)  # org x place
            by_org = np.bincount(org_no[keen] * 3 + line[keen], minlength=3 * orgs).reshape(orgs, 3)
            by_home = np.bincount(home[keen] * 3 + line[keen], minlength=3 * len(branches)).reshape(-1, 3)
            parts, taken = [], np.empty(0, dtype=np.int64)
            while need > 0:
                k = min(STREAM_BLOCK, need // 40 + 8)
                org = rng.choice(orgs, k, p=org_p)
                course = rng.choice(len(catalogue), k, p=course_p)
                host = np.where(held_in_branch[course], host_table[org, _choose_rows(host_p[org], rng)], -1)
                audience = course_audience[course]
                size = rng.integers(size_low[course], size_high[course])
                by_line = np.where(host[:, None] >= 0, by_home[host], by_org[org])  # who may come, by line
                can = np.where(audience < 0, by_line.sum(axis=1), by_line[np.arange(k), audience])
                count = np.minimum(size, can)
                key = course * key_span + np.where(host >= 0, host, len(branches) + org)
                first = np.zeros(k, dtype=bool)
                first[np.unique(key, return_index=True)[1]] = True
                count[(count < 10) | ~first | np.isin(key, taken)] = 0
                reached = np.cumsum(count)
                if reached[-1] >= need:  # the session that fills the day is the day's last, kept whole
                    last = int(np.searchsorted(reached, need))
                    count[last + 1:] = 0
                    count[last] -= max(0, int(reached[last]) - (rows - written))  # unless the file is full
                keep = np.flatnonzero(count)
                need -= int(count.sum())
                written += int(count.sum())
                if not len(keep):
                    continue
                org, course, host, count = org[keep], course[keep], host[keep], count[keep]
                taken = np.concatenate([taken, key[keep]])
                n = len(keep)
                hours = (rng.random(n) * choices[course]).astype(int)
                spelling = _choose_rows(spelling_p[course], rng)
                examined = rng.random(n) < exam_share[course]
                fee = np.zeros(n, dtype=int)  # in tens of yuan; 0 = none
                away = course_kind[course] == kinds.index("away")
                fee[away] = rng.integers(80, 301, away.sum())
                paid = (course_kind[course] == kinds.index("org")) & (rng.random(n) < 0.3)
                fee[paid] = rng.integers(5, 31, paid.sum())
                # Who may come: the course's line, the host outlet's own staff; branch-held sessions reach
                # nearly everyone present, others favour the keen.
                audience = course_audience[course][:, None]
                weights = day_weight[org]
                weights *= (audience < 0) | (slot_line[org] == audience)
                weights *= (host[:, None] < 0) | (slot_home[org] == host[:, None])
                weights = np.where(held_in_branch[course][:, None], weights > 0, weights)
                row, place = _pick_attendees(weights, count, rng)
                parts.append((slot[org[row], place], course, hours, spelling, examined, fee,
                              np.where(host >= 0, host, len(branches) + course), count))
            employee, course, hours, spelling, examined, fee, organizer, count = map(np.concatenate, zip(*parts))
            session = np.repeat(np.arange(len(course)), count)
            score = np.clip(np.round(84 + 5 * study[employee] + rng.normal(0, 6, len(employee))), 60, 100)
            score_code = np.where(examined[session], score.astype(int) - 59, 0)
            order = np.lexsort((id_rank[employee], course_rank[course[session]]))
            employee, session, score_code = employee[order], session[order], score_code[order]

            date = pd.Timestamp(day)
            date_text = f"{date.year}/{date.month}/{date.day}"
            session_part = _gbk_table(course_text[c] + date_text + middle_text[c][h][s] + organizer_text[o] + ","
                                      for c, h, s, o in zip(course.tolist(), hours.tolist(), spelling.tolist(),
                                                            organizer.tolist()))
            text = np.empty((len(employee), 3), dtype=object)
            text[:, 0] = person_part[employee]
            text[:, 1] = session_part[session]
            text[:, 2] = tail_part[score_code * len(fee_texts) + fee[session]]
            f.write(b"".join(text.ravel().tolist()))
            half_hours += int(np.round(2 * hours_table[course, hours][session]).sum())
        f.write((_training_total_row(half_hours / 2) + "\r\n").encode("gbk"))
    return path


# ---------------------------------------------------------------------------------------------
# competition — 技能竞赛成绩

def _award_by_rank(rank: np.ndarray, field: np.ndarray, top_prize: bool) -> np.ndarray:
    """特等 for the winner of a big field, then 一/二/三等奖 and 优秀奖 by share of the field."""
    award = np.full(len(rank), "无", dtype=object)
    for share, name in ((0.5, "优秀奖"), (0.3, "三等奖"), (0.15, "二等奖"), (0.06, "一等奖")):
        award[rank <= np.maximum(1, np.round(field * share))] = name
    if top_prize:
        award[(rank == 1) & (field >= 20)] = "特等奖"
    return award


def _contest_scores(line: pd.Series, event: pd.Series, skill: np.ndarray, rng: np.random.Generator):
    """Score 0-100: the event's mean and spread, moved by skill, plus the luck of the day."""
    mean = np.array([EVENTS[l][e][0] for l, e in zip(line, event)], dtype=float)
    spread = np.array([EVENTS[l][e][1] for l, e in zip(line, event)], dtype=float)
    score = np.clip(mean + spread * (0.85 * skill + 0.5 * rng.normal(0, 1, len(skill))), 0, 100)
    return np.round(score, 1), mean, spread


def _higher_round(entrants: pd.DataFrame, level: str, title: str, month_day: str, field_size: int,
                  rng: np.random.Generator) -> pd.DataFrame:
    """A city or provincial round: our entrants compete again; their rank counts the other
    counties' contestants too, who are not in our files."""
    r = entrants.copy()
    r["level"] = level
    r["date"] = np.array([np.datetime64(f"{y}-{month_day}") for y in r["year"]], dtype="datetime64[D]")
    r["competition"] = [title.format(year=y, contest=CONTEST_NAME[l]) for y, l in zip(r["year"], r["line"])]
    r["score"], mean, spread = _contest_scores(r["line"], r["event"], r["skill"].to_numpy(), rng)
    others = mean[:, None] + spread[:, None] * rng.normal(0.7, 0.6, (len(r), field_size))
    ours_ahead = r.groupby(["competition", "event"])["score"].rank(method="min", ascending=False).to_numpy() - 1
    r["rank"] = 1 + (others > r["score"].to_numpy()[:, None]).sum(axis=1) + ours_ahead
    r["award"] = _award_by_rank(r["rank"].to_numpy(), np.full(len(r), field_size + len(r)), top_prize=False)
    return r


def make_competition(roster: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Annual county contests for tellers and account managers, a city round for each event's best
    two and a provincial round (2025) for our city champions; one row per contestant per event."""
    improvers = np.zeros(len(roster), dtype=bool)
    for _, staff in roster.groupby("org_no"):
        pool = staff.index[(staff["line"] == "柜面") & (staff["status"] == "在岗") & ~staff["medal"]
                           & ~staff["lagging"] & (staff["hire_date"] < np.datetime64("2023-01-01"))]
        improvers[rng.choice(pool, min(IMPROVERS_PER_ORG, len(pool)), replace=False)] = True
    rows = []
    for year in YEARS:
        for org_no, staff in roster.groupby("org_no"):
            for line, events in EVENTS.items():
                date = np.datetime64(f"{year}-06-{int(rng.integers(10, 26)):02d}")
                present = ((staff["line"] == line) & (staff["hire_date"] <= date)
                           & (staff["exit_date"] > date)).to_numpy()
                keen = improvers[staff.index]
                joins = present & ((rng.random(len(staff)) < np.where(staff["regular"], 0.85, 0.2)) | keen)
                for event in events:
                    who = staff.index[joins & ((rng.random(len(staff)) < 0.7) | keen)]
                    # Improvers start near the bottom and gain one and a half standard deviations a year.
                    skill = np.where(improvers[who], -1.5 + 1.5 * (year - 2024),
                                     roster.loc[who, "ability"].to_numpy() + 0.1 * (year - 2024))
                    rows.append(pd.DataFrame({
                        "competition": f"{staff['org_short'].iat[0]}{year}年{CONTEST_NAME[line]}", "date": date,
                        "level": "联社级", "line": line, "event": event, "employee": who, "skill": skill,
                        "org_no": org_no, "year": year}))
    county = pd.concat(rows, ignore_index=True)
    county["score"] = _contest_scores(county["line"], county["event"], county["skill"].to_numpy(), rng)[0]
    county["rank"] = county.groupby(["competition", "event"])["score"].rank(method="min", ascending=False)
    field = county.groupby(["competition", "event"])["score"].transform("size").to_numpy()
    county["award"] = _award_by_rank(county["rank"].to_numpy(), field, top_prize=True)

    # The best two of each county event go on to the city round.
    city = _higher_round(county[county["rank"] <= 2], "市级", "{year}年全市农信系统{contest}", "09-12", 40, rng)
    # The provincial round of 2026 falls in November, after the data ends: only 2025's is in.
    champions = city[(city["year"] == 2025) & (city["line"] == "柜面")]
    champions = champions.sort_values("rank").groupby(["event", "org_no"]).head(1)
    province = _higher_round(champions, "省级", "{year}年全省农村信用社{contest}", "11-05", 60, rng)

    c = pd.concat([county, city, province], ignore_index=True)
    for column in ("employee_id", "name", "branch"):
        c[column] = roster[column].to_numpy()[c["employee"]]
    c["rank"] = c["rank"].astype(int)
    c = c.sort_values(["date", "competition", "event", "rank", "employee_id"], ignore_index=True)

    # How real clerks write it: one competition uses 金/银/铜, one left some ranks blank.
    medals = c["competition"] == f"{ORG_SHORT}2025年{CONTEST_NAME['客户经理']}"
    c.loc[medals, "award"] = c.loc[medals, "award"].replace({"一等奖": "金", "二等奖": "银", "三等奖": "铜"})
    c["rank_written"] = c["rank"].astype(str)
    no_rank = (c["competition"] == f"{ORG_SHORT}2024年{CONTEST_NAME['柜面']}") & (rng.random(len(c)) < 0.4)
    c.loc[no_rank, "rank_written"] = ""
    c["improver"] = improvers[c["employee"]]
    return c


def write_competition(competition: pd.DataFrame, path: Path) -> Path:
    """技能竞赛成绩.csv: UTF-8 with BOM, dates like 2025年6月18日."""
    out = pd.DataFrame({
        "竞赛名称": competition["competition"], "比赛日期": _format_dates(competition["date"].to_numpy(), "chinese"),
        "竞赛级别": competition["level"], "组别": competition["line"], "比赛项目": competition["event"],
        "工号": competition["employee_id"], "姓名": competition["name"], "所属网点": competition["branch"],
        "成绩": competition["score"].map(_format_number), "名次": competition["rank_written"],
        "获奖等级": competition["award"],
    })
    out.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path


# ---------------------------------------------------------------------------------------------
# grading — 等级评定

def make_grading(roster: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Yearly grades of everyone employed at the assessment (March): mostly unchanged, ~15% up, ~4% down."""
    n = len(roster)
    hire, leave = _day_array(roster["hire_date"]), _day_array(roster["exit_date"])
    tenure = (np.datetime64("2024-03-31") - hire).astype(int) / 365.25
    grade = np.clip(np.round(1 + tenure / 9 + 0.6 * roster["ability"].to_numpy()
                             + rng.normal(0, 0.6, n)), 1, 5).astype(int)
    grade[tenure < 1] = 1  # newcomers start at 一级
    graded_before = np.zeros(n, dtype=bool)
    rows = []
    for year in YEARS:
        day = np.datetime64(f"{year}-03-31")
        graded = (hire < np.datetime64(f"{year}-01-01")) & (leave > day)
        move = np.zeros(n, dtype=int)
        if year > YEARS[0]:
            draw = rng.random(n)
            move = np.where(draw < 0.16, 1, np.where(draw < 0.20, -1, 0))
            move[~graded_before] = 0
            grade = np.clip(grade + move, 1, 5)
        score = np.clip(80 + 5 * roster["ability"].to_numpy() + 6 * move + rng.normal(0, 5, n), 60, 100)
        rows.append(pd.DataFrame({"year": year, "employee": np.flatnonzero(graded),
                                  "grade": np.array(GRADES, dtype=object)[grade[graded] - 1],
                                  "score": np.round(score[graded], 1)}))
        graded_before |= graded
    g = pd.concat(rows, ignore_index=True)
    for column in ("employee_id", "name", "line"):
        g[column] = roster[column].to_numpy()[g["employee"]]
    return g


def write_grading(grading: pd.DataFrame, path: Path) -> Path:
    """等级评定.csv: GBK, plain header."""
    out = pd.DataFrame({"评定年度": grading["year"], "员工编号": grading["employee_id"], "姓名": grading["name"],
                        "条线": grading["line"], "评定等级": grading["grade"],
                        "评定得分": grading["score"].map(_format_number)})
    with open(path, "w", encoding="gbk", newline="") as f:
        out.to_csv(f, index=False, lineterminator="\r\n")
    return path


# ---------------------------------------------------------------------------------------------
# innovation — 创新成果

def _choose_rows(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One draw per row of a probability matrix (rows sum to 1): the chosen column."""
    return (rng.random((len(probabilities), 1)) > np.cumsum(probabilities, axis=1)[:, :-1]).sum(axis=1)


def make_innovation(roster: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """5-6 model-worker studios per org, ~10 projects each; the first studio converts far better."""
    titles = [(category, title) for category, names in PROJECT_TITLES.items() for title in names]
    employee_ids = roster["employee_id"].to_numpy()
    parts = []
    for org_no, staff in roster.groupby("org_no"):
        active = staff[staff["status"] == "在岗"]
        veterans = active[(active["hire_date"] < np.datetime64("2012-01-01")) & (active["party"] == "中共党员")
                          & ~active["lagging"] & ~active["name"].duplicated(keep=False)]
        studios = 6 if org_no == 0 else int(rng.integers(5, 7))
        leaders = rng.choice(veterans.index, studios, replace=False)
        # Each studio draws on a pool of a dozen colleagues, its leader first.
        others = [rng.choice(active.index.drop(leader), 11, replace=False) for leader in leaders]
        pools = np.column_stack([leaders, np.array(others)])
        studio = np.repeat(np.arange(studios), [12] + list(rng.integers(8, 12, studios - 1)))
        n = len(studio)
        star = studio == 0
        category, title = map(np.array, zip(*(titles[i] for i in rng.choice(len(titles), n, replace=False))))
        start = _workday(_random_days(rng, FIRST_DAY, "2026-08-31", n))
        end = start + rng.integers(120, 420, n).astype("timedelta64[D]")
        # The star studio puts results to use within months; the others take up to most of a year.
        converted = end + (rng.integers(30, 240, n) * np.where(star, 0.3, 1)).astype(int).astype("timedelta64[D]")
        age = (LAST_DAY - start).astype(int)
        # Convertible: 90% of the star studio's projects, 20% of the others' (exact shares per studio).
        share_in_studio = pd.Series(rng.random(n)).groupby(studio).rank(pct=True).to_numpy()
        convertible = share_in_studio <= np.where(star, 0.9, 0.2)
        promoted = ((LAST_DAY - converted).astype(int) > 180) & (rng.random(n) < 0.5)
        status = np.select(
            [(rng.random(n) < 0.06) & (age > 200), end > LAST_DAY, convertible & (converted <= LAST_DAY)],
            [np.full(n, "中止"), np.where(age < 120, "立项", "研究中"), np.where(promoted, "推广应用", "已转化")],
            "已完成").astype(object)
        is_converted = np.isin(status, ["已转化", "推广应用"])
        done = is_converted | (status == "已完成")
        # A quarter of converted projects never had a separate 结题: no end date written.
        order = pd.Series(np.where(is_converted, rng.random(n), np.inf)).rank(method="first").to_numpy()
        skipped = is_converted & (order <= max(1, round(0.25 * is_converted.sum())))
        end_written = np.where(done & ~skipped, end, np.datetime64("NaT"))
        benefit = np.select([is_converted, status == "已完成"],
                            [np.exp(rng.normal(np.where(star, 4.6, 3.0), 0.6)),
                             np.where(rng.random(n) < 0.6, rng.uniform(0, 8, n), 0.0)], 0.0)
        award_p = np.select([(is_converted & star)[:, None], is_converted[:, None], done[:, None]],
                            [[0.15, 0.35, 0.3, 0.17, 0.03], [0.35, 0.35, 0.2, 0.1, 0.0], [0.7, 0.25, 0.05, 0, 0]],
                            [1.0, 0, 0, 0, 0])
        patent_p = np.where((done & np.isin(category, ["技术创新", "产品创新"]))[:, None],
                            [0.4, 0.4, 0.2], [0.95, 0.05, 0.0])
        # Members: the leader plus 2-7 others from the studio's pool.
        pick = np.argsort(rng.random((n, 11)), axis=1) + 1
        size = rng.integers(2, 8, n)
        members = ["、".join(employee_ids[pools[s][np.concatenate([[0], p[:k]])]])
                   for s, p, k in zip(studio, pick, size)]
        leader_names = roster["name"].to_numpy()[leaders]
        parts.append(pd.DataFrame({
            "org_no": org_no, "title": title, "studio": (leader_names + "劳模创新工作室")[studio],
            "leader": leader_names[studio], "category": category, "status": status, "start_date": start,
            "end_date": end_written, "converted_date": np.where(is_converted, converted, np.datetime64("NaT")),
            "members": members, "branch": roster["branch"].to_numpy()[leaders][studio],
            "funding": np.round(rng.uniform(0.5, 20, n), 1), "benefit": np.round(np.minimum(benefit, 320), 1),
            "award_level": np.array(["无", "县级", "市级", "省级", "国家级"], dtype=object)[_choose_rows(award_p, rng)],
            "patents": _choose_rows(patent_p, rng), "star": star}))
    projects = pd.concat(parts).sort_values(["start_date", "org_no"], kind="stable", ignore_index=True)
    # Project numbers run by year of 立项: CX2024001, CX2024002, ...
    year = projects["start_date"].astype(str).str[:4]
    width = max(3, len(str(year.value_counts().max())))
    projects.insert(0, "project_id", "CX" + year + (projects.groupby(year).cumcount() + 1).map(
        lambda i: f"{i:0{width}d}"))
    return projects


def write_innovation(innovation: pd.DataFrame, path: Path) -> Path:
    """创新成果.csv: UTF-8 without BOM, ISO dates."""
    out = pd.DataFrame({
        "课题编号": innovation["project_id"], "课题名称": innovation["title"], "所属工作室": innovation["studio"],
        "领衔人": innovation["leader"], "创新类别": innovation["category"], "当前状态": innovation["status"],
        "立项日期": _format_dates(innovation["start_date"].to_numpy(), "iso"),
        "完成日期": _format_dates(innovation["end_date"].to_numpy(), "iso"),
        "转化日期": _format_dates(innovation["converted_date"].to_numpy(), "iso"),
        "参与人员": innovation["members"], "所属机构": innovation["branch"],
        "经费投入（万元）": innovation["funding"].map(_format_number),
        "经济效益（万元）": innovation["benefit"].map(_format_number),
        "获奖级别": innovation["award_level"], "专利数": innovation["patents"],
    })
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")
    return path


# ---------------------------------------------------------------------------------------------

def write_demo(out_dir: str | Path, scale: int = 1, seed: int = 2024,
               training_rows: int | None = None) -> list[Path]:
    """Write the five demo spreadsheets into out_dir, the way real offices write them; return their paths.
    training_rows: write exactly that many training rows, streamed (write_training_stream), instead of
    the default ~HOURS_PER_HEAD a year; the other four files are the same either way."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    if training_rows is not None and not 1 <= training_rows <= max_training_rows(scale):
        raise ValueError(f"training_rows must be between 1 and {max_training_rows(scale)} at scale {scale}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # One independent stream per dataset: changing one generator leaves the others' data as it was.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    branches = make_branches(scale, streams[0])
    roster = make_roster(branches, streams[1])
    roster_file = write_roster(roster, out_dir / ROSTER_FILE, scale)
    if training_rows is None:
        training_file = write_training(make_training(roster, branches, streams[2]), out_dir / TRAINING_FILE)
    else:
        training_file = write_training_stream(roster, branches, training_rows, out_dir / TRAINING_FILE, streams[2])
    return [
        roster_file,
        training_file,
        write_competition(make_competition(roster, streams[3]), out_dir / COMPETITION_FILE),
        write_grading(make_grading(roster, streams[4]), out_dir / GRADING_FILE),
        write_innovation(make_innovation(roster, streams[5]), out_dir / INNOVATION_FILE),
    ]
