"""The regex library: ``s.find(re)``, ``s.findAll(re)``, ``s.findAll(re, limit)``, matched by
cel-cpp's RE2 through its regex extension."""

from __future__ import annotations

import threading

from kubelint.cel.base import Declarations, FunctionError, T, cel, strip_status


class _Regex:
    """RE2 matching through a private cel-cpp environment with its regex extension.

    ``regex.replace`` is RE2::GlobalReplace, whose walk over the matches is Go's
    FindAllString's: the text before the search position stays context for ``^``
    and ``\\b``, and an empty match right after a match is skipped. Each match is
    rewritten between two private-use characters the text does not contain, so one
    linear RE2 pass yields every match.
    """

    def __init__(self) -> None:
        config = cel.NewEnvConfigFromYaml("extensions:\n  - name: optional\n  - name: regex\n")
        env = cel.NewEnv(config=config, variables={"s": T.STRING, "r": T.STRING, "w": T.STRING})
        self._replace = env.compile("regex.replace(s, r, w)")

    def find_all(self, text: str, pattern: str, limit: int = -1) -> list[str]:
        """Go's ``regexp.FindAllString(text, limit)``; a negative limit means all."""
        opening, closing = _delimiters(text)
        rewrite = f"{opening}\\0{closing}"  # \0 is the whole match
        result = self._replace.eval(data={"s": text, "r": pattern, "w": rewrite})
        if result.type().name() == "ERROR":
            raise FunctionError(f"Illegal regex: {strip_status(str(result.plain_value()))}")
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


MEMBERS: Declarations = {
    "find": [("string_find_string", T.STRING, [T.STRING, T.STRING], _find)],
    "findAll": [
        ("string_find_all_string", T.List(T.STRING), [T.STRING, T.STRING], _find_all),
        (
            "string_find_all_string_int",
            T.List(T.STRING),
            [T.STRING, T.STRING, T.INT],
            _find_all_limit,
        ),
    ],
}
GLOBALS: Declarations = {}
