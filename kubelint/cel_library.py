"""The Kubernetes CEL libraries on top of cel-expr-python (Google's cel-cpp).

The API server evaluates ValidatingAdmissionPolicy and CRD validation rules with
cel-go plus its own function libraries (k8s.io/apiserver/pkg/cel/library). This
module gives kubelint the same functions offline, on cel-expr-python:

``new_environment()`` builds a ``cel.Env`` with the standard extensions kubelint
supports (strings, optional, math, encoders, bindings) and these Kubernetes
functions; ``evaluate()`` runs a compiled program and returns ``(value, None)`` or
``(None, message)``.

Supported, with the names and semantics of the Kubernetes sources:

- regex: ``s.find(re)``, ``s.findAll(re)``, ``s.findAll(re, limit)``. Patterns are
  RE2 (the engine inside cel-cpp does the matching, so the syntax, leftmost-first
  semantics and linear running time are those of the API server's Go regexp, and a
  hostile pattern cannot hang kubelint); empty matches follow Go's FindAllString.
- lists: ``isSorted()``, ``sum()``, ``min()``, ``max()``, ``indexOf(x)``,
  ``lastIndexOf(x)`` on lists of ints, doubles, strings, bools and bytes.
- quantity: ``quantity(s)``, ``isQuantity(s)``, ``sign(q)``, ``q.isInteger()``,
  ``q.asInteger()``, ``q.asApproximateFloat()``, ``q.add(q|int)``, ``q.sub(q|int)``,
  ``q.isGreaterThan(q)``, ``q.isLessThan(q)``, ``q.compareTo(q)``. ``sign`` is a
  global function as in the Kubernetes sources (``sign(quantity('-1'))``); the
  Kubernetes documentation's ``q.sign()`` does not compile on the API server either.
- url: ``url(s)``, ``isURL(s)``, ``getScheme()``, ``getHost()``, ``getHostname()``,
  ``getPort()``, ``getEscapedPath()``, ``getQuery()``, following Go's net/url
  (only absolute URIs and absolute paths are URLs).
- ip: ``ip(s)``, ``isIP(s)``, ``ip.isCanonical(s)``, ``family()``,
  ``isUnspecified()``, ``isLoopback()``, ``isLinkLocalMulticast()``,
  ``isLinkLocalUnicast()``, ``isGlobalUnicast()``, ``string(ip)`` (Go's netip rules;
  IPv4-mapped IPv6 addresses and zones are rejected).
- cidr: ``cidr(s)``, ``isCIDR(s)``, ``containsIP(ip|string)``,
  ``containsCIDR(cidr|string)``, ``ip()``, ``masked()``, ``prefixLength()``,
  ``string(cidr)``.
- semver: ``semver(s)``, ``semver(s, normalize)``, ``isSemver(s)``,
  ``isSemver(s, normalize)``, ``major()``, ``minor()``, ``patch()``,
  ``isGreaterThan``, ``isLessThan``, ``compareTo``.

Opaque values. cel-expr-python cannot evaluate opaque (abstract) types, so a
Quantity, URL, IP, CIDR or Semver is a CEL map with one marker key, the Kubernetes
type name after an ``@``::

    quantity('1.5Gi')   -> {'@kubernetes.Quantity': '1610612736'}
    url('https://x/p')  -> {'@kubernetes.URL': 'https://x/p'}
    ip('::1')           -> {'@net.IP': '::1'}
    cidr('10.0.0.0/8')  -> {'@net.CIDR': '10.0.0.0/8'}
    semver('1.2.3')     -> {'@kubernetes.Semver': '1.2.3'}

Equality between two such values (``==``, ``in``, ``indexOf``) compares the maps.
Kubernetes compares these values semantically; the marker holds a canonical form
so that the two agree for quantities (``quantity('1') == quantity('1000m')``), IP
addresses (``ip('::0:1') == ip('::1')``), CIDRs (address and prefix length, as
netip does) and semvers (build metadata ignored, as blang/semver does). URLs keep
the string they were parsed from, where Kubernetes compares Go's re-serialized
form (``url('HTTPS://x') == url('https://x')`` is false here, true there).
``type(ip('::1')) == net.IP`` cannot be written; ``type()`` of these values is
``map``.

Not supported: the authorizer library (``authorizer``), the format library
(``format.named()`` ...), ``string.format()``, the messageExpression-only and
mutation-only functions (``jsonpatch``, the Object construction of
MutatingAdmissionPolicy), the CRD-only ``self``/``oldSelf`` transition rules
machinery, quantity ``mul``/``div`` (proposed upstream, not released), lists
``includes`` and the cel-go ``sets``/``lists`` extensions, and durations or
timestamps in ``sum()``/``min()``/``max()`` (cel-expr-python cannot return them
from a Python function). Known deviations: ``isInteger()``/``asInteger()``
answer by value, where Kubernetes also answers false for values it keeps in its
decimal form (``quantity('1000m').isInteger()`` and ``quantity('1.5Gi')
.isInteger()`` are false there, true here); quantities reuse kubelint's parser,
which rejects the bare suffixes (``'Mi'``) the API server's parser accepts as zero
contrary to its documentation; an exponent above 1000 (``quantity('1e1001')``) is
an error, so that kubelint does not build a number of unbounded size;
``asApproximateFloat()`` is correctly rounded where Go may differ in the last bit;
a uint list's ``sum()``/``min()``/``max()`` is an int; an invalid constant regex
is an evaluation error here, a compile error on the API server.

Errors in these functions (``quantity('bogus')``, an invalid regex) are CEL
evaluation errors: the program's value is an ERROR whose message ``evaluate()``
returns. The Python callables raise nothing but the exceptions cel-expr-python
turns into ERROR values, and each runs in time linear in its input.
"""

from __future__ import annotations

import datetime
import ipaddress
import itertools
import json
import math
import re
import threading
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

try:
    from cel_expr_python import cel
    from cel_expr_python.ext import (
        ext_bindings,
        ext_encoders,
        ext_math,
        ext_optional,
        ext_strings,
    )
except ImportError as _exc:  # pragma: no cover - depends on the interpreter
    raise ImportError(
        "kubelint's CEL policies need the cel-expr-python package (Google's cel-cpp), "
        "which is published for Python 3.11 and newer only: run kubelint on Python 3.11+ "
        "and install it with `pip install 'cel-expr-python>=0.1.3'`"
    ) from _exc

from kubelint.quantity import InvalidQuantity, parse_quantity

__all__ = ["KUBERNETES_FUNCTIONS", "evaluate", "new_environment"]

