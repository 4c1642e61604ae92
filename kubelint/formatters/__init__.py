"""Formatters render a finished ``Report``; they never filter or decide."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kubelint.report import Report


@dataclass(frozen=True)
class FormatContext:
    """What a formatter may use besides the report."""

    color: bool = False
    version: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


class Formatter(Protocol):
    def __call__(self, report: Report, context: FormatContext) -> str: ...
