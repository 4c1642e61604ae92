"""Config exemptions: findings a team does not report for code it does not own.

```yaml
exemptions:
  - rules: [run-as-root, image-tag-latest]
    reason: vendored chart, upstream issue 4312
    until: 2027-03-31          # optional: the last day it applies
    kind: Deployment           # optional globs, all of which must match:
    namespace: "vendor-*"      #   the object (its namespace as deployed),
    name: "*"
    container: istio-proxy     #   the container the finding is about,
    files: ["charts/vendor/**"]  # the file it is reported in (relative to the config)
```

Each rule of an exemption is a ``kubelint.suppression.Suppression`` at its line of the
config file, so that the run decides about it as about a comment: it silences matching
findings until its date; after it, a warning says it expired (``kubelint.decisions``).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kubelint.suggest import did_you_mean
from kubelint.suppression import Suppression
from kubelint.yamlparse import Span

if TYPE_CHECKING:
    from kubelint.config import _RawConfig
    from kubelint.model import Manifest
    from kubelint.plugins import Registry

#: What an exemption can select by, besides its rules.
SELECTORS = ("kind", "namespace", "name", "container", "files")
_CONTAINER_LISTS = frozenset({"containers", "initContainers", "ephemeralContainers"})


@dataclass(frozen=True)
class Exemption:
    """One entry of ``exemptions:`` (globs as written; None: any)."""

    suppressions: tuple[Suppression, ...]  # one per rule, bound to the config file
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None
    container: str | None = None
    files: tuple[str, ...] = ()
    #: "file:line:col" of the entry, for what the run says about it.
    where: str = ""

    def covers(
        self,
        obj: Manifest | None,
        path: Sequence[str | int],
        relative: str | None,
        namespace: str | None,
    ) -> bool:
        """Does it cover a finding at ``path`` of ``obj`` (None: about the file), reported
        in the file at ``relative`` (to the config; None: outside it), with the object's
        namespace as deployed?"""
        if self.files:
            from kubelint.config import _matches_any

            if not _matches_any(self.files, relative):
                return False
        if (
            self.kind is None
            and self.namespace is None
            and self.name is None
            and self.container is None
        ):
            return True
        if obj is None:
            return False
        return (
            _matches(self.kind, obj.kind)
            and _matches(self.namespace, namespace)
            and _matches(self.name, obj.name)
            and _matches(self.container, _container(obj, path) if self.container else None)
        )


def _matches(glob: str | None, value: str | None) -> bool:
    if glob is None:
        return True
    return value is not None and _glob(glob).match(value) is not None


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern))


def _container(obj: Manifest, path: Sequence[str | int]) -> str | None:
    """The name of the container ``path`` leads into, if it does."""
    node: Any = obj.data
    for number, part in enumerate(path[:-1]):
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
        index = path[number + 1]
        if (
            part in _CONTAINER_LISTS
            and isinstance(node, list)
            and isinstance(index, int)
            and 0 <= index < len(node)
            and isinstance(node[index], dict)
        ):
            name = node[index].get("name")
            return name if isinstance(name, str) else None
    return None


def problems(raw: _RawConfig, registry: Registry) -> Iterator[tuple[str, str]]:
    """(where, message) for what the schema cannot say about ``exemptions:``: unknown
    rules, globs that are no pattern, dates that do not exist, an entry that selects
    nothing."""
    from kubelint.config import GlobError, _compiled

    known = [*registry.rules, *registry.aliases]
    for number, entry in enumerate(raw.data.get("exemptions") or []):
        at = ("exemptions", number)
        for index, name in enumerate(entry.get("rules", [])):
            if registry.resolve(name) is None:
                hint = did_you_mean(name, known)
                yield (
                    raw.line_of((*at, "rules", index)),
                    f"unknown rule {name!r}{hint}; `kubelint rules` lists them",
                )
        if not str(entry.get("reason", "x")).strip():
            yield (
                raw.line_of((*at, "reason")),
                "reason: write why these findings are not reported",
            )
        if not any(key in entry for key in SELECTORS):
            yield (
                raw.line_of(at),
                "an exemption names what it covers: kind, namespace,"
                " name, container or files (to turn a rule off everywhere, use rules:)",
            )
        for key in ("kind", "namespace", "name", "container"):
            if key in entry:
                try:
                    _glob(entry[key])
                except re.error as error:
                    yield (
                        raw.line_of((*at, key)),
                        f"{entry[key]!r} is not a valid pattern: {error}",
                    )
        for index, pattern in enumerate(entry.get("files", [])):
            try:
                _compiled(pattern)
            except GlobError as error:
                yield raw.line_of((*at, "files", index)), str(error)
        if "until" in entry and _parse_date(str(entry["until"])) is None:
            yield (
                raw.line_of((*at, "until")),
                f"until: {entry['until']} is not a date (YYYY-MM-DD)",
            )


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def read(raw: _RawConfig, shown: str) -> list[Exemption]:
    """The exemptions of a validated config; ``shown``: the config's path as findings
    show it."""
    out: list[Exemption] = []
    for number, entry in enumerate(raw.data.get("exemptions") or []):
        at = ("exemptions", number)
        until = _parse_date(str(entry["until"])) if "until" in entry else None
        suppressions = []
        for index, name in enumerate(entry["rules"]):
            line, column = _position(raw, (*at, "rules", index))
            span = Span(line, column, line, column + len(name))
            suppressions.append(
                Suppression(
                    name,
                    "exemption",
                    line,
                    column,
                    number,
                    index,
                    until,
                    entry["reason"],
                    shown,
                    span,
                    span,
                )
            )
        out.append(
            Exemption(
                tuple(suppressions),
                entry.get("kind"),
                entry.get("namespace"),
                entry.get("name"),
                entry.get("container"),
                tuple(entry.get("files", ())),
                shown + raw.line_of(at)[len(raw.path) :],
            )
        )
    return out


def _position(raw: _RawConfig, path: tuple[str | int, ...]) -> tuple[int, int]:
    """0-based (line, column) of a setting (column 0 in pyproject.toml, whose parser
    keeps no columns)."""
    parts = raw.line_of(path)[len(raw.path) + 1 :].split(":")
    return int(parts[0]) - 1, int(parts[1]) - 1 if len(parts) > 1 else 0


def covering(
    exemptions: Sequence[Exemption],
    rule_id: str,
    aliases: Mapping[str, str],
    obj: Manifest | None,
    path: Sequence[str | int],
    relative: str | None,
    namespace: str | None,
) -> list[Suppression]:
    """The suppressions of the exemptions that cover a finding of ``rule_id``."""
    found = []
    for exemption in exemptions:
        named = [
            suppression
            for suppression in exemption.suppressions
            if aliases.get(suppression.name, suppression.name) == rule_id
        ]
        if named and exemption.covers(obj, path, relative, namespace):
            found.extend(named)
    return found