KUBERNETES_FUNCTIONS: tuple[str, ...] = (
    # regex
    "find",
    "findAll",
    # lists
    "isSorted",
    "sum",
    "min",
    "max",
    "indexOf",
    "lastIndexOf",
    # quantity
    "quantity",
    "isQuantity",
    "sign",
    "isInteger",
    "asInteger",
    "asApproximateFloat",
    "add",
    "sub",
    "isGreaterThan",
    "isLessThan",
    "compareTo",
    # url
    "url",
    "isURL",
    "getScheme",
    "getHost",
    "getHostname",
    "getPort",
    "getEscapedPath",
    "getQuery",
    # ip and cidr
    "ip",
    "isIP",
    "ip.isCanonical",
    "family",
    "isUnspecified",
    "isLoopback",
    "isLinkLocalMulticast",
    "isLinkLocalUnicast",
    "isGlobalUnicast",
    "cidr",
    "isCIDR",
    "containsIP",
    "containsCIDR",
    "masked",
    "prefixLength",
    "string",
    # semver
    "semver",
    "isSemver",
    "major",
    "minor",
    "patch",
)

_T = cel.Type
_OPAQUE = _T.Map(_T.STRING, _T.DYN)

_QUANTITY = "@kubernetes.Quantity"
_URL = "@kubernetes.URL"
_IP = "@net.IP"
_CIDR = "@net.CIDR"
_SEMVER = "@kubernetes.Semver"
_KIND_NAMES = {
    _QUANTITY: "quantity",
    _URL: "URL",
    _IP: "IP address",
    _CIDR: "CIDR",
    _SEMVER: "semver",
}

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


class _CelError(ValueError):
    """An evaluation error; cel-expr-python turns it into an ERROR value."""


def _quote(value: str) -> str:
    """Go's %q, near enough for error messages."""
    return json.dumps(value, ensure_ascii=False)


def _kind_of(value: Any) -> str:
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if key in _KIND_NAMES:
            return _KIND_NAMES[key]
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


def _unwrap(value: Any, marker: str, function: str) -> str:
    """The payload of an opaque value, or a no-such-overload error."""
    if isinstance(value, dict) and len(value) == 1:
        payload = value.get(marker)
        if isinstance(payload, str):
            return payload
    raise _CelError(
        f"no such overload: {function}() takes a {_KIND_NAMES[marker]}, "
        f"not a {_kind_of(value)}"
    )


