"""Patterns compiled on first use (``kubelint.patterns.lazy_compile``) behave as compiled
ones, and every one of them compiles: a typo must fail here, not in a user's run."""

from __future__ import annotations

import copy
import importlib
import re

from kubelint.patterns import _LazyPattern, lazy_compile
from tests.helpers import ROOT


def _modules_using_lazy_patterns() -> list[str]:
    names = []
    for package, directory in (("kubelint", ROOT / "kubelint"), ("kubelint.rules", ROOT / "rules")):
        for path in sorted(directory.rglob("*.py")):
            if "lazy_compile(" in path.read_text(encoding="utf-8") and path.stem != "patterns":
                parts = path.relative_to(directory).with_suffix("").parts
                names.append(".".join((package, *parts)).removesuffix(".__init__"))
    return names


def _lazy_patterns(value: object) -> list[_LazyPattern]:
    if isinstance(value, _LazyPattern):
        return [value]
    if isinstance(value, (tuple, list, frozenset, set)):
        return [p for item in value for p in _lazy_patterns(item)]
    if isinstance(value, dict):
        return [p for item in value.values() for p in _lazy_patterns(item)]
    return []


def test_every_lazy_pattern_compiles():
    modules = _modules_using_lazy_patterns()
    assert "kubelint.loader" in modules and "kubelint.rules.config.name_invalid" in modules
    for name in modules:
        patterns = [
            p
            for value in vars(importlib.import_module(name)).values()
            for p in _lazy_patterns(value)
        ]
        assert patterns, f"{name} calls lazy_compile but keeps no pattern at module level"
        for pattern in patterns:
            assert isinstance(re.compile(*pattern._args), re.Pattern)


def test_a_lazy_pattern_is_its_compiled_pattern():
    lazy = lazy_compile(r"(?P<word>[a-z]+)-(\d+)", re.I)
    compiled = re.compile(r"(?P<word>[a-z]+)-(\d+)", re.I)
    assert lazy.fullmatch("Web-1").groupdict() == compiled.fullmatch("Web-1").groupdict()
    assert lazy.sub("x", "a-1 b-2") == compiled.sub("x", "a-1 b-2")
    assert lazy.findall("a-1 b-2") == compiled.findall("a-1 b-2")
    assert (lazy.pattern, lazy.flags, lazy.groups) == (compiled.pattern, compiled.flags, 2)
    assert repr(lazy) == repr(compiled)
    assert copy.deepcopy({"p": lazy})["p"].match("a-1")
