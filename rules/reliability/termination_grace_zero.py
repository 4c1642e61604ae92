"""## What it does
Reports a pod spec that sets `terminationGracePeriodSeconds` to `0`, in every kind that
has one (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob, ...).

Only the integer `0` is reported. Negative values and values that are not integers are
left to schema validation; an unset field means the default of 30 seconds, which is fine.

## Why is this bad?
A pod is meant to be stopped in order: it is removed from its Services' endpoints, its
`preStop` hooks run, its processes get `SIGTERM`, and only when the grace period is over
does the kubelet send `SIGKILL`. The source notes describe exactly this sequence (004,
"删除一个Pod会发生什么事情？": TERM first, then "当超过优雅退出的时间后，Pod中的所有进程都会被发送
SIGKILL信号"). A grace period of 0 removes the graceful part:

- a plain delete (a rollout, a scale-down, a node drain, `kubectl delete pod`) removes the
  Pod object from the API at once, as a forced deletion does, without waiting for the
  kubelet to stop the containers;
- `preStop` hooks are skipped, and the processes get only the kubelet's two-second minimum
  between `SIGTERM` and `SIGKILL`: connections are cut, in-flight requests fail, buffers
  and queues are not flushed, locks and leases are not released.

For a StatefulSet it is worse: Kubernetes documents that its pods must not use a grace
period of 0, because the replacement pod, with the same name and volumes, can start while
the old one is still running.

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
      terminationGracePeriodSeconds: 0
      containers:
        - name: web
          image: nginx:1.27
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
      terminationGracePeriodSeconds: 30
      containers:
        - name: web
          image: nginx:1.27
```

## References
- https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
- https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#deployment-and-scaling-guarantees
- https://kubernetes.io/docs/tasks/run-application/force-delete-stateful-set-pod/
- Source notes 004 (删除一个Pod会发生什么事情？): endpoints removed, preStop, TERM, then KILL
  after the grace period; also 001 (简单描述一下pod 的终止过程)
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

FIELD = "terminationGracePeriodSeconds"


@rule(
    id="termination-grace-zero",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="pods are killed without a termination grace period",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    value = spec.get(FIELD)
    # bool is an int in Python: `false` is a schema error, not a zero.
    if type(value) is not int or value != 0:
        return
    subject = f"{obj.kind} {obj.display_name or '?'!r}" + (
        " pod template" if obj.kind != "Pod" else ""
    )
    yield ctx.violation(
        (*spec_path, FIELD),
        f"{subject} sets {FIELD} to 0: its pods are deleted at once, preStop"
        " hooks are skipped and processes are killed without a graceful"
        " shutdown",
    )
