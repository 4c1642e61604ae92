"""Formatters render a finished ``Report``; they never filter or decide."""

from __future__ import annotations

import json as _json  # not `json`: that name is the json formatter's submodule
from collections.abc import Mapping
from dataclasses import dataclass, field
from json.encoder import INFINITY as _INFINITY
from json.encoder import encode_basestring as _string  # C-accelerated; ensure_ascii=False
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kubelint.report import Report


@dataclass(frozen=True, eq=False)
class FormatContext:
    """What a formatter may use besides the report."""

    color: bool = False
    version: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: The text format's closing summary (``--quiet``: the findings alone).
    summary: bool = True
    #: Say how many findings ``--fix`` would fix (not once it ran, nor for standard input,
    #: which it cannot write).
    fix_hint: bool = False
    #: For ``--show-source``: the source lines findings point at, by file and 1-based line
    #: (a line missing: no frame for it). None: no code frames.
    source: Mapping[str, Mapping[int, str]] | None = None
    #: Where links to the input's files point: this URL followed by the file's path
    #: (``--link-base``); empty: relative to the working directory.
    link_base: str = ""


class Formatter(Protocol):
    def __call__(self, report: Report, context: FormatContext) -> str: ...


class Unusual(Exception):
    """A value ``encode_indented`` leaves to ``json.dumps``."""


def dumps_indented(document: Any) -> str:
    """``json.dumps(document, indent=2, ensure_ascii=False) + "\\n"``, byte for byte, faster.

    With ``indent`` the standard library encodes in pure Python, one generator per
    container (the SARIF of 30,000 findings: 1.9 s; this: 1.0 s). This walks plain
    dicts, lists and tuples into one list of pieces and encodes strings with the C
    encoder; a document holding anything else (a subclass, a non-string key, a NaN) goes
    to ``json.dumps`` whole.
    """
    try:
        return encode_indented(document, "\n") + "\n"
    except Unusual:
        return _json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def encode_indented(value: Any, newline: str) -> str:
    """``value`` laid out as ``json.dumps(indent=2)`` lays it out on a line that starts
    with ``newline`` (a line break and the current indentation). Raises ``Unusual``."""
    out: list[str] = []
    _write(value, newline, out)
    return "".join(out)


def _write(value: Any, newline: str, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(_string(value))
    elif kind is dict or kind is list or kind is tuple:
        if not value:
            out.append("{}" if kind is dict else "[]")
            return
        inner = newline + "  "
        separator = "," + inner
        out.append("{" if kind is dict else "[")
        first = len(out)  # every item is written after a separator; the first has no comma
        if kind is dict:
            for key, item in value.items():
                if type(key) is not str:
                    raise Unusual
                if type(item) is str:  # most values: written without a call of their own
                    out.append(f"{separator}{_string(key)}: {_string(item)}")
                else:
                    out.append(f"{separator}{_string(key)}: ")
                    _write(item, inner, out)
        else:
            for item in value:
                out.append(separator)
                _write(item, inner, out)
        out[first] = out[first][1:]
        out.append(newline + ("}" if kind is dict else "]"))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float and value == value and value not in (_INFINITY, -_INFINITY):
        out.append(float.__repr__(value))
    else:  # NaN and Infinity (json.dumps's own spelling), subclasses, other types
        raise Unusual
