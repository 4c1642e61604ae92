"""The "did you mean" of messages: the known name closest to a mistyped one.

One place for the fuzzy match, so that every message suggests the same way; each caller
keeps its own wording (in parentheses or after a semicolon, quoted or not) and its own
cutoff (a short key needs a closer match than a rule name). ``difflib`` is imported on
the first near miss: most runs mistype nothing, and start-up time matters.
"""

from __future__ import annotations

from collections.abc import Iterable

#: The wording most messages use: `` (did you mean 'x'?)`` after the offending name.
IN_PARENTHESES = " (did you mean {!r}?)"
#: The wording after a clause of its own: ``; did you mean 'x'?``.
AFTER_SEMICOLON = "; did you mean {!r}?"


def closest(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The choice most like ``word`` (difflib's ratio at least ``cutoff``), or None."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(
    word: str, choices: Iterable[str], *, form: str = IN_PARENTHESES, cutoff: float = 0.6
) -> str:
    """``form`` (a ``str.format`` pattern with one field) filled with the choice closest
    to ``word``; empty when there is none, so that it can be appended as it is."""
    near = closest(word, choices, cutoff=cutoff)
    return "" if near is None else form.format(near)
