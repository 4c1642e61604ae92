"""## What it does
The PSS control *Capabilities*, at the level of the `level` option:

- **baseline** (PSA check `capabilities_baseline`): every capability a container adds
  (`securityContext.capabilities.add`) must be one of `AUDIT_WRITE`, `CHOWN`,
  `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`,
  `SETGID`, `SETPCAP`, `SETUID`, `SYS_CHROOT`. Names are compared exactly, as PSA does:
  `NET_RAW`, `ALL`, `chown` and `CAP_CHOWN` are all reported.
- **restricted** (PSA check `capabilities_restricted`, policy 1.22 and later; below 1.22
  restricted runs the baseline check): every container must drop `ALL` (the exact
  string) and may add only `NET_BIND_SERVICE`. A container without a `securityContext`
  or `capabilities` is reported. From policy 1.25, pods with `spec.os.name: windows` are
  exempt.

Each offending `add` entry is reported at its line; a missing `drop: [ALL]` at the
container's `capabilities` (or the nearest field that exists).

## Why is this bad?
Capabilities split root's power into pieces; the default set a container runtime
grants is already generous, and `NET_RAW` (packet spoofing), `SYS_ADMIN` (almost root),
`SYS_PTRACE` or `SYS_MODULE` open the way out of the container. The baseline level allows
only additions from the runtime's default set; the restricted level requires dropping
everything and adding back at most `NET_BIND_SERVICE` (to bind ports below 1024).

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
      securityContext:
        capabilities:
          add: [NET_ADMIN, NET_RAW]
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
      securityContext:
        capabilities:
          drop: [ALL]
          add: [NET_BIND_SERVICE]
```

## Options
- `level` (`baseline`, the default, or `restricted`): `baseline` allows additions from
  the default set; `restricted` requires `drop: [ALL]` and allows adding only
  `NET_BIND_SERVICE`.
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

from kubelint.api import Control, Manifest, RuleContext, Violation, pss, rule

CONTROL = "pss-capabilities"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a container adds capabilities the PSS level forbids, or does not drop ALL",
    options=pss.rule_options(CONTROL),
    controls=(
        "pss:baseline/capabilities",
        Control("pss:restricted/capabilities", partial="with level: restricted"),
        Control(
            "cis:5.2.8",
            partial="with level: restricted; at baseline only adding NET_RAW is reported",
        ),
        Control(
            "cis:5.2.9",
            partial="NET_BIND_SERVICE may be added at level restricted, 13 capabilities at"
            " baseline",
        ),
        Control("cis:5.2.10", partial="with level: restricted"),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
