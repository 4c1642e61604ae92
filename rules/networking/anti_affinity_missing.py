"""## What it does
Reports a Deployment or StatefulSet with `spec.replicas` greater than 1 whose pod template
neither spreads its replicas with `topologySpreadConstraints` (a non-empty list) nor keeps
them apart with a `podAntiAffinity` term (required or preferred) whose `labelSelector`
selects the pods' own labels. A `podAntiAffinity` whose terms all select other pods is
reported too: it does not keep the replicas apart from each other.

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
- https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import Manifest, RuleContext, Violation, label_selector_matches, rule

REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution"
PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution"


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


@rule(id="anti-affinity-missing", severity="info", kinds=("Deployment", "StatefulSet"),
      summary="replicas may all be scheduled onto the same node")
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
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
    workload = f"{obj.kind} {obj.name or '?'!r}"
    affinity = spec.get("affinity")
    anti = affinity.get("podAntiAffinity") if isinstance(affinity, Mapping) else None
    if isinstance(anti, Mapping):
        terms = list(_terms(anti))
        labels = obj.pod_template_labels()
        if any(label_selector_matches(term.get("labelSelector"), labels) for term in terms):
            return
        if terms:
            yield ctx.violation((*spec_path, "affinity", "podAntiAffinity"),
                                f"{workload} has {replicas} replicas, but no podAntiAffinity"
                                " term selects its own pods' labels and there are no"
                                " topologySpreadConstraints: the replicas may all land on"
                                " one node")
            return
    yield ctx.violation((*spec_path, "affinity"),
                        f"{workload} has {replicas} replicas and neither podAntiAffinity nor"
                        " topologySpreadConstraints: the replicas may all land on one node")
