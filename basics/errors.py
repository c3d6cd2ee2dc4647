"""User-facing errors: one clear sentence and the fix, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A mistake the user can fix; `exit_code` follows SPEC 6 (2 for wrong input)."""

    def __init__(self, message: str, fix: str = "", exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.message} {self.fix}".strip()
