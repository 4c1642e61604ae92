"""## What it does
Reports a `PodDisruptionBudget` whose `spec.selector` selects none of the pods of its
namespace: no workload of the input (Deployment, StatefulSet, DaemonSet, ReplicaSet,
ReplicationController, Job, CronJob, PodTemplate or bare Pod) in the budget's namespace
carries pod labels that match the selector (`matchLabels` and `matchExpressions`, as the
API server evaluates them). A `policy/v1beta1` budget with an empty selector, which that
version read as "no pods", is reported too.

The rule only judges a budget whose workload is plainly in the input: a workload of the
budget's namespace with the budget's name (`api`, for a budget `api` or `api-pdb`), or
one defined next to it (in the same file, or the same chart rendering or kustomize build)
that no budget protects. A budget linted alone, or one for pods that another file or
repository deploys (a file of budgets beside a workload that has its own budget), is not
reported, whatever else the namespace holds. Not reported either:

- an empty selector in `policy/v1`: it selects every pod of the namespace;
- a selector on a label that controllers add to pods (`pod-template-hash`,
  `controller-revision-hash`, `statefulset.kubernetes.io/pod-name`, `job-name`, ...):
  the template does not carry it, so the match cannot be judged;
- a selector that matches the labels of a custom resource of the namespace (its own
  labels, `spec.template.metadata.labels` or `spec.podMetadata.labels`), or that names a
  custom resource of the namespace by its name or kind in a label value (operators label
  their pods so: `prometheus: k8s`, `app.kubernetes.io/name: alertmanager`): an operator
  makes those pods (a `Prometheus`, an Argo `Rollout`);
- a budget whose workload has a pod template without labels: a tool adds them (a
  kustomize base whose `labels` come from the kustomization).

Namespaces are compared as objects land: an object without `metadata.namespace` is in
the configured default namespace.

## Why is this bad?
A budget applies only to the pods its selector picks in its own namespace. A typo in a
label, a label the pods do not carry (`app: web` against `app.kubernetes.io/name: web`),
a budget left behind after its workload was renamed, or one applied to the wrong
namespace is accepted by the API server and protects nothing: a node drain or a cluster
upgrade evicts every replica at once, exactly what the budget was written to prevent, and
`kubectl get pdb` shows `ALLOWED DISRUPTIONS 0` with `0` expected pods, which is easy to
read as "strict" rather than "empty".

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app.kubernetes.io/name: api}
  template:
    metadata:
      labels: {app.kubernetes.io/name: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:4.2
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

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app.kubernetes.io/name: api}
  template:
    metadata:
      labels: {app.kubernetes.io/name: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:4.2
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app.kubernetes.io/name: api}
```

## References
- https://kubernetes.io/docs/tasks/run-application/configure-pdb/#specifying-a-poddisruptionbudget
- https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-budgets
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import (
    CONTROLLER_LABELS,
    Manifest,
    RuleContext,
    Violation,
    custom_resource_pod_labels,
    describe_selector,
    is_custom_resource,
    label_selector_matches,
    rule,
    selector_keys,
)


def _values(selector: Mapping[str, object]) -> set[str]:
    """The label values a selector asks for (matchLabels, and In expressions)."""
    values: set[str] = set()
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, Mapping):
        values.update(str(value) for value in match_labels.values())
    expressions = selector.get("matchExpressions")
    for expression in expressions if isinstance(expressions, list) else ():
        if isinstance(expression, Mapping) and expression.get("operator") == "In":
            listed = expression.get("values")
            if isinstance(listed, list):
                values.update(str(value) for value in listed)
    return values


def _names_custom_resource(selector: Mapping[str, object], obj: Manifest) -> bool:
    """Does the selector ask for a label value that is the custom resource's name or kind,
    as operators label the pods they make (``prometheus: k8s``)? The name is the one the
    pods get: a resource with only a generateName has none until it is created."""
    values = _values(selector)
    return obj.name in values or (obj.kind or "").lower() in values


@rule(
    id="pdb-selects-nothing",
    severity="warning",
    kinds=("PodDisruptionBudget",),
    summary="a PodDisruptionBudget selector selects no pods in the input",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if obj.api_group != "policy":
        return
    selector = obj.get(("spec", "selector"))
    if not isinstance(selector, Mapping):
        return  # none (schema validation asks for one), or malformed
    name = f"PodDisruptionBudget {obj.display_name or '?'!r}"
    namespace = ctx.namespace_of(obj) or ctx.index.default_namespace
    if (
        selector.get("matchLabels") or selector.get("matchExpressions")
    ) and ctx.index.workloads_matching(namespace, selector):
        return  # it selects pods of the input (most budgets): asked through the index
    workloads = ctx.index.workloads(namespace)
    targets = [other for other in workloads if _meant_for(obj, other, ctx)]
    if not targets:
        return  # its workload is deployed from elsewhere: nothing to compare with
    if not (selector.get("matchLabels") or selector.get("matchExpressions")):
        if obj.api_version == "policy/v1beta1":
            yield ctx.violation(
                ("spec", "selector"),
                f"{name} (policy/v1beta1) has an empty selector, which"
                " policy/v1beta1 reads as no pods: it protects nothing",
            )
        return  # policy/v1: every pod of the namespace
    if selector_keys(selector) & CONTROLLER_LABELS:
        return
    if any(not other.pod_template_labels() for other in targets):
        return  # a tool adds the labels (a kustomize base)
    if any(label_selector_matches(selector, other.pod_template_labels()) for other in workloads):
        return
    custom = [other for other in ctx.index.objects(namespace) if is_custom_resource(other)]
    if any(
        label_selector_matches(selector, labels)
        for other in custom
        for labels in custom_resource_pod_labels(other)
    ) or any(_names_custom_resource(selector, other) for other in custom):
        return  # an operator's pods (Prometheus, Alertmanager, Argo Rollouts...)
    target = targets[0]
    labels = ", ".join(f"{key}={value}" for key, value in target.pod_template_labels().items())
    yield ctx.violation(
        ("spec", "selector"),
        f"{name}: selector ({describe_selector(selector)}) selects no pod of"
        f" namespace {namespace!r} in the input, not even those of"
        f" {target.kind} {target.display_name or '?'!r} ({labels}) next to it, so"
        " it"
        " protects no pod",
    )


def _meant_for(pdb: Manifest, workload: Manifest, ctx: RuleContext) -> bool:
    """Is ``workload`` plainly the one ``pdb`` was written for: named like it, or defined
    next to it (same file, chart rendering or kustomize build) with no budget of its own?"""
    name, other = pdb.metadata.get("name"), workload.metadata.get("name")
    if (
        isinstance(name, str)
        and isinstance(other, str)
        and name in (other, f"{other}-pdb", f"{other}-budget")
    ):
        return True
    same_unit = pdb.source.path == workload.source.path or (
        pdb.source.scope is not None and pdb.source.scope == workload.source.scope
    )
    return same_unit and not ctx.index.pdbs_for(workload)
