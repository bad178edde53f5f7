"""A Web API call's arguments as the stand-in reads them, and Slack's ``ok: false`` answers.

Slack sends every argument as a string in form bodies, so reading one (an optional
string, a required one, an integer, a message ``ts``, a pagination cursor) can fail
with the error Slack would give; the method implementations raise :class:`ApiError`
(or :class:`Rejected` for a payload Slack refuses) and the server turns it into the
answer.
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal, InvalidOperation
from typing import Any

Args = dict[str, Any]


class ApiError(Exception):
    """An ``ok: false`` answer; ``extra`` lands next to ``error`` in the body."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


class Rejected(ApiError):
    """A payload Slack refuses; the server remembers it in ``rejections`` as well as answering."""

    def __init__(self, error: str, errors: list[str]) -> None:
        messages = [f"[ERROR] {e}" for e in errors]
        extra: Args = {"response_metadata": {"messages": messages}} if errors else {}
        if errors and error in ("invalid_blocks", "invalid_blocks_format"):
            extra["errors"] = errors
        super().__init__(error, **extra)
        self.errors = errors


def truthy(value: Any) -> bool:
    """A flag as Slack reads it: ``true`` in JSON, ``"true"`` or ``"1"`` in a form body."""
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def opt_str(args: Args, key: str) -> str | None:
    value = args.get(key)
    if value is None or value == "":
        return None
    return str(value)


def req_str(args: Args, key: str, error: str = "invalid_arguments") -> str:
    value = opt_str(args, key)
    if value is None:
        raise ApiError(
            error, response_metadata={"messages": [f"[ERROR] missing required field: {key}"]}
        )
    return value


def int_arg(args: Args, key: str, default: int) -> int:
    value = args.get(key)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ApiError("invalid_arguments") from exc


def ts_micros(ts: str, error: str = "invalid_arguments") -> int:
    try:
        micros = int(Decimal(ts) * 1_000_000)
    except (InvalidOperation, ValueError, ArithmeticError) as exc:
        raise ApiError(error) from exc
    if micros <= 0:
        raise ApiError(error)
    return micros


def encode_cursor(kind: str, offset: int) -> str:
    return base64.b64encode(f"{kind}:{offset}".encode()).decode()


def decode_cursor(kind: str, cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        prefix, _, number = base64.b64decode(cursor.encode(), validate=True).decode().partition(":")
        if prefix != kind:
            raise ValueError(prefix)
        return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ApiError("invalid_cursor") from exc
