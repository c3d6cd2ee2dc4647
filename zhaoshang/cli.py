"""The `zhaoshang` command: the data officer's routine tasks, each running the Dagster assets the UI shows."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import warnings
from pathlib import Path

from basics.errors import UserError
from basics.home import PROJECT_ROOT, Home
from basics.months import parse_month
from zhaoshang.machine_errors import machine_problem

DESCRIPTION = """\
区招商投资促进局 统计与考核数据仓库 / statistics and assessment warehouse of the investment-promotion bureau.

Everything lives in one home folder (--home DIR, else $ZHAOSHANG_HOME, else ./var): the warehouse, the inbox
where units drop their weekly reports (<inbox>/YYYY-Www/<unit>.xlsx), the archive, the quarantine of rejected
files and the frozen monthly submissions.

Weekly: `zhaoshang ingest`, then `zhaoshang build`, then `zhaoshang status` to chase missing reports.
Monthly: `zhaoshang check --month YYYY-MM`, then `zhaoshang submit --month YYYY-MM`;
`zhaoshang report --month YYYY-MM` writes the committee's bulletin.
"""

EXIT_CODES = """\
exit codes: 0 done; 1 dbt or run failure; 2 wrong input; 3 a file was rejected (ingest);
4 the quality gate failed (check, submit); 5 the month was already submitted (submit);
6 a frozen submission file was altered or is missing (verify)."""


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="zhaoshang",
        description=DESCRIPTION,
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", help="home folder (default: $ZHAOSHANG_HOME, else ./var)")
    common.add_argument("--verbose", action="store_true", help="show the Dagster run log")
    sub = root.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text)

    add(
        "demo",
        "Write the bundled sample year into the inbox if it is empty, ingest it, build the "
        "warehouse, check and submit the latest complete month, and print where everything is.",
    )
    sample = add("sample", "Write a realistic sample year of weekly reports (for trying things out).")
    sample.add_argument("--out", required=True, help="folder to write the inbox into")
    sample.add_argument("--year", type=int, default=2021, help="the year (default 2021)")
    sample.add_argument("--seed", type=int, default=7, help="random seed: same seed, same files")
    ingest = add(
        "ingest",
        "Load every new or changed weekly report from the inbox. Prints how many files "
        "were accepted, superseded (a resent week) and rejected, and why each rejection.",
    )
    ingest.add_argument("--inbox", help="inbox folder (default: <home>/inbox)")
    add("build", "Rebuild the warehouse and the scores from the loaded reports, and run its tests (dbt).")
    scores = add("scores", "Print a month's ranking (year to date) with every component of every score.")
    scores.add_argument("--month", required=True, help="the month, YYYY-MM")
    scores.add_argument("--csv", action="store_true", help="print CSV with Chinese headers instead")
    check = add("check", "Run the data-quality gate of a month and list every failure. Sends nothing.")
    check.add_argument("--month", required=True, help="the month, YYYY-MM")
    submit = add("submit", "Run the gate and, when it passes, export and freeze the city-level submission.")
    submit.add_argument("--month", required=True, help="the month, YYYY-MM")
    submit.add_argument(
        "--waive",
        nargs="+",
        default=[],
        metavar="UNIT",
        help="units whose missing weekly reports are excused (needs --reason)",
    )
    submit.add_argument(
        "--resubmit",
        action="store_true",
        help="create the next version of a month already submitted (needs --reason)",
    )
    submit.add_argument(
        "--reason", help="written reason for a waiver or a resubmission (kept in the manifest)"
    )
    template = add(
        "template",
        "Write the weekly workbook each unit fills (周报模板): its ledger pre-filled from its latest "
        "accepted report, with drop-down lists and validation.",
    )
    template.add_argument("--week", required=True, help="the ISO week the units will report, YYYY-Www")
    template.add_argument(
        "--unit", nargs="+", default=[], metavar="U", help="only these units (default: all active)"
    )
    template.add_argument("--out", help="folder to write into (default: <home>/templates)")
    report = add(
        "report",
        "Write the committee's monthly bulletin (月度考核通报) under <home>/reports/YYYY-MM/: "
        "a self-contained HTML file, its PDF and a workbook.",
    )
    report.add_argument("--month", required=True, help="the month, YYYY-MM")
    status = add("status", "Show missing weekly reports, rejected files and the last submissions.")
    status.add_argument("--month", help="month to list missing reports for (default: the latest)")
    add(
        "verify",
        "Check every frozen submission against the warehouse's record; exit 6 if a file was altered.",
    )
    method = add("method", "Assessment method files (考核办法): `method check FILE` validates one.")
    method_sub = method.add_subparsers(dest="method_command", metavar="ACTION", required=True)
    method_check = method_sub.add_parser(
        "check", help="validate a method file (or methods/register.yml and every method it names)"
    )
    method_check.add_argument("file", help="the method file, e.g. methods/2021.yml")
    explain = add(
        "explain",
        "Every point of one unit's score for a month, in Chinese, down to the projects, weeks and leads.",
    )
    explain.add_argument("--unit", required=True, help="unit code, e.g. P01")
    explain.add_argument("--month", required=True, help="the month, YYYY-MM")
    ui = add("ui", "Start the Dagster UI on http://127.0.0.1:3000 (this machine only).")
    ui.add_argument("--port", type=int, default=3000)
    return root


def dispatch(args: argparse.Namespace, home: Home) -> int:
    from zhaoshang.dagster_runs import activate

    if args.command == "sample":
        from zhaoshang.sample_data import write_sample_inbox

        summary = write_sample_inbox(Path(args.out), year=args.year, seed=args.seed)
        print(f"Wrote {summary.files_written} files for {args.year} into {args.out}.")
        return 0
    if args.command == "method":
        from zhaoshang.commands import method

        return method.check(args.file)
    if args.command == "explain":
        from zhaoshang.commands import explain

        return explain.run(home, args.unit, *parse_month(args.month))
    activate(home)
    if args.command == "ui":
        cmd = [
            str(Path(sys.executable).with_name("dagster")),
            "dev",
            "-m",
            "orchestration.definitions",
            "-h",
            "127.0.0.1",
            "-p",
            str(args.port),
        ]
        print(f"Dagster UI: http://127.0.0.1:{args.port} (home {home.root}); stop with Ctrl+C.")
        # `dagster dev` re-parses the dbt project on load (DbtProject.prepare_if_dev): with the venv's dbt
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        return subprocess.call(cmd, cwd=PROJECT_ROOT, env={**os.environ, "PATH": path})
    from zhaoshang.commands import build, demo, gate, ingest, report, scores, status, verify

    if args.command == "demo":
        return demo.run(home)
    if args.command == "ingest":
        return ingest.run(home, Path(args.inbox).resolve() if args.inbox else None)
    if args.command == "build":
        return build.run(home)
    if args.command == "scores":
        return scores.run(home, *parse_month(args.month), args.csv)
    if args.command == "check":
        return gate.check(home, *parse_month(args.month))
    if args.command == "submit":
        return gate.submit(home, *parse_month(args.month), args.waive, args.reason, args.resubmit)
    if args.command == "report":
        return report.run(home, *parse_month(args.month))
    if args.command == "verify":
        return verify.run(home)
    if args.command == "status":
        return status.run(home, parse_month(args.month) if args.month else None)
    if args.command == "template":
        from zhaoshang.commands import template

        return template.run(home, args.week, args.unit, args.out)
    raise AssertionError(args.command)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    if args.verbose:
        os.environ["ZHAOSHANG_VERBOSE"] = "1"
    else:  # library warnings (beta/deprecation notices) are for developers, not the data officer
        warnings.simplefilter("ignore")
    home = Home.resolve(args.home)
    try:
        if args.home and not Path(args.home).expanduser().parent.exists():
            raise UserError(
                f"The home folder's parent {Path(args.home).parent} does not exist.",
                "Create it first or choose another --home.",
            )
        return dispatch(args, home)
    except UserError as err:
        err = machine_problem(err, home) or err  # a run that failed on a full disk says so plainly
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except Exception as exc:  # the machine refusing (disk full, permission) is one sentence too
        problem = machine_problem(exc, home)
        if problem is None:
            raise
        print(f"error: {problem}", file=sys.stderr)
        return problem.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
