"""## What it does
Reports a `host` in the `httpGet` or `tcpSocket` action of a liveness, readiness or
startup probe, or of a `postStart` or `preStop` hook: the PSS control *Host Probes /
Lifecycle Hooks* (PSA check `hostProbesAndHostLifecycle`), from policy version 1.34 on.
Any host is reported, `localhost` and `127.0.0.1` included, as in PSA.

## Why is this bad?
The kubelet makes probe and hook requests from the node, to whatever host the pod
names: a pod can have the kubelet reach addresses only the node can reach (the cloud
metadata service, node-local agents, other pods bypassing NetworkPolicies). Without a
host the kubelet targets the pod's own IP.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
      livenessProbe:
        httpGet: {host: 169.254.169.254, path: /latest/meta-data, port: 80}
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
      livenessProbe:
        httpGet: {path: /healthz, port: 8080}
```

## Options
- `level` (`baseline`, the default, or `restricted`): both run the same check for this
  control.
- `version` (`latest` or `v1.N`, as PSA's `enforce-version` label; default: the target
  Kubernetes version): the policy version.

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
- https://kubernetes.io/docs/concepts/security/pod-security-admission/
- docs/pod-security-standards.md: the PSA source followed, version by version; findings
  carry PSA's warning for each place to edit
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, pss, rule

CONTROL = "pss-host-probes"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a probe or lifecycle hook names a host",
    options=pss.rule_options(CONTROL),
    controls=("pss:baseline/host-probes",),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
