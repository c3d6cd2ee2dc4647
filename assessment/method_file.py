"""Read and validate a method file (methods/*.yml); every mistake is one sentence with file, line and key.

`load_method(path)` returns a `Method` (the compiled rows the engine reads) or raises `MethodErrors`.
The format is explained for the committee in docs/METHOD_FILES.md; methods/2021.yml is the commented example.

A method file is untrusted input. It is read within limits (assessment.yaml_lines: size, encoding, values,
nesting, no aliases; here: counts of measures and items), every name must match a strict pattern, every number
is a finite decimal within a stated range (`NUMBERS`), and the SQL of a measure (`filter_sql`, spliced into
the dbt models) is built only from the whitelisted SQL of assessment.fields and values that passed
`fields.sql_text` / `fields.sql_number`; `fields.unsafe_fragment` checks each compiled fragment once more.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from assessment import fields as F
from assessment.yaml_lines import DuplicateKey, Node, Refused, Seq, load
from basics.registers import units

PERIODS = {
    "ytd_month": "年初至当月末",
    "quarter": "本季度",
    "year": "全年（逐月累计）",
    "month": "本月（不累计）",
    "half_year": "本半年（不累计）",
}
MISSING_TARGET = ("share", "zero")
UNIT_TYPES = ("platform", "department", "bureau_section")
# second pass (issue 20): deductions inside an item, shortfall over several minimums, points by rank
SECOND_PASS_FORMULAS = ("deducted", "shortfalls", "rank_points")
GRADE_NAME = re.compile(r"[\w\u4e00-\u9fff（）()·\-]{1,20}\Z")
QUOTA_ROUNDING = {"down": "向下取整", "up": "向上取整", "nearest": "四舍五入"}
GRADE_KEYS = {"grade", "at_least", "quota", "quota_rounding"}
EVENT_KEYS = {"label_zh", "measure", "rate"}

FORMULAS = {
    "indicators": (
        "ratio_to_target",
        "weighted",
        "efficacy",
        "tiers",
        "shortfall",
        "per_item",
        "manual",
        *SECOND_PASS_FORMULAS,
    ),
    "bonuses": ("per_item", "per_event", "manual"),
    "deductions": ("per_item", "per_event", "manual"),
}
KIND = {"indicators": "indicator", "bonuses": "bonus", "deductions": "deduction"}
ITEM_SECTIONS = ("indicators", "bonuses", "deductions")
# names: anchored with \Z (a `$` would let a trailing newline through)
CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}\Z")
METHOD_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}\Z")
ENTRY_CODE = re.compile(r"[A-Za-z\u4e00-\u9fff][A-Za-z0-9_\u4e00-\u9fff]{0,39}\Z")
MAX_LABEL = 200  # characters of a label_zh or title_zh
MAX_MEASURES = 300
MAX_ITEMS = 300  # indicators, bonuses and deductions together
MAX_DECIMALS = 6

# the range of each kind of number (inclusive) and whether it must be whole; docs/METHOD_FILES.md lists them
NUMBERS: dict[str, tuple[float, float, bool]] = {
    "points": (0, 10_000, False),  # points, points_each, total_points, caps and item caps
    "floor": (-10_000, 10_000, False),
    "ratio": (0, 1_000, False),  # weight, component cap, when_zero, a tier's minimum ratio
    "target": (0, 1e12, False),  # target: {value: n}
    "amount": (-1e12, 1e12, False),  # contract_amount / funds_ytd / land_mu bounds in where
    "days": (-36_600, 36_600, True),  # days_between bounds
    "feedback_days": (0, 3_660, True),
    "rounding": (0, 6, True),
    "year": (1900, 2100, True),  # from_year / to_year of the register
    "growth": (-1_000, 1_000, False),  # when_no_base of a growth measure (issue 20)
    "score": (-10_000, 10_000, False),  # a grade's at_least (issue 20)
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def shown(value: Any, limit: int = 60) -> str:
    """A value from the file as a sentence shows it: control characters escaped, at most `limit` long."""
    text = value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
    text = text if len(text) <= limit else text[:limit] + "…"
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def parse_number(value: Any, kind: str) -> Decimal | tuple[str, str]:
    """`value` as a finite Decimal within the range of `kind`, else the reason (zh, en)."""
    low, high, whole = NUMBERS[kind]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"“{shown(value)}”不是数字", f"'{shown(value)}' is not a number"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{shown(value)} 不是有限的数", f"{shown(value)} is not a finite number"
    if not low <= value <= high:
        return (
            f"{shown(value)} 超出范围（{low:,.0f} 至 {high:,.0f}）",
            f"{shown(value)} is out of range ({low:,.0f} to {high:,.0f})",
        )
    number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    if whole and number != number.to_integral_value():
        return f"{shown(value)} 应为整数", f"{shown(value)} must be a whole number"
    if number.normalize().as_tuple().exponent < -MAX_DECIMALS:
        return (
            f"{shown(value)} 小数位过多（最多{MAX_DECIMALS}位）",
            f"{shown(value)} has more than {MAX_DECIMALS} decimals",
        )
    return number


def _name(value: Any, pattern: re.Pattern[str] = CODE) -> str | None:
    """`value` if it is a name matching `pattern`, else None (lists and mappings are never names)."""
    return value if isinstance(value, str) and pattern.match(value) else None


TOP_KEYS = {
    "code": True,
    "title_zh": True,
    "period": True,
    "missing_target": False,
    "total_points": True,
    "rounding": False,
    "groups": True,
    "unit_lists": False,
    "measures": True,
    "indicators": True,
    "bonuses": False,
    "deductions": False,
    "caps": False,
    "grades": False,
    "veto": False,
}
MEASURE_KEYS = {
    "label_zh",
    "from",
    "sum",
    "count",
    "where",
    "ratio",
    "when_zero",
    "change",
    "entry",
    "growth",
    "when_no_base",
}
ITEM_KEYS = {
    "label_zh",
    "points",
    "formula",
    "measure",
    "target",
    "cap",
    "floor",
    "points_each",
    "beyond_target",
    "components",
    "tiers",
    "groups",
    "cap_group",
    "events",
    "step",
}
COMPONENT_KEYS = {"measure", "target", "weight", "scale", "cap"}
# keys each formula needs (besides label_zh, formula)
NEEDS = {
    "ratio_to_target": ("points", "measure", "target", "cap"),
    "weighted": ("points", "components"),
    "efficacy": ("points", "components"),
    "tiers": ("points", "components", "tiers"),
    "shortfall": ("points", "measure", "target", "points_each"),
    "per_item": ("measure", "points_each"),
    "per_event": ("measure", "points_each"),
    "manual": ("points", "measure"),
    "deducted": ("points", "events"),
    "shortfalls": ("points", "components", "points_each"),
    "rank_points": ("points", "measure", "step"),
}


@dataclass
class Problem:
    file: str
    line: int
    key: str
    zh: str
    en: str

    def __post_init__(self) -> None:  # names from the file may be long or hold control characters
        self.file = shown(self.file, 200)
        self.key = shown(self.key, 120)

    def sentence(self) -> str:
        where = f"{self.file}, line {self.line}, {self.key}"
        return f"{self.file} 第{self.line}行 {self.key}：{self.zh} / {where}: {self.en}"


class MethodErrors(Exception):
    """Every mistake found in one or more method files."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.sentence() for p in problems))
        self.problems = problems


