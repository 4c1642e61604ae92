"""Reading a container's (or a pod's) ``resources`` block, for the resources rules and
hpa-requires-requests: one answer to "is it malformed?" and to "is this a quantity?".

A malformed block (not a mapping) is schema validation's finding; the rules skip it.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from kubelint.api import InvalidQuantity, as_mapping, parse_quantity

Block = Mapping[str, Any]


def block(resources: Any, group: str) -> Block | None:
    """``resources.<group>`` (``requests`` or ``limits``), {} when unset; None when it or
    ``resources`` is malformed."""
    found = as_mapping(resources)
    return None if found is None else as_mapping(found.get(group))


def requirements(resources: Any) -> tuple[Block, Block] | None:
    """(requests, limits) of a ``resources`` block, each {} when unset; None when any of
    them is malformed."""
    requests, limits = block(resources, "requests"), block(resources, "limits")
    return None if requests is None or limits is None else (requests, limits)


def quantity(value: Any) -> Fraction | None:
    """A quantity, or None when unset or not a quantity (skipped: the rules that care
    report invalid quantities themselves)."""
    if value is None:
        return None
    try:
        return parse_quantity(value)
    except (InvalidQuantity, ValueError, ArithmeticError):
        return None


def written(value: Any) -> str:
    """A quantity as written, for messages: ``500Mi``, ``1``."""
    return value if isinstance(value, str) else str(value)
