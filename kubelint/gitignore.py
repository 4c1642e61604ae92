"""Which of the files and directories found by walking a directory git ignores.

As git decides (``git check-ignore --no-index``, ``git ls-files --others --ignored
--exclude-standard``): the ``.gitignore`` files from the repository's top down to the
path's directory, each relative to its own directory, deeper files and later lines
winning, negation included, then ``info/exclude``; the walk does not enter an ignored
directory, so nothing below one is linted (git cannot re-include it either). Like ruff
and ripgrep, the patterns decide, not git's index: a committed file that matches one is
skipped too (and so it is in CI, where the same files are checked out).

Only inside a git repository (a directory holding ``.git``), as git, ruff and ripgrep:
outside one a ``.gitignore`` means nothing to git, and one in a home directory (a
common global excludes file) would hide every file below it. The user's global excludes
file (``core.excludesFile``) is not read: it differs from machine to machine, and a run
must lint the same files on a laptop as in CI.

A directory named on the command line is walked even when it is ignored (or lies in an
ignored directory): then only the ``.gitignore`` files inside it apply. Files named on
the command line are never filtered here.

The patterns are matched by pathspec's ``GitIgnoreSpec`` (git's edge cases), imported only
once a ``.gitignore`` or exclude file is found.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

IGNORE_FILE = ".gitignore"


@dataclass(frozen=True)
class Ignored:
    """A path the walk skipped, and the pattern that ignores it."""

    path: str  # absolute
    is_dir: bool
    source: str  # the ignore file, absolute
    line: int  # 1-based
    pattern: str


class _Patterns:
    """One ignore file's patterns."""

    def __init__(self, path: str, lines: list[str]):
        from pathspec import GitIgnoreSpec

        self.path = path
        self.lines = lines
        # A blank line is a comment here, so that pattern i is line i + 1 (pathspec
        # drops blank lines).
        kept = [line or "#" for line in lines]
        try:
            self.spec: GitIgnoreSpec = GitIgnoreSpec.from_lines(kept)
        except Exception:  # a pattern pathspec cannot compile ("[z-a]")
            # git's wildmatch matches nothing with it: make it a comment, as one.
            self.spec = GitIgnoreSpec.from_lines(
                [line if _compiles(line) else "#" for line in kept]
            )

    def decide(self, relative: str) -> tuple[bool, int] | None:
        """(ignored, line) of the last pattern matching ``relative`` (with a trailing
        ``/`` for a directory); None when none does."""
        result = self.spec.check_file(relative)
        if result.include is None or result.index is None:
            return None
        return result.include, result.index + 1


def _exclude_file(top: str) -> str:
    """The repository's ``info/exclude``: in its git directory, which a ``.git`` file
    (a linked worktree, a submodule) names, and whose ``commondir`` a worktree shares."""
    git = os.path.join(top, ".git")
    if os.path.isfile(git):
        try:
            with open(git, encoding="utf-8") as handle:
                pointer = handle.read().strip()
            if pointer.startswith("gitdir:"):
                git = os.path.join(top, pointer.removeprefix("gitdir:").strip())
                with open(os.path.join(git, "commondir"), encoding="utf-8") as handle:
                    git = os.path.join(git, handle.read().strip())
        except (OSError, UnicodeDecodeError):  # no commondir: not a linked worktree
            pass
    return os.path.normpath(os.path.join(git, "info", "exclude"))


def _as_git_shows(pattern: str) -> str:
    """A pattern without the trailing spaces git ignores (an escaped one stays)."""
    while pattern.endswith(" ") and not pattern.endswith("\\ "):
        pattern = pattern[:-1]
    return pattern


def _compiles(line: str) -> bool:
    from pathspec import GitIgnoreSpec

    try:
        GitIgnoreSpec.from_lines([line])
    except Exception:
        return False
    return True


class GitIgnore:
    """``ignored(absolute, is_dir)`` for the walk of the ``named`` directories; what it
    ignored is kept in ``ignored``, in the order asked."""

    def __init__(self, named: Iterable[str] = ()):
        self._tops: dict[str, str | None] = {}  # directory -> its repository's top
        self._files: dict[str, _Patterns | None] = {}  # ignore file -> its patterns
        self._stops: set[str] = set()  # named directories that are ignored themselves
        self.ignored: list[Ignored] = []
        for directory in named:
            absolute = os.path.abspath(directory)
            if os.path.isdir(absolute) and self._decide(absolute, True) is not None:
                self._stops.add(absolute)

    def __call__(self, absolute: str, is_dir: bool) -> bool:
        found = self._decide(absolute, is_dir)
        if found is not None:
            self.ignored.append(found)
        return found is not None

    def _decide(self, absolute: str, is_dir: bool) -> Ignored | None:
        """Why git ignores ``absolute`` (None: it does not)."""
        directory = os.path.dirname(absolute)
        top = self._top(directory)
        if top is None:
            return None
        while True:
            candidates = [os.path.join(directory, IGNORE_FILE)]
            if directory == top:  # below every .gitignore in precedence
                candidates.append(_exclude_file(top))
            for source in candidates:
                patterns = self._patterns(source)
                if patterns is None:
                    continue
                relative = os.path.relpath(absolute, directory).replace(os.sep, "/")
                decision = patterns.decide(relative + ("/" if is_dir else ""))
                if decision is not None:
                    ignored, line = decision
                    return (
                        Ignored(
                            absolute, is_dir, source, line, _as_git_shows(patterns.lines[line - 1])
                        )
                        if ignored
                        else None
                    )
            if directory == top or directory in self._stops:
                return None
            directory = os.path.dirname(directory)

    def _top(self, directory: str) -> str | None:
        """The top of the repository ``directory`` is in (None: not in one)."""
        walked = []
        top: str | None = None
        while directory not in self._tops:
            walked.append(directory)
            if os.path.exists(os.path.join(directory, ".git")):  # a file in a worktree
                top = directory
                break
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
        else:
            top = self._tops[directory]
        for seen in walked:
            self._tops[seen] = top
        return top

    def _patterns(self, path: str) -> _Patterns | None:
        if path not in self._files:
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:  # none (the usual case), or unreadable: git skips it too
                self._files[path] = None
            else:
                # Paths from os.walk carry undecodable bytes the same way.
                text = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
                lines = [line.removesuffix("\r") for line in text.split("\n")]  # as git
                self._files[path] = (
                    _Patterns(path, lines)
                    if any(line.strip() and not line.startswith("#") for line in lines)
                    else None
                )
        return self._files[path]
