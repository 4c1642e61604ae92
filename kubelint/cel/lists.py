"""The lists library: ``isSorted()``, ``sum()``, ``min()``, ``max()``, ``indexOf(x)``,
``lastIndexOf(x)`` on lists of ints, doubles, strings, bools and bytes."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from kubelint.cel.base import INT64_MAX, INT64_MIN, Declarations, FunctionError, T, kind_of


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
        raise FunctionError(
            f"no such overload: {function}() cannot compare {kind_of(left)} with {kind_of(right)}"
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
    if is_int and not INT64_MIN <= value <= INT64_MAX:
        raise FunctionError(f"{function}(): integer overflow")
    if not isinstance(value, (bool, int, float, str, bytes)):
        raise FunctionError(f"{function}() of {kind_of(value)} values is not supported by kubelint")
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
            if not INT64_MIN <= total <= INT64_MAX:
                raise FunctionError("sum(): integer overflow")
        return total
    if all(isinstance(v, float) for v in values):
        result = 0.0
        for value in values:  # in order, as cel-go adds them (sum() compensates on 3.12+)
            result += value
        return result
    kinds = sorted({kind_of(v) for v in values})
    raise FunctionError(f"no such overload: sum() of a list of {' and '.join(kinds)} values")


def _list_extreme(values: list[Any], function: str, prefer: int) -> Any:
    if not values:
        raise FunctionError(f"{function} called on empty list")
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


MEMBERS: Declarations = {
    "isSorted": [("list_is_sorted_bool", T.BOOL, [T.LIST], _list_is_sorted)],
    "sum": [("list_sum", T.DYN, [T.LIST], _list_sum)],
    "min": [("list_min", T.DYN, [T.LIST], _list_min)],
    "max": [("list_max", T.DYN, [T.LIST], _list_max)],
    "indexOf": [("list_a_index_of_int", T.INT, [T.LIST, T.DYN], _list_index_of)],
    "lastIndexOf": [("list_a_last_index_of_int", T.INT, [T.LIST, T.DYN], _list_last_index_of)],
}
GLOBALS: Declarations = {}
