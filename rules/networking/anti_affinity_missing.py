"""## What it does
Reports a Deployment, StatefulSet or replicated workload custom resource (Argo Rollout,
OpenShift DeploymentConfig, OpenKruise CloneSet) with `spec.replicas` greater than 1 whose
pod template neither spreads its replicas with `topologySpreadConstraints` (a non-empty
list) nor keeps them apart with a `podAntiAffinity` term (required or preferred) whose
`labelSelector` selects the pods' own labels. A `podAntiAffinity` whose terms all select
other pods is reported too: it does not keep the replicas apart from each other.

A term applies to the pods of the namespaces it names: its own namespace when it sets
neither `namespaces` nor `namespaceSelector`, else those listed in `namespaces` and those
`namespaceSelector` selects (`{}` selects all). A term that selects the pods' labels only
in other namespaces does not keep the replicas apart either and is reported. This is
judged only when the workload names its namespace (`metadata.namespace`; otherwise it is
applied with `kubectl -n`, which the term may name), and a `namespaceSelector` only when
it decides on `kubernetes.io/metadata.name` alone (the label Kubernetes gives every
namespace) or the input holds the Namespace object with its labels.

Workloads without `replicas` (one replica by default, or scaled by an autoscaler) are not
reported.

## Why is this bad?
Without a spreading rule the scheduler is free to place every replica on the same node
(or in the same zone): it favours spreading a little, but resource scoring and node
availability easily override that. When that node is drained, fails, or its zone goes down,
all replicas go at once and the "highly available" workload has an outage despite its
replica count. An anti-affinity term on the pods' own labels (typically with
`topologyKey: kubernetes.io/hostname`), or a topology spread constraint, makes the
scheduler place the replicas on different nodes or zones.

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
```

## Use instead
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
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels: {app: web}
      containers:
        - name: web
          image: nginx:1.27
```

## References
- https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
- https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#namespace-selector
- https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import (
    REPLICATED_KINDS,
    Manifest,
    RuleContext,
    Violation,
    label_selector_matches,
    rule,
)

REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution"
#: The label Kubernetes gives every namespace (its name).
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


def _terms(anti_affinity: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    required = anti_affinity.get(REQUIRED)
    if isinstance(required, list):
        yield from (term for term in required if isinstance(term, Mapping))
    preferred = anti_affinity.get(PREFERRED)
    if isinstance(preferred, list):
        for weighted in preferred:
            term = weighted.get("podAffinityTerm") if isinstance(weighted, Mapping) else None
            if isinstance(term, Mapping):
                yield term


def _selector_keys(selector: Mapping[str, Any]) -> set[Any]:
    keys: set[Any] = set()
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, Mapping):
        keys.update(match_labels)
    expressions = selector.get("matchExpressions")
    for expression in expressions if isinstance(expressions, list) else ():
        keys.add(expression.get("key") if isinstance(expression, Mapping) else None)
    return keys


def _other_namespaces(term: Mapping[str, Any], obj: Manifest, ctx: RuleContext) -> bool:
    """Does the term apply only to pods of namespaces other than the workload's own (so it
    cannot keep the workload's replicas apart)? Unknown answers are no."""
    own = obj.metadata.get("namespace")
    if not isinstance(own, str) or not own:
        return False  # applied with kubectl -n: the term may name that namespace
    namespaces = term.get("namespaces")
    selector = term.get("namespaceSelector")
    if namespaces is not None and not isinstance(namespaces, list):
        return False  # malformed: schema validation reports it
    if selector is None and not namespaces:
        return False  # the workload's own namespace
    if own in (namespaces or ()):
        return False
    if selector is None:
        return True
    if not isinstance(selector, Mapping):
        return False
    labels: dict[str, Any] = {NAMESPACE_NAME_LABEL: own}
    namespace = ctx.index.get("Namespace", own)
    if namespace is not None:
        labels.update(namespace.labels)
    elif _selector_keys(selector) - {NAMESPACE_NAME_LABEL}:
        return False  # decided by labels of the namespace that the input does not show
    return not label_selector_matches(selector, labels)


@rule(
    id="anti-affinity-missing",
    severity="info",
    kinds=REPLICATED_KINDS,
    summary="replicas may all be scheduled onto the same node",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not obj.is_replicated():
        return
    replicas = obj.get(("spec", "replicas"))
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas <= 1:
        return
    spec = obj.pod_spec()
    spec_path = obj.pod_spec_path()
    if spec is None or spec_path is None:
        return
    spread = spec.get("topologySpreadConstraints")
    if isinstance(spread, list) and spread:
        return
    if spread is not None and not isinstance(spread, list):
        return  # malformed: schema validation reports it
    workload = f"{obj.kind} {obj.display_name or '?'!r}"
    affinity = spec.get("affinity")
    anti = affinity.get("podAntiAffinity") if isinstance(affinity, Mapping) else None
    if isinstance(anti, Mapping):
        terms = list(_terms(anti))
        labels = obj.pod_template_labels()
        own = [term for term in terms if label_selector_matches(term.get("labelSelector"), labels)]
        if any(not _other_namespaces(term, obj, ctx) for term in own):
            return
        if own:
            yield ctx.violation(
                (*spec_path, "affinity", "podAntiAffinity"),
                f"{workload} has {replicas} replicas, but its podAntiAffinity"
                " terms that select its own pods' labels apply only to"
                " other namespaces (namespaces or namespaceSelector), and"
                " there are no topologySpreadConstraints: the replicas may"
                " all land on one node",
            )
            return
        if terms:
            yield ctx.violation(
                (*spec_path, "affinity", "podAntiAffinity"),
                f"{workload} has {replicas} replicas, but no podAntiAffinity"
                " term selects its own pods' labels and there are no"
                " topologySpreadConstraints: the replicas may all land on"
                " one node",
            )
            return
    yield ctx.violation(
        (*spec_path, "affinity"),
        f"{workload} has {replicas} replicas and neither podAntiAffinity nor"
        " topologySpreadConstraints: the replicas may all land on one node",
    )
