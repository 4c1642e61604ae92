"""## What it does
Reports each entry of the pod's `securityContext.sysctls` whose name is not in the
safe set of the policy version: the PSS control *Sysctls* (PSA check `sysctls`).

- from 1.0: `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
  `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
  `net.ipv4.ip_unprivileged_port_start`;
- from 1.27: `net.ipv4.ip_local_reserved_ports`;
- from 1.29: `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`,
  `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes`;
- from 1.32: `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem`.

Names are compared exactly, as in PSA: the slash form `net/ipv4/tcp_syncookies` is
reported. (`unsafe-sysctls` follows the kubelet instead, which accepts it.)

## Why is this bad?
Sysctls outside the safe set are not namespaced or not isolated between pods:
setting them changes the node's kernel for every pod, or lets one pod starve others.
The baseline level allows only the safe set.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    sysctls:
      - {name: net.core.somaxconn, value: "4096"}
  containers:
    - name: web
      image: registry.example.com/web:1.0
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    sysctls:
      - {name: net.ipv4.ip_local_port_range, value: "1024 65000"}
  containers:
    - name: web
      image: registry.example.com/web:1.0
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

CONTROL = "pss-sysctls"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a pod sets a sysctl outside the PSS safe set",
    options=pss.rule_options(CONTROL),
    controls=("pss:baseline/sysctls",),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
