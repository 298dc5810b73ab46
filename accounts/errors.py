"""The one error type every service in ThemeHub raises.

It lives in `accounts`, the bottom of the import order, so every app can use
it. Its message is written for a person: the HTML views show it as a form or
page message, the API returns it in a 400 body.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A rule was broken; `str(error)` says which, in words a person understands."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
