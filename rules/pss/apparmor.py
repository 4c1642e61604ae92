"""## What it does
The PSS control *AppArmor* (PSA check `appArmorProfile`):

- `securityContext.appArmorProfile.type` of the pod and of each container must be
  `RuntimeDefault` or `Localhost` when set (the pod's value is checked even when every
  container overrides it, as in PSA);
- every pod annotation `container.apparmor.security.beta.kubernetes.io/*` (the
  template's annotations, for workloads; for any container name) must be empty,
  `runtime/default` or `localhost/<profile>`.

## Why is this bad?
`Unconfined` turns off the AppArmor profile the container runtime applies by
default, which blocks writes to `/proc` and `/sys` files and mounts that container
escapes rely on. The baseline level forbids overriding it with anything but another
confining profile.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    appArmorProfile: {type: Unconfined}
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
    appArmorProfile: {type: RuntimeDefault}
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

CONTROL = "pss-apparmor"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a pod or container sets an AppArmor profile other than RuntimeDefault or Localhost",
    options=pss.rule_options(CONTROL),
    controls=("pss:baseline/apparmor",),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
