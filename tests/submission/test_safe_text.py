"""Report text that could be read as a formula is neutralised before any export."""

from __future__ import annotations

import pytest

from submission import neutralise
from submission.figures import as_text, label_of, rounded


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://x")',
        "+86 123",
        "-5",
        "@SUM(A1)",
        "\tx",
        "\rx",
    ],
)
def test_formula_like_text_is_prefixed(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["江津综合保税区", "P01-01", "", None, 12.5, -3, 0])
def test_other_values_pass(value) -> None:
    assert neutralise(value) == value


def test_figure_formats() -> None:
    assert as_text(123.456, "amount") == "123.46" and rounded(123.456, "amount") == 123.46
    assert as_text(0.12345, "ratio") == "12.3%" and rounded(0.12345, "ratio") == 0.123
    assert as_text(7.0, "count") == "7" and rounded(7.0, "count") == 7
    assert as_text(None, "amount") == "" and rounded(None, "ratio") is None


def test_unknown_indicator_still_exported() -> None:
    label = label_of("share_new_thing")
    assert label.label_zh == "share_new_thing" and label.kind == "ratio"
