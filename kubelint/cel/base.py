"""What the Kubernetes CEL libraries of ``kubelint.cel`` share: the cel-expr-python
runtime, the markers of opaque values and the error every library function raises."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from typing import Any

try:
    from cel_expr_python import cel
    from cel_expr_python.ext import ext_optional
except ImportError as _exc:  # pragma: no cover - depends on the interpreter
    raise ImportError(
        "kubelint's CEL policies need the cel-expr-python package (Google's cel-cpp), "
        "which is published for Python 3.11 and newer only: run kubelint on Python 3.11+ "
        "and install it with `pip install 'cel-expr-python>=0.1.3'`"
    ) from _exc

# The runtime is imported here, first, so that its absence is the error above. The other
# extensions (strings, math, encoders, bindings) load with the first expression that
# names them (``kubelint.cel.environment``).
__all__ = [
    "CIDR",
    "INT64_MAX",
    "INT64_MIN",
    "IP",
    "KIND_NAMES",
    "OPAQUE",
    "QUANTITY",
    "SEMVER",
    "URL",
    "Declarations",
    "FunctionError",
    "T",
    "cel",
    "ext_optional",
    "kind_of",
    "quote",
    "strip_status",
    "unwrap",
]

#: cel-expr-python's types; a Kubernetes opaque value is a map (see kubelint.cel).
T = cel.Type
OPAQUE = T.Map(T.STRING, T.DYN)

QUANTITY = "@kubernetes.Quantity"
URL = "@kubernetes.URL"
IP = "@net.IP"
CIDR = "@net.CIDR"
SEMVER = "@kubernetes.Semver"
KIND_NAMES = {
    QUANTITY: "quantity",
    URL: "URL",
    IP: "IP address",
    CIDR: "CIDR",
    SEMVER: "semver",
}

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


class FunctionError(ValueError):
    """An evaluation error; cel-expr-python turns it into an ERROR value."""


def quote(value: str) -> str:
    """Go's %q, near enough for error messages."""
    return json.dumps(value, ensure_ascii=False)


def kind_of(value: Any) -> str:
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if key in KIND_NAMES:
            return KIND_NAMES[key]
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (bytes, bytearray)):
        return "bytes"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "list"
    if value is None:
        return "null"
    if isinstance(value, datetime.datetime):
        return "timestamp"
    if isinstance(value, datetime.timedelta):
        return "duration"
    return type(value).__name__


def unwrap(value: Any, marker: str, function: str) -> str:
    """The payload of an opaque value, or a no-such-overload error."""
    if isinstance(value, dict) and len(value) == 1:
        payload = value.get(marker)
        if isinstance(payload, str):
            return payload
    raise FunctionError(
        f"no such overload: {function}() takes a {KIND_NAMES[marker]}, not a {kind_of(value)}"
    )


_STATUS = re.compile(
    r"^(?:(?:CANCELLED|UNKNOWN|INVALID_ARGUMENT|DEADLINE_EXCEEDED|NOT_FOUND|ALREADY_EXISTS"
    r"|PERMISSION_DENIED|RESOURCE_EXHAUSTED|FAILED_PRECONDITION|ABORTED|OUT_OF_RANGE"
    r"|UNIMPLEMENTED|INTERNAL|UNAVAILABLE|DATA_LOSS|UNAUTHENTICATED): )+"
)


def strip_status(message: str) -> str:
    """Drop the absl status codes cel-cpp puts before a message."""
    message = _STATUS.sub("", message.strip())
    return re.sub(r"\s*\[[A-Z_]+\]$", "", message)


#: A library's functions: name -> its overloads, each (overload id, result type,
#: parameter types, implementation).
Declarations = dict[str, list[tuple[str, Any, list[Any], Callable[..., Any]]]]
