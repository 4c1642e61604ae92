"""## What it does
Reports a container (init containers included) that sets neither a request nor a limit
for `ephemeral-storage`. One finding per container.

With the option `require-limit` (off by default) a container that requests
`ephemeral-storage` but sets no limit for it is reported too. A limit without a request
is never reported: the API server defaults the request to the limit.

## Why is this bad?
A container's writable layer, its logs and its `emptyDir` volumes (unless backed by
memory) live on the node's disk. Without an `ephemeral-storage` request the scheduler does
not account for the space the pod needs, so it may place it on a node that is nearly
full; without a limit one container can fill the disk. When the node's disk runs low the
kubelet comes under `DiskPressure`, evicts pods (those using more than they request
first, in every pod on the node, not just the culprit) and taints the node so no new pods
are scheduled there. With a limit, the kubelet evicts only the pod that exceeded it. The
source notes (002, "node资源不足时也会发生驱逐") describe eviction when a node runs short
of resources.

This is an informational finding: many workloads write next to nothing to local disk. A
`LimitRange` may give containers a default; a linter cannot see it.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 2
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
        - name: worker
          image: registry.example.com/worker:1.9
          resources:
            requests: {cpu: 500m, memory: 512Mi}
            limits: {memory: 512Mi}
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 2
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
        - name: worker
          image: registry.example.com/worker:1.9
          resources:
            requests: {cpu: 500m, memory: 512Mi, ephemeral-storage: 1Gi}
            limits: {memory: 512Mi, ephemeral-storage: 2Gi}
```

## Options
- `require-limit` (boolean, default false): also report a container that requests
  `ephemeral-storage` without limiting it (kube-score's
  `container-ephemeral-storage-request-and-limit`). A request alone lets the scheduler
  account for the disk the container needs, but does not stop it from filling the node's
  disk: only a limit makes the kubelet evict the offending pod alone.

## References
- https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage
- https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/
- Source notes 002 (容器的驱逐时间是?): "node资源不足时也会发生驱逐,是按照qos等级来驱逐的"
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

from ._requirements import requirements

RESOURCE = "ephemeral-storage"


@rule(
    id="ephemeral-storage-missing",
    severity="info",
    kinds=POD_SPEC_KINDS,
    summary="a container sets no ephemeral-storage request or limit",
    options={
        "require-limit": {
            "type": "boolean",
            "default": False,
            "description": "also report a container that requests ephemeral-storage without"
            " a limit",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    require_limit = ctx.options.get("require-limit") is True
    for ref in obj.containers():
        found = requirements(ref.container.get("resources"))
        if found is None:
            continue
        requests, limits = found
        if requests.get(RESOURCE) is None and limits.get(RESOURCE) is None:
            path = (*ref.path, "resources", "requests") if requests else (*ref.path, "resources")
            yield ctx.violation(
                path,
                f"{ref.label} sets no {RESOURCE} request or limit:"
                " it can fill the node's disk, and the scheduler does"
                " not account for its disk use",
            )
        elif require_limit and limits.get(RESOURCE) is None:
            path = (
                (*ref.path, "resources", "limits")
                if limits
                else (*ref.path, "resources", "requests", RESOURCE)
            )
            yield ctx.violation(
                path,
                f"{ref.label} requests {RESOURCE} but sets no limit"
                " for it: it can fill the node's disk",
            )
