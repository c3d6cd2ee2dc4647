"""Throughput of ingestion: `python -m ingestion.benchmark [--rows 20000] [--files 1000]`.

Measures (1) parsing + normalising one big ledger workbook (rows/s), (2) parsing + normalising many
weekly-sized workbooks (files/s), and (3) the whole run (`ingest_inbox`: checksum, archive, rules, one DuckDB
transaction per file) over the same files. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from basics.home import Home
from ingestion.discover import discover, receive
from ingestion.parsed_report import parse_report
from ingestion.pipeline import ingest_inbox

HEADERS = [
    "项目编号",
    "项目名称",
    "投资主体",
    "企业类型",
    "产业类别",
    "来源地",
    "科创类",
    "项目阶段",
    "协议引资额(亿元)",
    "本年实际到位资金(亿元)",
    "用地(亩)",
    "签约日期",
    "落地日期",
    "开工日期",
    "达产日期",
    "线索编号",
    "反馈日期",
    "备注",
]
STAGES = ["线索", "在谈", "签约", "落地", "开工", "达产", "终止"]


def _row(rng: random.Random, unit: str, i: int) -> list[object]:
    stage = rng.choice(STAGES)
    level = STAGES.index(stage) if stage != "终止" else 1
    day = date(2021, 1, 1) + timedelta(days=rng.randrange(300))
    dates = [day + timedelta(days=30 * k) if level >= 2 + k else None for k in range(4)]
    return [
        f"{unit}-{i:05d}",
        f"项目{i}号智能制造基地",
        f"重庆某某科技有限公司{rng.randrange(3000)}",
        rng.choice(["世界500强", "上市公司", "其他", "国企"]),
        rng.choice(["装备制造", "汽摩", "材料", "其他"]),
        rng.choice(["市内", "长三角", "粤港澳"]),
        rng.choice(["是", "否"]),
        stage,
        round(rng.uniform(0.5, 80), 2) if level >= 2 else None,
        round(rng.uniform(0, 20), 2),
        120.0,
        *dates,
        None,
        None,
        "备注" if i % 7 == 0 else None,
    ]


def write_workbook(path: Path, unit: str, rows: int, seed: int) -> Path:
    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("项目台账")
    sheet.append(HEADERS)
    for i in range(rows):
        sheet.append(_row(rng, unit, i))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


class Clock:
    """Wall and CPU seconds of a block (CPU time is what counts on a machine shared with other work)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def rate(self, n: int, unit: str) -> str:
        return (
            f"wall {self.wall:.3f} s = {n / self.wall:,.0f} {unit}/s, "
            f"CPU {self.cpu:.3f} s = {n / self.cpu:,.0f} {unit}/s"
        )


def _parse_all(inbox: Path) -> tuple[int, int, Clock]:
    candidates = discover(inbox)
    rows = 0
    with Clock() as clock:
        for candidate in candidates:
            rows += len(parse_report(candidate, receive(candidate)).ledger)
    return len(candidates), rows, clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=1_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    try:
        big = Home(work / "big").ensure()
        write_workbook(big.inbox / "2021-W05" / "P01.xlsx", "P01", args.rows, 1)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        files, rows, clock = min((_parse_all(big.inbox) for _ in range(3)), key=lambda r: r[2].cpu)
        print(f"parse+normalise, 1 workbook of {rows} rows: {clock.rate(rows, 'rows')}")
        with Clock() as clock:
            ingest_inbox(big)
        print(f"ingest_inbox, same workbook (incl. archive + DuckDB load): {clock.rate(rows, 'rows')}")

        small = Home(work / "small").ensure()
        units = [f"P0{k}" for k in range(1, 8)] + [f"D0{k}" for k in range(1, 7)] + ["B01", "B02", "B03"]
        templates = [write_workbook(work / "t" / f"{u}.xlsx", u, 20 + 3 * k, k) for k, u in enumerate(units)]
        for n in range(args.files):
            week = f"{2016 + n // (52 * len(units))}-W{n // len(units) % 52 + 1:02d}"
            target = small.inbox / week / f"{units[n % len(units)]}.xlsx"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(templates[n % len(units)], target)
        files, rows, clock = min((_parse_all(small.inbox) for _ in range(3)), key=lambda r: r[2].cpu)
        print(f"parse+normalise, {files} weekly workbooks ({rows} rows): {clock.rate(files, 'files')}")
        with Clock() as clock:
            report = ingest_inbox(small)
        print(
            f"ingest_inbox, same {len(report.accepted)} workbooks (incl. archive + DuckDB load): "
            f"{clock.rate(len(report.accepted), 'files')}"
        )
        with Clock() as clock:
            report = ingest_inbox(small)
        unchanged = len(report.skipped)
        print(f"ingest_inbox again (all {unchanged} unchanged): {clock.rate(unchanged, 'files')}")
        print(f"load average {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
