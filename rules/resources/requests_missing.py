"""## What it does
Reports a container (init containers included) that does not request cpu or memory.

A limit counts as a request: when a container sets a limit for a resource but no request,
the API server defaults the pod's request for that resource to the limit, so
`limits: {cpu: 500m}` alone means `requests: {cpu: 500m}`. Only a resource with neither a
request nor a limit is reported; one finding per container names what is missing.

## Why is this bad?
The scheduler places a pod by its requests, and a missing request counts as zero. A pod
without requests is therefore scheduled onto nodes that have no room for it, competes for
cpu with no guaranteed share, and makes `HorizontalPodAutoscaler` utilization targets
impossible to compute. A pod whose containers request and limit nothing at all is in the
`BestEffort` QoS class: when a node runs short of memory the kubelet evicts those pods
first (source notes 002: "最先驱逐的是Best-Effort, 重要组件一定要设置limit和request").

A request of `0` is written deliberately and is not reported. If your namespaces give
containers default requests with a `LimitRange`, that admission-time default is invisible
to a linter: disable this rule for those files instead.

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
            requests:
              memory: 256Mi
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
            requests:
              cpu: 250m
              memory: 256Mi
            limits:
              memory: 256Mi
```

## Options
- `resources` (list of `cpu`, `memory`; default `["cpu", "memory"]`): the resources every
  container must request, e.g. `["memory"]` where cpu requests are left to a
  `LimitRange` or deliberately unset.

## References
- https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
- https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#how-pods-with-resource-requests-are-scheduled
- https://kubernetes.io/docs/tasks/configure-pod-container/quality-service-pod/
- https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/
- Source notes 001 (pod 的资源请求、限制如何定义？): "requests，pod 启动时申请的cpu 和内存"
- Source notes 002 (有了解过qos吗?): Best-Effort pods are evicted first when a node runs
  short of resources
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

from ._requirements import requirements

RESOURCES = ("cpu", "memory")


@rule(
    id="resources-requests-missing",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a container requests no cpu or no memory",
    options={
        "resources": {
            "type": "array",
            "items": {"type": "string", "enum": list(RESOURCES)},
            "uniqueItems": True,
            "minItems": 1,
            "default": list(RESOURCES),
            "description": "the resources (cpu, memory) every container must request",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    option = ctx.options.get("resources")
    required = [name for name in RESOURCES if isinstance(option, list) and name in option]
    if not required:
        return
    for ref in obj.containers():
        found = requirements(ref.container.get("resources"))
        if found is None:
            continue
        requests, limits = found
        # A limit without a request is defaulted into the request by the API server.
        missing = [
            name for name in required if requests.get(name) is None and limits.get(name) is None
        ]
        if missing:
            yield ctx.violation(
                (*ref.path, "resources", "requests"),
                f"{ref.label} has no {' or '.join(missing)} request",
            )
