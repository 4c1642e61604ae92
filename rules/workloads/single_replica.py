"""## What it does
Reports a Deployment, StatefulSet or replicated workload custom resource (Argo Rollout,
OpenShift DeploymentConfig, OpenKruise CloneSet) that runs a single pod: `spec.replicas` is 1, or is
unset (it defaults to 1), and no HorizontalPodAutoscaler of the input scales it (an HPA
in the same namespace whose `scaleTargetRef` names the workload's kind and name, and
whose `apiVersion`, when given, is the workload's).

A Deployment with `replicas: 0` is deliberately scaled down and is not reported, nor is a
`replicas` value that is not a number (an unrendered template). This is an informational
finding: one replica is right for some workloads (a singleton scheduler, a development
database); suppress it for those.

When the HPA is not in the input (it is applied from another file) the workload is still
reported: lint the HPA together with its workload, or suppress the finding. A KEDA
`ScaledObject` (`keda.sh`) whose `scaleTargetRef` names the workload counts like an HPA:
KEDA scales the workload through an HPA it creates.

With the `min-replicas` option a policy can ask for more: a workload that runs fewer
replicas than that (and that nothing scales) is reported too.

## Why is this bad?
With one pod, every voluntary disruption is an outage: a node drain or upgrade, a
cluster-autoscaler scale-down, an eviction under node pressure, or the pod crashing all
leave the workload with no ready pod until a replacement is scheduled, pulls its image and
passes its readiness probe. A PodDisruptionBudget cannot help either: with one replica it
either blocks every drain or allows the only pod to go. A StatefulSet's single pod is
only recreated after the old one has fully terminated, so the gap is longer still.
Running at least two replicas (spread over nodes), or letting an HPA scale from a minimum
of two, keeps the workload serving through these events. The source notes (001,
"Replication Controller" and "HPA（Horizontal pod Autoscaler）"; 004, "Horizontal Pod
Autoscaler（HPA）") describe the controller keeping the declared number of pod replicas
and the HPA adjusting that number to the load.

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
          image: registry.example.com/api:3.2
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:3.2
```

## Options
- `min-replicas` (integer, default `2`): the fewest replicas accepted. The default
  reports a single replica only; `3` also reports workloads of two replicas, which lose
  redundancy whenever one pod is disrupted.

## References
- https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas
- https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
- https://kubernetes.io/docs/concepts/workloads/pods/disruptions/
- Source notes 001 (Replication Controller; HPA（Horizontal pod Autoscaler）) and 004
  (Horizontal Pod Autoscaler（HPA）): controllers keep the declared number of pod
  replicas, and an HPA adjusts it to the load
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import REPLICATED_KINDS, Manifest, RuleContext, Violation, rule


def _scaled_objects(obj: Manifest, ctx: RuleContext) -> list[Manifest]:
    """KEDA ScaledObjects of the workload's namespace that scale it (KEDA drives the
    replicas through an HPA it creates; scaleTargetRef.kind defaults to Deployment)."""
    found = []
    for scaler in ctx.index.of_kind("ScaledObject", ctx.index.namespace_of(obj)):
        if scaler.api_group != "keda.sh":
            continue
        target = scaler.get(("spec", "scaleTargetRef"))
        if not isinstance(target, Mapping):
            continue
        kind = target.get("kind") or "Deployment"
        if kind == obj.kind and target.get("name") == obj.metadata.get("name"):
            found.append(scaler)
    return found


@rule(
    id="single-replica",
    severity="info",
    kinds=REPLICATED_KINDS,
    summary="a workload runs a single replica (or fewer than required) and nothing scales it",
    options={
        "min-replicas": {
            "type": "integer",
            "minimum": 2,
            "default": 2,
            "description": "the fewest replicas accepted",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not obj.is_replicated():
        return
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    replicas = spec.get("replicas")
    if replicas is not None and (isinstance(replicas, bool) or not isinstance(replicas, int)):
        return  # a template or a wrong type: schema validation reports it
    wanted = ctx.options.get("min-replicas", 2)
    if isinstance(wanted, bool) or not isinstance(wanted, int) or wanted < 2:
        wanted = 2
    if replicas is not None and not 1 <= replicas < wanted:  # 0: scaled down on purpose
        return
    if ctx.index.hpas_for(obj) or _scaled_objects(obj, ctx):
        return
    owner = f"{obj.kind} {obj.display_name or '?'!r}"
    if replicas is not None and replicas > 1:
        yield ctx.violation(
            ("spec", "replicas"),
            f"{owner} runs {replicas} replicas, fewer than the {wanted}"
            " required, and no HorizontalPodAutoscaler in the input scales"
            f" it; set replicas: {wanted} or more",
        )
        return
    if replicas is None:
        path = ("spec", "replicas") if "replicas" in spec else ("spec",)
        yield ctx.violation(
            path,
            f"{owner} has no spec.replicas, so it runs a single"
            " pod, and no HorizontalPodAutoscaler in the input"
            " scales it: a node drain, eviction or crash leaves it"
            f" with no ready pod; set replicas: {wanted} or more",
        )
    else:
        yield ctx.violation(
            ("spec", "replicas"),
            f"{owner} runs a single pod (replicas: 1) and no"
            " HorizontalPodAutoscaler in the input scales it: a node"
            " drain, eviction or crash leaves it with no ready pod; set"
            f" replicas: {wanted} or more",
        )
