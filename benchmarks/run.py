"""Benchmark: how fast and how far the pipeline scales.

    .venv/bin/python -m benchmarks.run --size tiny|S|M|L [--stages parse load dbt_full floor dbt_scoring
                                        weekly resend export cli] [--work DIR] [--profile] [--no-report]

Sizes: tiny = 1 synthetic year of the 16 real units (smoke test, < 1 min); S = the sample year from the sample
generator (real workbooks, 16 units); M = 5 synthetic years x 60 units; L = 5 synthetic years x 400 units
(> 10 million ledger rows). Every stage runs in its own process and is measured alone (wall time, peak RSS of
the process tree). Results go to benchmarks/data/results/<size>.json and the table of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from assessment.config_load import load_folder
from basics.home import DEFAULTS_DIR
from benchmarks.floor import FLOOR_TABLE, compare
from benchmarks.measure import Measurement, run_measured
from benchmarks.register import copy_dbt_project
from tests.helpers.spec6 import SPEC6_MODEL

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "benchmarks" / "data"
FULL_BUILD = "dbt build"
# `dbt run --select +<the SPEC 6 export>`: the models the scores need, no tests (the floor computes the table)
SCORING = "dbt scoring: run the SPEC 6 pivot and its parents"
SCORING_RESEND = "resend: dbt run, the SPEC 6 pivot and its parents"
ALL_STAGES = ("parse", "load", "dbt_full", "floor", "dbt_scoring", "weekly", "resend", "export", "cli")


@dataclass(frozen=True)
class Size:
    name: str
    kind: str  # "synth" (raw tables generated in DuckDB) or "sample" (sample generator's workbooks)
    units: int = 16
    years: int = 1
    lifetime: int = 100
    real_seeds: bool = False
    parse_sample_seeds: tuple[int, ...] = ()
    big_rows: int = 20_000
    synthetic_weekly_files: int = 0


SIZES = {
    "tiny": Size(
        "tiny",
        "synth",
        units=16,
        years=1,
        lifetime=30,
        real_seeds=True,
        big_rows=2_000,
        synthetic_weekly_files=64,
    ),
    "S": Size("S", "sample", parse_sample_seeds=(7, 8, 9), big_rows=20_000, synthetic_weekly_files=400),
    "M": Size("M", "synth", units=60, years=5),
    "L": Size("L", "synth", units=400, years=5, lifetime=102),  # >= 10 M ledger rows before the new week
}


class StageFailed(RuntimeError):
    """A measured stage exited non-zero (its log is in the work folder)."""


def _sunday(week_label: str) -> date:
    year, week = week_label.split("-W")
    return date.fromisocalendar(int(year), int(week), 7)


class Bench:
    """One benchmark run of one size: a work folder, its home, its dbt project copy, the measurements."""

    def __init__(
        self,
        size: Size,
        work: Path,
        stages: set[str],
        profile: bool,
        pycache: Path | None = None,
        repeat: int = 1,
        dbt_rev: str | None = "HEAD",
    ) -> None:
        self.size = size
        self.dbt_rev = dbt_rev
        self.repeat = repeat
        self.pycache = pycache
        self.work = work
        self.stages = stages
        self.profile = profile
        self.home = work / "home"
        self.project = work / "dbt_project"
        self.seeds = self.project / "seeds"
        self.logs = work / "logs"
        self.results: list[Measurement] = []
        self.info: dict[str, Any] = {}
        self.new_week: str | None = None

    # ------------------------------------------------------------------ helpers
    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    def _py(self, module: str, *args: str) -> list[str]:
        return [sys.executable, "-m", module, *args]

    def _stage_cmd(self, stage: str, *args: str, json_out: Path) -> list[str]:
        cmd = ["--json", str(json_out)]
        if self.size.kind == "synth" and not self.size.real_seeds:
            cmd += ["--seeds", str(self.seeds)]
        if self.profile:
            cmd += ["--profile", str(self.logs / f"{json_out.stem}.prof")]
        return self._py("benchmarks.stage", *cmd, stage, *args)

    def _env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "ZHAOSHANG_WAREHOUSE": str(self.warehouse),
            "ZHAOSHANG_HOME": str(self.home),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_TARGET_PATH": str(self.project / "target"),
            "DBT_LOG_PATH": str(self.project / "logs"),
            "PYTHONPATH": str(REPO),
        }
        if self.pycache:
            # byte-code cache outside the venv: what `uv pip install --compile-bytecode` would give
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(self.pycache)
        return env

    def warm_pycache(self) -> None:
        """Import what the stages import once, so the measured processes find compiled byte-code."""
        modules = (
            "dbt.cli.main, dbt.adapters.duckdb, great_expectations, ingestion.pipeline, "
            "expectations.gate, submission, benchmarks.stage, benchmarks.prepare"
        )
        subprocess.run([sys.executable, "-c", f"import {modules}"], env=self._env(), cwd=REPO, check=True)

    def measure(
        self, stage: str, cmd: list[str], ok_codes: tuple[int, ...] = (0,), **info: Any
    ) -> Measurement:
        """Run and measure one stage; a failing stage is recorded and raises StageFailed."""
        log = self.logs / f"{stage.replace(' ', '_').replace(':', '')}.log"
        load_before = os.getloadavg()[0]
        m = run_measured(stage, self.size.name, cmd, env=self._env(), cwd=REPO, log=log, check=False)
        m.extra["load_avg_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        m.extra.update(info)
        self.results.append(m)
        code = m.extra["exit_code"]
        failed = code not in ok_codes
        print(
            f"  {stage:<34} {m.wall_s:9.2f} s  {m.peak_rss_mib:8.0f} MiB"
            + (f"  FAILED (exit {code}, {log})" if failed else ""),
            flush=True,
        )
        if failed:
            m.note = f"FAILED (exit {code}); log {log.relative_to(self.work)}"
            raise StageFailed(stage)
        return m

    def step(self, func: Any, *args: Any) -> bool:
        """Run one step of the plan; a failed stage is recorded in info['errors'] and the run goes on."""
        try:
            func(*args)
            return True
        except StageFailed as failed:
            self.info.setdefault("errors", []).append(str(failed))
            return False

    def stage_json(self, name: str) -> Path:
        return self.logs / f"{name}.json"

    def read_json(self, path: Path) -> dict[str, Any]:
        return json.loads(path.read_text(encoding="utf-8"))

    # ------------------------------------------------------------------ set-up and load
    def prepare(self) -> None:
        if self.work.exists():
            shutil.rmtree(self.work)
        self.logs.mkdir(parents=True)
        copy_dbt_project(self.project, self.dbt_rev)
        # the configuration (units, targets, methods) the benchmark's builds load: the bundled defaults,
        # whose units and targets an M/L run replaces (benchmarks.prepare)
        shutil.copytree(DEFAULTS_DIR / "config", self.seeds)
        shutil.copytree(DEFAULTS_DIR / "methods", self.seeds / "methods")
        if self.size.kind == "synth":
            self._prepare_synth()
        else:
            self._prepare_sample()

    def _prepare_synth(self) -> None:
        s = self.size
        out = self.stage_json("load")
        args = [
            str(self.home),
            str(self.project),
            "--units",
            str(s.units),
            "--years",
            str(s.years),
            "--lifetime",
            str(s.lifetime),
            "--json",
            str(out),
        ]
        if s.real_seeds:
            args.append("--real-seeds")
        m = self.measure("load: generate raw tables (SQL)", self._py("benchmarks.prepare", *args))
        info = self.read_json(out)
        self.new_week = info["new_week"]
        m.rows = info["ledger_rows_loaded"]
        m.files = info["report_files"] - info["new_week_files"]
        m.note = (
            f"synthetic, vectorised SQL straight into raw.*; {info['units']} units x {info['weeks']} "
            f"weeks; includes rendering the new week's {info['new_week_files']} files"
        )
        self.info["synth"] = info

    def _sample_inbox(self, seed: int) -> Path:
        cache = DATA / "cache" / f"sample_2021_{seed}"
        if not (cache / ".complete").exists():
            from zhaoshang.sample_data import write_sample_inbox

            shutil.rmtree(cache, ignore_errors=True)
            write_sample_inbox(cache, 2021, seed)
            (cache / ".complete").write_text("ok")
        return cache

    def _prepare_sample(self) -> None:
        source = self._sample_inbox(7)
        inbox = self.home / "inbox"
        shutil.copytree(source, inbox, ignore=shutil.ignore_patterns(".complete"))
        weeks = sorted(p.name for p in inbox.iterdir() if p.is_dir())
        self.new_week = weeks[-1]
        shutil.move(inbox / self.new_week, self.work / "new_week")
        out = self.stage_json("load")
        m = self.measure("load: ingest inbox", self._stage_cmd("ingest", str(self.home), json_out=out))
        info = self.read_json(out)
        m.rows, m.files = info["rows"], info["files"]
        m.note = (
            f"ingest_inbox of {info['files']} sample files ({len(weeks) - 1} weeks), "
            f"rejected {info['rejected']}"
        )
        self.info["load"] = info

    # ------------------------------------------------------------------ dbt, floor, comparison
    def dbt(self, stage: str, *args: str) -> Measurement:
        cmd = [
            str(Path(sys.executable).with_name("dbt")),
            *args,
            "--project-dir",
            str(self.project),
            "--profiles-dir",
            str(self.project),
        ]
        con = duckdb.connect(str(self.warehouse))
        try:  # the configuration as data (what `zhaoshang build` does before dbt runs; not measured)
            load_folder(con, self.seeds)
        finally:
            con.close()
        run_results = self.project / "target" / "run_results.json"
        run_results.unlink(missing_ok=True)
        failed = None
        try:
            self.measure(stage, cmd)
        except StageFailed as exc:
            failed = exc
        m = self.results[-1]
        if run_results.exists():
            kept = self.logs / f"run_results_{stage.replace(' ', '_').replace(':', '')}.json"
            shutil.copyfile(run_results, kept)
            m.extra["nodes"] = _node_timings(run_results)
            models_failed = [n for n in m.extra["nodes"]["not_ok"] if n.startswith(("model.", "seed."))]
            if failed and not models_failed:
                # only tests failed: every model was built, the benchmark can go on
                m.note = f"dbt exited non-zero: failing tests {m.extra['nodes']['not_ok'][:5]}"
                failed = None
        m.rows = self._count("raw.ledger_rows")
        if failed:
            raise failed
        return m

    def _count(self, table: str) -> int | None:
        try:
            con = duckdb.connect(str(self.warehouse), read_only=True)
        except duckdb.Error:
            return None
        try:
            return con.execute(f"select count(*) from {table}").fetchall()[0][0]
        except duckdb.Error:
            return None
        finally:
            con.close()

    def floor(self, stage: str) -> Measurement:
        m = self.measure(stage, self._py("benchmarks.floor", str(self.warehouse), str(self.seeds)))
        m.rows = self._count("raw.ledger_rows")
        m.floor_of = "dbt"
        return m

    def compare(self, label: str) -> None:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            rows, diffs = compare(con)
        finally:
            con.close()
        self.info.setdefault("agreement", {})[label] = {
            "rows_compared": rows,
            "disagreements": len(diffs),
            "columns": sorted({d.column for d in diffs}),
            "examples": [d.line() for d in diffs[:40]],
        }
        verdict = "agree on every score" if not diffs else f"{len(diffs)} DISAGREEMENTS"
        print(f"  floor vs pipeline ({label}): {rows} unit-months, {verdict}", flush=True)

    # ------------------------------------------------------------------ weekly run, gate, export
    def weekly(self) -> None:
        """The new week arrives: ingest its files, `dbt build` (every model rebuilt), its month's gate."""
        assert self.new_week
        if self.size.kind == "sample":
            shutil.move(self.work / "new_week", self.home / "inbox" / self.new_week)
        out = self.stage_json("ingest_new_week")
        cmd = self._stage_cmd("ingest", str(self.home), "--weeks", self.new_week, json_out=out)
        ingest = self.measure("weekly: ingest new week", cmd)
        info = self.read_json(out)
        ingest.rows, ingest.files = info["rows"], info["files"]
        ingest.note = f"{self.new_week}: {info['files']} files, rejected {info['rejected']}"
        if info["rejected"]:
            ingest.note += f" ({'; '.join(info['rejections'][:2])})"
        build = self.dbt("weekly: dbt build", "build")
        gate = self.gate("weekly: gate")
        total = Measurement(
            stage="weekly run total (ingest+build+gate)",
            size=self.size.name,
            wall_s=ingest.wall_s + build.wall_s + gate.wall_s,
            peak_rss_mib=max(ingest.peak_rss_mib, build.peak_rss_mib, gate.peak_rss_mib),
            rows=ingest.rows,
            files=ingest.files,
            note="sum of the three stages above",
        )
        self.results.append(total)

    def gate(self, stage: str) -> Measurement:
        sunday = _sunday(self.new_week or "")
        out = self.stage_json("gate")
        m = self.measure(
            stage,
            self._stage_cmd(
                "gate",
                str(self.warehouse),
                str(sunday.year),
                str(sunday.month),
                "--pickle",
                str(self.logs / "gate.pkl"),
                json_out=out,
            ),
        )
        info = self.read_json(out)
        m.note = (
            f"{sunday.year}-{sunday.month:02d}: {'passed' if info['passed'] else 'FAILED'}, "
            f"{info['checks']} checks, {info['blocking']} blocking failures"
        )
        m.rows = self._count("raw.ledger_rows")
        self.info["gate"] = info
        return m

    def export(self) -> None:
        gate = self.info.get("gate")
        if not gate or not gate["passed"]:
            self.info["export"] = "skipped: the gate did not pass"
            print("  export skipped: the gate did not pass", flush=True)
            return
        sunday = _sunday(self.new_week or "")
        out = self.stage_json("export")
        m = self.measure(
            "export: submit month",
            self._stage_cmd(
                "export",
                str(self.home),
                str(sunday.year),
                str(sunday.month),
                str(self.logs / "gate.pkl"),
                json_out=out,
            ),
        )
        info = self.read_json(out)
        m.files = info["files"]
        m.note = f"submission {sunday.year}-{sunday.month:02d} v{info['version']}: {info['files']} files"

    def resend(self) -> None:
        """Corrected versions of two earlier month-end weeks arrive (~3 and ~13 months back): ingest,
        dbt build, and the floor must still agree."""
        from benchmarks.render import render_resend

        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            # the last week of a month (a snapshot week): ~3 months back and, if there is one, ~13 months back
            weeks = [
                r[0]
                for r in con.execute(
                    "select distinct week_label from raw.report_files "
                    "where week_end + 7 > last_day(week_end) order by 1"
                ).fetchall()
            ]
            chosen = [weeks[-i] for i in (4, 14) if len(weeks) >= i]
            units = [
                r[0]
                for r in con.execute(
                    "select distinct unit_code from raw.report_files where week_label = ? order by 1 limit 3",
                    [chosen[0]],
                ).fetchall()
            ]
            resend_inbox = self.work / "resend_inbox"
            files = sum(render_resend(con, week, units, resend_inbox) for week in chosen)
        finally:
            con.close()
        for week in chosen:
            folder = self.home / "inbox" / week
            folder.mkdir(parents=True, exist_ok=True)
            for unit in units:  # the corrected report replaces the unit's file(s) of that week
                for stale in folder.glob(f"{unit}.*"):
                    stale.unlink()
            for path in (resend_inbox / week).iterdir():
                shutil.copyfile(path, folder / path.name)
        self._keep_floor("floor.before_resend")
        out = self.stage_json("ingest_resent")
        m = self.measure(
            "resend: ingest corrected weeks",
            self._stage_cmd("ingest", str(self.home), "--weeks", *chosen, json_out=out),
        )
        info = self.read_json(out)
        m.rows, m.files = info["rows"], info["files"]
        m.note = f"{files} corrected reports of {', '.join(chosen)} (units {', '.join(units)})"
        # the scores first (what the floor computes), then the rest and the tests
        if self.size.name != "tiny":  # (the smoke test stays under a minute)
            self.dbt(SCORING_RESEND, "run", "--select", f"+{SPEC6_MODEL}")
        self.dbt("resend: dbt build", "build")
        self.floor("floor: after corrected weeks")
        self.compare("after corrected weeks")
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            changed = con.execute(f"""select count(*) from {FLOOR_TABLE} a
                join floor.before_resend b using (year, month, unit_code)
                where (a.total_score is null) <> (b.total_score is null)
                   or abs(a.total_score - b.total_score) > 1e-6""").fetchall()[0][0]
        finally:
            con.close()
        self.info["agreement"]["after corrected weeks"]["scores_changed_by_the_correction"] = changed
        print(f"  the corrections changed {changed} unit-month totals", flush=True)

    def _keep_floor(self, table: str) -> None:
        con = duckdb.connect(str(self.warehouse))
        try:
            con.execute(f"create or replace table {table} as select * from {FLOOR_TABLE}")
        finally:
            con.close()

    # ------------------------------------------------------------------ the officer's commands
    def snapshot_for_cli(self) -> None:
        """Keep a copy of the home before the new week arrives, for the command-line replay."""
        shutil.copytree(self.home, self.work / "home_cli")

    def cli(self) -> None:
        """The same new week through `zhaoshang ingest`, `build`, `check` (Dagster in-process runs)."""
        home = self.work / "home_cli"
        week = self.home / "inbox" / (self.new_week or "")
        shutil.copytree(week, home / "inbox" / week.name)
        sunday = _sunday(self.new_week or "")
        exe = str(Path(sys.executable).with_name("zhaoshang"))
        steps = [
            ("cli: zhaoshang ingest", ["ingest"], (0, 3)),
            ("cli: zhaoshang build", ["build"], (0, 1)),
            ("cli: zhaoshang check", ["check", "--month", f"{sunday.year}-{sunday.month:02d}"], (0, 4)),
        ]
        found = []
        for stage, args, ok in steps:
            m = self.measure(stage, [exe, *args, "--home", str(home)], ok_codes=ok)
            m.note = f"exit {m.extra['exit_code']}; Dagster run in-process, as the data officer runs it"
            found.append(m)
        self.results.append(
            Measurement(
                stage="cli: weekly run total",
                size=self.size.name,
                wall_s=sum(m.wall_s for m in found),
                peak_rss_mib=max(m.peak_rss_mib for m in found),
                note="sum of the three commands above",
            )
        )

    # ------------------------------------------------------------------ parsing
    def parse(self) -> None:
        from benchmarks.parse_files import prepare_parse_inputs

        groups = prepare_parse_inputs(self.work / "parse", self.size, self._sample_inbox)
        for label, inboxes in groups.items():
            out = self.stage_json(f"parse_{label}".replace(" ", "_"))
            cmd = self._stage_cmd("parse", *map(str, inboxes), json_out=out)
            if not self.step(self.measure, f"parse: {label}", cmd):
                continue
            m = self.results[-1]
            info = self.read_json(out)
            if info["errors"]:
                self.info.setdefault("parse_errors", {})[label] = info["first_errors"]
                print(
                    f"    {info['errors']} files crashed the parser: {info['first_errors'][:2]}", flush=True
                )
            for fmt, stats in sorted(info["by_format"].items()):
                sub = Measurement(
                    stage=f"parse: {label} [{fmt}]",
                    size=self.size.name,
                    wall_s=stats["seconds"],
                    peak_rss_mib=m.peak_rss_mib,
                    rows=int(stats["rows"]),
                    files=int(stats["files"]),
                    note="read + normalise + row rules (parse_report), in-process time",
                )
                self.results.append(sub)
                print(
                    f"    {fmt}: {int(stats['files'])} files, {int(stats['rows'])} rows in "
                    f"{stats['seconds']:.2f} s = {sub.files_per_s or 0:,.0f} files/s, "
                    f"{sub.rows_per_s or 0:,.0f} rows/s",
                    flush=True,
                )
            m.rows, m.files = info["rows"], info["files"]
            m.note = "whole child process (interpreter start, imports, discovery included)"

    # ------------------------------------------------------------------ driver
    def run(self) -> None:
        warehouse_stages = self.stages - {"parse"}
        print(f"benchmark size {self.size.name} in {self.work}", flush=True)
        started = time.time()
        if self.pycache:
            self.warm_pycache()
        if warehouse_stages:
            ok = self.step(self.prepare)
        else:
            ok = False
            shutil.rmtree(self.work, ignore_errors=True)
            self.logs.mkdir(parents=True)
        # tiny (the smoke test) builds once: its only dbt build is the one after the new week arrives
        quick = self.size.name == "tiny" and "weekly" in self.stages
        for i in range(self.repeat if ok and warehouse_stages - {"load"} and not quick else 0):
            # idempotent stages may run several times (the machine is shared): the best run is reported
            full = self.step(self.dbt, FULL_BUILD, "build")
            if full and {"floor", "dbt_scoring"} & self.stages:
                if self.step(self.floor, "floor: hand-written SQL") and i == 0:
                    self.compare("after full build")
            if "dbt_scoring" in self.stages:
                # the models the scores need, no tests: the pipeline's equivalent of the floor
                self.step(self.dbt, SCORING, "run", "--select", f"+{SPEC6_MODEL}")
        self.results = collapse_repeats(self.results)
        cli = ok and "cli" in self.stages and self.size.kind == "sample"
        if cli:
            self.snapshot_for_cli()
        if ok and {"weekly", "export"} & self.stages:
            if self.step(self.weekly) and "floor" in self.stages:
                if self.step(self.floor, "floor: after new week"):
                    self.compare("after new week")
            if "export" in self.stages:
                self.step(self.export)
            if "resend" in self.stages:
                self.step(self.resend)
        if cli and self.new_week and (self.home / "inbox" / self.new_week).exists():
            self.step(self.cli)
        if "parse" in self.stages:
            self.step(self.parse)
        self.info["total_wall_s"] = time.time() - started


