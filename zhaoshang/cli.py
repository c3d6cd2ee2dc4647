"""The `zhaoshang` command: the data officer's routine tasks, each running the Dagster assets the UI shows.

Every line the officer reads is Chinese first, English after it, in the bureau's terms (`basics.terms`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from pathlib import Path

from basics import terms as t
from basics.config import ConfigErrors
from basics.errors import UserError
from basics.home import Home
from basics.months import parse_month
from basics.safe_text import terminal_safe_output
from zhaoshang.machine_errors import machine_problem

DESCRIPTION = f"""\
区招商投资促进局 统计与考核{t.WAREHOUSE}
statistics and assessment warehouse of the investment-promotion bureau.

所有数据都在一个{t.HOME}中（--home DIR，否则 $ZHAOSHANG_HOME，否则 ./var）：
{t.WAREHOUSE}、各单位放{t.WEEKLY_REPORT}的{t.INBOX}（<inbox>/YYYY-Www/<单位编号>.xlsx）、{t.ARCHIVE}、{t.REJECTED}文件的{t.QUARANTINE}和已冻结的月度{t.SUBMIT}。
Everything lives in one home folder: the warehouse, the inbox, the archive, the quarantine, the submissions.

每周 weekly:   zhaoshang weekly（= ingest + build），再 zhaoshang status 催{t.MISSING_REPORT}
每月 monthly:  zhaoshang check --month YYYY-MM，再 zhaoshang submit --month YYYY-MM
每月 monthly:  zhaoshang report --month YYYY-MM 写出月度考核通报 / writes the committee's bulletin
{t.BACKUP} backup:  zhaoshang backup --out FILE
{t.WAREHOUSE}{t.DAMAGED}或丢失 damaged or lost:  zhaoshang rebuild
"""

EXIT_CODES = f"""\
退出码 exit codes: 0 完成 done; 1 计算或运行失败 dbt/run failure; 2 输入有误 wrong input;
3 有文件被{t.REJECTED} a file was rejected (ingest, weekly);
4 {t.QUALITY_GATE}{t.FAILED} the gate failed (check, submit);
5 该月已{t.SUBMIT} the month was already submitted (submit);
6 已冻结的{t.SUBMIT}文件被改动或缺失 a frozen submission file was altered or is missing (verify)."""

# Only `demo` and `sample` create a home (and `ingest`/`weekly` when given an --inbox to load into a new one);
# every other command names a missing home as a mistyped --home instead of making it.
CREATES_HOME = {"demo", "sample", "init"}
# commands that work without reading the warehouse first (rebuild replaces it)
NO_WAREHOUSE = {"sample", "method", "ui", "rebuild", "init", "config"}
# commands that write the warehouse or copy it: a home made before the journal existed gets one first
WRITERS = {"demo", "ingest", "build", "weekly", "submit", "backup"}


class Parser(argparse.ArgumentParser):
    """argparse with Chinese headings and one-sentence errors (exit 2)."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "命令 commands"
        self._optionals.title = "选项 options"
        if not any("-h" in a.option_strings for a in self._actions):
            self.add_argument("-h", "--help", action="help", help="显示本说明 / show this help")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "用法 usage:", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage:", "用法 usage:", 1)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(
            f"错误：命令行参数有误（{message}）。运行 `{self.prog} --help` 查看用法。/ "
            f"error: wrong arguments ({message}); see `{self.prog} --help`.",
            file=sys.stderr,
        )
        sys.exit(2)


