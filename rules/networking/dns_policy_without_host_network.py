"""## What it does
Reports a pod (or pod template) that sets `dnsPolicy: ClusterFirstWithHostNet` without
`hostNetwork: true`. Informational.

## Why is this bad?
It does no harm: for a pod with its own network the kubelet treats
`ClusterFirstWithHostNet` exactly as `ClusterFirst`, the default (the pod resolves
through the cluster DNS either way). The policy only differs for pods on the host
network, where `ClusterFirst` falls back to the node's resolver and
`ClusterFirstWithHostNet` keeps the cluster DNS. Written on a pod without the host
network it says something that is not so; it is usually left over from a pod that used
to run on the host network, or kept so that turning `hostNetwork` on later keeps cluster
DNS (as Rook's toolbox does). Drop it, or keep it knowingly.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: toolbox
spec:
  selector:
    matchLabels: {app: toolbox}
  template:
    metadata:
      labels: {app: toolbox}
    spec:
      dnsPolicy: ClusterFirstWithHostNet
      containers:
        - name: toolbox
          image: registry.example.com/toolbox:1.0
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: toolbox
spec:
  selector:
    matchLabels: {app: toolbox}
  template:
    metadata:
      labels: {app: toolbox}
    spec:
      containers:
        - name: toolbox
          image: registry.example.com/toolbox:1.0
```

## References
- https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


@rule(
    id="dns-policy-without-host-network",
    severity="info",
    kinds=POD_SPEC_KINDS,
    summary="dnsPolicy ClusterFirstWithHostNet on a pod without hostNetwork",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    if spec.get("dnsPolicy") != "ClusterFirstWithHostNet" or spec.get("hostNetwork") is True:
        return
    yield ctx.violation(
        (*spec_path, "dnsPolicy"),
        f"{obj.kind} {obj.display_name or '?'!r} sets dnsPolicy"
        " ClusterFirstWithHostNet"
        " without hostNetwork: true, so it behaves exactly as ClusterFirst,"
        " the default",
    )
