"""Regular expressions compiled on first use.

kubelint defines about a hundred module-level patterns (rules, loader, config, Helm and
kustomize error parsing), and most runs use only a few: compiling them all at import cost
~25 ms of every start. ``lazy_compile`` is a drop-in for ``re.compile`` at module level.
"""

from __future__ import annotations

import re
from typing import Any, cast

__all__ = ["lazy_compile"]


class _LazyPattern:
    """Stands for ``re.compile(pattern, flags)``: the first attribute read compiles it,
    and each attribute (``match``, ``sub``, ``pattern``, ...) is then kept on the instance,
    so later calls cost what they cost on the compiled pattern."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and friends probe for dunders
            raise AttributeError(name)
        value = getattr(re.compile(*self._args), name)
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return repr(re.compile(*self._args))


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled when first used (invalid patterns raise
    then, and the pattern tests compile every one)."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
