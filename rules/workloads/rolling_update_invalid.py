"""## What it does
Reports rolling-update settings the API server rejects, at the offending field:

- Deployment `spec.strategy.rollingUpdate`: `maxSurge` and `maxUnavailable` both zero
  (`0` or `"0%"`; each defaults to `25%` when unset, so only two explicit zeros are
  reported); `rollingUpdate` given with `type: Recreate`; `maxUnavailable` above `100%`;
- DaemonSet `spec.updateStrategy.rollingUpdate`: `maxUnavailable` (default `1`) and
  `maxSurge` (default `0`) both zero, e.g. `maxUnavailable: 0` alone; both non-zero,
  e.g. `maxSurge: 1` alone, which leaves `maxUnavailable` at its default of 1 (a
  DaemonSet either surges or takes pods down, never both); either above `100%`;
  `rollingUpdate` with `type: OnDelete` (a warning: the API server accepts it, but the
  settings are ignored);
- StatefulSet `spec.updateStrategy.rollingUpdate`: a negative `partition`;
  `maxUnavailable` of `0` or `"0%"` (it must be at least 1) or above `100%`;
  `rollingUpdate` given with `type: OnDelete`;
- everywhere: an int-or-string value that is a string but not a percentage (`"25"`,
  `"abc"`, `"-5%"`, `"12.5%"`: a string must be digits followed by `%`), or a negative
  integer.

`rollingUpdate: null` counts as unset. Values of other types (a float, a mapping) and
unknown strategy types are left to schema validation.

## Why is this bad?
All of these but the DaemonSet `OnDelete` case make `kubectl apply` fail: the API server
validates the update strategy and rejects the object, e.g.
`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when maxSurge
is 0` (a rollout could neither take an old pod down nor add a new one, so it could never
progress), `spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy
type is 'Recreate'`, `maxSurge: Invalid value: 1: may not be set when maxUnavailable is
non-zero` (DaemonSet), `a valid percent string must be a numeric string followed by an
ending '%'`, or `must be greater than or equal to 0`. The error usually surfaces only in
the deployment pipeline, after review. The source notes (001, "deployment
的滚动更新策略有两个特别主要的参数"; 004, "deployment升级过程") describe the two
parameters: an absolute number of pods or a percentage of the desired replicas such as
`25%`.

StatefulSet `maxUnavailable` is behind the `MaxUnavailableStatefulSet` feature gate; on
clusters where the gate is off the API server drops the field instead of validating it,
so a zero there either fails or silently does nothing. A DaemonSet's `rollingUpdate`
under `type: OnDelete` is accepted but has no effect: pods are only replaced when you
delete them, whatever it says.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 0
      maxUnavailable: "0%"
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## References
- https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment
- https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/
- https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#rolling-updates
- Source notes 001 (deployment 的滚动更新策略有两个特别主要的参数，解释含义？): maxUnavailable
  and maxSurge, an integer or a percentage such as 25%
- Source notes 004 (deployment升级过程): Recreate and RollingUpdate, the two parameters
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from kubelint.api import Manifest, RuleContext, Violation, lazy_compile, rule

Path = tuple[str | int, ...]

_PERCENT = lazy_compile(r"[0-9]+%")


class IntOrPercent(NamedTuple):
    """A parsed int-or-string value: ``percent`` tells a percentage from a pod count."""

    value: int
    percent: bool

    @property
    def zero(self) -> bool:
        return self.value == 0


class Invalid(NamedTuple):
    """An int-or-string value the API server rejects, and why."""

    reason: str


def _parse(value: Any) -> IntOrPercent | Invalid | None:
    """``None`` for unset or for types schema validation reports (floats, mappings)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if value < 0:
            return Invalid(
                f"{value} is negative: it must be a number of pods >= 0 or a"
                " percentage such as '25%'"
            )
        return IntOrPercent(value, False)
    if isinstance(value, str):
        if _PERCENT.fullmatch(value):
            return IntOrPercent(int(value[:-1]), True)
        if re.fullmatch(r"[0-9]+", value):
            return Invalid(
                f"{value!r} is a string but not a percentage: write {value}"
                f" without quotes for a number of pods, or '{value}%'"
            )
        return Invalid(
            f"{value!r} is not a percentage: a string must be digits followed by '%', such as '25%'"
        )
    return None


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


