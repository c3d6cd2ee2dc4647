"""The bureau's own words: one vocabulary for every line the data officer or the committee reads.

The CLI, its help texts, errors and the exports build their sentences from these terms, so that one thing is
always called the same (协议引资额, never 签约金额 in one place and 合同额 in another). Code and logs stay
English; each term carries the English word printed after it where that helps.
"""

from __future__ import annotations

# indicators (SPEC 3) — the headers of every score table
CONTRACT_AMOUNT = "协议引资额"  # C, contracted investment
FUNDS_IN_PLACE = "实际到位资金"  # F, funds actually in place
QUALITY_PROJECTS = "优质项目"  # Q
MAJOR_PROJECTS = "重大项目"  # M
LANDING_RATE = "落地转化率"  # R
SCHEDULE_PROGRESS = "序时进度"  # share of the year's target due by the month's end
BASE_SCORE = "基础得分"
SHARING_BONUS = "信息共享加分"
DEDUCTIONS = "减分"
TOTAL_SCORE = "总分"
RANK_IN_TYPE = "同类排名"
BONUS = "加分"
RANK_IN_GROUP = "组内排名"  # rank within the method's group (考核分组)
SCORE_GROUP = "考核分组"  # a group of units ranked together under the year's method
TARGET = "目标"
HUNDRED_MILLION_YUAN = "亿元"
GRADE = "考核等次"  # 优秀/良好/合格/不合格 when the method defines grades (methods' `grades`)
GRADE_SHORT = "等次"

# the units and their reports
UNIT = "单位"
UNIT_CODE = "单位编号"
UNIT_NAME = "单位名称"
UNIT_TYPE = "单位类型"
UNIT_TYPE_ZH = {"platform": "平台", "department": "部门", "bureau_section": "局内科室"}
WEEKLY_REPORT = "周报"
ISO_WEEK = "周次"
MONTH = "月份"
YEAR = "年度"
MISSING_REPORT = "缺报"
NOT_DUE = "未到期"  # a week that has not ended yet (or after the newest report received)
LEADS_COMPANION = "线索附表"  # the `.leads.csv` beside a CSV report
ENTRIES = "考核录入"  # committee entries and outside figures, inbox/entries/YYYY-MM/

# the routine
INGEST = "导入"
ACCEPTED = "接收"
SUPERSEDED = "替换旧版"
UNCHANGED = "未变"
REJECTED = "拒收"
QUARANTINE = "隔离区"
ARCHIVE = "归档"
INBOX = "收件箱"
WAREHOUSE = "数据仓库"
BUILD = "重新计算"  # dbt build: the warehouse and the scores
SCORES = "考核得分"
QUALITY_GATE = "数据质量检查"
SUBMIT = "报送"
SUBMISSION = "市级考核关键指标"
RESUBMIT = "重新报送"
WAIVER = "免报"
REASON = "理由"
VERSION = "版"
HOME = "主目录"
PASSED = "通过"
FAILED = "未通过"
FROZEN = "已冻结"
RECEIPTS = "回执"
TEMPLATES = "周报模板"
BULLETIN = "月度考核通报"

# keeping the warehouse safe (recovery)
JOURNAL = (
    "流水日志"  # journal/ingest.jsonl: every file received, superseded, rejected; every submission record
)
REBUILD = "重建"  # zhaoshang rebuild: the warehouse from the archive and the journal
BACKUP = "备份"  # zhaoshang backup: one file holding the home
RESTORE = "恢复"
DAMAGED = "已损坏"


def month_zh(year: int, month: int) -> str:
    """'2021年2月' — how a month is written in a sentence."""
    return f"{year}年{month}月"


def month_key(year: int, month: int) -> str:
    """'2021-02' — how a month is written on the command line and in folder names."""
    return f"{year}-{month:02d}"


def no_reports_yet(year: int, month: int) -> str:
    """The one sentence for a month in which no weekly report has arrived (not a list of gate failures)."""
    return (
        f"{month_key(year, month)} 尚无任何{WEEKLY_REPORT} / "
        f"no weekly report has arrived for {month_key(year, month)} yet."
    )
