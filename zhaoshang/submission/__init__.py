"""The monthly city-level submission (市级考核关键指标): export, freeze, versions."""

from zhaoshang.submission.errors import AlreadySubmitted, GateFailed, SubmissionError
from zhaoshang.submission.safe_text import neutralise
from zhaoshang.submission.submit import SubmissionResult, submit_month, versions

__all__ = [
    "AlreadySubmitted", "GateFailed", "SubmissionError", "SubmissionResult", "neutralise", "submit_month",
    "versions",
]
