"""## What it does
Reports a DaemonSet that sets `spec.replicas`, whatever its value.

## Why is this bad?
A DaemonSet has no `replicas` field: it runs one pod on every eligible node, so the number
of pods follows the nodes (narrowed with a `nodeSelector`, affinity or tolerations), not
a count. The source notes say so (001, "DaenonSet 资源对象的特性？": "所以在其 yaml
文件中，不支持定义 replicas"). The API server does not know the field: under strict
field validation (what `kubectl apply` and `kubectl create` ask for by default on current
versions) it rejects the object with `unknown field "spec.replicas"`; with lax validation
it drops the field silently, and whoever wrote it believes the DaemonSet runs that many
pods. It is usually a Deployment that was turned into a DaemonSet, or the other way round,
only halfway.

## Example
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
spec:
  replicas: 3
  selector:
    matchLabels: {app: node-exporter}
  template:
    metadata:
      labels: {app: node-exporter}
    spec:
      containers:
        - name: node-exporter
          image: quay.io/prometheus/node-exporter:v1.8.2
```

## Use instead
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
spec:
  selector:
    matchLabels: {app: node-exporter}
  template:
    metadata:
      labels: {app: node-exporter}
    spec:
      nodeSelector:
        kubernetes.io/os: linux
      containers:
        - name: node-exporter
          image: quay.io/prometheus/node-exporter:v1.8.2
```

## References
- https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/daemon-set-v1/#DaemonSetSpec
- https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
- Source notes 001 (DaenonSet 资源对象的特性？): a DaemonSet runs one pod per node and does not
  support replicas
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import Manifest, RuleContext, Violation, rule

REPLICAS = ("spec", "replicas")


@rule(
    id="daemonset-replicas",
    severity="error",
    kinds=("DaemonSet",),
    summary="a DaemonSet sets replicas, a field DaemonSets do not have",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping) or "replicas" not in spec:
        return
    value = spec["replicas"]
    shown = f" ({value!r})" if isinstance(value, (int, str)) else ""
    if value is None:
        shown = " (empty)"
    yield ctx.violation(
        REPLICAS,
        f"DaemonSet {obj.display_name or '?'!r} sets"
        f" spec.replicas{shown}:"
        " a DaemonSet runs one pod per eligible node and has no"
        " replicas field",
    )
