"""## What it does
Reports a Deployment or StatefulSet that runs more than one replica and whose pods no
`PodDisruptionBudget` of the input selects (in the workload's namespace, by the PDB's
`spec.selector` against the pod template's labels).

A workload runs more than one replica when `spec.replicas` is above 1, or when a
`HorizontalPodAutoscaler` of the input scales it with a `minReplicas` above 1. A workload
with `replicas: 0` is not reported (an HPA does not scale a workload scaled to zero), nor,
by default, one that runs a single replica (`spec.replicas` unset means 1): a budget for
one pod either blocks drains or allows the outage anyway. Set `min-replicas: 1` where
every workload must come with a budget. A pod template without labels is reported too:
no budget can select its pods (but a `policy/v1` budget with an empty selector, which
selects every pod of its namespace).

The PDBs are looked up among the linted objects, so lint the budgets together with the
workloads. A run that only sees the workload (a pre-commit hook passing the changed
file) reports it even when its PDB lives in another file; set
`only-namespaces-with-pdbs: true` to report only workloads of namespaces for which the
input holds at least one PDB.

## Why is this bad?
Replicas protect a service against one pod failing, not against voluntary disruptions.
`kubectl drain` (how a node is taken out for maintenance, source notes 001,
"怎么使一个node脱离集群调度") and the cluster autoscaler evict pods through the eviction
API, which only holds back when a PodDisruptionBudget says too many pods of the set would
be down. Without a budget nothing stops a drain, or a node-pool upgrade draining several
nodes at once, from evicting every replica together when they share a node or a pool:
the service is down until the pods are rescheduled and ready again. A PDB with
`maxUnavailable: 1` (or a `minAvailable` below the replica count) lets drains proceed one
pod at a time.

## Example
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
          image: registry.example.com/api:1.4
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
          image: registry.example.com/api:1.4
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: api}
```

## Options
- `only-namespaces-with-pdbs` (boolean, default `false`): report a workload only when the
  input holds at least one PodDisruptionBudget in its namespace (so the budgets of that
  namespace are plainly part of the run). Use it when linting single files, or when only
  some namespaces are meant to have budgets.
- `min-replicas` (integer, at least 1, default `2`): the fewest replicas (from
  `spec.replicas`, 1 when unset, or an HPA's `minReplicas`) for which a budget is
  required. `1` asks for a budget on every Deployment and StatefulSet, for clusters whose
  operators want every drain of a single-pod service to be a decision (a budget with
  `maxUnavailable: 0` on it makes drains wait for someone to move it).

## References
- https://kubernetes.io/docs/concepts/workloads/pods/disruptions/
- https://kubernetes.io/docs/tasks/run-application/configure-pdb/
- https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/
- Source notes 001 (怎么使一个node脱离集群调度，比如要停机维护单又不能影响业务应用): "使用kubectl
  drain 命令"
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, label_selector_matches, rule


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _budgets(obj: Manifest, ctx: RuleContext, namespace: str) -> list[Manifest]:
    """The PDBs that select the workload's pods; for a template without labels, those
    whose selector selects pods without labels (an empty policy/v1 selector)."""
    if obj.pod_template_labels():
        return ctx.index.pdbs_for(obj)
    return [
        pdb
        for pdb in ctx.index.of_kind("PodDisruptionBudget", namespace)
        if label_selector_matches(pdb.get(("spec", "selector")), {})
        # policy/v1beta1 read an empty selector as "no pods" (see pdbs_for).
        and not (pdb.api_version == "policy/v1beta1" and not pdb.get(("spec", "selector")))
    ]


@rule(
    id="pdb-missing",
    severity="info",
    kinds=("Deployment", "StatefulSet"),
    summary="a workload with several replicas has no PodDisruptionBudget",
    options={
        "only-namespaces-with-pdbs": {
            "type": "boolean",
            "default": False,
            "description": "report only workloads of namespaces for which the input holds"
            " at least one PodDisruptionBudget",
        },
        "min-replicas": {
            "type": "integer",
            "minimum": 1,
            "default": 2,
            "description": "the fewest replicas (spec.replicas, 1 when unset, or an HPA's"
            " minReplicas) for which a PodDisruptionBudget is required",
        },
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    replicas = obj.get(("spec", "replicas"))
    if replicas is not None and _count(replicas) is None:
        return  # malformed: schema validation reports it
    if replicas == 0:
        return  # scaled to zero: no pods, and an HPA leaves it alone
    minimum = _count(ctx.options.get("min-replicas"))
    minimum = 2 if minimum is None or minimum < 1 else minimum
    count = 1 if replicas is None else replicas
    floors = []
    for hpa in ctx.index.hpas_for(obj):
        floor = _count(hpa.get(("spec", "minReplicas")))
        if floor is not None and floor > count:
            floors.append((floor, hpa.metadata.get("name") or hpa.display_name or "?"))
    if count > 1 and count >= minimum:
        runs = f"runs {count} replicas"
    elif floors and max(floors)[0] >= minimum:
        floor, name = max(floors)
        runs = (
            f"runs at least {floor} replicas (HorizontalPodAutoscaler {name!r} has"
            f" minReplicas {floor})"
        )
    elif count >= minimum:
        runs = "runs 1 replica" + (" (spec.replicas is unset)" if replicas is None else "")
    else:
        return
    namespace = ctx.namespace_of(obj) or ctx.index.default_namespace
    if _budgets(obj, ctx, namespace):
        return
    if ctx.options.get("only-namespaces-with-pdbs") and not ctx.index.has_kind(
        "PodDisruptionBudget", namespace
    ):
        return
    unlabelled = "" if obj.pod_template_labels() else " (its pod template has no labels)"
    evicts = "them all at once" if count > 1 or floors else "it at any time"
    yield ctx.violation(
        ("spec", "replicas"),
        f"{obj.kind} {obj.display_name or '?'!r} {runs}, but no PodDisruptionBudget"
        f" in namespace {namespace!r} selects its pods{unlabelled}: a node"
        f" drain can evict {evicts}",
    )
