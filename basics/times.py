"""Times as the bureau reads them: Beijing time, written the Chinese way (2021年12月5日 09:00)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_time(moment: Any) -> str:
    """An ISO timestamp or a datetime -> '2021年12月5日 09:00' in Beijing time ('—' when missing)."""
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.astimezone()
    local = moment.astimezone(BEIJING)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def beijing_date(moment: Any) -> str:
    """The day only: '2021年12月5日'."""
    return beijing_time(moment).split(" ")[0]


def now_beijing() -> datetime:
    return datetime.now(BEIJING)
