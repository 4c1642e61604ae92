"""## What it does
Reports a `HorizontalPodAutoscaler` whose `spec.scaleTargetRef` names an object (`kind`
and `name`) that is not in the input in the HPA's namespace.

The rule only reports when the input holds at least one object of that kind in that
namespace: then the linted files plainly are the full set of manifests for that
namespace, and a target that is not among them is a typo or a leftover (a Deployment that
was renamed or deleted). An HPA linted alone, or whose targets all live in other files
that are not part of the run, is not reported. Names are compared exactly with
`metadata.name` (an object with only a `generateName` has no name to match). When
`scaleTargetRef.apiVersion` is given, only objects of its API group count (`apps` and
`extensions` are the same for the workloads both served), so the HPA of an OpenKruise or
Argo Rollouts resource is not compared with core workloads. Namespaces are compared as
they land: an object without `metadata.namespace` is in the configured default namespace.

## Why is this bad?
The HPA controller scales its target through the target's `scale` subresource. When the
target does not exist the API server still accepts the HPA, but it never scales anything:
its status shows the condition `AbleToScale` `False` with reason `FailedGetScale`, and the
workload it was meant for runs at a fixed size, with no autoscaling under load. The usual
cause is a rename of the workload that the HPA did not follow, or a typo.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
spec:
  selector:
    matchLabels: {app: frontend}
  template:
    metadata:
      labels: {app: frontend}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: frontend
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: front-end
  minReplicas: 2
  maxReplicas: 10
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
spec:
  selector:
    matchLabels: {app: frontend}
  template:
    metadata:
      labels: {app: frontend}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: frontend
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: frontend
  minReplicas: 2
  maxReplicas: 10
```

## References
- https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/
- Source notes 004 (Horizontal Pod Autoscaler（HPA）): the HPA controller scales the
  target's replica controller (Deployment, RC or ReplicaSet)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import AFTER_SEMICOLON, Manifest, RuleContext, Violation, closest, rule

#: The legacy group that served Deployments, ReplicaSets and DaemonSets before apps.
SAME_GROUPS = frozenset({"apps", "extensions"})


def _group_matches(api_version: object, obj: Manifest) -> bool:
    if not isinstance(api_version, str) or not api_version:
        return True
    group = api_version.rpartition("/")[0]
    return group == obj.api_group or {group, obj.api_group} <= SAME_GROUPS


@rule(
    id="hpa-target-missing",
    severity="warning",
    kinds=("HorizontalPodAutoscaler",),
    summary="a HorizontalPodAutoscaler scales an object that is not in the input",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    target = obj.get(("spec", "scaleTargetRef"))
    if not isinstance(target, Mapping):
        return
    kind, name = target.get("kind"), target.get("name")
    if not isinstance(kind, str) or not kind or not isinstance(name, str) or not name:
        return  # required fields: schema validation reports them
    api_version = target.get("apiVersion")
    namespace = ctx.namespace_of(obj) or ctx.index.default_namespace
    found = ctx.index.get(kind, name, namespace)
    if found is not None and _group_matches(api_version, found):
        return  # the usual case, by name; the rest only runs when it is missing
    candidates = [
        other for other in ctx.index.of_kind(kind, namespace) if _group_matches(api_version, other)
    ]
    if not candidates:
        return  # no object of that kind here: it is managed elsewhere, we cannot tell
    names = {
        other.metadata.get("name")
        for other in candidates
        if isinstance(other.metadata.get("name"), str)
    }
    if name in names:
        return
    hint = ""
    elsewhere = sorted(
        {
            ctx.index.namespace_of(other) or ""
            for other in ctx.index.of_kind(kind)
            if other.metadata.get("name") == name and _group_matches(api_version, other)
        }
    )
    lowered = {other.lower(): other for other in sorted(n for n in names if isinstance(n, str))}
    close = closest(name.lower(), lowered)
    if any(other.metadata.get("generateName") == name for other in candidates):
        hint = (
            f" (a {kind} with generateName {name!r} is given a generated name, which"
            " an HPA cannot name in advance)"
        )
    elif close is not None:
        hint = AFTER_SEMICOLON.format(lowered[close])
    elif elsewhere:
        plural = "s" if len(elsewhere) > 1 else ""
        hint = f" (there is one in namespace{plural} {', '.join(map(repr, elsewhere))})"
    yield ctx.violation(
        ("spec", "scaleTargetRef", "name"),
        f"HorizontalPodAutoscaler {obj.display_name or '?'!r} scales {kind}"
        f" {name!r},"
        f" which is not in namespace {namespace!r} in the input: the HPA"
        f" scales nothing{hint}",
    )