def _guard(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``function`` so that whatever goes wrong becomes a CEL error with a message."""

    def call(*args: Any) -> Any:
        try:
            return function(*args)
        except _CelError:
            raise
        except RecursionError:
            raise _CelError(f"{name}: value nested too deeply") from None
        except Exception as exc:  # every failure must become a CEL error
            raise _CelError(f"{name}: {type(exc).__name__}: {exc}") from None

    call.__name__ = f"kubelint_cel_{name}"
    return call


# ---------------------------------------------------------------------------
# regex: find / findAll, matched by cel-cpp's RE2 through its regex extension


class _Regex:
    """RE2 matching through a private cel-cpp environment with its regex extension.

    ``regex.replace`` is RE2::GlobalReplace, whose walk over the matches is Go's
    FindAllString's: the text before the search position stays context for ``^``
    and ``\\b``, and an empty match right after a match is skipped. Each match is
    rewritten between two private-use characters the text does not contain, so one
    linear RE2 pass yields every match.
    """

    def __init__(self) -> None:
        config = cel.NewEnvConfigFromYaml(
            "extensions:\n  - name: optional\n  - name: regex\n"
        )
        env = cel.NewEnv(
            config=config, variables={"s": _T.STRING, "r": _T.STRING, "w": _T.STRING}
        )
        self._replace = env.compile("regex.replace(s, r, w)")

    def find_all(self, text: str, pattern: str, limit: int = -1) -> list[str]:
        """Go's ``regexp.FindAllString(text, limit)``; a negative limit means all."""
        opening, closing = _delimiters(text)
        rewrite = f"{opening}\\0{closing}"  # \0 is the whole match
        result = self._replace.eval(data={"s": text, "r": pattern, "w": rewrite})
        if result.type().name() == "ERROR":
            raise _CelError(f"Illegal regex: {_strip_status(str(result.plain_value()))}")
        pieces = str(result.plain_value()).split(opening)[1:]
        if limit >= 0:
            pieces = pieces[:limit]
        return [piece.partition(closing)[0] for piece in pieces]


def _delimiters(text: str) -> tuple[str, str]:
    """Two private-use characters that do not occur in ``text``."""
    used = set(text)
    free = (chr(c) for c in range(0xE000, 0x110000) if chr(c) not in used)
    return next(free), next(free)


_regex: _Regex | None = None
_regex_lock = threading.Lock()


def _regex_engine() -> _Regex:
    global _regex
    if _regex is None:
        with _regex_lock:
            if _regex is None:
                _regex = _Regex()
    return _regex


def _find(text: str, pattern: str) -> str:
    found = _regex_engine().find_all(text, pattern, 1)
    return found[0] if found else ""


def _find_all(text: str, pattern: str) -> list[str]:
    return _regex_engine().find_all(text, pattern)


def _find_all_limit(text: str, pattern: str, limit: int) -> list[str]:
    return _regex_engine().find_all(text, pattern, limit)


# ---------------------------------------------------------------------------
# lists


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _compare(left: Any, right: Any, function: str) -> int:
    """CEL ordering: numbers across int/uint/double, else values of one type."""
    comparable = (
        (_is_number(left) and _is_number(right))
        or (isinstance(left, bool) and isinstance(right, bool))
        or (isinstance(left, str) and isinstance(right, str))
        or (isinstance(left, (bytes, bytearray)) and isinstance(right, (bytes, bytearray)))
        or (isinstance(left, datetime.datetime) and isinstance(right, datetime.datetime))
        or (isinstance(left, datetime.timedelta) and isinstance(right, datetime.timedelta))
    )
    if not comparable:
        raise _CelError(
            f"no such overload: {function}() cannot compare {_kind_of(left)} "
            f"with {_kind_of(right)}"
        )
    if left < right:
        return -1
    if left > right:
        return 1
    return 0  # equal, or NaN (cel-go's failed comparison counts as "not greater")


def _cel_equal(left: Any, right: Any) -> bool:
    """CEL equality: numbers compare across types, other types never equal each other."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if isinstance(left, (bytes, bytearray)) and isinstance(right, (bytes, bytearray)):
        return bytes(left) == bytes(right)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            _cel_equal(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, dict) and isinstance(right, dict):
        if len(left) != len(right):
            return False
        for key, value in left.items():
            if key not in right or not _cel_equal(value, right[key]):
                return False
        return True
    if type(left) is not type(right):
        return False
    return bool(left == right)


def _check_returnable(value: Any, function: str) -> Any:
    if isinstance(value, (bytearray, bytes)):
        return bytes(value)
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if is_int and not _INT64_MIN <= value <= _INT64_MAX:
        raise _CelError(f"{function}(): integer overflow")
    if not isinstance(value, (bool, int, float, str, bytes)):
        raise _CelError(
            f"{function}() of {_kind_of(value)} values is not supported by kubelint"
        )
    return value


def _list_is_sorted(values: list[Any]) -> bool:
    for previous, current in itertools.pairwise(values):
        if _compare(previous, current, "isSorted") > 0:
            return False
    return True


def _list_sum(values: list[Any]) -> Any:
    if not values:
        return 0
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        total = 0
        for value in values:
            total += value
            if not _INT64_MIN <= total <= _INT64_MAX:
                raise _CelError("sum(): integer overflow")
        return total
    if all(isinstance(v, float) for v in values):
        result = 0.0
        for value in values:  # in order, as cel-go adds them (sum() compensates on 3.12+)
            result += value
        return result
    kinds = sorted({_kind_of(v) for v in values})
    raise _CelError(f"no such overload: sum() of a list of {' and '.join(kinds)} values")


def _list_extreme(values: list[Any], function: str, prefer: int) -> Any:
    if not values:
        raise _CelError(f"{function} called on empty list")
    result = values[0]
    for value in values[1:]:
        if _compare(result, value, function) == prefer:
            result = value
    return _check_returnable(result, function)


def _list_min(values: list[Any]) -> Any:
    return _list_extreme(values, "min", 1)


def _list_max(values: list[Any]) -> Any:
    return _list_extreme(values, "max", -1)


def _list_index_of(values: list[Any], item: Any) -> int:
    for index, value in enumerate(values):
        if _cel_equal(value, item):
            return index
    return -1


def _list_last_index_of(values: list[Any], item: Any) -> int:
    for index in range(len(values) - 1, -1, -1):
        if _cel_equal(values[index], item):
            return index
    return -1


# ---------------------------------------------------------------------------
# quantity

_NANO = 10**9
_QUANTITY_SHAPE = re.compile(
    r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:(?P<binary>Ki|Mi|Gi|Ti|Pi|Ei)|[numkMGTPE]|[eE](?P<exponent>[+-]?[0-9]+))?"
)
_MAX_EXPONENT = 1000


def _parse_quantity_value(text: str) -> Fraction:
    """The value the API server's resource.ParseQuantity gives ``text``."""
    if not text or text != text.strip():
        raise _CelError(f"quantity {_quote(text)} is not a valid Kubernetes quantity")
    shape = _QUANTITY_SHAPE.fullmatch(text)
    exponent = shape["exponent"] if shape else None
    if shape is not None and exponent is not None:
        digits = exponent.lstrip("+-").lstrip("0")
        if len(digits) > 4 or int(digits or "0") > _MAX_EXPONENT:
            # 10**huge would take forever; tiny values round up to 1n as the API
            # server rounds them.
            if not exponent.startswith("-"):
                raise _CelError(f"quantity {_quote(text)}: exponent too large for kubelint")
            mantissa = Fraction(text[: shape.start("exponent") - 1])
            if mantissa == 0:
                return Fraction(0)
            return Fraction(1 if mantissa > 0 else -1, _NANO)
    try:
        value = parse_quantity(text)
    except InvalidQuantity:
        raise _CelError(
            f"quantity {_quote(text)} is not a valid Kubernetes quantity "
            "(a number with an optional suffix such as 500m, 2Gi or 1e3)"
        ) from None
    except ValueError as exc:  # more digits than Python converts
        raise _CelError(f"quantity {_quote(text)}: {exc}") from None
    # ParseQuantity rounds away from zero to nano precision, and caps binary (Ki...)
    # quantities at 2^63-1.
    nanos = value * _NANO
    if nanos.denominator != 1:
        magnitude = math.ceil(abs(nanos))
        value = Fraction(magnitude if nanos > 0 else -magnitude, _NANO)
    if shape is not None and shape["binary"] and abs(value) > _INT64_MAX:
        value = Fraction(_INT64_MAX if value > 0 else -_INT64_MAX)
    return value


def _quantity_text(value: Fraction) -> str:
    """The canonical marker text: a plain decimal, exact to the nano."""
    nanos = value * _NANO
    if nanos.denominator != 1:  # pragma: no cover - values stay nano multiples
        nanos = Fraction(math.ceil(nanos))
    count = int(nanos)
    sign = "-" if count < 0 else ""
    whole, fraction = divmod(abs(count), _NANO)
    text = f"{sign}{whole}"
    if fraction:
        text += "." + f"{fraction:09d}".rstrip("0")
    return text


def _make_quantity(value: Fraction) -> dict[str, str]:
    try:
        return {_QUANTITY: _quantity_text(value)}
    except ValueError as exc:  # more digits than Python converts to text
        raise _CelError(f"quantity too large for kubelint: {exc}") from None


_CANONICAL_QUANTITY = re.compile(r"-?[0-9]{1,4000}(?:\.[0-9]{1,9})?")


def _quantity_of(value: Any, function: str) -> Fraction:
    text = _unwrap(value, _QUANTITY, function)
    # Only the plain decimals _quantity_text writes: Fraction("1e999999999") never ends.
    if not _CANONICAL_QUANTITY.fullmatch(text):
        raise _CelError(f"{function}(): {_quote(text)} is not a quantity made by quantity()")
    return Fraction(text)


def _quantity(text: str) -> dict[str, str]:
    return _make_quantity(_parse_quantity_value(text))


def _is_quantity(text: str) -> bool:
    try:
        _parse_quantity_value(text)
    except _CelError:
        return False
    return True


def _quantity_sign(value: Any) -> int:
    amount = _quantity_of(value, "sign")
    return (amount > 0) - (amount < 0)


def _quantity_integer(amount: Fraction) -> int | None:
    if amount.denominator == 1 and _INT64_MIN <= amount.numerator <= _INT64_MAX:
        return amount.numerator
    return None


def _quantity_is_integer(value: Any) -> bool:
    return _quantity_integer(_quantity_of(value, "isInteger")) is not None


def _quantity_as_integer(value: Any) -> int:
    amount = _quantity_of(value, "asInteger")
    integer = _quantity_integer(amount)
    if integer is None:
        raise _CelError(f"cannot convert value to integer: {_quantity_text(amount)}")
    return integer


def _quantity_as_float(value: Any) -> float:
    amount = _quantity_of(value, "asApproximateFloat")
    try:
        return float(amount)
    except OverflowError:
        return math.inf if amount > 0 else -math.inf


def _quantity_add(left: Any, right: Any) -> dict[str, str]:
    return _make_quantity(_quantity_of(left, "add") + _quantity_of(right, "add"))


def _quantity_add_int(left: Any, right: int) -> dict[str, str]:
    return _make_quantity(_quantity_of(left, "add") + right)


def _quantity_sub(left: Any, right: Any) -> dict[str, str]:
    return _make_quantity(_quantity_of(left, "sub") - _quantity_of(right, "sub"))


def _quantity_sub_int(left: Any, right: int) -> dict[str, str]:
    return _make_quantity(_quantity_of(left, "sub") - right)


# ---------------------------------------------------------------------------
# semver (blang/semver v4 Parse, as the API server uses it)

_SEMVER_ALPHANUM = re.compile(r"[0-9A-Za-z-]*")
_SEMVER_NUMBER = re.compile(r"[0-9]*")


def _semver_number(part: str, name: str) -> int:
    if not _SEMVER_NUMBER.fullmatch(part):
        raise _CelError(f"Invalid character(s) found in {name} number {_quote(part)}")
    if len(part) > 1 and part[0] == "0":
        raise _CelError(
            f"{name.capitalize()} number must not contain leading zeroes {_quote(part)}"
        )
    if not part:
        raise _CelError(f"strconv.ParseUint: parsing {_quote(part)}: invalid syntax")
    if len(part) > 20 or int(part) >= 2**64:
        raise _CelError(f"strconv.ParseUint: parsing {_quote(part)}: value out of range")
    return int(part)


def _parse_semver(text: str) -> tuple[int, int, int, list[int | str]]:
    if not text:
        raise _CelError("Version string empty")
    parts = text.split(".", 2)
    if len(parts) != 3:
        raise _CelError("No Major.Minor.Patch elements found")
    major = _semver_number(parts[0], "major")
    minor = _semver_number(parts[1], "minor")
    rest = parts[2]
    build: list[str] = []
    if "+" in rest:
        rest, _, meta = rest.partition("+")
        build = meta.split(".")
    prerelease: list[str] = []
    if "-" in rest:
        rest, _, pre = rest.partition("-")
        prerelease = pre.split(".")
    patch = _semver_number(rest, "patch")
    identifiers: list[int | str] = []
    for identifier in prerelease:
        if not identifier:
            raise _CelError("Prerelease is empty")
        if _SEMVER_NUMBER.fullmatch(identifier):
            if len(identifier) > 1 and identifier[0] == "0":
                raise _CelError(
                    "Numeric PreRelease version must not contain leading zeroes "
                    f"{_quote(identifier)}"
                )
            identifiers.append(int(identifier))
        elif _SEMVER_ALPHANUM.fullmatch(identifier):
            identifiers.append(identifier)
        else:
            raise _CelError(f"Invalid character(s) found in prerelease {_quote(identifier)}")
    for meta in build:
        if not meta:
            raise _CelError("Build meta data is empty")
        if not _SEMVER_ALPHANUM.fullmatch(meta):
            raise _CelError(f"Invalid character(s) found in build meta data {_quote(meta)}")
    return major, minor, patch, identifiers


def _normalize_semver(text: str) -> str:
    """The API server's normalizeAndParse: no 'v', no leading zeros, x -> x.0.0."""
    if text.startswith("v"):
        text = text[1:]
    parts = text.split(".", 2)
    for index, part in enumerate(parts):
        if len(part) > 1:
            part = part.lstrip("0")
            if not part or part[0] not in "0123456789":
                part = "0" + part
            parts[index] = part
    if len(parts) < 3:
        if "+" in parts[-1] or "-" in parts[-1]:
            raise _CelError("short version cannot contain PreRelease/Build meta data")
        parts.extend(["0"] * (3 - len(parts)))
    return ".".join(parts)


def _semver_text(version: tuple[int, int, int, list[int | str]]) -> str:
    major, minor, patch, prerelease = version
    text = f"{major}.{minor}.{patch}"
    if prerelease:
        text += "-" + ".".join(str(p) for p in prerelease)
    return text


def _semver(text: str) -> dict[str, str]:
    return {_SEMVER: _semver_text(_parse_semver(text))}


def _semver_normalize(text: str, normalize: bool) -> dict[str, str]:
    return _semver(_normalize_semver(text) if normalize else text)


def _is_semver(text: str) -> bool:
    try:
        _parse_semver(text)
    except _CelError:
        return False
    return True


def _is_semver_normalize(text: str, normalize: bool) -> bool:
    try:
        _parse_semver(_normalize_semver(text) if normalize else text)
    except _CelError:
        return False
    return True


def _semver_of(value: Any, function: str) -> tuple[int, int, int, list[int | str]]:
    return _parse_semver(_unwrap(value, _SEMVER, function))


def _wrap_int64(value: int) -> int:
    """Go's int64(uint64) conversion."""
    return (value + 2**63) % 2**64 - 2**63


def _semver_major(value: Any) -> int:
    return _wrap_int64(_semver_of(value, "major")[0])


def _semver_minor(value: Any) -> int:
    return _wrap_int64(_semver_of(value, "minor")[1])


def _semver_patch(value: Any) -> int:
    return _wrap_int64(_semver_of(value, "patch")[2])


def _semver_compare(
    left: tuple[int, int, int, list[int | str]], right: tuple[int, int, int, list[int | str]]
) -> int:
    for a, b in zip(left[:3], right[:3], strict=True):
        if a != b:
            return 1 if a > b else -1
    left_pre, right_pre = left[3], right[3]
    if not left_pre or not right_pre:
        return (not left_pre) - (not right_pre)
    for mine, theirs in zip(left_pre, right_pre, strict=False):
        if mine == theirs:
            continue
        if isinstance(mine, int) and isinstance(theirs, int):
            return 1 if mine > theirs else -1
        if isinstance(mine, int):
            return -1  # numeric identifiers sort before alphanumeric ones
        if isinstance(theirs, int):
            return 1
        return 1 if mine.encode() > theirs.encode() else -1
    return (len(left_pre) > len(right_pre)) - (len(left_pre) < len(right_pre))


# ---------------------------------------------------------------------------
# comparisons shared by quantity and semver (one overload: both are maps at run time)


def _opaque_compare(left: Any, right: Any, function: str) -> int:
    if isinstance(left, dict) and _SEMVER in left:
        return _semver_compare(_semver_of(left, function), _semver_of(right, function))
    amount = _quantity_of(left, function)
    other = _quantity_of(right, function)
    return (amount > other) - (amount < other)


def _is_greater_than(left: Any, right: Any) -> bool:
    return _opaque_compare(left, right, "isGreaterThan") == 1


def _is_less_than(left: Any, right: Any) -> bool:
    return _opaque_compare(left, right, "isLessThan") == -1


def _compare_to(left: Any, right: Any) -> int:
    return _opaque_compare(left, right, "compareTo")


# ---------------------------------------------------------------------------
# url (Go's net/url: url.ParseRequestURI then url.Parse)

_PATH, _USERINFO, _QUERY_COMPONENT, _FRAGMENT, _HOST, _ZONE = range(6)
_HEX = frozenset(b"0123456789abcdefABCDEF")
_ALNUM = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_HOST_EXTRA = frozenset(b"!$&'()*+,;=:[]<>\"")
_RESERVED = frozenset(b"$&+,/:;=?@")
_USERINFO_OK = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:~!$&'()*+,;=%@"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _should_escape(char: int, mode: int) -> bool:
    if char in _ALNUM:
        return False
    if mode in (_HOST, _ZONE) and char in _HOST_EXTRA:
        return False
    if char in b"-_.~":
        return False
    if char in _RESERVED:
        if mode == _PATH:
            return char == ord("?")
        if mode == _USERINFO:
            return char in b"@/?:"
        if mode == _QUERY_COMPONENT:
            return True
        if mode == _FRAGMENT:
            return False
    return not (mode == _FRAGMENT and char in b"!()*")


def _unescape(text: bytes, mode: int) -> bytes:
    size = len(text)
    i = 0
    while i < size:
        char = text[i]
        if char == 0x25:  # %
            if i + 2 >= size or text[i + 1] not in _HEX or text[i + 2] not in _HEX:
                bad = text[i : i + 3].decode("utf-8", "replace")
                raise _CelError(f"invalid URL escape {_quote(bad)}")
            byte = int(text[i + 1 : i + 3], 16)
            if mode == _HOST and byte < 0x80 and text[i : i + 3] != b"%25":
                raise _CelError(f"invalid URL escape {_quote(text[i : i + 3].decode())}")
            if (
                mode == _ZONE
                and text[i : i + 3] != b"%25"
                and byte != 0x20
                and _should_escape(byte, _HOST)
            ):
                raise _CelError(f"invalid URL escape {_quote(text[i : i + 3].decode())}")
            i += 3
        else:
            if mode in (_HOST, _ZONE) and char < 0x80 and _should_escape(char, mode):
                raise _CelError(f"invalid character {_quote(chr(char))} in host name")
            i += 1
    out = bytearray()
    i = 0
    while i < size:
        char = text[i]
        if char == 0x25:
            out.append(int(text[i + 1 : i + 3], 16))
            i += 3
        elif char == 0x2B and mode == _QUERY_COMPONENT:  # +
            out.append(0x20)
            i += 1
        else:
            out.append(char)
            i += 1
    return bytes(out)


def _escape_path(text: bytes) -> str:
    return "".join(
        f"%{char:02X}" if _should_escape(char, _PATH) else chr(char) for char in text
    )


def _valid_encoded_path(text: bytes) -> bool:
    for char in text:
        if char in b"!$&'()*+,;=:@[]%":
            continue
        if _should_escape(char, _PATH):
            return False
    return True


def _valid_optional_port(port: str) -> bool:
    return port == "" or (port[0] == ":" and all("0" <= c <= "9" for c in port[1:]))


def _parse_host(host: str) -> str:
    if host.startswith("["):
        close = host.rfind("]")
        if close < 0:
            raise _CelError("missing ']' in host")
        port = host[close + 1 :]
        if not _valid_optional_port(port):
            raise _CelError(f"invalid port {_quote(port)} after host")
        zone = host.find("%25", 0, close)
        literal = host[1:close] if zone < 0 else host[1:zone]
        try:
            ipaddress.IPv6Address(literal)
        except ValueError:
            raise _CelError(f"invalid IPv6 host {_quote(literal)}") from None
        if zone >= 0:
            return (
                _unescape(host[:zone].encode(), _HOST)
                + _unescape(host[zone:close].encode(), _ZONE)
                + _unescape(host[close:].encode(), _HOST)
            ).decode("utf-8", "replace")
    else:
        colon = host.rfind(":")
        if colon >= 0 and not _valid_optional_port(host[colon:]):
            raise _CelError(f"invalid port {_quote(host[colon:])} after host")
    return _unescape(host.encode(), _HOST).decode("utf-8", "replace")


class _ParsedURL:
    __slots__ = ("host", "path", "raw_path", "raw_query", "scheme")

    def __init__(self) -> None:
        self.scheme = ""
        self.host = ""
        self.path = b""
        self.raw_path = b""
        self.raw_query = ""

    def set_path(self, text: str) -> None:
        raw = text.encode()
        self.path = _unescape(raw, _PATH)
        self.raw_path = b"" if _escape_path(self.path) == text else raw

    def escaped_path(self) -> str:
        if self.raw_path and _valid_encoded_path(self.raw_path):
            try:
                if _unescape(self.raw_path, _PATH) == self.path:
                    return self.raw_path.decode()
            except _CelError:
                pass
        if self.path == b"*":
            return "*"
        return _escape_path(self.path)


def _go_parse(raw: str, via_request: bool) -> _ParsedURL:
    """Go's net/url parse(rawURL, viaRequest), without the fragment handling."""
    if _CONTROL.search(raw):
        raise _CelError("net/url: invalid control character in URL")
    if raw == "" and via_request:
        raise _CelError("empty url")
    url = _ParsedURL()
    if raw == "*":
        url.path = b"*"
        return url
    rest = raw
    scheme_match = re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", raw)
    if raw.startswith(":"):
        raise _CelError("missing protocol scheme")
    if scheme_match:
        url.scheme = scheme_match.group()[:-1].lower()
        rest = raw[scheme_match.end() :]
    if rest.endswith("?") and rest.count("?") == 1:
        rest = rest[:-1]
    else:
        rest, _, url.raw_query = rest.partition("?")
    if not rest.startswith("/"):
        if url.scheme:
            return url  # an opaque URL such as mailto:someone
        if via_request:
            raise _CelError("invalid URI for request")
        if ":" in rest.partition("/")[0]:
            raise _CelError("first path segment in URL cannot contain colon")
    authority_allowed = url.scheme or (not via_request and not rest.startswith("///"))
    if authority_allowed and rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        rest = slash + path
        at = authority.rfind("@")
        url.host = _parse_host(authority[at + 1 :])
        if at >= 0:
            userinfo = authority[:at]
            if any(ord(c) >= 0x80 or ord(c) not in _USERINFO_OK for c in userinfo):
                raise _CelError("net/url: invalid userinfo")
            for part in userinfo.split(":", 1):
                _unescape(part.encode(), _USERINFO)
    url.set_path(rest)
    return url


def _parse_url(text: str) -> _ParsedURL:
    """The API server's url(): ParseRequestURI must accept it, Parse gives the parts."""
    try:
        _go_parse(text, via_request=True)
        without_fragment, hash_sign, fragment = text.partition("#")
        url = _go_parse(without_fragment, via_request=False)
        if hash_sign and fragment:
            _unescape(fragment.encode(), _FRAGMENT)
    except _CelError as exc:
        raise _CelError(
            f"URL parse error during conversion from string: parse {_quote(text)}: {exc}"
        ) from None
    return url


def _url(text: str) -> dict[str, str]:
    _parse_url(text)
    return {_URL: text}


def _is_url(text: str) -> bool:
    try:
        _go_parse(text, via_request=True)
    except _CelError:
        return False
    return True


def _url_of(value: Any, function: str) -> _ParsedURL:
    return _parse_url(_unwrap(value, _URL, function))


def _split_host_port(host: str) -> tuple[str, str]:
    port = ""
    colon = host.rfind(":")
    if colon >= 0 and _valid_optional_port(host[colon:]):
        host, port = host[:colon], host[colon + 1 :]
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, port


def _url_scheme(value: Any) -> str:
    return _url_of(value, "getScheme").scheme


def _url_host(value: Any) -> str:
    return _url_of(value, "getHost").host


def _url_hostname(value: Any) -> str:
    return _split_host_port(_url_of(value, "getHostname").host)[0]


def _url_port(value: Any) -> str:
    return _split_host_port(_url_of(value, "getPort").host)[1]


def _url_escaped_path(value: Any) -> str:
    return _url_of(value, "getEscapedPath").escaped_path()


def _url_query(value: Any) -> dict[str, list[str]]:
    """Go's url.Values: repeated keys collect values; malformed pairs are dropped."""
    result: dict[str, list[str]] = {}
    for pair in _url_of(value, "getQuery").raw_query.split("&"):
        if ";" in pair or not pair:
            continue
        key, _, item = pair.partition("=")
        try:
            key_text = _unescape(key.encode(), _QUERY_COMPONENT).decode("utf-8", "replace")
            item_text = _unescape(item.encode(), _QUERY_COMPONENT).decode("utf-8", "replace")
        except _CelError:
            continue
        result.setdefault(key_text, []).append(item_text)
    return result


# ---------------------------------------------------------------------------
# ip and cidr (Go's net/netip, with the API server's extra rules)

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse_ip(text: str) -> _Address:
    address: _Address
    try:
        address = ipaddress.IPv6Address(text) if ":" in text else ipaddress.IPv4Address(text)
    except ValueError as exc:
        raise _CelError(
            f"IP Address {_quote(text)} parse error during conversion from string: {exc}"
        ) from None
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id is not None:
            raise _CelError(f"IP address {_quote(text)} with zone value is not allowed")
        if address.ipv4_mapped is not None:
            raise _CelError(f"IPv4-mapped IPv6 address {_quote(text)} is not allowed")
    return address


def _ip_text(address: _Address) -> str:
    return address.compressed


def _ip(text: str) -> dict[str, str]:
    return {_IP: _ip_text(_parse_ip(text))}


def _is_ip(text: str) -> bool:
    try:
        _parse_ip(text)
    except _CelError:
        return False
    return True


def _ip_is_canonical(text: str) -> bool:
    return _ip_text(_parse_ip(text)) == text


def _ip_of(value: Any, function: str) -> _Address:
    return _parse_ip(_unwrap(value, _IP, function))


def _ip_family(value: Any) -> int:
    return _ip_of(value, "family").version


def _ip_is_unspecified(value: Any) -> bool:
    return int(_ip_of(value, "isUnspecified")) == 0


def _is_loopback(address: _Address) -> bool:
    if address.version == 4:
        return int(address) >> 24 == 127
    return int(address) == 1


def _is_multicast(address: _Address) -> bool:
    if address.version == 4:
        return int(address) >> 28 == 0xE
    return int(address) >> 120 == 0xFF


def _is_link_local_unicast(address: _Address) -> bool:
    if address.version == 4:
        return int(address) >> 16 == 0xA9FE
    return int(address) >> 118 == 0xFE80 >> 6


def _ip_is_loopback(value: Any) -> bool:
    return _is_loopback(_ip_of(value, "isLoopback"))


def _ip_is_link_local_multicast(value: Any) -> bool:
    address = _ip_of(value, "isLinkLocalMulticast")
    if address.version == 4:
        return int(address) >> 8 == 0xE00000
    return (int(address) >> 112) & 0xFF0F == 0xFF02


def _ip_is_link_local_unicast(value: Any) -> bool:
    return _is_link_local_unicast(_ip_of(value, "isLinkLocalUnicast"))


def _ip_is_global_unicast(value: Any) -> bool:
    address = _ip_of(value, "isGlobalUnicast")
    if address.version == 4 and int(address) in (0, 0xFFFFFFFF):
        return False
    return not (
        int(address) == 0
        or _is_loopback(address)
        or _is_multicast(address)
        or _is_link_local_unicast(address)
    )


def _parse_cidr(text: str) -> tuple[_Address, int]:
    def fail(reason: str) -> _CelError:
        return _CelError(
            "network address parse error during conversion from string: "
            f"network address parse error during conversion from string: "
            f"netip.ParsePrefix({_quote(text)}): {reason}"
        )

    address_text, slash, bits_text = text.rpartition("/")
    if not slash:
        raise fail("no '/'")
    if "%" in address_text:
        raise fail("IPv6 zones cannot be present in a prefix")
    try:
        address: _Address
        if ":" in address_text:
            address = ipaddress.IPv6Address(address_text)
        else:
            address = ipaddress.IPv4Address(address_text)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if not re.fullmatch(r"0|[1-9][0-9]{0,2}", bits_text):
        raise fail(f"bad bits after slash: {_quote(bits_text)}")
    bits = int(bits_text)
    if bits > address.max_prefixlen:
        raise fail("prefix length out of range")
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        raise _CelError(
            "network address parse error during conversion from string: "
            f"IPv4-mapped IPv6 address {_quote(text)} is not allowed"
        )
    return address, bits


def _cidr_text(address: _Address, bits: int) -> str:
    return f"{_ip_text(address)}/{bits}"


def _cidr(text: str) -> dict[str, str]:
    return {_CIDR: _cidr_text(*_parse_cidr(text))}


def _is_cidr(text: str) -> bool:
    try:
        _parse_cidr(text)
    except _CelError:
        return False
    return True


def _cidr_of(value: Any, function: str) -> tuple[_Address, int]:
    return _parse_cidr(_unwrap(value, _CIDR, function))


def _masked(address: _Address, bits: int) -> int:
    width = address.max_prefixlen
    return int(address) >> (width - bits) << (width - bits) if bits else 0


def _contains_ip(network: tuple[_Address, int], address: _Address) -> bool:
    base, bits = network
    if base.version != address.version:
        return False
    return _masked(base, bits) == _masked(address, bits)


def _contains_cidr(network: tuple[_Address, int], other: tuple[_Address, int]) -> bool:
    # As fixed in Kubernetes 1.33 (kubernetes#130450): compare both addresses masked.
    base, bits = network
    address, other_bits = other
    if base.version != address.version or other_bits < bits:
        return False
    return _masked(base, bits) == _masked(address, bits)


def _cidr_contains_ip(value: Any, other: Any) -> bool:
    return _contains_ip(_cidr_of(value, "containsIP"), _ip_of(other, "containsIP"))


def _cidr_contains_ip_string(value: Any, other: str) -> bool:
    return _contains_ip(_cidr_of(value, "containsIP"), _parse_ip(other))


def _cidr_contains_cidr(value: Any, other: Any) -> bool:
    return _contains_cidr(_cidr_of(value, "containsCIDR"), _cidr_of(other, "containsCIDR"))


def _cidr_contains_cidr_string(value: Any, other: str) -> bool:
    return _contains_cidr(_cidr_of(value, "containsCIDR"), _parse_cidr(other))


def _cidr_ip(value: Any) -> dict[str, str]:
    return {_IP: _ip_text(_cidr_of(value, "ip")[0])}


def _cidr_masked(value: Any) -> dict[str, str]:
    address, bits = _cidr_of(value, "masked")
    network = type(address)(_masked(address, bits))
    return {_CIDR: _cidr_text(network, bits)}


def _cidr_prefix_length(value: Any) -> int:
    return _cidr_of(value, "prefixLength")[1]


def _opaque_to_string(value: Any) -> str:
    if isinstance(value, dict) and len(value) == 1:
        if _IP in value:
            return _ip_text(_ip_of(value, "string"))
        if _CIDR in value:
            return _cidr_text(*_cidr_of(value, "string"))
    raise _CelError(f"no such overload: string() of a {_kind_of(value)}")


# ---------------------------------------------------------------------------
# declarations


def _overload(
    name: str,
    overload_id: str,
    result: Any,
    parameters: list[Any],
    impl: Callable[..., Any],
    *,
    member: bool,
) -> Any:
    return cel.Overload(
        overload_id, result, parameters, is_member=member, impl=_guard(name, impl)
    )


def _declarations() -> list[Any]:
    S, B, N, D = _T.STRING, _T.BOOL, _T.INT, _T.DOUBLE
    L, Q = _T.LIST, _OPAQUE
    members: dict[str, list[tuple[str, Any, list[Any], Callable[..., Any]]]] = {
        "find": [("string_find_string", S, [S, S], _find)],
        "findAll": [
            ("string_find_all_string", _T.List(S), [S, S], _find_all),
            ("string_find_all_string_int", _T.List(S), [S, S, N], _find_all_limit),
        ],
        "isSorted": [("list_is_sorted_bool", B, [L], _list_is_sorted)],
        "sum": [("list_sum", _T.DYN, [L], _list_sum)],
        "min": [("list_min", _T.DYN, [L], _list_min)],
        "max": [("list_max", _T.DYN, [L], _list_max)],
        "indexOf": [("list_a_index_of_int", N, [L, _T.DYN], _list_index_of)],
        "lastIndexOf": [("list_a_last_index_of_int", N, [L, _T.DYN], _list_last_index_of)],
        "isInteger": [("quantity_is_integer", B, [Q], _quantity_is_integer)],
        "asInteger": [("quantity_get_int", N, [Q], _quantity_as_integer)],
        "asApproximateFloat": [("quantity_get_float", D, [Q], _quantity_as_float)],
        "add": [
            ("quantity_add", Q, [Q, Q], _quantity_add),
            ("quantity_add_int", Q, [Q, N], _quantity_add_int),
        ],
        "sub": [
            ("quantity_sub", Q, [Q, Q], _quantity_sub),
            ("quantity_sub_int", Q, [Q, N], _quantity_sub_int),
        ],
        "isGreaterThan": [("k8s_is_greater_than", B, [Q, Q], _is_greater_than)],
        "isLessThan": [("k8s_is_less_than", B, [Q, Q], _is_less_than)],
        "compareTo": [("k8s_compare_to", N, [Q, Q], _compare_to)],
        "getScheme": [("url_get_scheme", S, [Q], _url_scheme)],
        "getHost": [("url_get_host", S, [Q], _url_host)],
        "getHostname": [("url_get_hostname", S, [Q], _url_hostname)],
        "getPort": [("url_get_port", S, [Q], _url_port)],
        "getEscapedPath": [("url_get_escaped_path", S, [Q], _url_escaped_path)],
        "getQuery": [("url_get_query", _T.Map(S, _T.List(S)), [Q], _url_query)],
        "family": [("ip_family", N, [Q], _ip_family)],
        "isUnspecified": [("ip_is_unspecified", B, [Q], _ip_is_unspecified)],
        "isLoopback": [("ip_is_loopback", B, [Q], _ip_is_loopback)],
        "isLinkLocalMulticast": [
            ("ip_is_link_local_multicast", B, [Q], _ip_is_link_local_multicast)
        ],
        "isLinkLocalUnicast": [("ip_is_link_local_unicast", B, [Q], _ip_is_link_local_unicast)],
        "isGlobalUnicast": [("ip_is_global_unicast", B, [Q], _ip_is_global_unicast)],
        "containsIP": [
            ("cidr_contains_ip_string", B, [Q, S], _cidr_contains_ip_string),
            ("cidr_contains_ip_ip", B, [Q, Q], _cidr_contains_ip),
        ],
        "containsCIDR": [
            ("cidr_contains_cidr_string", B, [Q, S], _cidr_contains_cidr_string),
            ("cidr_contains_cidr", B, [Q, Q], _cidr_contains_cidr),
        ],
        "ip": [("cidr_ip", Q, [Q], _cidr_ip)],
        "masked": [("cidr_masked", Q, [Q], _cidr_masked)],
        "prefixLength": [("cidr_prefix_length", N, [Q], _cidr_prefix_length)],
        "major": [("semver_major", N, [Q], _semver_major)],
        "minor": [("semver_minor", N, [Q], _semver_minor)],
        "patch": [("semver_patch", N, [Q], _semver_patch)],
    }
    globals_: dict[str, list[tuple[str, Any, list[Any], Callable[..., Any]]]] = {
        "quantity": [("string_to_quantity", Q, [S], _quantity)],
        "isQuantity": [("is_quantity_string", B, [S], _is_quantity)],
        "sign": [("quantity_sign", N, [Q], _quantity_sign)],
        "url": [("string_to_url", Q, [S], _url)],
        "isURL": [("is_url_string", B, [S], _is_url)],
        "ip": [("string_to_ip", Q, [S], _ip)],
        "isIP": [("is_ip", B, [S], _is_ip)],
        "ip.isCanonical": [("ip_is_canonical", B, [S], _ip_is_canonical)],
        "cidr": [("string_to_cidr", Q, [S], _cidr)],
        "isCIDR": [("is_cidr", B, [S], _is_cidr)],
        "string": [("k8s_opaque_to_string", S, [Q], _opaque_to_string)],
        "semver": [
            ("string_to_semver", Q, [S], _semver),
            ("string_bool_to_semver", Q, [S, B], _semver_normalize),
        ],
        "isSemver": [
            ("is_semver_string", B, [S], _is_semver),
            ("is_semver_string_bool", B, [S, B], _is_semver_normalize),
        ],
    }
    overloads: dict[str, list[Any]] = {}
    for member, table in ((True, members), (False, globals_)):
        for name, entries in table.items():
            for overload_id, result, parameters, impl in entries:
                overloads.setdefault(name, []).append(
                    _overload(name, overload_id, result, parameters, impl, member=member)
                )
    return [cel.FunctionDecl(name, entries) for name, entries in overloads.items()]


_extensions: list[Any] | None = None
_extensions_lock = threading.Lock()


def _all_extensions() -> list[Any]:
    """The extension objects, built once per process."""
    global _extensions
    if _extensions is None:
        with _extensions_lock:
            if _extensions is None:
                _extensions = [
                    ext_strings.ExtStrings(),
                    ext_optional.ExtOptional(),
                    ext_math.ExtMath(),
                    ext_encoders.ExtEncoders(),
                    ext_bindings.ExtBindings(),
                    cel.CelExtension("kubernetes", _declarations()),
                ]
    return _extensions


#: The variables of the evaluation running on this thread, for ``__kubelint_variable__``.
_current = threading.local()
#: ``__kubelint_variable__(name)``: a variable given per evaluation while the others stay
#: in a reused activation (``evaluate_bound``). Declared only in environments built with
#: ``bound_variables=True``, which compile kubelint's own wrapping of an expression.
BOUND_VARIABLE = "__kubelint_variable__"
_bound_extension: Any = None


def _bound_variable(name: str) -> Any:
    return _current.data[name]


def new_environment(variables: Mapping[str, Any] | None = None, *,
                    bound_variables: bool = False) -> Any:
    """A ``cel.Env`` with kubelint's standard extensions and the Kubernetes library.

    ``variables`` maps each variable name to its ``cel.Type``; a name mapped to
    ``None`` is ``dyn``, as the admission variables (``object``, ``request``...) are.
    """
    global _bound_extension
    declared: dict[str, Any] = {}
    for name, kind in (variables or {}).items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"CEL variable names are strings, not {name!r}")
        declared[name] = _T.DYN if kind is None else kind
    extensions = list(_all_extensions())
    if bound_variables:
        if _bound_extension is None:
            _bound_extension = cel.CelExtension("kubelint_bound", [cel.FunctionDecl(
                BOUND_VARIABLE, [cel.Overload(f"{BOUND_VARIABLE}_string", _T.DYN, [_T.STRING],
                                              impl=_bound_variable)])])
        extensions.append(_bound_extension)
    return cel.NewEnv(variables=declared, extensions=extensions)


