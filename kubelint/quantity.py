"""Kubernetes resource quantities (``500m``, ``2Gi``, ``1e3``), compared exactly."""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

from kubelint.patterns import lazy_compile

_QUANTITY = lazy_compile(
    r"(?P<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?\Z"
)

_SUFFIX: dict[str, Fraction] = {
    "": Fraction(1),
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 10**3),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
    "Ki": Fraction(2**10),
    "Mi": Fraction(2**20),
    "Gi": Fraction(2**30),
    "Ti": Fraction(2**40),
    "Pi": Fraction(2**50),
    "Ei": Fraction(2**60),
}


class InvalidQuantity(ValueError):
    """The value is not a Kubernetes quantity."""


def parse_quantity(value: Any) -> Fraction:
    """The exact value of a quantity: ``parse_quantity("500m") == Fraction(1, 2)``.

    YAML numbers are accepted as Kubernetes accepts them (``cpu: 1``, ``cpu: 0.5``).
    Raises ``InvalidQuantity`` for anything the API server would reject.
    """
    if isinstance(value, bool) or value is None:
        raise InvalidQuantity(f"{value!r} is not a quantity")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidQuantity(f"{value!r} is not a quantity")
        return Fraction(str(value))
    if not isinstance(value, str):
        raise InvalidQuantity(f"{value!r} is not a quantity")
    return _parse_text(value)


@functools.lru_cache(maxsize=4096)
def _parse_text(value: str) -> Fraction:
    """``parse_quantity`` of a string, remembered: manifests repeat a few quantities
    (``100m``, ``128Mi``) thousands of times, and ``Fraction`` parses text slowly."""
    # The API server trims surrounding whitespace (Quantity.UnmarshalJSON).
    match = _QUANTITY.match(value.strip())
    if match is None:
        raise InvalidQuantity(f"{value!r} is not a quantity")
    number = Fraction(match["number"])
    suffix = match["suffix"] or ""
    if suffix in _SUFFIX:  # "E" is exa and "Ei" exbi, not exponents
        return number * _SUFFIX[suffix]
    exponent = int(suffix[1:])
    if abs(exponent) > 1000:  # the API server's parser refuses such values; Fraction would stall
        raise InvalidQuantity(f"{value!r} is not a quantity (exponent out of range)")
    return number * Fraction(10) ** exponent
