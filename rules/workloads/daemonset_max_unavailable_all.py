"""## What it does
Reports a DaemonSet whose rolling update may take every node's pod down at once:
`spec.updateStrategy.rollingUpdate.maxUnavailable` is `100%`.

A number of pods (`maxUnavailable: 50`) is not reported, since how many nodes the
DaemonSet runs on is not in the manifest; nor are values above `100%`, which the API
server rejects (`rolling-update-invalid` reports them), nor `type: OnDelete`, under which
`rollingUpdate` does nothing. A surge (`maxSurge: 100%` with `maxUnavailable: 0`) starts
each new pod before the old one stops and is fine.

## Why is this bad?
A DaemonSet runs the node's plumbing: the network plugin, the log shipper, the storage
driver, the node exporter. With `maxUnavailable: 100%` a rollout deletes the old pod on
every node in the same moment, so for as long as the new pods take to pull their image
and become ready the function is gone cluster-wide; and if the new version does not
start, it stays gone everywhere instead of on one node. The API server accepts it; the
default is `1` (one node at a time), and a small share (`10%`) or a surge
(`maxSurge: 1` with `maxUnavailable: 0`) keeps the rest of the nodes served.

## Example
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-shipper
spec:
  selector:
    matchLabels: {app: log-shipper}
  updateStrategy:
    rollingUpdate:
      maxUnavailable: 100%
  template:
    metadata:
      labels: {app: log-shipper}
    spec:
      containers:
        - name: shipper
          image: registry.example.com/fluent-bit:3.1
```

## Use instead
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-shipper
spec:
  selector:
    matchLabels: {app: log-shipper}
  updateStrategy:
    rollingUpdate:
      maxUnavailable: 10%
  template:
    metadata:
      labels: {app: log-shipper}
    spec:
      containers:
        - name: shipper
          image: registry.example.com/fluent-bit:3.1
```

## References
- https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/daemon-set-v1/#DaemonSetSpec
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import Manifest, RuleContext, Violation, rule

STRATEGY = ("spec", "updateStrategy")


@rule(
    id="daemonset-max-unavailable-all",
    severity="warning",
    kinds=("DaemonSet",),
    summary="a DaemonSet rollout may take every node's pod down at once",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not obj.is_kind("DaemonSet"):
        return
    strategy = obj.get(STRATEGY)
    if not isinstance(strategy, Mapping):
        return
    kind = strategy.get("type")
    if kind in (None, "") and obj.api_version == "extensions/v1beta1":
        return  # that API defaulted the type to OnDelete
    if kind not in (None, "", "RollingUpdate"):
        return
    block = strategy.get("rollingUpdate")
    if not isinstance(block, Mapping):
        return
    value = block.get("maxUnavailable")
    if not isinstance(value, str) or value.strip() != "100%":
        return
    yield ctx.violation(
        (*STRATEGY, "rollingUpdate", "maxUnavailable"),
        f"DaemonSet {obj.display_name or '?'!r} updates with maxUnavailable"
        f" {value!r}:"
        " a rollout stops the pod on every node at once, so what it runs is"
        " gone cluster-wide until the new pods are ready (or everywhere, if"
        " they never start); use a share such as 10%, or a surge",
    )
