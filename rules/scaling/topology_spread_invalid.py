"""## What it does
Checks each entry of a pod spec's `topologySpreadConstraints` (in Pods and in the pod
templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers,
Jobs and CronJobs) and reports:

- `maxSkew` below 1;
- a missing or empty `topologyKey`;
- a `whenUnsatisfiable` that is neither `DoNotSchedule` nor `ScheduleAnyway` (it is
  required, and case-sensitive);
- `minDomains` together with `whenUnsatisfiable: ScheduleAnyway`, or a `minDomains`
  below 1;
- a `labelSelector` that does not select the pod's own labels (the pod template's
  labels; `matchLabelKeys` take their values from the pod itself, so they always match),
  or no `labelSelector` at all.

A selector that names labels the controllers add to pods at run time
(`pod-template-hash`, `controller-revision-hash`, `job-name`, ...) cannot be checked
against the template and is not reported.

## Why is this bad?
The first four are rejected by the API server (errors): the Deployment is not created (or, in a
bundle, the apply stops half way) and the workload keeps running without the intended
spreading. The last one is accepted and silently does nothing useful (a warning): the scheduler
counts, in each topology domain, the pods that the `labelSelector` selects. When the
selector does not select the pod itself, the new pods never add to the count, so they
can all land in one zone or on one node while the skew of the pods that are counted
stays the same; without a `labelSelector` the constraint counts no pods at all. A
copy-pasted constraint whose selector still names another application
(`app: foo` in a chart for `app: web`) is the usual cause. The replicas that were meant
to survive the loss of a zone or a node then go down together.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          minDomains: 3
          labelSelector:
            matchLabels: {app: api}
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
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          minDomains: 3
          labelSelector:
            matchLabels: {app: web}
          matchLabelKeys: [pod-template-hash]
      containers:
        - name: web
          image: nginx:1.27
```

## References
- https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#scheduling
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import (
    CONTROLLER_LABELS,
    POD_SPEC_KINDS,
    Manifest,
    RuleContext,
    Violation,
    label_selector_matches,
    rule,
    selector_keys,
)

WHEN_UNSATISFIABLE = ("DoNotSchedule", "ScheduleAnyway")


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _well_formed(selector: Mapping[str, Any]) -> bool:
    match_labels = selector.get("matchLabels")
    expressions = selector.get("matchExpressions")
    if match_labels is not None and not isinstance(match_labels, Mapping):
        return False
    return expressions is None or (
        isinstance(expressions, list) and all(isinstance(item, Mapping) for item in expressions)
    )


@rule(
    id="topology-spread-invalid",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="a topology spread constraint is invalid or does not count the pod's own replicas",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    constraints = spec.get("topologySpreadConstraints")
    if not isinstance(constraints, list):
        return
    owner = f"{obj.kind} {obj.display_name or '?'!r}"
    labels = obj.pod_template_labels()
    for index, entry in enumerate(constraints):
        if not isinstance(entry, Mapping):
            continue
        path = (*spec_path, "topologySpreadConstraints", index)
        key = entry.get("topologyKey")
        where = f"{owner} topologySpreadConstraints[{index}]"
        if isinstance(key, str) and key:
            where += f" ({key})"
        skew = entry.get("maxSkew")
        if "maxSkew" not in entry:
            yield ctx.violation(
                (*path, "maxSkew"), f"{where} has no maxSkew: it is required and must be at least 1"
            )
        elif isinstance(skew, int) and _int(skew) is not None and skew < 1:
            yield ctx.violation(
                (*path, "maxSkew"), f"{where} has maxSkew {skew}: it must be at least 1"
            )
        if key is None or key == "":
            yield ctx.violation(
                (*path, "topologyKey"), f"{where} has no topologyKey: the API server rejects it"
            )
        when = entry.get("whenUnsatisfiable")
        if when not in WHEN_UNSATISFIABLE:
            shown = "no whenUnsatisfiable" if when is None else f"whenUnsatisfiable {when!r}"
            yield ctx.violation(
                (*path, "whenUnsatisfiable"),
                f"{where} has {shown}: it must be DoNotSchedule or ScheduleAnyway",
            )
        domains = entry.get("minDomains")
        if domains is not None:
            if when == "ScheduleAnyway":
                yield ctx.violation(
                    (*path, "minDomains"),
                    f"{where} sets minDomains with whenUnsatisfiable"
                    " ScheduleAnyway: minDomains is only allowed with"
                    " DoNotSchedule",
                )
            elif _int(domains) is not None and domains < 1:
                yield ctx.violation(
                    (*path, "minDomains"),
                    f"{where} has minDomains {domains}: it must be at least 1",
                )
        yield from _check_selector(entry, path, where, labels, ctx)


def _check_selector(
    entry: Mapping[str, Any],
    path: tuple[str | int, ...],
    where: str,
    labels: Mapping[str, Any],
    ctx: RuleContext,
) -> Iterator[Violation]:
    if not labels:
        return  # no template labels: malformed, the selector rules report it
    if "labelSelector" not in entry or entry.get("labelSelector") is None:
        yield ctx.violation(
            (*path, "labelSelector"),
            f"{where} has no labelSelector: the constraint counts no pods,"
            " so it never spreads anything",
            severity="warning",
        )
        return
    selector = entry.get("labelSelector")
    if not isinstance(selector, Mapping) or not _well_formed(selector):
        return  # malformed: schema validation reports it
    if selector_keys(selector) & CONTROLLER_LABELS:
        return  # selects labels added at run time: cannot compare with the template
    if label_selector_matches(selector, labels):
        return
    own = ", ".join(f"{key}={value}" for key, value in labels.items())
    yield ctx.violation(
        (*path, "labelSelector"),
        f"{where} has a labelSelector that does not select the pod's own"
        f" labels ({own}): its replicas are not counted, so they are not"
        " spread",
        severity="warning",
    )