def collapse_repeats(results: list[Measurement]) -> list[Measurement]:
    """Merge repeated runs of a stage into its fastest run (peak RSS: the largest), noting every wall time."""
    out: list[Measurement] = []
    by_stage: dict[str, list[Measurement]] = {}
    for m in results:
        if m.stage not in by_stage:
            out.append(m)
        by_stage.setdefault(m.stage, []).append(m)
    merged = []
    for m in out:
        runs = by_stage[m.stage]
        if len(runs) == 1:
            merged.append(m)
            continue
        best = min(runs, key=lambda r: r.wall_s)
        best.peak_rss_mib = max(r.peak_rss_mib for r in runs)
        walls = ", ".join(f"{r.wall_s:.1f}" for r in runs)
        best.note = (best.note + "; " if best.note else "") + f"best of {len(runs)} runs ({walls} s)"
        merged.append(best)
    return merged


def _node_timings(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    nodes = [
        (r["unique_id"], r.get("execution_time") or 0.0, r.get("status")) for r in data.get("results", [])
    ]
    by_kind: dict[str, float] = {}
    for uid, seconds, _ in nodes:
        kind = uid.split(".")[0]
        by_kind[kind] = by_kind.get(kind, 0.0) + seconds
    top = sorted(nodes, key=lambda n: -n[1])[:12]
    failed = [uid for uid, _, status in nodes if status not in ("success", "pass")]
    return {
        "elapsed": data.get("elapsed_time"),
        "by_kind": by_kind,
        "count": len(nodes),
        "top": [[uid.split(".", 2)[-1], round(s, 2), st] for uid, s, st in top],
        "not_ok": failed[:20],
    }


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import psutil

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip(),
        # other engineers' uncommitted changes the run may have picked up (benchmarks/ excluded)
        "uncommitted": [
            line[3:]
            for line in subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=REPO,
                capture_output=True,
                text=True,
            ).stdout.splitlines()
            if not line[3:].startswith("benchmarks/")
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), required=True)
    parser.add_argument(
        "--stages",
        nargs="+",
        choices=ALL_STAGES,
        help="default: all (tiny: all but dbt_scoring and resend, and one dbt build only)",
    )
    parser.add_argument("--work", type=Path, help="work folder (default benchmarks/data/<size>)")
    parser.add_argument("--profile", action="store_true", help="cProfile the Python stages (logs/*.prof)")
    parser.add_argument("--no-report", action="store_true", help="do not rewrite benchmarks/RESULTS.md")
    parser.add_argument(
        "--worktree",
        action="store_true",
        help="run dbt on the working tree's dbt_project (default: as committed at HEAD)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the full build, the floor and the scoring run N times, report the best",
    )
    parser.add_argument(
        "--pycache",
        type=Path,
        help="let the stages cache byte-code in this folder (by default the venv has none, "
        "and PYTHONDONTWRITEBYTECODE may be set: every process compiles its imports)",
    )
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    # the smoke test (tiny) stays under a minute: no scoring runs, no corrected weeks
    default = [s for s in ALL_STAGES if not (size.name == "tiny" and s in ("dbt_scoring", "resend"))]
    if args.stages is None:
        args.stages = default
    stages = set(args.stages)
    if size.kind == "synth" and not (size.parse_sample_seeds or size.synthetic_weekly_files):
        stages.discard("parse")
    name = size.name + ("-pycache" if args.pycache else "")
    pycache = args.pycache.resolve() if args.pycache else None
    started_on = machine()  # commit and working tree as the run starts (the dbt project is copied then)
    bench = Bench(
        size,
        (args.work or DATA / name).resolve(),
        stages,
        args.profile,
        pycache,
        args.repeat,
        None if args.worktree else "HEAD",
    )
    bench.run()
    partial = set(args.stages) != set(ALL_STAGES) and not (size.name == "tiny" and args.stages == default)
    out = DATA / "results" / (f"{name}-partial.json" if partial else f"{name}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    command = f".venv/bin/python -m benchmarks.run --size {size.name}"
    if set(args.stages) != set(default):
        command += f" --stages {' '.join(args.stages)}"
    if pycache:
        command += f" --pycache {args.pycache}"
    if args.repeat > 1:
        command += f" --repeat {args.repeat}"
    if args.worktree:
        command += " --worktree"
    started_on["dbt_project"] = "working tree" if args.worktree else f"HEAD = {started_on['commit']}"
    payload = {
        "size": name,
        "spec": asdict(size),
        "stages": sorted(stages),
        "finished": datetime.now().isoformat(timespec="seconds"),
        "machine": started_on,
        "command": command,
        "results": [
            {**asdict(m), "rows_per_s": m.rows_per_s, "files_per_s": m.files_per_s} for m in bench.results
        ],
        "info": bench.info,
    }
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"results: {out} ({bench.info['total_wall_s']:.0f} s)")
    if not args.no_report:
        from benchmarks.report import write_results

        print(f"table: {write_results()}")
    failures = [v for v in bench.info.get("agreement", {}).values() if v["disagreements"]]
    if bench.info.get("errors"):
        print(f"failed stages: {', '.join(bench.info['errors'])}")
    return 2 if failures else 1 if bench.info.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