def read_yaml(path: Path, problem: Callable[[int, str, str, str], None]) -> Any:
    """The parsed file, or None after reporting why it cannot be read (missing, a limit, not YAML)."""
    try:
        return load(path)
    except FileNotFoundError:
        problem(1, "-", "文件不存在", "the file does not exist")
    except Refused as refused:
        problem(refused.line, "-", refused.zh, refused.en)
    except DuplicateKey as dup:
        problem(dup.line, dup.key, f"键“{shown(dup.key)}”重复", f"the key '{shown(dup.key)}' appears twice")
    except yaml.YAMLError as err:
        # where the broken construct starts (an unclosed bracket), else where the parser stopped
        mark = getattr(err, "context_mark", None) or getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        what = " ".join(str(getattr(err, "problem", None) or err).split())
        problem(line, "-", f"YAML格式错误（{shown(what, 120)}）", f"not valid YAML ({shown(what, 120)})")
    return None


@dataclass
class Method:
    """A validated method and the rows the engine reads (one list per seed, see assessment.seeds)."""

    code: str
    path: Path
    title_zh: str
    period: str
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class _Reader:
    """Validates one file, collecting problems; builds the rows as it goes."""

    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.file = display
        self.problems: list[Problem] = []
        self.feedback_days: set[int] = set()  # every feedback_later_than_days of the measures
        self.major_amounts: set[Decimal] = set()  # the at_least of every major-project count (major_amount)

    # --- helpers ---------------------------------------------------------------------------------

    def problem(self, line: int, key: str, zh: str, en: str) -> None:
        self.problems.append(Problem(self.file, line, key, zh, en))

    @staticmethod
    def line_of(node: Any, key: str | None = None, default: int = 1) -> int:
        if isinstance(node, Node) and key is not None and key in node.key_lines:
            return node.key_lines[key]
        return getattr(node, "line", default)

    def mapping(self, node: Any, key: str, line: int) -> Node | None:
        if not isinstance(node, Node):
            self.problem(line, key, "应为键值表", "expected a mapping of keys to values")
            return None
        return node

    def check_keys(self, node: Node, allowed: set[str] | dict, where: str) -> None:
        for key in node:
            if key not in allowed:
                close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.8)
                hint_zh = f"，是否应为“{close[0]}”" if close else f"，可用的键：{', '.join(sorted(allowed))}"
                hint_en = (
                    f" (did you mean '{close[0]}'?)"
                    if close
                    else f" (known keys: {', '.join(sorted(allowed))})"
                )
                self.problem(
                    node.key_lines[key],
                    f"{where}.{key}" if where else key,
                    f"未知的键“{key}”{hint_zh}",
                    f"unknown key '{key}'{hint_en}",
                )

    def decimal(self, value: Any, line: int, key: str, kind: str) -> Decimal | None:
        """`value` as a finite decimal in the range of `kind` (NUMBERS), else a problem and None."""
        number = parse_number(value, kind)
        if isinstance(number, tuple):
            self.problem(line, key, *number)
            return None
        return number

    def number(self, node: Node, key: str, where: str, kind: str = "points") -> float | None:
        number = self.decimal(
            node.get(key), self.line_of(node, key), f"{where}.{key}" if where else key, kind
        )
        return None if number is None else float(number)

    def text(self, node: Node, key: str, where: str) -> str | None:
        value = node.get(key)
        at = f"{where}.{key}" if where else key
        if not isinstance(value, str) or not value.strip():
            self.problem(self.line_of(node, key), at, "应为非空文字", f"expected text, got '{shown(value)}'")
            return None
        if len(value) > MAX_LABEL or _CONTROL.search(value):
            self.problem(
                self.line_of(node, key),
                at,
                f"文字应为一行、不超过{MAX_LABEL}字、不含控制字符",
                f"expected one line of at most {MAX_LABEL} characters without control characters",
            )
            return None
        return value.strip()

    def label(self, node: Node, where: str, default: str) -> str:
        """The optional label_zh of `node` (validated text), else `default`."""
        if "label_zh" not in node:
            return default
        return self.text(node, "label_zh", where) or default

    def code_ok(self, code: str, line: int, where: str) -> bool:
        if not CODE.match(code):
            self.problem(
                line,
                where,
                f"编号“{shown(code)}”只能用字母、数字和下划线，以字母开头，不超过40个字符",
                f"code '{shown(code)}' must be letters, digits and underscores, starting with a letter, "
                "at most 40 characters",
            )
            return False
        return True

    def too_many(self, root: Node, key: str, count: int, limit: int, what_zh: str, what_en: str) -> bool:
        if count <= limit:
            return False
        self.problem(
            self.line_of(root, key),
            key,
            f"{what_zh}过多（{count} 个，最多 {limit} 个）",
            f"too many {what_en} ({count}, at most {limit})",
        )
        return True

    # --- the file --------------------------------------------------------------------------------

    def read(self) -> Method | None:
        doc = read_yaml(self.path, self.problem)
        if doc is None:
            return None
        root = self.mapping(doc, "-", 1)
        if root is None:
            return None
        self.check_keys(root, TOP_KEYS, "")
        for key, required in TOP_KEYS.items():
            if required and key not in root:
                self.problem(root.line, key, f"缺少必填的键“{key}”", f"the required key '{key}' is missing")
        if self.problems:
            return None
        raw_code = root["code"]
        code = str(raw_code) if isinstance(raw_code, str | int) and not isinstance(raw_code, bool) else ""
        if not METHOD_CODE.match(code):
            self.problem(
                self.line_of(root, "code"),
                "code",
                f"办法编号“{shown(raw_code)}”只能用字母、数字、-和_，不超过40个字符",
                f"method code '{shown(raw_code)}' must be letters, digits, - and _, at most 40 characters",
            )
        title = self.text(root, "title_zh", "") or ""
        period = root["period"]
        if not isinstance(period, str) or period not in PERIODS:
            self.problem(
                self.line_of(root, "period"),
                "period",
                f"考核期“{shown(period)}”不可用，应为 {' / '.join(PERIODS)}",
                f"unknown period '{shown(period)}' (expected one of {', '.join(PERIODS)})",
            )
        missing_target = root.get("missing_target", "share")
        if missing_target not in MISSING_TARGET:
            self.problem(
                self.line_of(root, "missing_target"),
                "missing_target",
                f"“{shown(missing_target)}”不可用，应为 share 或 zero",
                f"'{shown(missing_target)}' is not share or zero",
            )
        total = self.number(root, "total_points", "")
        rounding = root.get("rounding", 2)
        if "rounding" in root:
            rounding = self.decimal(rounding, self.line_of(root, "rounding"), "rounding", "rounding")
            rounding = None if rounding is None else int(rounding)
        count = {
            s: len(root[s]) if isinstance(root.get(s), Node) else 0 for s in ITEM_SECTIONS + ("measures",)
        }
        items = sum(count[s] for s in ITEM_SECTIONS)
        if self.too_many(
            root, "measures", count["measures"], MAX_MEASURES, "口径", "measures"
        ) or self.too_many(
            root, "indicators", items, MAX_ITEMS, "指标和加减分规则", "indicators, bonuses and deductions"
        ):
            return None
        method = Method(code, self.path, title, str(period))
        rows = method.rows
        rows["method_register"] = []
        rows["methods"] = [
            {
                "method_code": code,
                "title_zh": title,
                "period": period,
                "missing_target": missing_target,
                "total_points": total,
                "rounding": rounding,
                "file": self.path.name,
            }
        ]
        self.unit_lists = self.read_unit_lists(root)
        groups = self.read_groups(root, code, rows)
        measures = self.read_measures(root, code, rows)
        # shown to units: the late-feedback measure's deadline (the shortest if several)
        rows["method_parameters"] = (
            [{"method_code": code, "parameter": "feedback_days", "value": min(self.feedback_days)}]
            if self.feedback_days
            else []
        )
        if len(self.major_amounts) == 1:  # its major-project count's threshold (the district's M counts it)
            (amount,) = self.major_amounts
            rows["method_parameters"].append(
                {"method_code": code, "parameter": "major_project_threshold", "value": float(amount)}
            )
        caps = self.read_caps(root, code, rows)
        self.read_items(root, code, rows, groups, measures, caps, total)
        self.read_grades(root, code, rows, measures)
        self.check_fragments(root, rows)
        return None if self.problems else method

    def check_fragments(self, root: Node, rows: dict) -> None:
        """Every SQL fragment the dbt models splice in holds only whitelisted SQL and validated values."""
        for row in rows["method_measures"]:
            for column in ("filter_sql", "expression_sql", "ref_sql"):
                why = row[column] is not None and F.unsafe_fragment(row[column])
                if why:
                    self.problem(
                        root["measures"].key_lines.get(row["measure_code"], 1),
                        f"measures.{row['measure_code']}",
                        "编译出的条件含有不允许的内容（程序错误，请报告）",
                        f"the compiled {column} is unsafe ({why}): a bug in assessment/, please report it",
                    )

    def read_unit_lists(self, root: Node) -> dict[str, dict[str, list[str]]]:
        node = root.get("unit_lists")
        if node is None:
            return {}
        node = self.mapping(node, "unit_lists", self.line_of(root, "unit_lists"))
        out: dict[str, dict[str, list[str]]] = {}
        for name, per_unit in (node or {}).items():
            where = f"unit_lists.{name}"
            if not self.code_ok(name, node.key_lines[name], where):
                continue
            per_unit = self.mapping(per_unit, where, node.key_lines[name])
            if per_unit is None:
                continue
            out[name] = {}
            for unit, values in per_unit.items():
                if unit not in units():
                    self.problem(
                        per_unit.key_lines[unit],
                        f"{where}.{unit}",
                        f"单位“{shown(unit)}”不在单位名录中",
                        f"unit '{shown(unit)}' is not in the unit register",
                    )
                    continue
                out[name][unit] = list(values) if isinstance(values, list) else [values]
        return out

    def read_groups(self, root: Node, code: str, rows: dict) -> dict[str, int]:
        node = self.mapping(root["groups"], "groups", self.line_of(root, "groups"))
        rows["method_groups"] = []
        seen_units: dict[str, str] = {}
        seen_types: dict[str, str] = {}
        out: dict[str, int] = {}
        for order, (group, spec) in enumerate((node or {}).items(), start=1):
            where = f"groups.{group}"
            line = node.key_lines[group]
            if not self.code_ok(group, line, where):
                continue
            spec = self.mapping(spec, where, line)
            if spec is None:
                continue
            self.check_keys(spec, {"label_zh", "unit_types", "units"}, where)
            label = self.text(spec, "label_zh", where) or group
            out[group] = line
            members = [("unit_type", t) for t in self.names(spec, "unit_types")]
            members += [("unit_code", u) for u in self.names(spec, "units")]
            if not members:
                self.problem(
                    line,
                    where,
                    "分组应列出 unit_types（单位类型）或 units（单位编号）",
                    "a group needs unit_types or units",
                )
            for column, value in members:
                key_line = self.line_of(spec, "unit_types" if column == "unit_type" else "units")
                if column == "unit_type" and value not in UNIT_TYPES:
                    self.problem(
                        key_line,
                        f"{where}.unit_types",
                        f"单位类型“{shown(value)}”不存在，应为 {' / '.join(UNIT_TYPES)}",
                        f"unknown unit type '{shown(value)}' (expected {', '.join(UNIT_TYPES)})",
                    )
                    continue
                if column == "unit_code" and (not isinstance(value, str) or value not in units()):
                    self.problem(
                        key_line,
                        f"{where}.units",
                        f"单位“{shown(value)}”不在单位名录中",
                        f"unit '{shown(value)}' is not in the unit register",
                    )
                    continue
                seen = seen_types if column == "unit_type" else seen_units
                if value in seen:
                    self.problem(
                        key_line,
                        f"{where}",
                        f"“{value}”已在分组 {seen[value]} 中，一个单位只能属于一个分组",
                        f"'{value}' is already in group {seen[value]}: a unit belongs to one group",
                    )
                    continue
                seen[value] = group
                rows["method_groups"].append(
                    {
                        "method_code": code,
                        "group_code": group,
                        "label_zh": label,
                        "sort_order": order,
                        "unit_type": value if column == "unit_type" else None,
                        "unit_code": value if column == "unit_code" else None,
                    }
                )
        for unit, group in seen_units.items():
            unit_type = units()[unit].unit_type
            if unit_type in seen_types:
                self.problem(
                    out[group],
                    f"groups.{group}",
                    f"单位 {unit} 的类型 {unit_type} 已属于分组 {seen_types[unit_type]}",
                    f"unit {unit} is a {unit_type}, already in group {seen_types[unit_type]}",
                )
        return out

    def names(self, spec: Node, key: str) -> list[Any]:
        """A list under `key` (a single value counts as a list of one; absent: empty)."""
        value = spec.get(key)
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]

    # --- measures --------------------------------------------------------------------------------

    def read_measures(self, root: Node, code: str, rows: dict) -> dict[str, str]:
        node = self.mapping(root["measures"], "measures", self.line_of(root, "measures"))
        rows["method_measures"] = []
        specs: dict[str, Node] = {}
        for name, spec in (node or {}).items():
            where = f"measures.{name}"
            if not self.code_ok(name, node.key_lines[name], where):
                continue
            spec = self.mapping(spec, where, node.key_lines[name])
            if spec is not None:
                self.check_keys(spec, MEASURE_KEYS, where)
                specs[name] = spec
        sources: dict[str, str] = {}
        for name, spec in specs.items():
            where = f"measures.{name}"
            row = {
                "method_code": code,
                "measure_code": name,
                "label_zh": self.label(spec, where, name),
                "source": None,
                "aggregate": None,
                "expression_sql": None,
                "filter_sql": "true",
                "filter_zh": None,
                "ref_sql": None,
                "numerator": None,
                "denominator": None,
                "when_zero": None,
                "base_measure": None,
                "entry_code": None,
                "value_kind": None,
            }
            if "ratio" in spec:
                pair = spec["ratio"]
                if not isinstance(pair, list) or len(pair) != 2:
                    self.problem(
                        self.line_of(spec, "ratio"),
                        f"{where}.ratio",
                        "应为 [分子口径, 分母口径]",
                        "expected [numerator measure, denominator measure]",
                    )
                    continue
                if not all(self.known_measure(part, specs, spec, "ratio", where) for part in pair):
                    continue
                when_zero = 0.0
                if "when_zero" in spec:
                    when_zero = self.number(spec, "when_zero", where, "ratio")
                row.update(
                    value_kind="ratio",
                    aggregate="ratio",
                    numerator=pair[0],
                    denominator=pair[1],
                    when_zero=when_zero,
                )
                sources[name] = "derived"
            elif "growth" in spec:
                self.read_growth(spec, specs, where, row)
                sources[name] = "derived"
            elif "change" in spec:
                if not self.known_measure(spec["change"], specs, spec, "change", where):
                    continue
                row.update(aggregate="change", base_measure=spec["change"])
                sources[name] = "derived"
            else:
                source = spec.get("from")
                if not isinstance(source, str) or source not in F.SOURCES:
                    self.problem(
                        self.line_of(spec, "from"),
                        f"{where}.from",
                        f"数据来源“{shown(source)}”不可用，应为 {' / '.join(F.SOURCES)}",
                        f"unknown source '{shown(source)}' (expected one of {', '.join(F.SOURCES)})",
                    )
                    continue
                row["source"] = source
                row["ref_sql"] = F.REF_SQL[source]
                sources[name] = source
                self.read_aggregate(spec, source, where, row)
                if source == "entries":
                    entry = spec.get("entry")
                    if _name(entry, ENTRY_CODE) is None:
                        self.problem(
                            self.line_of(spec, "entry"),
                            f"{where}.entry",
                            "来自录入数据的口径须写明 entry（录入项编号：字母、汉字、数字和下划线，"
                            "不超过40个字符）",
                            "a measure from entries needs entry (the code of the entered item: letters, "
                            "digits and underscores, at most 40 characters)",
                        )
                    else:
                        row["entry_code"] = entry
                        row["filter_sql"] = f"r.entry_code = {F.sql_text(entry)}"
                where_node = spec.get("where")
                if where_node is not None:
                    where_node = self.mapping(where_node, f"{where}.where", self.line_of(spec, "where"))
                    if where_node is not None:
                        sql, zh = self.compile_where(where_node, source, f"{where}.where")
                        row["filter_sql"] = sql
                        row["filter_zh"] = zh
                        if row["aggregate"] == "count":
                            self.major_amount(where_node)
            rows["method_measures"].append(row)
        kinds = {row["measure_code"]: row["value_kind"] for row in rows["method_measures"]}
        for row in rows["method_measures"]:
            if row["aggregate"] == "change":
                row["value_kind"] = kinds.get(row["base_measure"])
            if row["aggregate"] == "growth":
                row["value_kind"] = "ratio"
            for part in (row["numerator"], row["denominator"], row["base_measure"]):
                if part is not None and sources.get(part) == "derived":
                    spec = specs[row["measure_code"]]
                    key = {"ratio": "ratio", "growth": "growth"}.get(row["aggregate"], "change")
                    self.problem(
                        self.line_of(spec, key),
                        f"measures.{row['measure_code']}.{key}",
                        f"“{part}”本身是比率或变化量，请直接用求和或计数的口径",
                        f"'{part}' is itself a ratio or change; use a sum or count measure",
                    )
        return sources

    def major_amount(self, where: Node) -> None:
        """Note X when the filter is SPEC 4's major-project count (重大项目: industrial projects signed in the
        period with contract_amount >= X), i.e. exactly {signed_in_period: true, industrial: true,
        contract_amount: {at_least: X}}: X is then the method's major-project threshold."""
        amount = where.get("contract_amount")
        if (
            set(where) == {"signed_in_period", "industrial", "contract_amount"}
            and where["signed_in_period"] is True
            and where["industrial"] is True
            and isinstance(amount, Node)
            and set(amount) == {"at_least"}
        ):
            number = parse_number(amount["at_least"], "amount")
            if not isinstance(number, tuple):
                self.major_amounts.add(number)

    def known_measure(self, name: Any, specs: dict, spec: Node, key: str, where: str) -> bool:
        if _name(name) is None or name not in specs:
            self.problem(
                self.line_of(spec, key),
                f"{where}.{key}",
                f"未定义的口径“{shown(name)}”",
                f"unknown measure '{shown(name)}'",
            )
            return False
        return True

    def read_aggregate(self, spec: Node, source: str, where: str, row: dict) -> None:
        if "sum" in spec:
            column = spec["sum"]
            allowed = F.SUMMABLE.get(source, {})
            if not isinstance(column, str) or column not in allowed:
                self.problem(
                    self.line_of(spec, "sum"),
                    f"{where}.sum",
                    f"不能对“{shown(column)}”求和，可用：{', '.join(allowed) or '无'}",
                    f"cannot sum '{shown(column)}' of {source} (can sum: {', '.join(allowed) or 'nothing'})",
                )
                return
            row.update(aggregate="sum", expression_sql=f"coalesce({allowed[column]}, 0)", value_kind="amount")
        elif "count" in spec:
            if spec["count"] != F.COUNTED[source]:
                self.problem(
                    self.line_of(spec, "count"),
                    f"{where}.count",
                    f"“{shown(spec['count'])}”不可计数，{source} 应写 count: {F.COUNTED[source]}",
                    f"cannot count '{shown(spec['count'])}' of {source} (write count: {F.COUNTED[source]})",
                )
                return
            row.update(aggregate="count", expression_sql="1", value_kind="count")
        else:
            self.problem(
                spec.line,
                where,
                "口径须写明 sum（求和的字段）或 count（计数）",
                "a measure needs sum (a field) or count",
            )

    def compile_where(self, node: Node, source: str, where: str) -> tuple[str, str]:
        """SQL and a Chinese description of a filter (every condition must hold)."""
        parts: list[str] = []
        words: list[str] = []
        for key, value in node.items():
            line = node.key_lines[key]
            at = f"{where}.{key}"
            if key not in F.FIELDS[source]:
                allowed = ", ".join(sorted(F.FIELDS[source])) or "无"
                self.problem(
                    line,
                    at,
                    f"未知字段“{shown(key)}”，{source} 可用的字段：{allowed}",
                    f"unknown field '{shown(key)}' for {source} (known: {allowed})",
                )
                continue
            sql = self.condition(key, value, source, line, at)
            if sql is not None:
                parts.append(sql)
                words.append(f"{key}={shown(value, MAX_LABEL)}")
        return (" and ".join(parts) or "true"), "；".join(words)

    def condition(self, key: str, value: Any, source: str, line: int, at: str) -> str | None:
        flags = F.PROJECT_FLAGS if source == "projects" else F.LEAD_FLAGS
        if key in flags:
            if not isinstance(value, bool):
                self.problem(line, at, "应为 true 或 false", f"expected true or false, got '{shown(value)}'")
                return None
            return f"coalesce({flags[key]}, false)" if value else f"not coalesce({flags[key]}, false)"
        if key in F.ENUMS:
            return self.enum_condition(key, value, line, at)
        if key in F.AMOUNTS:
            return self.range_condition(F.AMOUNTS[key], value, line, at)
        if key in ("stage_reached", "receiver_stage_reached"):
            order = F.stage_order().get(value) if isinstance(value, str) else None
            if order is None:
                self.problem(line, at, f"阶段“{shown(value)}”不存在", f"unknown stage '{shown(value)}'")
                return None
            return f"coalesce(st.stage_order >= {F.sql_number(order)}, false)"
        if key == "feedback_later_than_days":
            days = self.decimal(value, line, at, "feedback_days")
            if days is None:
                return None
            self.feedback_days.add(int(days))
            due = f"cast(r.shared_on + {F.sql_number(days)} as date)"
            late = f"r.feedback_on > {due}"
            return f"(case when r.feedback_on is not null then {late} else p.period_end > {due} end)"
        if key in ("empty", "filled"):
            names = value if isinstance(value, list) else [value]
            bad = [n for n in names if n not in F.DATES]
            if bad or not names:
                self.problem(
                    line,
                    at,
                    f"“{shown(bad[0] if bad else names)}”不是日期字段",
                    f"'{shown(bad[0] if bad else names)}' is not a date field ({', '.join(F.DATES)})",
                )
                return None
            test = "is null" if key == "empty" else "is not null"
            return "(" + " and ".join(f"r.{n} {test}" for n in names) + ")"
        if key == "days_between":
            return self.days_condition(value, line, at)
        raise AssertionError(key)

    def enum_condition(self, key: str, value: Any, line: int, at: str) -> str | None:
        codes = F.enum_codes(key)
        column = F.ENUMS[key][1]
        if isinstance(value, Node) and set(value) == {"unit_list"}:
            name = value["unit_list"]
            if _name(name) is None or name not in self.unit_lists:
                self.problem(
                    line,
                    at,
                    f"未定义的单位清单“{shown(name)}”",
                    f"unknown unit list '{shown(name)}' (unit_lists)",
                )
                return None
            ors = []
            for unit, labels_ in self.unit_lists[name].items():
                mapped = self.enum_values(key, labels_, codes, line, at)
                if mapped is None:
                    return None
                if mapped:
                    ors.append(f"(r.unit_code = {F.sql_text(unit)} and {column} in ({mapped}))")
            return "(" + (" or ".join(ors) or "false") + ")"
        negate = False
        if isinstance(value, Node) and set(value) == {"not"}:
            negate, value = True, value["not"]
        names = value if isinstance(value, list) else [value]
        if not names:
            self.problem(line, at, "应列出至少一个取值", "expected at least one value")
            return None
        mapped = self.enum_values(key, names, codes, line, at)
        if mapped is None:
            return None
        if negate:
            return f"({column} is not null and {column} not in ({mapped}))"
        return f"coalesce({column} in ({mapped}), false)"

    def enum_values(self, key: str, names: list, codes: dict, line: int, at: str) -> str | None:
        out = []
        for name in names:
            if not isinstance(name, str) or name not in codes:
                self.problem(
                    line,
                    at,
                    f"“{shown(name)}”不是{key}的取值，可用：{'、'.join(k for k in codes if not k.isascii())}",
                    f"'{shown(name)}' is not a value of {key}",
                )
                return None
            out.append(F.sql_text(codes[name]))
        return ", ".join(out)

    def range_condition(self, column: str, value: Any, line: int, at: str) -> str | None:
        if not isinstance(value, Node) or not value or set(value) - set(F.COMPARISONS):
            self.problem(
                line,
                at,
                f"应为范围，如 {{at_least: 3, below: 10}}，可用：{', '.join(F.COMPARISONS)}",
                f"expected a range such as {{at_least: 3, below: 10}} ({', '.join(F.COMPARISONS)})",
            )
            return None
        parts = []
        for op, bound in value.items():
            number = self.decimal(bound, value.key_lines[op], f"{at}.{op}", "amount")
            if number is None:
                return None
            parts.append(f"{column} {F.COMPARISONS[op]} {F.sql_number(number)}")
        return "coalesce(" + " and ".join(parts) + ", false)"

    def days_condition(self, value: Any, line: int, at: str) -> str | None:
        if not isinstance(value, Node) or "from" not in value or "to" not in value:
            self.problem(
                line,
                at,
                "应写 {from: 日期字段, to: 日期字段或 period_end, more_than: 天数}",
                "expected {from: date field, to: date field or period_end, more_than: days}",
            )
            return None
        ends = []
        for end in ("from", "to"):
            name = value[end]
            if name == "period_end" and end == "to":
                ends.append("p.period_end")
            elif name in F.DATES:
                ends.append(f"r.{name}")
            else:
                self.problem(
                    value.key_lines[end],
                    f"{at}.{end}",
                    f"“{shown(name)}”不是日期字段",
                    f"'{shown(name)}' is not a date field",
                )
                return None
        ops = {k: v for k, v in value.items() if k in F.COMPARISONS}
        if not ops or set(value) - {"from", "to", *F.COMPARISONS}:
            self.problem(
                line, at, "应写天数条件，如 more_than: 180", "expected a day bound such as more_than: 180"
            )
            return None
        days = f"(cast({ends[1]} as date) - cast({ends[0]} as date))"
        parts = []
        for op, bound in ops.items():
            number = self.decimal(bound, value.key_lines[op], f"{at}.{op}", "days")
            if number is None:
                return None
            parts.append(f"{days} {F.COMPARISONS[op]} {F.sql_number(number)}")
        return "coalesce(" + " and ".join(parts) + ", false)"

    # --- caps and items --------------------------------------------------------------------------

    def read_caps(self, root: Node, code: str, rows: dict) -> dict[str, int]:
        rows["method_caps"] = []
        node = root.get("caps")
        if node is None:
            return {}
        node = self.mapping(node, "caps", self.line_of(root, "caps"))
        out = {}
        for name, spec in (node or {}).items():
            where = f"caps.{name}"
            spec = self.mapping(spec, where, node.key_lines[name])
            if spec is None or not self.code_ok(name, node.key_lines[name], where):
                continue
            self.check_keys(spec, {"label_zh", "cap"}, where)
            cap = self.number(spec, "cap", where)
            out[name] = node.key_lines[name]
            rows["method_caps"].append(
                {"method_code": code, "cap_code": name, "label_zh": self.label(spec, where, name), "cap": cap}
            )
        return out

    def read_items(
        self,
        root: Node,
        code: str,
        rows: dict,
        groups: dict[str, int],
        measures: dict[str, str],
        caps: dict[str, int],
        total: float | None,
    ) -> None:
        rows["method_items"] = []
        rows["method_components"] = []
        rows["method_tiers"] = []
        codes: dict[str, str] = {}
        group_points: dict[str, float] = {g: 0.0 for g in groups}
        order = 0
        for section in ("indicators", "bonuses", "deductions"):
            node = root.get(section)
            if node is None:
                continue
            node = self.mapping(node, section, self.line_of(root, section))
            for item, spec in (node or {}).items():
                order += 1
                line = node.key_lines[item]
                where = f"{section}.{item}"
                if not self.code_ok(item, line, where):
                    continue
                if item in codes or item in caps:
                    other = codes.get(item, "caps")
                    self.problem(
                        line,
                        where,
                        f"编号“{item}”与 {other}.{item} 重复",
                        f"the code '{item}' is used twice (also {other}.{item})",
                    )
                    continue
                codes[item] = section
                spec = self.mapping(spec, where, line)
                if spec is None:
                    continue
                self.check_keys(spec, ITEM_KEYS, where)
                item_row = self.read_item(code, section, item, spec, where, groups, measures, caps, rows)
                if item_row is None:
                    continue
                item_row["sort_order"] = order
                rows["method_items"].append(item_row)
                if section == "indicators" and item_row["points"] is not None:
                    for group in item_row["_groups"] or list(groups):
                        if group in group_points:
                            group_points[group] += item_row["points"]
        for row in rows["method_items"]:
            row.pop("_groups")
        if total is None or self.problems:
            return
        wrong: dict[float, list[str]] = {}
        for group, points in group_points.items():
            if abs(points - total) > 1e-9:
                wrong.setdefault(points, []).append(group)
        for points, names in wrong.items():
            self.problem(
                self.line_of(root, "total_points"),
                "total_points",
                f"分组 {'、'.join(names)} 的指标分值合计 {points:g}，与总分 {total:g} 不符",
                f"the indicators of group {', '.join(names)} add up to {points:g} points, not {total:g}",
            )

    def read_item(
        self,
        code: str,
        section: str,
        item: str,
        spec: Node,
        where: str,
        groups: dict[str, int],
        measures: dict[str, str],
        caps: dict[str, int],
        rows: dict,
    ) -> dict | None:
        formula = spec.get("formula")
        if formula is None and section != "indicators":
            formula = "per_event"
        if formula not in FORMULAS[section]:
            self.problem(
                self.line_of(spec, "formula"),
                f"{where}.formula",
                f"计分公式“{shown(formula)}”不可用，应为 {' / '.join(FORMULAS[section])}",
                f"unknown formula '{shown(formula)}' (expected one of {', '.join(FORMULAS[section])})",
            )
            return None
        misspelt = {k for k in spec if k not in ITEM_KEYS}
        for key in NEEDS[formula]:
            if key not in spec and not difflib.get_close_matches(key, misspelt, n=1, cutoff=0.8):
                self.problem(
                    spec.line,
                    f"{where}.{key}",
                    f"公式 {formula} 缺少参数“{key}”",
                    f"formula {formula} needs the parameter '{key}'",
                )
        if formula == "per_item" and spec.get("beyond_target") and "target" not in spec:
            self.problem(
                spec.line, f"{where}.target", "beyond_target 需要 target", "beyond_target needs a target"
            )
        if self.problems and any(p.key.startswith(where) for p in self.problems):
            return None
        item_groups = self.names(spec, "groups") or None
        for group in item_groups or []:
            if _name(group) is None or group not in groups:
                self.problem(
                    self.line_of(spec, "groups"),
                    f"{where}.groups",
                    f"未定义的分组“{shown(group)}”",
                    f"unknown group '{shown(group)}'",
                )
                item_groups = None
        cap_group = spec.get("cap_group")
        if cap_group is not None and (_name(cap_group) is None or cap_group not in caps):
            self.problem(
                self.line_of(spec, "cap_group"),
                f"{where}.cap_group",
                f"未定义的封顶“{shown(cap_group)}”（见 caps）",
                f"unknown cap '{shown(cap_group)}' (see caps)",
            )
        beyond_target = spec.get("beyond_target", False)
        if not isinstance(beyond_target, bool):
            self.problem(
                self.line_of(spec, "beyond_target"),
                f"{where}.beyond_target",
                "应为 true 或 false",
                f"expected true or false, got '{shown(beyond_target)}'",
            )
        row = {
            "method_code": code,
            "item_code": item,
            "kind": "manual" if formula == "manual" and section == "indicators" else KIND[section],
            "label_zh": self.label(spec, where, item),
            "group_code": None,
            "formula": formula,
            "points": self.number(spec, "points", where) if "points" in spec else None,
            "cap": None,
            "floor": None,
            "points_each": self.number(spec, "points_each", where) if "points_each" in spec else None,
            "beyond_target": beyond_target is True,
            "cap_group": cap_group,
            "_groups": item_groups,
        }
        if "cap" in spec:
            row["cap"] = self.number(spec, "cap", where)
        if "floor" in spec:
            row["floor"] = self.number(spec, "floor", where, "floor")
        if row["_groups"]:
            row["group_code"] = ",".join(row["_groups"])
        if formula == "per_event":
            measure = spec["measure"]
            if _name(measure) is None or measure not in measures:
                self.problem(
                    self.line_of(spec, "measure"),
                    f"{where}.measure",
                    f"未定义的口径“{shown(measure)}”",
                    f"unknown measure '{shown(measure)}'",
                )
            elif measures[measure] == "derived":
                self.problem(
                    self.line_of(spec, "measure"),
                    f"{where}.measure",
                    f"逐项计分须用逐条统计的口径，“{shown(measure)}”是比率或变化量",
                    f"per_event needs a measure that counts rows; '{shown(measure)}' is a ratio or change",
                )
            rows["method_components"].append(self.component(code, item, item, spec, where, measures, item))
            return row
        if formula in SECOND_PASS_FORMULAS:
            return self.read_second_pass_item(code, item, formula, spec, where, measures, rows, row)
        if formula in ("weighted", "efficacy", "tiers"):
            comps = self.mapping(spec["components"], f"{where}.components", self.line_of(spec, "components"))
            if comps is None:
                return None
            if not comps:
                self.problem(
                    comps.line, f"{where}.components", "至少需要一个分项", "needs at least one component"
                )
            for name, comp in comps.items():
                at = f"{where}.components.{name}"
                if not self.code_ok(name, comps.key_lines[name], at):
                    continue
                comp = self.mapping(comp, at, comps.key_lines[name])
                if comp is None:
                    continue
                self.check_keys(comp, COMPONENT_KEYS, at)
                default_scale = "efficacy" if formula == "efficacy" else "ratio"
                rows["method_components"].append(
                    self.component(code, item, name, comp, at, measures, f"{item}_{name}", default_scale)
                )
            if formula == "tiers":
                self.read_tiers(code, item, spec, where, set(comps), row["points"], rows)
            return row
        rows["method_components"].append(self.component(code, item, item, spec, where, measures, item))
        return row

    def component(
        self,
        code: str,
        item: str,
        name: str,
        spec: Node,
        where: str,
        measures: dict[str, str],
        target_column: str,
        default_scale: str = "ratio",
    ) -> dict:
        measure = spec.get("measure")
        if measure is None:
            self.problem(
                spec.line, f"{where}.measure", "缺少参数“measure”", "the parameter 'measure' is missing"
            )
        elif _name(measure) is None or measure not in measures:
            self.problem(
                self.line_of(spec, "measure"),
                f"{where}.measure",
                f"未定义的口径“{shown(measure)}”",
                f"unknown measure '{shown(measure)}'",
            )
        scale = spec.get("scale", default_scale)
        if scale not in ("ratio", "efficacy"):
            self.problem(
                self.line_of(spec, "scale"),
                f"{where}.scale",
                f"“{shown(scale)}”不可用，应为 ratio（与目标比）或 efficacy（功效系数）",
                f"unknown scale '{shown(scale)}' (ratio or efficacy)",
            )
        row = {
            "method_code": code,
            "item_code": item,
            "component": name,
            "measure_code": measure,
            "weight": 1.0,
            "scale": scale,
            "cap": None,
            "target_source": None,
            "target_ref": None,
            "target_value": None,
        }
        if "weight" in spec:
            row["weight"] = self.number(spec, "weight", where, "ratio")
        if "cap" in spec and where.count(".components.") == 1:
            row["cap"] = self.number(spec, "cap", where, "ratio")
        target = spec.get("target")
        line = self.line_of(spec, "target")
        if target is None:
            if scale == "ratio" and ".components." in where:
                self.problem(
                    spec.line, f"{where}.target", "与目标比须写 target", "a ratio component needs a target"
                )
        elif target == "targets":
            row.update(target_source="targets", target_ref=target_column)
        elif isinstance(target, Node) and len(target) == 1:
            ((kind, ref),) = target.items()
            if kind == "value":
                value = self.decimal(ref, line, f"{where}.target.value", "target")
                if value is not None:
                    row.update(target_source="value", target_value=float(value))
            elif kind == "column" and _name(ref) is not None:
                row.update(target_source="targets", target_ref=ref)
            elif kind == "measure" and _name(ref) is not None and ref in measures:
                row.update(target_source="measure", target_ref=ref)
            elif kind == "entry" and _name(ref, ENTRY_CODE) is not None:
                row.update(target_source="entry", target_ref=ref)
            else:
                self.problem(
                    line,
                    f"{where}.target",
                    f"目标“{shown(kind)}: {shown(ref)}”不可用",
                    f"bad target '{shown(kind)}: {shown(ref)}' (value: number, column: targets column, "
                    "measure: a measure, entry: an entered item)",
                )
        else:
            self.problem(
                line,
                f"{where}.target",
                "目标应为 targets、{value: 数}、{column: 列名}、{measure: 口径} 或 {entry: 录入项}",
                "target must be targets, {value: n}, {column: name}, {measure: m} or {entry: code}",
            )
        return row

    def read_tiers(
        self, code: str, item: str, spec: Node, where: str, comps: set, points, rows: dict
    ) -> None:
        tiers = spec["tiers"]
        if not isinstance(tiers, Seq) or not tiers:
            self.problem(
                self.line_of(spec, "tiers"), f"{where}.tiers", "应为档次列表", "expected a list of tiers"
            )
            return
        for number, tier in enumerate(tiers, start=1):
            at = f"{where}.tiers[{number}]"
            tier = self.mapping(tier, at, tiers.line)
            if tier is None:
                continue
            self.check_keys(tier, {"points", "when"}, at)
            if "points" not in tier:
                self.problem(tier.line, f"{at}.points", "档次缺少分值", "a tier needs points")
                continue
            tier_points = self.number(tier, "points", at)
            if tier_points is None:
                continue
            if points is not None and tier_points > points:
                self.problem(
                    tier.line,
                    f"{at}.points",
                    f"档次分值 {tier_points:g} 超过指标分值 {points:g}",
                    f"tier points {tier_points:g} exceed the indicator's {points:g}",
                )
            when = tier.get("when") or Node()
            if not isinstance(when, Node):
                self.problem(
                    tier.line, f"{at}.when", "应为 {分项: 最低完成率}", "expected {component: minimum ratio}"
                )
                continue
            for comp, minimum in when.items():
                if comp not in comps:
                    self.problem(
                        when.key_lines[comp],
                        f"{at}.when.{comp}",
                        f"未定义的分项“{shown(comp)}”",
                        f"unknown component '{shown(comp)}'",
                    )
                    continue
                minimum = self.decimal(minimum, when.key_lines[comp], f"{at}.when.{comp}", "ratio")
                if minimum is None:
                    continue
                rows["method_tiers"].append(
                    {
                        "method_code": code,
                        "item_code": item,
                        "tier": number,
                        "points": tier_points,
                        "component": comp,
                        "min_ratio": float(minimum),
                    }
                )
            if not when:
                rows["method_tiers"].append(
                    {
                        "method_code": code,
                        "item_code": item,
                        "tier": number,
                        "points": tier_points,
                        "component": None,
                        "min_ratio": None,
                    }
                )

    # --- second pass (issue 20): growth, deductions inside an item, shortfalls, rank points, grades, veto ---

    def read_growth(self, spec: Node, specs: dict, where: str, row: dict) -> None:
        """`growth: m` = m this period ÷ m in the same period of the previous year − 1."""
        self.known_measure(spec["growth"], specs, spec, "growth", where)
        when = spec.get("when_no_base")
        no_base: float | None = None
        if "when_no_base" not in spec:
            self.problem(
                spec.line,
                f"{where}.when_no_base",
                "同比增速须写明 when_no_base：上年同期为0或无数据时的取值"
                "（数字，或 not_applicable 不参与考核）",
                "a growth measure needs when_no_base: its value when last year's is 0 or missing "
                "(a number, or not_applicable)",
            )
        elif when != "not_applicable":
            no_base = self.number(spec, "when_no_base", where, "growth")
        row.update(aggregate="growth", base_measure=spec["growth"], when_zero=no_base, value_kind="ratio")

    def read_second_pass_item(
        self,
        code: str,
        item: str,
        formula: str,
        spec: Node,
        where: str,
        measures: dict[str, str],
        rows: dict,
        row: dict,
    ) -> dict | None:
        """deducted (扣分制), shortfalls (several minimums) and rank_points (按名次计分)."""
        if row["floor"] is not None and row["points"] is not None and row["floor"] > row["points"]:
            self.problem(
                self.line_of(spec, "floor"),
                f"{where}.floor",
                f"最低分 {row['floor']:g} 高于分值 {row['points']:g}",
                f"the floor {row['floor']:g} is above the points {row['points']:g}",
            )
        if formula == "rank_points":
            step = self.number(spec, "step", where)
            if step is not None and step <= 0:
                self.problem(
                    self.line_of(spec, "step"),
                    f"{where}.step",
                    "每低一个名次减的分数 step 应大于0",
                    "step (points fewer per place) must be above 0",
                )
            row["points_each"] = step
            rows["method_components"].append(self.component(code, item, item, spec, where, measures, item))
            return row
        if formula == "shortfalls" and row["points_each"] is not None and row["points_each"] <= 0:
            self.problem(
                self.line_of(spec, "points_each"),
                f"{where}.points_each",
                "每差一个扣的分数 points_each 应大于0",
                "points_each must be above 0",
            )
        key = "events" if formula == "deducted" else "components"
        parts = self.mapping(spec[key], f"{where}.{key}", self.line_of(spec, key))
        if parts is None:
            return None
        if not parts:
            self.problem(parts.line, f"{where}.{key}", "至少需要一项", f"{key} needs at least one entry")
        for name, part in parts.items():
            at = f"{where}.{key}.{name}"
            if not self.code_ok(str(name), parts.key_lines[name], at):
                continue
            part = self.mapping(part, at, parts.key_lines[name])
            if part is None:
                continue
            if formula == "deducted":
                self.read_event(code, item, str(name), part, at, measures, rows)
            else:
                self.read_minimum(code, item, str(name), part, at, measures, rows)
        return row

    def read_event(
        self, code: str, item: str, name: str, part: Node, at: str, measures: dict[str, str], rows: dict
    ) -> None:
        """One kind of event of a deducted item: its measure (counted rows) and its rate."""
        self.check_keys(part, EVENT_KEYS, at)
        if "measure" not in part:
            self.problem(
                part.line,
                f"{at}.measure",
                "扣分事项须写 measure（按哪个口径逐条扣分），只写 rate 不够",
                "a deduction needs a measure (what is counted), not only a rate",
            )
            return
        if "rate" not in part:
            self.problem(
                part.line,
                f"{at}.rate",
                "扣分事项须写 rate（每条扣几分）",
                "a deduction needs a rate (points per event)",
            )
            return
        measure = part["measure"]
        if measures.get(measure) == "derived":
            self.problem(
                self.line_of(part, "measure"),
                f"{at}.measure",
                f"逐条扣分须用求和或计数的口径，“{shown(measure)}”是比率、变化量或同比增速",
                f"a deduction counts rows; '{shown(measure)}' is a ratio, change or growth",
            )
            return
        rate = self.number(part, "rate", at)
        if rate is not None and rate <= 0:
            self.problem(
                self.line_of(part, "rate"), f"{at}.rate", "每条扣分 rate 应大于0", "rate must be above 0"
            )
        component = self.component(code, item, name, part, at, measures, f"{item}_{name}")
        component.update(weight=rate, scale="per_event")
        rows["method_components"].append(component)

    def read_minimum(
        self, code: str, item: str, name: str, part: Node, at: str, measures: dict[str, str], rows: dict
    ) -> None:
        """One minimum of a shortfalls item: its measure and the minimum (target)."""
        self.check_keys(part, {"measure", "target"}, at)
        if "target" not in part:
            self.problem(
                part.line,
                f"{at}.target",
                "差额扣分的每个分项须写最低数 target（如 {value: 4}）",
                "each minimum needs a target (e.g. {value: 4})",
            )
            return
        component = self.component(code, item, name, part, at, measures, f"{item}_{name}")
        component["scale"] = "shortfall"
        rows["method_components"].append(component)

    def read_grades(self, root: Node, code: str, rows: dict, measures: dict[str, str]) -> None:
        """grades: [{grade, at_least, quota, quota_rounding}, …], top first; veto: [measures from entries]."""
        rows["method_grades"] = []
        rows["method_vetoes"] = []
        node, veto = root.get("grades"), root.get("veto")
        if node is None:
            if veto is not None:
                self.problem(
                    self.line_of(root, "veto"),
                    "veto",
                    "一票否决须与考核等次 grades 一起写（否决即定为最低等次）",
                    "veto needs grades (a vetoed unit gets the lowest grade)",
                )
            return
        line = self.line_of(root, "grades")
        if not isinstance(node, Seq) or not 2 <= len(node) <= 20:
            self.problem(
                line,
                "grades",
                "应为自高到低2至20个等次的列表",
                "expected a list of 2 to 20 grades, top first",
            )
            return
        previous: float | None = None
        names: set[str] = set()
        for number, grade in enumerate(node, start=1):
            at = f"grades[{number}]"
            grade = self.mapping(grade, at, line)
            if grade is None:
                continue
            self.check_keys(grade, GRADE_KEYS, at)
            name = grade.get("grade")
            if not isinstance(name, str) or not GRADE_NAME.match(name):
                self.problem(
                    grade.line,
                    f"{at}.grade",
                    "须写等次名称 grade（如 优秀，最多20个字）",
                    "each grade needs a name (grade, up to 20 characters)",
                )
                continue
            if name in names:
                self.problem(
                    grade.line, f"{at}.grade", f"等次“{name}”重复", f"the grade '{name}' appears twice"
                )
            names.add(name)
            last = number == len(node)
            at_least: float | None = None
            if last and "at_least" in grade:
                self.problem(
                    self.line_of(grade, "at_least"),
                    f"{at}.at_least",
                    f"最低等次“{name}”是其余所有单位，不写 at_least",
                    f"the lowest grade '{name}' takes every other unit: leave out at_least",
                )
            elif not last and "at_least" not in grade:
                self.problem(
                    grade.line,
                    f"{at}.at_least",
                    f"等次“{name}”须写分数线 at_least",
                    f"the grade '{name}' needs at_least (its lowest total)",
                )
            elif not last:
                at_least = self.number(grade, "at_least", at, "score")
                if at_least is not None and previous is not None and at_least >= previous:
                    self.problem(
                        self.line_of(grade, "at_least"),
                        f"{at}.at_least",
                        f"等次分数线应自高到低：{at_least:g} 不低于上一等次的 {previous:g}",
                        f"grade thresholds must go down: {at_least:g} is not below {previous:g} above it",
                    )
                previous = at_least if at_least is not None else previous
            quota = self.read_quota(grade, at, number, name)
            rounding = grade.get("quota_rounding", "down")
            if rounding not in QUOTA_ROUNDING:
                self.problem(
                    self.line_of(grade, "quota_rounding"),
                    f"{at}.quota_rounding",
                    f"名额取整“{shown(rounding)}”不可用，应为 {' / '.join(QUOTA_ROUNDING)}",
                    f"unknown quota_rounding '{shown(rounding)}' (expected {', '.join(QUOTA_ROUNDING)})",
                )
            rows["method_grades"].append(
                {
                    "method_code": code,
                    "grade_order": number,
                    "grade_zh": name,
                    "at_least": at_least,
                    "quota": quota,
                    "quota_rounding": rounding if quota is not None else None,
                }
            )
        for measure in [] if veto is None else (veto if isinstance(veto, list) else [veto]):
            if not isinstance(measure, str) or measure not in measures:
                self.problem(
                    self.line_of(root, "veto"),
                    "veto",
                    f"一票否决的口径“{shown(measure)}”未定义",
                    f"the veto measure '{shown(measure)}' is not defined",
                )
            elif measures[measure] != "entries":
                self.problem(
                    self.line_of(root, "veto"),
                    "veto",
                    f"一票否决须是委员会录入的事项（from: entries 的口径），“{shown(measure)}”不是",
                    f"a veto must be a committee entry (a measure from entries); '{shown(measure)}' is not",
                )
            else:
                rows["method_vetoes"].append({"method_code": code, "measure_code": measure})

    def read_quota(self, grade: Node, at: str, number: int, name: str) -> float | None:
        if "quota" not in grade:
            return None
        if number != 1:
            self.problem(
                self.line_of(grade, "quota"),
                f"{at}.quota",
                f"只有最高等次可以限定名额，“{name}”不是最高等次",
                f"only the top grade can have a quota; '{name}' is not the top grade",
            )
            return None
        quota = self.number(grade, "quota", at, "ratio")
        if quota is not None and not 0 < quota <= 1:
            self.problem(
                self.line_of(grade, "quota"),
                f"{at}.quota",
                f"名额比例 {quota:g} 应大于0且不超过1（如 0.3 即 30%）",
                f"the quota {quota:g} must be above 0 and at most 1 (0.3 = 30 %)",
            )
            return None
        return quota


def load_method(path: Path, display: str | None = None) -> Method:
    """The validated method of `path`; raises MethodErrors listing every mistake."""
    reader = _Reader(path, display or str(path))
    method = reader.read()
    if reader.problems or method is None:
        raise MethodErrors(reader.problems)
    return method