_STATUS = re.compile(
    r"^(?:(?:CANCELLED|UNKNOWN|INVALID_ARGUMENT|DEADLINE_EXCEEDED|NOT_FOUND|ALREADY_EXISTS"
    r"|PERMISSION_DENIED|RESOURCE_EXHAUSTED|FAILED_PRECONDITION|ABORTED|OUT_OF_RANGE"
    r"|UNIMPLEMENTED|INTERNAL|UNAVAILABLE|DATA_LOSS|UNAUTHENTICATED): )+"
)


def _strip_status(message: str) -> str:
    """Drop the absl status codes cel-cpp puts before a message."""
    message = _STATUS.sub("", message.strip())
    return re.sub(r"\s*\[[A-Z_]+\]$", "", message)


def evaluate(program: Any, data: dict[str, Any]) -> tuple[object, str | None]:
    """Evaluate a compiled program: ``(plain value, None)`` or ``(None, error message)``."""
    try:
        value = program.eval(data=data)
    except Exception as exc:  # the caller reports every failure alike
        return None, _strip_status(str(exc)) or type(exc).__name__
    return _plain(value)


def evaluate_bound(program: Any, activation: Any,
                   data: dict[str, Any]) -> tuple[object, str | None]:
    """Evaluate a program compiled with ``bound_variables`` in a reused ``activation``
    (whose values cel-cpp converts once), ``data`` giving ``__kubelint_variable__``."""
    _current.data = data
    try:
        value = program.eval(activation)
    except Exception as exc:
        return None, _strip_status(str(exc)) or type(exc).__name__
    finally:
        _current.data = None
    return _plain(value)


def _plain(value: Any) -> tuple[object, str | None]:
    try:
        kind = value.type().name()
        if kind == "ERROR":
            return None, _strip_status(str(value.plain_value())) or "evaluation error"
        return value.plain_value(), None
    except Exception:  # an optional, or another value cel-expr-python cannot convert
        return None, "the expression's result has no Python value (is it an optional?)"
