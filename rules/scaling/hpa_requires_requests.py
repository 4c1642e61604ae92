"""## What it does
Reports a `HorizontalPodAutoscaler` with a cpu or memory **utilization** target whose
target workload (found in the input by `scaleTargetRef` kind and name, in the HPA's
namespace) has a container without a request for that resource:

- `autoscaling/v2` (and `v2beta2`): a `spec.metrics[]` entry of `type: Resource` with
  `resource.name` `cpu` or `memory` and `resource.target.type: Utilization` checks every
  container; one of `type: ContainerResource` checks only the container it names (and
  reports when the pod has no container of that name). `autoscaling/v2beta1`'s
  `targetAverageUtilization` is a utilization target too;
- `autoscaling/v1`: `spec.targetCPUUtilizationPercentage` checks every container's cpu;
- an HPA with no metrics (no `spec.metrics`, or in `v1` no
  `targetCPUUtilizationPercentage`) gets the default target of 80% average cpu
  utilization, and is checked as such.

The containers that count are those the HPA controller sums: the pod's `containers` and
its sidecars (init containers with `restartPolicy: Always`); run-to-completion init
containers do not. A limit without a request counts as a request: the API server defaults
a missing request to the limit. A pod-level `spec.resources` request (or limit) for the
resource satisfies a `Resource` metric. When the target is not in the input, or is not a
workload with a pod template (an Argo Rollout, say), the rule cannot see its containers and
reports nothing. Metrics with `AverageValue` targets, and other metric types, need no
requests and are not checked.

## Why is this bad?
Utilization is usage divided by request, as a percentage of the request. The HPA
controller adds up the requests of the pod's containers and, when any container it counts
has no request for the resource, fails the whole computation ("missing request for cpu in
container ..."): the HPA reports `FailedGetResourceMetric`, shows `<unknown>` as its
current value, and never scales on that metric. The workload stays at its current size
under load. The HPA of the source notes (004, "Horizontal Pod Autoscaler（HPA）") scales on
cpu usage, which needs exactly these requests. A sidecar injected by a mesh, or a logging
container added later without `resources`, is enough to break the HPA.

A `LimitRange` can give containers default requests when they are admitted; a linter
cannot see it, so disable this rule for the files it covers.

## Example
```yaml
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
            requests: {cpu: 250m, memory: 128Mi}
        - name: log-shipper
          image: fluent/fluent-bit:3.1
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
```

## Use instead
```yaml
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
            requests: {cpu: 250m, memory: 128Mi}
        - name: log-shipper
          image: fluent/fluent-bit:3.1
          resources:
            requests: {cpu: 50m, memory: 64Mi}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
```

## References
- https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#how-does-a-horizontalpodautoscaler-work
- https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#container-resource-metrics
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/
- Source notes 004 (Horizontal Pod Autoscaler（HPA）): "HPA控制器实现基于CPU使用率进行自动Pod
  扩缩容的功能"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from kubelint.api import ContainerRef, Manifest, Path, RuleContext, Violation, rule

from ..resources._requirements import requirements

RESOURCES = ("cpu", "memory")
#: The legacy group that served Deployments and ReplicaSets before apps.
SAME_GROUPS = frozenset({"apps", "extensions"})
DEFAULT_CPU_UTILIZATION = 80


class Target(NamedTuple):
    """A utilization target: where it is, its resource, the container it is limited to
    (ContainerResource), and how the message introduces it."""

    path: Path
    resource: str
    container: str | None
    what: str


def _group_matches(api_version: object, obj: Manifest) -> bool:
    if not isinstance(api_version, str) or not api_version:
        return True
    group = api_version.rpartition("/")[0]
    return group == obj.api_group or {group, obj.api_group} <= SAME_GROUPS


def _workload(hpa: Manifest, ctx: RuleContext) -> Manifest | None:
    target = hpa.get(("spec", "scaleTargetRef"))
    if not isinstance(target, Mapping):
        return None
    kind, name = target.get("kind"), target.get("name")
    if not isinstance(kind, str) or not isinstance(name, str) or not kind or not name:
        return None
    namespace = ctx.namespace_of(hpa) or ctx.index.default_namespace
    found = ctx.index.get(kind, name, namespace)
    if found is not None and _group_matches(target.get("apiVersion"), found):
        return found
    for obj in ctx.index.of_kind(kind, namespace):  # namesakes in other groups: rare
        if obj.metadata.get("name") == name and _group_matches(target.get("apiVersion"), obj):
            return obj
    return None


def _is_utilization(source: Mapping[str, Any]) -> bool:
    target = source.get("target")
    if isinstance(target, Mapping):
        return target.get("type") == "Utilization"
    # autoscaling/v2beta1 has no target object, only targetAverageUtilization.
    return source.get("targetAverageUtilization") is not None


def _targets(hpa: Manifest) -> Iterator[Target]:
    spec = hpa.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    default = f"no metrics, so it targets {DEFAULT_CPU_UTILIZATION}% cpu utilization by default"
    if hpa.api_version == "autoscaling/v1":
        percentage = spec.get("targetCPUUtilizationPercentage")
        path = ("spec", "targetCPUUtilizationPercentage")
        if percentage is None:
            yield Target(path, "cpu", None, default)
        elif isinstance(percentage, int) and not isinstance(percentage, bool):
            yield Target(path, "cpu", None, f"a {percentage}% cpu utilization target")
        return
    metrics = spec.get("metrics")
    if metrics is None or metrics == []:
        yield Target(("spec", "metrics"), "cpu", None, default)
        return
    if not isinstance(metrics, list):
        return
    for index, metric in enumerate(metrics):
        if not isinstance(metric, Mapping):
            continue
        kind = metric.get("type")
        if kind == "Resource":
            source = metric.get("resource")
            container = None
        elif kind == "ContainerResource":
            source = metric.get("containerResource")
            container = source.get("container") if isinstance(source, Mapping) else None
            if not isinstance(container, str) or not container:
                continue
        else:
            continue
        if not isinstance(source, Mapping) or not _is_utilization(source):
            continue
        resource = source.get("name")
        if resource not in RESOURCES:
            continue
        what = (
            f"a {resource} utilization target for container {container!r}"
            if container
            else f"a {resource} utilization target"
        )
        yield Target(("spec", "metrics", index), resource, container, what)


def _counted(workload: Manifest) -> list[ContainerRef]:
    """The containers whose requests the HPA controller adds up: regular containers and
    sidecars (restartable init containers)."""
    return [
        ref
        for ref in workload.containers()
        if not ref.init or ref.container.get("restartPolicy") == "Always"
    ]


def _has_request(resources: Any, resource: str) -> bool | None:
    """Does a ``resources`` block request ``resource`` (a limit defaults the request)?
    None when it is malformed."""
    found = requirements(resources)
    if found is None:
        return None
    requests, limits = found
    return requests.get(resource) is not None or limits.get(resource) is not None


@rule(
    id="hpa-requires-requests",
    severity="error",
    kinds=("HorizontalPodAutoscaler",),
    summary="a HorizontalPodAutoscaler targets cpu or memory utilization of containers"
    " that request none",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    targets = list(_targets(obj))
    if not targets:
        return
    workload = _workload(obj, ctx)
    if workload is None:
        return  # not in the input: we cannot see its containers
    pod_spec = workload.pod_spec()
    if pod_spec is None:
        return  # not a workload with a pod template, or malformed
    counted = _counted(workload)
    hpa = f"HorizontalPodAutoscaler {obj.display_name or '?'!r}"
    subject = f"{workload.kind} {workload.display_name or '?'!r}"
    for target in targets:
        if target.container is None:
            if _has_request(pod_spec.get("resources"), target.resource):
                continue  # pod-level resources: the HPA uses them for Resource metrics
            refs = counted
        else:
            refs = [ref for ref in counted if ref.container.get("name") == target.container]
            if not refs:
                yield ctx.violation(
                    target.path,
                    f"{hpa} has {target.what}, but {subject} has no container"
                    f" {target.container!r}: the HPA cannot compute"
                    " utilization and does not scale on it",
                )
                continue
        missing = [
            ref.label
            for ref in refs
            if _has_request(ref.container.get("resources"), target.resource) is False
        ]
        if not missing:
            continue
        plural = "s" if len(missing) > 1 else ""
        yield ctx.violation(
            target.path,
            f"{hpa} has {target.what}, but in {subject} {', '.join(missing)}"
            f" request{'' if plural else 's'} no {target.resource}: the HPA"
            " cannot compute utilization and does not scale on it",
        )
