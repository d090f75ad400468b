"""Coded errors: [E1xx] configuration, [E2xx] resources, [W3xx] per-record problems.

Every message names the thing, the reason and the fix.
"""
from __future__ import annotations


class EvxError(Exception):
    """Base of every error eventcoder raises on purpose."""

    code = "E100"

    def __init__(self, message: str, code: str | None = None):
        if code:
            self.code = code
        super().__init__(f"[{self.code}] {message}")


class ConfigError(EvxError):
    code = "E101"


class ResourceError(EvxError):
    """A model, gazetteer or data file is missing or unreadable."""

    code = "E201"


class InputError(EvxError):
    """One input document cannot be read; the batch goes on without it."""

    code = "W301"


class StoreError(EvxError):
    code = "E210"
