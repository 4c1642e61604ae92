"""## What it does
Reports the QoS class each pod (each pod template of a workload) gets, computed as the
kubelet computes it over all containers and init containers, after the API server has
defaulted a missing request to its limit:

- **Guaranteed**: every container has a cpu and a memory limit, and its requests equal
  them (`requests: {cpu: "1"}` equals `limits: {cpu: 1000m}`; a container that only sets
  limits gets requests equal to them);
- **BestEffort**: no container requests or limits any cpu or memory;
- **Burstable**: everything else.

Only cpu and memory count, and a value of `0` counts as unset, as in Kubernetes. Values
that are not quantities are skipped (`resources-request-exceeds-limit` reports them).
When the pod sets requests or limits in pod-level `spec.resources`, the class comes from
them instead, as with the `PodLevelResources` feature (beta in Kubernetes 1.34). A pod-level
cpu or memory limit without a pod-level request, in a pod whose containers request that
resource, is not evaluated (the pod-level request then defaults from the containers'
requests): such a pod is not reported.

The rule is off by default: enable it to review or enforce QoS classes. With the
default options every pod gets one `info` finding naming its class and, when it is not
Guaranteed, why (the first containers and resources that keep it from it). With the
option `require`, pods of a lower class than the one required (BestEffort < Burstable <
Guaranteed) are reported as warnings, and pods that meet it are not reported at all.

## Why is this bad?
The QoS class decides which pods go first when a node runs short of memory: the kubelet
evicts BestEffort pods first, then Burstable pods using more than they request, and
Guaranteed pods last; the kernel's OOM killer follows the same order through the pods'
`oom_score_adj`. The source notes (002, "有了解过qos吗? 怎么实现的?") describe the three
classes and the eviction order and say that important components must always set limits
and requests. A critical pod that is Burstable because one sidecar has no memory limit is
an eviction candidate like any batch job. The finding makes the class visible in review;
`require: Guaranteed` enforces it where it matters.

A `LimitRange` can give containers default requests and limits when they are admitted,
which may change the class; a linter cannot see it.

## Example
With `require: Guaranteed`, a Burstable pod is reported as a warning:

```yaml
# options: {"require": "Guaranteed"}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources:
            requests: {cpu: 250m, memory: 256Mi}
            limits: {cpu: 500m}
```

## Use instead
Requests equal to limits for cpu and memory in every container make the pod Guaranteed,
which `require: Guaranteed` accepts (with the default options every pod is reported as
information, whatever its class):

```yaml
# options: {"require": "Guaranteed"}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources:
            requests: {cpu: 500m, memory: 256Mi}
            limits: {cpu: 500m, memory: 256Mi}
```

## Options
- `require` (`Guaranteed`, `Burstable` or `null`, default `null`): the lowest QoS class a
  pod may have. When set, pods below it are reported with severity `warning` and pods
  that meet it are not reported. When `null`, every pod gets an `info` finding with its
  class.

## References
- https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/
- https://kubernetes.io/docs/tasks/configure-pod-container/quality-service-pod/
- https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/
- Source notes 002 (有了解过qos吗? 怎么实现的?): "qos三种 Guaranteed, Burstable, and
  Best-Effort ... 最先驱逐的是Best-Effort ,重要组件一定要设置limit和request"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

from ._requirements import quantity, requirements, written

RESOURCES = ("cpu", "memory")
RANK = {"BestEffort": 0, "Burstable": 1, "Guaranteed": 2}
MAX_REASONS = 3


class _Malformed(Exception):
    """A resources block that is not a mapping: schema validation reports it."""


def _blocks(resources: Any) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    found = requirements(resources)
    if found is None:
        raise _Malformed
    return found


def _classify(
    requests: Mapping[str, Any], limits: Mapping[str, Any], who: str
) -> tuple[str, list[str]]:
    """The class of one set of requirements (a container's, or the pod-level one) and why
    it is not Guaranteed. A missing request defaults to the limit; a value that is not a
    quantity is skipped, as if it were not written."""
    unset: list[str] = []
    reasons: list[str] = []
    best_effort = True
    for name in RESOURCES:
        limit_written, request_written = limits.get(name), requests.get(name)
        limit, request = quantity(limit_written), quantity(request_written)
        if request is None:
            request, request_written = limit, limit_written
        if request:
            best_effort = False
        if not limit:
            if limit is None and limit_written is not None:
                reasons.append(f"{who} has a {name} limit {limit_written!r} that is not a quantity")
            elif limit is None:
                unset.append(name)
            else:
                reasons.append(f"{who} has a {name} limit of 0")
            continue
        best_effort = False
        if request != limit:
            reasons.append(
                f"{who} requests {written(request_written)} {name}, not its"
                f" limit of {written(limit_written)}"
            )
    if unset:
        reasons.insert(0, f"{who} has no {' or '.join(unset)} limit")
    if best_effort:
        return "BestEffort", reasons
    return ("Guaranteed" if not reasons else "Burstable"), reasons


def _pod_level(
    spec: Mapping[str, Any], containers: list[tuple[str, Mapping[str, Any]]]
) -> tuple[str, list[str]] | None:
    requests, limits = _blocks(spec.get("resources"))
    for name in RESOURCES:
        if requests.get(name) is None and quantity(limits.get(name)):
            for _, container in containers:
                container_requests, container_limits = _blocks(container.get("resources"))
                if quantity(container_requests.get(name)) or quantity(container_limits.get(name)):
                    return None  # the pod-level request defaults from the containers'
    qos, reasons = _classify(requests, limits, "spec.resources")
    return qos, reasons or ["set by the pod-level spec.resources"]


def _qos(obj: Manifest, spec: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    containers = [(ref.label, ref.container) for ref in obj.containers()]
    if not containers:
        return None  # no containers: schema validation reports it
    pod_requests, pod_limits = _blocks(spec.get("resources"))
    if pod_requests or pod_limits:
        return _pod_level(spec, containers)
    classes: set[str] = set()
    reasons: list[str] = []
    for label, container in containers:
        requests, limits = _blocks(container.get("resources"))
        qos, why = _classify(requests, limits, label)
        classes.add(qos)
        reasons.extend(why)
    if classes == {"Guaranteed"}:
        return "Guaranteed", []
    if classes == {"BestEffort"}:
        return "BestEffort", ["no container requests or limits cpu or memory"]
    return "Burstable", reasons


@rule(
    id="qos-class",
    severity="info",
    kinds=POD_SPEC_KINDS,
    enabled=False,
    summary="a pod's QoS class, or a pod below the required QoS class",
    options={
        "require": {
            "type": ["string", "null"],
            "enum": ["Guaranteed", "Burstable", None],
            "default": None,
            "description": "the lowest QoS class a pod may have; pods below it are reported"
            " as warnings and the others not at all (null: report every"
            " pod's class as info)",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if path is None or spec is None:
        return
    try:
        found = _qos(obj, spec)
    except _Malformed:
        return
    if found is None:
        return
    qos, reasons = found
    shown = reasons[:MAX_REASONS]
    if len(reasons) > MAX_REASONS:
        shown.append(f"and {len(reasons) - MAX_REASONS} more")
    why = f" ({'; '.join(shown)})" if shown else ""
    required = ctx.options.get("require")
    if required in RANK:
        if RANK[qos] < RANK[required]:
            yield ctx.violation(
                path,
                f"pod QoS class is {qos}, below the required {required}{why}",
                severity="warning",
            )
        return
    yield ctx.violation(path, f"pod QoS class is {qos}{why}")
