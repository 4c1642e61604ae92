"""## What it does
Reports a container (init containers included) whose request for a resource differs from
its limit, for the resources the option `resources` names (`memory` by default).

Only a container that sets a limit for the resource is checked: a limit without a request
is fine (the API server defaults the request to the limit), and a missing limit is
`resources-limits-missing`'s finding. Quantities are compared by value, so `1Gi` equals
`1024Mi`. Quantities that do not parse are left to `resources-request-exceeds-limit`.
The rule is off by default.

## Why is this bad?
The scheduler places a pod by its memory request, but the container may grow up to its
limit. When it uses more than it requested, the node's memory is overcommitted: under
memory pressure the kubelet evicts pods whose usage exceeds their requests first, and the
kernel's OOM killer prefers them too, so a container well within its limit is killed or
evicted because a neighbour grew. With memory requests equal to limits the container gets
exactly what it was scheduled for and is only OOM-killed when it exceeds its own limit,
which is predictable. When every container of a pod has equal cpu and memory requests and
limits the pod is `Guaranteed`, the QoS class evicted last (source notes 002:
"Guaranteed 如果Pod中所有Container的所有Resource的limit request都相等且不为0"). Add `cpu`
to the option to require that too (cpu over its request is only throttled, so most teams
leave it burstable).

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:4.2
          resources:
            requests: {cpu: 250m, memory: 256Mi}
            limits: {memory: 1Gi}
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:4.2
          resources:
            requests: {cpu: 250m, memory: 1Gi}
            limits: {memory: 1Gi}
```

## Options
- `resources` (list of resource names, default `["memory"]`): the resources whose request
  must equal the limit, e.g. `["cpu", "memory"]` for `Guaranteed` pods.

## References
- https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
- https://kubernetes.io/docs/tasks/configure-pod-container/quality-service-pod/#create-a-pod-that-gets-assigned-a-qos-class-of-guaranteed
- https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/#pod-selection-for-kubelet-eviction
- Source notes 002 (有了解过qos吗? 怎么实现的?): the Guaranteed class and eviction order
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

from ._requirements import quantity, requirements, written


@rule(
    id="requests-equal-limits",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    enabled=False,
    summary="a container's resource request differs from its limit",
    options={
        "resources": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["memory"],
            "description": "resources whose request must equal the limit",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    names = ctx.options["resources"]
    if not isinstance(names, list):
        return
    names = [name for name in names if isinstance(name, str)]
    for ref in obj.containers():
        found = requirements(ref.container.get("resources"))
        if found is None:
            continue
        requests, limits = found
        for name in names:
            request, limit = requests.get(name), limits.get(name)
            if request is None or limit is None:
                continue  # defaulted from the limit, or no limit (another rule's finding)
            request_quantity, limit_quantity = quantity(request), quantity(limit)
            if (
                request_quantity is None
                or limit_quantity is None
                or request_quantity == limit_quantity
            ):
                continue  # not quantities (another rule's finding), or equal
            yield ctx.violation(
                (*ref.path, "resources", "requests", name),
                f"{ref.label} requests {written(request)} of {name} but"
                f" limits it to {written(limit)}; set the request equal"
                " to the limit",
            )