class _Checker:
    """Collects the findings of one rollingUpdate block."""

    def __init__(self, ctx: RuleContext, owner: str, path: Path, block: Mapping[str, Any]):
        self.ctx = ctx
        self.owner = owner
        self.path = path
        self.block = block
        self.found: list[Violation] = []

    def field(self, name: str, max_100: bool) -> IntOrPercent | Invalid | None:
        """The parsed field: None when unset (or null), Invalid when it is rejected (and
        reported) or of a type left to schema validation."""
        value = self.block.get(name)
        if value is None:
            return None
        parsed = _parse(value)
        where = ".".join(str(p) for p in self.path) + f".{name}"
        if parsed is None:
            return Invalid("not an integer or a string")
        if isinstance(parsed, Invalid):
            self.report(name, f"{self.owner} {where} {parsed.reason}")
        elif max_100 and parsed.percent and parsed.value > 100:
            self.report(name, f"{self.owner} {where} {value!r} is more than 100%")
        return parsed

    def report(self, name: str | None, message: str, severity: str | None = None) -> None:
        path = (*self.path, name) if name else self.path
        self.found.append(self.ctx.violation(path, message, severity))


def _strategy(spec: Mapping[str, Any], key: str) -> tuple[Any, Any] | None:
    """(type, rollingUpdate) of ``spec[key]``; None when it is unset or malformed."""
    strategy = spec.get(key)
    if not isinstance(strategy, Mapping):
        return None
    return strategy.get("type"), strategy.get("rollingUpdate")


def _deployment(owner: str, spec: Mapping[str, Any], ctx: RuleContext) -> list[Violation]:
    found = _strategy(spec, "strategy")
    if found is None:
        return []
    kind, block = found
    path: Path = ("spec", "strategy", "rollingUpdate")
    if kind == "Recreate":
        if isinstance(block, Mapping):
            return [
                ctx.violation(
                    path,
                    f"{owner} spec.strategy.rollingUpdate may not be"
                    " specified when strategy type is 'Recreate';"
                    " remove it, or use type RollingUpdate",
                )
            ]
        return []
    if kind not in (None, "", "RollingUpdate") or not isinstance(block, Mapping):
        return []
    checker = _Checker(ctx, owner, path, block)
    unavailable = checker.field("maxUnavailable", max_100=True)
    surge = checker.field("maxSurge", max_100=False)  # a Deployment may surge past 100%
    if (
        isinstance(unavailable, IntOrPercent)
        and isinstance(surge, IntOrPercent)
        and unavailable.zero
        and surge.zero
    ):
        checker.report(
            "maxUnavailable",
            f"{owner} spec.strategy.rollingUpdate has maxUnavailable"
            f" {_shown(block['maxUnavailable'])} and maxSurge"
            f" {_shown(block['maxSurge'])}: a rollout could neither take an old"
            " pod down nor start a new one; the API server rejects it (may not"
            " be 0 when maxSurge is 0)",
        )
    return checker.found


