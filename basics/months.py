"""Parsing the `--month YYYY-MM` argument."""

from __future__ import annotations

import re

from basics.errors import UserError


def parse_month(text: str) -> tuple[int, int]:
    """'2021-06' -> (2021, 6); anything else is a UserError naming the expected form."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise UserError(
            f"月份“{text}”无效 / '{text}' is not a month.",
            "请写成 YYYY-MM，例如 --month 2021-06 / write it as YYYY-MM, for example --month 2021-06.",
        )
    return int(match[1]), int(match[2])