def parser() -> argparse.ArgumentParser:
    root = Parser(prog="zhaoshang", description=DESCRIPTION, epilog=EXIT_CODES)
    # global options go before or after the command (`zhaoshang --home X ingest`, as git and dbt take them);
    # the command's copy defaults to SUPPRESS so it never overwrites what was given before the command
    common = argparse.ArgumentParser(add_help=False)  # default group titles: merged into each command's
    for p, default in ((root, None), (common, argparse.SUPPRESS)):
        p.add_argument(
            "--home", default=default, help=f"{t.HOME} home folder（默认 $ZHAOSHANG_HOME，否则 ./var）"
        )
        p.add_argument(
            "--verbose",
            action="store_true",
            default=default if default is not None else False,
            help="显示 Dagster 运行日志 / show the Dagster run log",
        )
    sub = root.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name, parents=[common], help=help_text, description=help_text, epilog=EXIT_CODES
        )

    def month_arg(p: argparse.ArgumentParser, required: bool = True, what: str = "") -> None:
        p.add_argument(
            "--month", required=required, help=f"{t.MONTH}，写成 YYYY-MM{what} / the month, YYYY-MM"
        )

    add(
        "demo",
        f"演示：{t.INBOX}为空时写入自带的样例年度，{t.INGEST}、{t.BUILD}、检查并{t.SUBMIT}最近一个完整月份，"
        "并说明各文件的位置。"
        "/ Write the sample year, ingest, build, check and submit the latest complete month.",
    )
    sample = add(
        "sample",
        f"写出一个逼真的样例年度{t.WEEKLY_REPORT}（试用）/ write a realistic sample year of weekly reports.",
    )
    sample.add_argument(
        "--out", help=f"写入的{t.INBOX}文件夹（默认 <home>/inbox）/ folder to write the inbox into"
    )
    sample.add_argument("--year", type=int, default=2021, help="年份（默认 2021）/ the year (default 2021)")
    sample.add_argument("--seed", type=int, default=7, help="随机种子：同一种子，同样文件 / random seed")
    ingest = add(
        "ingest",
        f"{t.INGEST}{t.INBOX}中新的或有变化的{t.WEEKLY_REPORT}，列出{t.ACCEPTED}、{t.SUPERSEDED}、{t.REJECTED}"
        f"的文件及每个{t.REJECTED}理由，并说明下一步。"
        f"/ Load new or changed weekly reports; says what to run next.",
    )
    ingest.add_argument("--inbox", help=f"{t.INBOX}文件夹（默认 <home>/inbox）/ inbox folder")
    add(
        "build",
        f"{t.BUILD}：由已{t.INGEST}的{t.WEEKLY_REPORT}重建{t.WAREHOUSE}和{t.SCORES}并运行其测试（dbt）。"
        "/ Rebuild the warehouse and the scores (dbt build).",
    )
    add(
        "weekly",
        f"每周例行：{t.INGEST}（ingest）后{t.BUILD}（build），再列出{t.MISSING_REPORT}。"
        "/ The weekly routine in one command: ingest, build, then the missing reports.",
    )
    scores = add(
        "scores",
        f"某月（年初至月末累计）的{t.SCORES}排名及每项得分。"
        f"/ A month's ranking (year to date), every component.",
    )
    month_arg(scores)
    scores.add_argument(
        "--csv",
        nargs="?",
        const="-",
        metavar="FILE",
        help=f"输出 CSV（UTF-8 带 BOM，中文表头，按{t.SUBMIT}口径取整）到文件或屏幕 / CSV to FILE or stdout",
    )
    scores.add_argument(
        "--xlsx", metavar="FILE", help="输出 Excel 工作簿（中文表头，数字格式）/ write an .xlsx workbook"
    )
    check = add(
        "check",
        f"运行某月的{t.QUALITY_GATE}并列出每个问题，不{t.SUBMIT}。"
        f"/ Run a month's quality gate; sends nothing.",
    )
    month_arg(check)
    submit = add(
        "submit",
        f"{t.QUALITY_GATE}{t.PASSED}后导出并冻结{t.SUBMISSION}。"
        f"/ Gate, export and freeze the city submission.",
    )
    month_arg(submit)
    submit.add_argument(
        "--waive",
        nargs="+",
        default=[],
        metavar='UNIT="理由"',
        help=f'{t.MISSING_REPORT}{t.WAIVER}的单位，各带{t.REASON}：--waive D01="书面说明…" D05="…" '
        "/ units excused for missing reports, each with its own reason",
    )
    submit.add_argument(
        "--waivers",
        metavar="FILE",
        help=f"{t.WAIVER}清单 CSV（两列：{t.UNIT_CODE},{t.REASON}）"
        f"/ a waiver file: unit_code,reason per line",
    )
    submit.add_argument(
        "--resubmit",
        action="store_true",
        help=f"{t.RESUBMIT}已{t.SUBMIT}的月份，生成下一版（需 --reason）"
        f"/ make the next version (needs --reason)",
    )
    submit.add_argument(
        "--no-previous-waivers",
        action="store_true",
        help=f"{t.RESUBMIT}时不沿用上一版的{t.WAIVER} / do not carry the previous version's waivers",
    )
    template = add(
        "template",
        f"写出各单位填报的{t.WEEKLY_REPORT}模板：项目台账按该单位最近一份已{t.ACCEPTED}的{t.WEEKLY_REPORT}预填，"
        "带下拉选项和校验。/ Write the weekly workbook each unit fills, pre-filled, with drop-down lists.",
    )
    template.add_argument(
        "--week", required=True, help=f"各单位将填报的{t.ISO_WEEK}，写成 YYYY-Www / the ISO week"
    )
    template.add_argument(
        "--unit",
        nargs="+",
        default=[],
        metavar="U",
        help="只写这些单位（默认全部在册单位）/ only these units",
    )
    template.add_argument("--out", help="写入的文件夹（默认 <home>/templates）/ folder to write into")
    report = add(
        "report",
        f"写出月度考核通报（{t.SCORES}，HTML、PDF 和工作簿）到 <home>/reports/YYYY-MM/v<N>/"
        "（每次一个新版本，不覆盖）"
        "/ Write the committee's monthly bulletin: a self-contained HTML file, its PDF and a workbook.",
    )
    month_arg(report)
    submit.add_argument(
        "--reason",
        help=f"{t.RESUBMIT}的书面{t.REASON}（记入清单 manifest）；未写理由的{t.WAIVER}单位也用它 "
        "/ the written reason of a resubmission (also used by waived units given without their own reason)",
    )
    status = add(
        "status",
        f"{t.MISSING_REPORT}周次、{t.REJECTED}文件和最近的{t.SUBMIT}记录。"
        f"/ Missing reports, rejected files, submissions.",
    )
    month_arg(status, required=False, what="（默认最近一个月 / default: the latest）")
    add(
        "verify",
        f"核验每个已冻结的{t.SUBMIT}文件与{t.WAREHOUSE}中的记录是否一致；有改动则退出码 6。"
        "/ Check every frozen submission against the warehouse's record; exit 6 if a file was altered.",
    )
    add(
        "rebuild",
        f"{t.WAREHOUSE}丢失或{t.DAMAGED}时，由{t.ARCHIVE}和{t.JOURNAL}{t.REBUILD}（每个{t.VERSION}本、接收时间、"
        f"{t.REJECTED}记录、录入和{t.SUBMIT}记录），然后{t.BUILD}。"
        "/ Recreate a lost or damaged warehouse from the archive and the journal, then build.",
    )
    backup = add(
        "backup",
        f"把{t.HOME}（{t.WAREHOUSE}、{t.JOURNAL}、{t.ARCHIVE}、{t.SUBMIT}等）{t.BACKUP}为一个 .tar.gz 文件。"
        "/ Write the home into one .tar.gz file to copy to another disk.",
    )
    backup.add_argument(
        "--out", required=True, help=f"{t.BACKUP}文件，例如 zhaoshang.tar.gz / the file to write"
    )
    add(
        "init",
        f"建立{t.HOME}并写入默认配置（<home>/config/：单位名册、目标、考核办法、参数），之后只读这份配置。"
        "/ Make the home and write the default configuration into <home>/config/.",
    )
    config = add(
        "config",
        "配置文件夹（<home>/config/）：`config check` 检查全部文件 / the configuration folder.",
    )
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_sub.add_parser(
        "check",
        parents=[common],
        help="检查单位名册、目标和考核办法 / validate the registers, targets and methods together",
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
    ui = add(
        "ui",
        "启动 Dagster 界面 http://127.0.0.1:3000（仅本机）/ Start the Dagster UI on this machine only.",
    )
    ui.add_argument("--port", type=int, default=3000, help="端口 / port (default 3000)")
    return root


# commands that only read the warehouse and the home's files: they never import Dagster (a cold start of
# about a second); the commands that run jobs import it when they run, and recover a dead run first
NO_DAGSTER = {"sample", "method", "explain", "status", "scores", "verify", "init", "config"}


def dispatch(args: argparse.Namespace, home: Home) -> int:
    """Import only what the command needs (Dagster, GX and dbt take seconds to import), then run it."""
    if args.command == "sample":
        from zhaoshang.sample_data import write_sample_inbox

        out = Path(args.out) if args.out else home.inbox
        summary = write_sample_inbox(out, year=args.year, seed=args.seed)
        print(
            f"已写出 {args.year} 年样例{t.WEEKLY_REPORT} {summary.files_written} 个文件到 {out} / "
            f"wrote {summary.files_written} files for {args.year} into {out}."
        )
        return 0
    if args.command == "method":
        from zhaoshang.commands import method

        return method.check(args.file)
    if args.command == "init":
        from zhaoshang.commands import config

        return config.init(home)
    if args.command not in CREATES_HOME and not getattr(args, "inbox", None):
        from zhaoshang.warehouse import require_home

        require_home(home)
    current = probe(home) if args.command not in NO_WAREHOUSE else args.command != "ui"
    if not current:  # `ui` starts runs that write: its home is migrated too
        migrate(home)
    if args.command == "config":
        from zhaoshang.commands import config

        return config.check(home)
    if args.command == "explain":
        from zhaoshang.commands import explain

        return explain.run(home, args.unit, *parse_month(args.month))
    if args.command == "scores":
        from zhaoshang.commands import scores

        return scores.run(home, *parse_month(args.month), args.csv, args.xlsx)
    if args.command == "verify":
        from zhaoshang.commands import verify

        return verify.run(home)
    if args.command == "status":
        from zhaoshang.commands import status

        return status.run(home, parse_month(args.month) if args.month else None)
    from zhaoshang.dagster_runs import activate

    activate(home)
    if args.command in WRITERS:
        from zhaoshang.commands.config import ensure
        from zhaoshang.journal_seed import seed_journal

        ensure(home)  # a home made before the configuration folder existed gets the defaults

        seed_journal(home)
    if args.command == "ui":
        from zhaoshang.commands import ui

        return ui.run(home, args.port)
    if args.command == "rebuild":
        from zhaoshang.commands import rebuild

        return rebuild.run(home)
    if args.command == "backup":
        from zhaoshang.commands import backup

        return backup.run(home, Path(args.out))
    if args.command == "demo":
        from zhaoshang.commands import demo

        return demo.run(home)
    if args.command in ("ingest", "weekly"):
        from zhaoshang.commands import ingest

        if args.command == "weekly":
            return ingest.weekly(home)
        return ingest.run(home, Path(args.inbox).resolve() if args.inbox else None)
    if args.command == "build":
        from zhaoshang.commands import build

        return build.run(home)
    if args.command in ("check", "submit"):
        from zhaoshang.commands import gate

        if args.command == "check":
            return gate.check(home, *parse_month(args.month))
        waivers = gate.parse_waivers(args.waive, args.waivers, args.reason, args.resubmit)
        return gate.submit(
            home, *parse_month(args.month), waivers, args.reason, args.resubmit, not args.no_previous_waivers
        )
    if args.command == "report":
        from zhaoshang.commands import report

        return report.run(home, *parse_month(args.month))
    if args.command == "template":
        from zhaoshang.commands import template

        return template.run(home, args.week, args.unit, args.out)
    raise AssertionError(args.command)


def probe(home: Home) -> bool:
    """Remove a killed build's leftover copy, then open the warehouse once (not waiting for a lock): a damaged
    file is named before any work starts. True when the raw schema is known to be current (no migration)."""
    import duckdb

    from basics.warehouse_access import WarehouseDamaged, is_damage
    from basics.warehouse_schema import read_version
    from ingestion.raw_schema import raw_version
    from zhaoshang.dagster_runs import clear_leftover_builds

    if not home.warehouse.exists():
        return True
    clear_leftover_builds(home)  # a killed build's copy, also for the commands that start no Dagster run
    try:
        con = duckdb.connect(str(home.warehouse), read_only=True)
        try:
            return read_version(con) in (None, raw_version())
        finally:
            con.close()
    except duckdb.Error as exc:
        if is_damage(exc):
            raise WarehouseDamaged(home.warehouse) from None  # else busy: the command waits for it itself
        return False


def migrate(home: Home) -> None:
    """A warehouse an older release made is migrated before the command reads or writes it (one line); a
    newer release's is refused. Read-only commands migrate too (they wait for the write lock like a writer):
    the officer never meets a half-old home. The derived tables are rebuilt by the next build."""
    from ingestion.raw_schema import upgrade_raw_schema
    from zhaoshang.freshness import LAST_BUILD

    if upgrade_raw_schema(home.warehouse):
        (home.root / "logs" / LAST_BUILD).unlink(missing_ok=True)  # `weekly` must not skip the next build


def main(argv: list[str] | None = None) -> int:
    """Every printed line goes through `basics.safe_text.terminal_safe`: data cannot drive the terminal."""
    try:
        with terminal_safe_output():
            return _main(argv)
    except BrokenPipeError:  # the reader of a pipe stopped early (`zhaoshang scores | head`): no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's own flush at exit too
        return 1


def _main(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    if args.verbose:
        os.environ["ZHAOSHANG_VERBOSE"] = "1"
    else:  # library warnings and log records are for developers: the commands print their own summary
        warnings.simplefilter("ignore")
        logging.getLogger().addHandler(logging.NullHandler())
    home = Home.resolve(args.home)
    os.environ["ZHAOSHANG_HOME"] = str(home.root)  # the registers are read from this home's config/
    try:
        if args.home and not Path(args.home).expanduser().resolve().parent.exists():
            raise UserError(
                f"{t.HOME}的上级文件夹 {Path(args.home).expanduser().resolve().parent} 不存在 / "
                "the home folder's parent does not exist.",
                "请先建立它或换一个 --home / create it first or choose another --home.",
            )
        return dispatch(args, home)
    except ConfigErrors as err:  # a register read before the build checked the folder (ingest, status …)
        from zhaoshang.commands.config import EXIT_BAD_CONFIG, print_problems

        print_problems(err.problems)
        print("请先改正配置文件（zhaoshang config check）/ correct the configuration first.", file=sys.stderr)
        return EXIT_BAD_CONFIG
    except UserError as err:
        err = machine_problem(err, home) or err  # a run that failed on a full disk says so plainly
        print(f"错误 error: {err}", file=sys.stderr)
        return err.exit_code
    except Exception as exc:  # the machine refusing (disk full, permission) is one sentence too
        from basics.warehouse_access import WarehouseDamaged, is_damage

        problem = WarehouseDamaged(home.warehouse) if is_damage(exc) else machine_problem(exc, home)
        if problem is None:
            raise
        print(f"error: {problem}", file=sys.stderr)
        return problem.exit_code
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: not an error of the officer's
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