def _daemonset(
    obj: Manifest, owner: str, spec: Mapping[str, Any], ctx: RuleContext
) -> list[Violation]:
    found = _strategy(spec, "updateStrategy")
    if found is None:
        return []
    kind, block = found
    path: Path = ("spec", "updateStrategy", "rollingUpdate")
    if kind in (None, "") and obj.api_version == "extensions/v1beta1":
        return []  # that API defaulted the type to OnDelete
    if kind == "OnDelete":
        if isinstance(block, Mapping):
            return [
                ctx.violation(
                    path,
                    f"{owner} spec.updateStrategy.rollingUpdate is"
                    " ignored: the update strategy type is 'OnDelete';"
                    " remove it, or use type RollingUpdate",
                    severity="warning",
                )
            ]
        return []
    if kind not in (None, "", "RollingUpdate") or not isinstance(block, Mapping):
        return []
    checker = _Checker(ctx, owner, path, block)
    unavailable = checker.field("maxUnavailable", max_100=True)
    surge = checker.field("maxSurge", max_100=True)
    if isinstance(unavailable, Invalid) or isinstance(surge, Invalid):
        return checker.found  # the values themselves are reported (or left to the schema)
    unavailable_zero = unavailable.zero if unavailable is not None else False  # default 1
    surge_zero = surge.zero if surge is not None else True  # default 0
    if unavailable_zero and surge_zero:
        surge_text = (
            f"maxSurge {_shown(block['maxSurge'])}"
            if block.get("maxSurge") is not None
            else "maxSurge unset (it defaults to 0)"
        )
        checker.report(
            "maxUnavailable",
            f"{owner} spec.updateStrategy.rollingUpdate has maxUnavailable"
            f" {_shown(block['maxUnavailable'])} and {surge_text}: a rollout"
            " could neither replace a pod in place nor surge a new one; the API"
            " server rejects it (cannot be 0 when maxSurge is 0)",
        )
    elif not unavailable_zero and not surge_zero:
        unavailable_text = (
            f"maxUnavailable {_shown(block['maxUnavailable'])}"
            if block.get("maxUnavailable") is not None
            else "maxUnavailable unset (it defaults to 1)"
        )
        checker.report(
            "maxSurge",
            f"{owner} spec.updateStrategy.rollingUpdate has maxSurge"
            f" {_shown(block['maxSurge'])} and {unavailable_text}: a DaemonSet"
            " either surges or takes pods down, not both; the API server rejects"
            " it (may not be set when maxUnavailable is non-zero); set"
            " maxUnavailable: 0 to surge",
        )
    return checker.found


def _statefulset(
    obj: Manifest, owner: str, spec: Mapping[str, Any], ctx: RuleContext
) -> list[Violation]:
    found = _strategy(spec, "updateStrategy")
    if found is None:
        return []
    kind, block = found
    path: Path = ("spec", "updateStrategy", "rollingUpdate")
    if kind in (None, "") and obj.api_version == "apps/v1beta1":
        return []  # that API defaulted the type to OnDelete
    if kind == "OnDelete":
        if isinstance(block, Mapping):
            return [
                ctx.violation(
                    path,
                    f"{owner} spec.updateStrategy.rollingUpdate is only"
                    " allowed for update strategy type 'RollingUpdate',"
                    " not 'OnDelete'; the API server rejects it",
                )
            ]
        return []
    if kind not in (None, "", "RollingUpdate") or not isinstance(block, Mapping):
        return []
    checker = _Checker(ctx, owner, path, block)
    partition = block.get("partition")
    if isinstance(partition, int) and not isinstance(partition, bool) and partition < 0:
        checker.report(
            "partition",
            f"{owner} spec.updateStrategy.rollingUpdate.partition"
            f" {partition} is negative: it must be >= 0 (0 updates"
            " every pod)",
        )
    unavailable = checker.field("maxUnavailable", max_100=True)
    if isinstance(unavailable, IntOrPercent) and unavailable.zero:
        checker.report(
            "maxUnavailable",
            f"{owner} spec.updateStrategy.rollingUpdate.maxUnavailable"
            f" {_shown(block['maxUnavailable'])} would let no pod be updated;"
            " it must be at least 1 (or 1%); the API server rejects 0",
        )
    return checker.found


@rule(
    id="rolling-update-invalid",
    severity="error",
    kinds=("Deployment", "DaemonSet", "StatefulSet"),
    summary="a rolling update strategy has settings the API server rejects",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if obj.kind is None or not obj.is_kind(obj.kind):
        return
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    owner = f"{obj.kind} {obj.display_name or '?'!r}"
    if obj.kind == "Deployment":
        yield from _deployment(owner, spec, ctx)
    elif obj.kind == "DaemonSet":
        yield from _daemonset(obj, owner, spec, ctx)
    else:
        yield from _statefulset(obj, owner, spec, ctx)
