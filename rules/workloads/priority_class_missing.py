"""## What it does
Reports a pod spec (of a Pod, a workload's pod template, or a CronJob's job template) that
sets no `priorityClassName`, or sets it to an empty string. The rule is off by default:
enable it in clusters that define `PriorityClass` objects and expect every workload to
pick one. With the `allowed` option it also reports a class that is not in the list.

## Why is this bad?
A pod without `priorityClassName` gets the cluster's `globalDefault` PriorityClass, or
priority 0 when there is none. When the cluster is full, the scheduler preempts (evicts)
lower-priority pods to make room for higher-priority ones, and the kubelet considers
priority when it evicts pods under node pressure. A critical service left at the default
priority is preempted as readily as a batch job, and a batch job left at the default may
preempt nothing it should. Naming a class states the workload's importance explicitly.
Only classes that exist in the cluster are accepted: a pod naming an unknown class is
rejected at admission, which a linter cannot see unless the `allowed` option lists the
classes. The list also keeps workloads away from the `system-cluster-critical` and
`system-node-critical` classes, which outrank everything and are meant for the cluster's
own components.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
spec:
  replicas: 3
  selector:
    matchLabels: {app: payments}
  template:
    metadata:
      labels: {app: payments}
    spec:
      containers:
        - name: payments
          image: registry.example.com/payments:5.1
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
spec:
  replicas: 3
  selector:
    matchLabels: {app: payments}
  template:
    metadata:
      labels: {app: payments}
    spec:
      priorityClassName: business-critical
      containers:
        - name: payments
          image: registry.example.com/payments:5.1
```

## Options
- `allowed` (list of strings, default `[]`): the PriorityClass names pod specs may use;
  empty: any name.

## References
- https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
- https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/#pod-selection-for-kubelet-eviction
- Source notes 002 (容器的驱逐时间是?; 有了解过qos吗?): pods are evicted when a node runs
  short of resources
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


@rule(
    id="priority-class-missing",
    severity="info",
    kinds=POD_SPEC_KINDS,
    enabled=False,
    summary="a pod spec names no PriorityClass (or one that is not allowed)",
    options={
        "allowed": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "the PriorityClass names pod specs may use; empty: any",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    path = obj.pod_spec_path()
    if spec is None or path is None:
        return
    name = spec.get("priorityClassName")
    if name is not None and not isinstance(name, str):
        return  # wrong type: schema validation reports it
    if not name:
        state = (
            "an empty priorityClassName" if "priorityClassName" in spec else "no priorityClassName"
        )
        yield ctx.violation(
            (*path, "priorityClassName"),
            f"{obj.kind} {obj.display_name or '?'!r} has {state}: its pods get the"
            " cluster's default priority and are preempted or evicted like"
            " any other; name a PriorityClass",
        )
        return
    allowed = ctx.options.get("allowed") or []
    if isinstance(allowed, list) and allowed and name not in allowed:
        listed = ", ".join(repr(item) for item in allowed)
        yield ctx.violation(
            (*path, "priorityClassName"),
            f"{obj.kind} {obj.display_name or '?'!r} uses PriorityClass {name!r},"
            f" which is not one of the allowed classes ({listed})",
        )
