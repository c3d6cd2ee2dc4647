"""Terminal-safe text: control and bidi characters from data are shown escaped on every line the CLI prints
(through the real commands: tests/cli/test_terminal_output.py)."""

from __future__ import annotations

import ast
import io
import sys
import unicodedata

import pytest

from basics.safe_text import TerminalSafeStream, terminal_safe, terminal_safe_output, unescaped
from tests.conftest import PROJECT_ROOT
from zhaoshang.cli import main
from zhaoshang.text_table import display_width, render

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2J", r"\x1b[2J"),
        ("\x07", r"\x07"),
        ("a\rb", r"a\x0db"),
        ("\x00\x7f\x85\x9b", r"\x00\x7f\x85\x9b"),  # NUL, DEL, NEL and the 8-bit CSI
        ("\t", r"\x09"),
        ("项目\u202e甲", r"项目\u202e甲"),
        ("\u2066x\u2069", r"\u2066x\u2069"),
    ],
)
def test_controls_and_bidi_characters_are_shown_escaped(raw, shown):
    assert terminal_safe(raw) == shown


def test_every_c0_c1_and_bidi_character_is_escaped_and_nothing_else():
    for code in [*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0)]:
        assert terminal_safe(chr(code)) == f"\\x{code:02x}"
    for ch in BIDI:
        assert terminal_safe(ch) == f"\\u{ord(ch):04x}"
    kept = "".join(chr(c) for c in range(0xA0, 0x3000) if chr(c) not in BIDI)
    assert terminal_safe(kept) == kept
    # every C0/C1 control (Unicode category Cc) but the newline is covered
    controls = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cc" and c != 0x0A]
    assert all(terminal_safe(ch) != ch for ch in controls)


def test_chinese_text_newlines_and_backslashes_stay_and_escaping_twice_changes_nothing():
    text = "江津综合保税区：协议引资额 1.5 亿元\n第2行 C:\\path"
    assert terminal_safe(text) == text
    once = terminal_safe("项目\x1b[2J\u202e甲")
    assert terminal_safe(once) == once


def test_a_table_with_escaped_names_keeps_its_columns():
    rows = [["P01", "项目\x1b[2J\x07\u202e甲", 1.5], ["P02", "乙乙乙乙乙乙", 22.25]]
    lines = render(["编号", "项目名称", "金额"], rows).splitlines()
    assert "\x1b" not in "".join(lines) and r"项目\x1b[2J\x07\u202e甲" in lines[2]
    # the amounts (right-aligned, last column) end in the same terminal column on every line
    widths = {display_width(line) for line in lines[2:]}
    assert len(widths) == 1, lines


def test_the_cli_escapes_what_it_prints_and_gives_the_streams_back(capsys):
    with pytest.raises(SystemExit):  # argparse quotes the unknown argument the officer typed
        main(["scores", "--month", "2021-01", "--x\x1b]0;pwned\x07"])
    err = capsys.readouterr().err
    assert r"--x\x1b]0;pwned\x07" in err and "\x1b" not in err and "\x07" not in err
    assert not isinstance(sys.stdout, TerminalSafeStream) and not isinstance(sys.stderr, TerminalSafeStream)


def test_the_safe_stream_is_the_stream_for_everything_but_writing():
    raw = io.StringIO()
    with terminal_safe_output():
        sys.stdout = TerminalSafeStream(raw)  # type: ignore[assignment]
        print("甲\x1b[31m", "乙", sep="\u202e")
        sys.stdout.writelines(["\x07\n"])
        assert unescaped(sys.stdout) is raw and sys.stdout.getvalue  # type: ignore[attr-defined]
    assert raw.getvalue() == "甲\\x1b[31m\\u202e乙\n\\x07\n"


def test_scores_csv_is_escaped_on_a_terminal_and_exact_in_a_pipe(monkeypatch):
    from submission.score_sheet import ScoreSheet, UnitScore
    from zhaoshang.commands.scores import write_csv

    class Stdout(io.TextIOWrapper):
        def __init__(self, tty: bool) -> None:
            super().__init__(io.BytesIO(), encoding="utf-8")
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    unit = UnitScore(
        year=2021,
        month=6,
        unit_code="P01",
        name_zh="单位\x1b[2J\u202e甲",
        unit_type="platform",
        method_code="m2021",
        group_code="platform",
        group_label_zh="平台",
        group_order=1,
        base_score=None,
        bonus=0.0,
        deductions=0.0,
        total_score=None,
        rank=None,
    )
    sheet = ScoreSheet({}, [unit])
    for tty, expected in ((True, "单位\\x1b[2J\\u202e甲"), (False, "单位\x1b[2J\u202e甲")):
        out = Stdout(tty)
        monkeypatch.setattr(sys, "stdout", out)
        write_csv(sheet, "-")
        text = out.buffer.getvalue().decode("utf-8-sig")  # type: ignore[attr-defined]
        assert expected in text and text.endswith("\r\n")


def test_no_cli_module_writes_past_the_safe_streams():
    """Every line goes through sys.stdout / sys.stderr (wrapped by `main`), never around them."""
    for path in sorted((PROJECT_ROOT / "zhaoshang").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("__stdout__", "__stderr__"), f"{path.name}:{node.lineno}"
                if node.attr == "write" and isinstance(node.value, ast.Name):
                    assert node.value.id != "os", f"{path.name}:{node.lineno} writes with os.write"
                if node.attr == "buffer" and path.name != "scores.py":  # scores: bytes of a CSV export
                    raise AssertionError(f"{path.name}:{node.lineno} writes bytes past the safe stream")
