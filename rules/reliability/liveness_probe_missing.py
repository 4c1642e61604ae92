"""## What it does
Reports a container of a long-running workload that has no `livenessProbe`. Long-running
workloads are Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers
and bare Pods whose `restartPolicy` is `Always` (or unset, which defaults to `Always`).

Only regular containers are checked: init containers run to completion (and may not have
a liveness probe unless they are sidecars), and Jobs and CronJobs are meant to end.

## Why is this bad?
Without a liveness probe the kubelet restarts a container only when its main process
exits. A process that deadlocks, loops or stops answering while still running keeps its
pod `Running` forever: the controller sees nothing wrong and nothing heals it until a
human notices. A liveness probe lets the kubelet detect the hang and restart the container
under the pod's restart policy. The source notes (001, "kubenetes 针对 pod 资源对象的健康检测
机制") describe it: when the liveness check fails the kubelet kills the container and
applies the restart policy, and a container without the probe is always considered
healthy ("如果容器不包含该探针, kubelet 就会返回默认值, 都是success").

A liveness probe should check the process itself (a cheap endpoint that does not call
databases or other services), so that a slow dependency does not restart every replica.

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
          ports:
            - containerPort: 8080
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
          ports:
            - containerPort: 8080
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            initialDelaySeconds: 15
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
- https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes
- Source notes 001 (kubenetes 针对 pod 资源对象的健康检测机制): livenessProbe
- Source notes 000 (pod健康检查): LivenessProbe decides, with the restartPolicy, what the
  kubelet does with an unhealthy container
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


@rule(
    id="liveness-probe-missing",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a container of a long-running workload has no liveness probe",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not obj.is_long_running():
        return
    subject = f"{obj.kind} {obj.display_name or '?'!r}"
    for ref in obj.containers(include_init=False):
        # null is "not set"; any other value is a probe (a malformed one is left to
        # schema validation).
        if ref.container.get("livenessProbe") is not None:
            continue
        yield ctx.violation(
            ref.path,
            f"{ref.label} of {subject} has no livenessProbe: if"
            " it hangs without exiting, the kubelet never"
            " restarts it",
        )
