"""The quantity library: ``quantity(s)``, ``isQuantity(s)``, ``sign(q)``, ``q.isInteger()``,
``q.asInteger()``, ``q.asApproximateFloat()``, ``q.add(q|int)``, ``q.sub(q|int)`` (the
comparisons, shared with semver, are in ``kubelint.cel.compare``)."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any

from kubelint.cel.base import (
    INT64_MAX,
    INT64_MIN,
    OPAQUE,
    QUANTITY,
    Declarations,
    FunctionError,
    T,
    quote,
    unwrap,
)
from kubelint.quantity import InvalidQuantity, parse_quantity

_NANO = 10**9
_QUANTITY_SHAPE = re.compile(
    r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:(?P<binary>Ki|Mi|Gi|Ti|Pi|Ei)|[numkMGTPE]|[eE](?P<exponent>[+-]?[0-9]+))?"
)
_MAX_EXPONENT = 1000


def _parse_quantity_value(text: str) -> Fraction:
    """The value the API server's resource.ParseQuantity gives ``text``."""
    if not text or text != text.strip():
        raise FunctionError(f"quantity {quote(text)} is not a valid Kubernetes quantity")
    shape = _QUANTITY_SHAPE.fullmatch(text)
    exponent = shape["exponent"] if shape else None
    if shape is not None and exponent is not None:
        digits = exponent.lstrip("+-").lstrip("0")
        if len(digits) > 4 or int(digits or "0") > _MAX_EXPONENT:
            # 10**huge would take forever; tiny values round up to 1n as the API
            # server rounds them.
            if not exponent.startswith("-"):
                raise FunctionError(f"quantity {quote(text)}: exponent too large for kubelint")
            mantissa = Fraction(text[: shape.start("exponent") - 1])
            if mantissa == 0:
                return Fraction(0)
            return Fraction(1 if mantissa > 0 else -1, _NANO)
    try:
        value = parse_quantity(text)
    except InvalidQuantity:
        raise FunctionError(
            f"quantity {quote(text)} is not a valid Kubernetes quantity "
            "(a number with an optional suffix such as 500m, 2Gi or 1e3)"
        ) from None
    except ValueError as exc:  # more digits than Python converts
        raise FunctionError(f"quantity {quote(text)}: {exc}") from None
    # ParseQuantity rounds away from zero to nano precision, and caps binary (Ki...)
    # quantities at 2^63-1.
    nanos = value * _NANO
    if nanos.denominator != 1:
        magnitude = math.ceil(abs(nanos))
        value = Fraction(magnitude if nanos > 0 else -magnitude, _NANO)
    if shape is not None and shape["binary"] and abs(value) > INT64_MAX:
        value = Fraction(INT64_MAX if value > 0 else -INT64_MAX)
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
        return {QUANTITY: _quantity_text(value)}
    except ValueError as exc:  # more digits than Python converts to text
        raise FunctionError(f"quantity too large for kubelint: {exc}") from None


_CANONICAL_QUANTITY = re.compile(r"-?[0-9]{1,4000}(?:\.[0-9]{1,9})?")


def quantity_of(value: Any, function: str) -> Fraction:
    text = unwrap(value, QUANTITY, function)
    # Only the plain decimals _quantity_text writes: Fraction("1e999999999") never ends.
    if not _CANONICAL_QUANTITY.fullmatch(text):
        raise FunctionError(f"{function}(): {quote(text)} is not a quantity made by quantity()")
    return Fraction(text)


def _quantity(text: str) -> dict[str, str]:
    return _make_quantity(_parse_quantity_value(text))


def _is_quantity(text: str) -> bool:
    try:
        _parse_quantity_value(text)
    except FunctionError:
        return False
    return True


def _quantity_sign(value: Any) -> int:
    amount = quantity_of(value, "sign")
    return (amount > 0) - (amount < 0)


def _quantity_integer(amount: Fraction) -> int | None:
    if amount.denominator == 1 and INT64_MIN <= amount.numerator <= INT64_MAX:
        return amount.numerator
    return None


def _quantity_is_integer(value: Any) -> bool:
    return _quantity_integer(quantity_of(value, "isInteger")) is not None


def _quantity_as_integer(value: Any) -> int:
    amount = quantity_of(value, "asInteger")
    integer = _quantity_integer(amount)
    if integer is None:
        raise FunctionError(f"cannot convert value to integer: {_quantity_text(amount)}")
    return integer


def _quantity_as_float(value: Any) -> float:
    amount = quantity_of(value, "asApproximateFloat")
    try:
        return float(amount)
    except OverflowError:
        return math.inf if amount > 0 else -math.inf


def _quantity_add(left: Any, right: Any) -> dict[str, str]:
    return _make_quantity(quantity_of(left, "add") + quantity_of(right, "add"))


def _quantity_add_int(left: Any, right: int) -> dict[str, str]:
    return _make_quantity(quantity_of(left, "add") + right)


def _quantity_sub(left: Any, right: Any) -> dict[str, str]:
    return _make_quantity(quantity_of(left, "sub") - quantity_of(right, "sub"))


def _quantity_sub_int(left: Any, right: int) -> dict[str, str]:
    return _make_quantity(quantity_of(left, "sub") - right)


MEMBERS: Declarations = {
    "isInteger": [("quantity_is_integer", T.BOOL, [OPAQUE], _quantity_is_integer)],
    "asInteger": [("quantity_get_int", T.INT, [OPAQUE], _quantity_as_integer)],
    "asApproximateFloat": [("quantity_get_float", T.DOUBLE, [OPAQUE], _quantity_as_float)],
    "add": [
        ("quantity_add", OPAQUE, [OPAQUE, OPAQUE], _quantity_add),
        ("quantity_add_int", OPAQUE, [OPAQUE, T.INT], _quantity_add_int),
    ],
    "sub": [
        ("quantity_sub", OPAQUE, [OPAQUE, OPAQUE], _quantity_sub),
        ("quantity_sub_int", OPAQUE, [OPAQUE, T.INT], _quantity_sub_int),
    ],
}
GLOBALS: Declarations = {
    "quantity": [("string_to_quantity", OPAQUE, [T.STRING], _quantity)],
    "isQuantity": [("is_quantity_string", T.BOOL, [T.STRING], _is_quantity)],
    "sign": [("quantity_sign", T.INT, [OPAQUE], _quantity_sign)],
}
