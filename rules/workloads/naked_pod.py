"""## What it does
Reports a Pod that no controller manages: it has no `metadata.ownerReferences`.

Helm and Argo CD hook Pods (`helm.sh/hook`, `argocd.argoproj.io/hook` annotations, e.g.
`helm test` pods) are run once by the tool on purpose and are not reported. Static pods
(manifests the kubelet reads from its manifest directory) are bare by design: suppress the
finding for those files.

## Why is this bad?
Nothing recreates a bare Pod. When its node fails, is drained or upgraded, or the Pod is
evicted under node pressure or preempted, it is gone for good; a crash is only handled by
the kubelet restarting containers in place on the same node. A bare Pod cannot be scaled,
rolled out or rolled back either: most of its spec is immutable, so every change means
deleting and recreating it by hand. A Deployment (or a StatefulSet, DaemonSet or Job,
depending on the workload) keeps the declared number of pods running and replaces them
wherever there is room. The source notes (001, "pod 控制器就是用来管理pod对象的"; 004,
"controller") describe controllers as what manages pods.

This is an informational finding: a one-off debugging or test Pod is legitimate.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
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
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## References
- https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs
- https://kubernetes.io/docs/concepts/workloads/pods/#working-with-pods
- https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/
- Source notes 001 (pod): "pod 控制器就是用来管理pod对象的"; 004 (controller)
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, rule

HOOK_ANNOTATIONS = ("helm.sh/hook", "argocd.argoproj.io/hook")


@rule(
    id="naked-pod", severity="info", kinds=("Pod",), summary="a Pod is not managed by a controller"
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not obj.is_kind("Pod"):
        return
    if obj.metadata.get("ownerReferences"):
        return
    if any(obj.annotations.get(key) for key in HOOK_ANNOTATIONS):
        return
    yield ctx.violation(
        ("metadata", "ownerReferences"),
        f"Pod {obj.display_name or '?'!r} is not managed by a controller: nothing"
        " recreates it when its node fails or it is evicted; run it from a"
        " Deployment, StatefulSet, DaemonSet or Job",
    )
