"""## What it does
Reports a container (init containers included) without a memory limit. With the option
`require-cpu-limit`, a container without a cpu limit is reported too. One finding per
container names what is missing.

## Why is this bad?
Without a memory limit a container may use all the memory of its node. When it does, the
node comes under memory pressure and the kubelet evicts pods, `BestEffort` ones and those
using more than they request first (source notes 002, "node资源不足时会按qos级别驱逐pod"),
or the kernel OOM killer picks a victim among the node's processes. With a limit, only the
container that overran is OOM-killed and restarted, and the damage stays with the workload
that caused it. When every container of a pod has limits equal to its requests for cpu and
memory, the pod is `Guaranteed`, the last class to be evicted.

A cpu limit is not required by default: cpu is compressible, and a container over its cpu
limit is throttled by the CFS quota (added latency) rather than killed, so many teams leave
cpu limits off on purpose and rely on cpu requests for a fair share. Set
`require-cpu-limit` where every container must be capped (a shared or multi-tenant
cluster, a namespace with a `ResourceQuota` on `limits.cpu`).

A `LimitRange` can give containers default limits when they are admitted; a linter cannot
see it, so disable this rule for the files it covers.

## Example
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
spec:
  serviceName: cache
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
        - name: redis
          image: redis:7.4
          resources:
            requests: {cpu: 250m, memory: 512Mi}
```

## Use instead
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
spec:
  serviceName: cache
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
        - name: redis
          image: redis:7.4
          resources:
            requests: {cpu: 250m, memory: 512Mi}
            limits: {memory: 512Mi}
```

## Options
- `require-cpu-limit` (boolean, default `false`): also report a container without a cpu
  limit.

## References
- https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
- https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#how-kubernetes-applies-resource-requests-and-limits
- https://kubernetes.io/docs/tasks/configure-pod-container/quality-service-pod/
- https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/
- Source notes 001 (pod 的资源请求、限制如何定义？): "limits，限制 pod 能使用的最大 cpu 和内存"
- Source notes 002 (有了解过qos吗?): "重要组件一定要设置limit和request"
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Control, Manifest, RuleContext, Violation, rule

from ._requirements import block


@rule(
    id="resources-limits-missing",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a container has no memory limit (or no cpu limit, when required)",
    options={
        "require-cpu-limit": {
            "type": "boolean",
            "default": False,
            "description": "also report containers without a cpu limit",
        }
    },
    controls=(
        Control(
            "nsa:resource-policies",
            partial="memory limits, and cpu limits with require-cpu-limit: true;"
            " LimitRanges and ResourceQuotas are not checked",
        ),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    required = ("cpu", "memory") if ctx.options["require-cpu-limit"] else ("memory",)
    for ref in obj.containers():
        limits = block(ref.container.get("resources"), "limits")
        if limits is None:
            continue
        missing = [name for name in required if limits.get(name) is None]
        if missing:
            yield ctx.violation(
                (*ref.path, "resources", "limits"),
                f"{ref.label} has no {' or '.join(missing)} limit",
            )
