"""``isGreaterThan``, ``isLessThan`` and ``compareTo`` of quantities and semvers: one overload
each, as both are maps at run time."""

from __future__ import annotations

from typing import Any

from kubelint.cel.base import OPAQUE, SEMVER, Declarations, T
from kubelint.cel.quantity import quantity_of
from kubelint.cel.semver import semver_compare, semver_of


def _opaque_compare(left: Any, right: Any, function: str) -> int:
    if isinstance(left, dict) and SEMVER in left:
        return semver_compare(semver_of(left, function), semver_of(right, function))
    amount = quantity_of(left, function)
    other = quantity_of(right, function)
    return (amount > other) - (amount < other)


def _is_greater_than(left: Any, right: Any) -> bool:
    return _opaque_compare(left, right, "isGreaterThan") == 1


def _is_less_than(left: Any, right: Any) -> bool:
    return _opaque_compare(left, right, "isLessThan") == -1


def _compare_to(left: Any, right: Any) -> int:
    return _opaque_compare(left, right, "compareTo")


MEMBERS: Declarations = {
    "isGreaterThan": [("k8s_is_greater_than", T.BOOL, [OPAQUE, OPAQUE], _is_greater_than)],
    "isLessThan": [("k8s_is_less_than", T.BOOL, [OPAQUE, OPAQUE], _is_less_than)],
    "compareTo": [("k8s_compare_to", T.INT, [OPAQUE, OPAQUE], _compare_to)],
}
GLOBALS: Declarations = {}
