"""JSON from servers and files, read with limits no real document comes near.

`json.loads` alone turns a 5,000-digit number into ValueError, 100,000 nested brackets into
RecursionError, and quietly accepts NaN, Infinity, 1e999 (as inf) and a key given twice (the last
one wins). None of that is what Exchange, Skype for Business, Microsoft's login service, the
collectors or the wizard itself write, so each becomes a JsonDocumentError that names the problem
in words; callers add whose document it was and turn it into their own typed error.
"""

from __future__ import annotations

import json
import math
import re
from enum import StrEnum
from typing import Any

MAX_DEPTH = 64  # the collectors write ConvertTo-Json -Depth 8; servers' documents nest 4 levels at most
MAX_BYTES = 16 * 1024 * 1024
MAX_INT_DIGITS = 4300  # Python's own default limit for turning text into a whole number
_SHOWN = 40  # characters of a key or number literal quoted in a message

# A JSON string (escapes included) or one bracket; a lone quote means an unterminated string.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*+"|[\[\]{}]|"', re.DOTALL)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonProblem(StrEnum):
    """What was wrong, for callers that word some problems their own way (a truncated file, say)."""

    NOT_TEXT = "not-text"
    TOO_LARGE = "too-large"
    MALFORMED = "malformed"
    TOO_DEEP = "too-deep"
    HUGE_NUMBER = "huge-number"
    NOT_FINITE = "not-finite"
    DUPLICATE_KEY = "duplicate-key"


class JsonDocumentError(ValueError):
    """A document that is not JSON, or is JSON no real sender writes; `problem` reads after a subject.

    "https://pool01.contoso.com/metadata/json/1 returned a document that " + problem, or
    "the file " + problem. `detail` is the parser's own message for MALFORMED ("" otherwise).
    """

    def __init__(self, kind: JsonProblem, problem: str, detail: str = "") -> None:
        super().__init__(problem)
        self.kind = kind
        self.problem = problem
        self.detail = detail

    @property
    def implausible(self) -> bool:
        """Well-formed enough to parse, but nothing a real service or collector sends."""
        return self.kind in (JsonProblem.TOO_LARGE, JsonProblem.TOO_DEEP, JsonProblem.HUGE_NUMBER,
                             JsonProblem.NOT_FINITE, JsonProblem.DUPLICATE_KEY)


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH, max_bytes: int = MAX_BYTES) -> Any:
    """Parse one JSON document (bytes are UTF-8, a byte order mark allowed) within the limits above."""
    if len(data) > max_bytes:
        raise JsonDocumentError(JsonProblem.TOO_LARGE, f"is {len(data):,} bytes long, more than any real document "
                                                       f"(the limit is {max_bytes:,})")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise JsonDocumentError(JsonProblem.NOT_TEXT, "is not UTF-8 text") from None
    else:
        text = data.removeprefix("\ufeff")
    _check_depth(text, max_depth)
    try:
        value = json.loads(text, parse_int=_whole, parse_float=_real, parse_constant=_constant,
                           object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg}: line {exc.lineno} column {exc.colno}"
        raise JsonDocumentError(JsonProblem.MALFORMED, f"is malformed JSON ({detail})", detail) from None
    except RecursionError:  # only when the caller's stack is already deep; the depth check caps ours
        raise JsonDocumentError(JsonProblem.TOO_DEEP, _too_deep(max_depth)) from None
    if _SURROGATE_ESCAPE.search(text) or _SURROGATE.search(text):
        value = _mend(value)
    return value


def kind_of(value: Any) -> str:
    """A JSON value's type in an admin's words: 'text', 'a number', 'a list', 'an object', ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _too_deep(limit: int) -> str:
    return f"is nested too deeply (more than {limit} levels of lists and objects)"


def _check_depth(text: str, limit: int) -> None:
    """Refuse deep nesting before json's recursive parser sees it (a linear scan, strings skipped)."""
    if text.count("[") + text.count("{") <= limit:
        return
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                raise JsonDocumentError(JsonProblem.TOO_DEEP, _too_deep(limit))
        elif token in ("]", "}"):
            depth -= 1
        elif token == '"':
            return  # an unterminated string: nothing after it nests, and json reports it as malformed


def _shown(literal: str) -> str:
    return literal if len(literal) <= _SHOWN else literal[:_SHOWN] + "…"


def _whole(literal: str) -> int:
    digits = len(literal.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise JsonDocumentError(JsonProblem.HUGE_NUMBER, f"holds a number {digits:,} digits long")
    try:
        return int(literal)
    except ValueError:  # the interpreter's digit limit was set lower than ours
        raise JsonDocumentError(JsonProblem.HUGE_NUMBER, f"holds a number {digits:,} digits long") from None


def _real(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):
        raise JsonDocumentError(JsonProblem.HUGE_NUMBER,
                                f"holds a number too large to represent ({_shown(literal)})")
    return value


def _constant(name: str) -> Any:
    raise JsonDocumentError(JsonProblem.NOT_FINITE, f"holds {name}, which is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen:
            raise JsonDocumentError(JsonProblem.DUPLICATE_KEY,
                                    f"gives the key {_shown(key)!r} twice in one object, so its value is ambiguous")
        seen.add(key)
    return result  # not reached: a shorter dict means a key came twice


def _mend(value: Any) -> Any:
    """Lone surrogates (a half of a \\ud83d\\ude00 pair) cannot be written as UTF-8: U+FFFD instead."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [_mend(item) for item in value]
    if isinstance(value, dict):
        return {_mend(key): _mend(item) for key, item in value.items()}
    return value


__all__ = ["MAX_BYTES", "MAX_DEPTH", "JsonDocumentError", "JsonProblem", "kind_of", "loads"]
