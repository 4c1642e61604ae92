"""## What it does
Reports a pod spec that says nothing about the nodes its pods may run on: no
`affinity.nodeAffinity` (required or preferred terms) and, unless the option says
otherwise, no `nodeSelector`. Off by default: whether every workload must be pinned to a
pool of nodes is a cluster's policy.

## Why is this bad?
In a cluster with several node pools (system and application nodes, spot and on-demand,
GPU, ARM and x86, zones with different compliance), a pod without node constraints is
scheduled on any node that has room: an application lands on the system pool and competes
with the cluster's own components, a stateful workload lands on spot instances that are
reclaimed, an amd64 image lands on an arm64 node and crashes with `exec format error`. A
policy that every workload states where it runs makes placement reviewable.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.4.2
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - {key: node.example.com/pool, operator: In, values: [apps]}
      containers:
        - name: api
          image: registry.example.com/api:1.4.2
```

## Options
- `accept-node-selector` (boolean, default `true`): a non-empty `nodeSelector` counts as
  stating where the pods run; `false` requires `affinity.nodeAffinity`.

## References
- https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity
- https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodeselector
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


@rule(
    id="node-affinity-missing",
    severity="info",
    kinds=POD_SPEC_KINDS,
    enabled=False,
    summary="a pod spec states no node affinity (or node selector) for its pods",
    options={
        "accept-node-selector": {
            "type": "boolean",
            "default": True,
            "description": "a non-empty nodeSelector counts as a node constraint",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    path = obj.pod_spec_path()
    if spec is None or path is None:
        return
    affinity = spec.get("affinity")
    node_affinity = affinity.get("nodeAffinity") if isinstance(affinity, Mapping) else None
    if isinstance(node_affinity, Mapping) and (
        node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
        or node_affinity.get("preferredDuringSchedulingIgnoredDuringExecution")
    ):
        return
    accept_selector = ctx.options.get("accept-node-selector", True) is not False
    if accept_selector and spec.get("nodeSelector"):
        return
    wanted = "affinity.nodeAffinity" + (" or a nodeSelector" if accept_selector else "")
    where = (*path, "affinity") if isinstance(affinity, Mapping) else path
    yield ctx.violation(
        where,
        f"{obj.kind} {obj.display_name or '?'!r} sets no {wanted}: its pods"
        " may be scheduled on any node of the cluster",
    )
