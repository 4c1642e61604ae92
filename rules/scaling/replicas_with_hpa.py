"""## What it does
Reports a Deployment, StatefulSet, ReplicaSet or ReplicationController that sets
`spec.replicas` while a `HorizontalPodAutoscaler` of the input scales it (its
`scaleTargetRef` names the workload's kind and name, in the workload's namespace; when the
HPA gives a `scaleTargetRef.apiVersion` it must be the workload's).

The HPA is looked up among the linted objects only: a workload whose HPA is applied from
another file or repository is not reported.

## Why is this bad?
Once an HPA scales a workload, the HPA owns the replica count: its controller
periodically compares the pods' metrics with its targets and sets the workload's scale
(source notes 004, "Horizontal Pod Autoscaler（HPA）": the HPA controller adjusts the
number of Pod replicas through the Deployment, RC or ReplicaSet). A `spec.replicas` in the
manifest fights it: every `kubectl apply` of the manifest (every deploy, every GitOps sync)
sets the scale back to the value written there. A workload the HPA had scaled out to 12
pods under load drops to 3 at the next deploy, and stays there until the HPA notices and
scales up again; one scaled in at night may jump up for no reason. The Kubernetes
documentation recommends removing `spec.replicas` from the manifests of autoscaled
workloads; the HPA's `minReplicas` is the floor to set instead.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 3
  maxReplicas: 10
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
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 3
  maxReplicas: 10
```

## References
- https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling
- https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
- Source notes 004 (Horizontal Pod Autoscaler（HPA）): "HPA控制器就向Pod的副本控制器
  （Deployment、RC或ReplicaSet）发起scale操作，调整Pod的副本数量"
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import SCALABLE_KINDS, Manifest, RuleContext, Violation, rule


@rule(
    id="replicas-with-hpa",
    severity="warning",
    kinds=SCALABLE_KINDS,
    summary="a workload sets spec.replicas while a HorizontalPodAutoscaler scales it",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    replicas = obj.get(("spec", "replicas"))
    if not isinstance(replicas, int) or isinstance(replicas, bool):
        return  # unset (the HPA's to set), or malformed: schema validation reports it
    hpas = ctx.index.hpas_for(obj)
    if not hpas:
        return
    names = ", ".join(repr(hpa.metadata.get("name") or hpa.display_name or "?") for hpa in hpas)
    plural = "s" if len(hpas) > 1 else ""
    yield ctx.violation(
        ("spec", "replicas"),
        f"{obj.kind} {obj.display_name or '?'!r} sets replicas: {replicas} while"
        f" HorizontalPodAutoscaler{plural} {names} scale{'' if plural else 's'}"
        " it: every kubectl apply resets the replica count the HPA chose;"
        " remove spec.replicas and let minReplicas set the floor",
    )
