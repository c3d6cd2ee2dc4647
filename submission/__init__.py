"""The monthly city-level submission (市级考核关键指标): export, freeze, versions."""

from basics.safe_text import neutralise
from submission.errors import AlreadySubmitted, GateFailed, SubmissionError
from submission.submit import SubmissionResult, submit_month, versions

__all__ = [
    "AlreadySubmitted",
    "GateFailed",
    "SubmissionError",
    "SubmissionResult",
    "neutralise",
    "submit_month",
    "versions",
]
