"""## What it does
For each Namespace of the input labelled for Pod Security Admission, checks the workloads
of that namespace as PSA will:

- `pod-security.kubernetes.io/enforce: LEVEL` (with `pod-security.kubernetes.io/enforce-version`,
  `latest` when absent): each violation of LEVEL is an error at the offending field. PSA
  rejects such a Pod; a Deployment, StatefulSet, Job or other controller is admitted with
  a warning, but the pods it creates are rejected, and the message says so;
- `pod-security.kubernetes.io/warn`: a warning (`kubectl` prints PSA's warning);
- `pod-security.kubernetes.io/audit`: info (PSA annotates the audit event).

A violation that several modes catch is reported once, in the strongest mode. Messages
carry PSA's reason and detail for the field, e.g. `pod would be rejected by namespace
'payments' (restricted:v1.33): privileged (container "web" must not set
securityContext.privileged=true)`. Workloads without a namespace belong to the default
namespace (`namespace` in the configuration), as everywhere in kubelint; custom
workloads kubelint knows the pods of (Argo Rollouts, OpenKruise CloneSets, ...) are
checked for the pods they create.

The versions follow PSA: `latest`, and any version above the newest policy revision or
the target Kubernetes version, are evaluated as what a cluster of the target version
runs. An invalid label value is reported at the label, with the API server's message
(it rejects the Namespace); the workloads are then checked as PSA checks them while such
a label is in place: an invalid `enforce` level as `restricted`, an invalid `warn` or
`audit` level as `privileged` (no checks), an invalid version as `latest`.

The checks are those of the `pss-*` rules (docs/pod-security-standards.md), whatever
rules are enabled.

## Why is this bad?
The manifests apply cleanly to a namespace without the labels and fail in the one that
has them: a Deployment is created, reports no error, and never gets a pod (`kubectl
describe replicaset` shows `violates PodSecurity ...`). Finding it at review is cheaper
than in a rollout that stalls.

## Example
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: v1.33
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: payments
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.0
```

## Use instead
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: v1.33
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: payments
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: api
          image: registry.example.com/api:1.0
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
```

## References
- https://kubernetes.io/docs/concepts/security/pod-security-admission/
- https://kubernetes.io/docs/concepts/security/pod-security-standards/
- https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Control, Manifest, RuleContext, Violation, pss, rule

#: What each mode means for the object, by whether it is a Pod.
_SAYS = {
    ("enforce", True): "pod would be rejected by namespace {namespace!r} ({policy})",
    ("enforce", False): "its pods would be rejected by namespace {namespace!r} ({policy})",
    ("warn", True): "namespace {namespace!r} would warn ({policy})",
    ("warn", False): "namespace {namespace!r} would warn ({policy})",
    ("audit", True): "namespace {namespace!r} would record it in the audit log ({policy})",
    ("audit", False): "namespace {namespace!r} would record it in the audit log ({policy})",
}
_SEVERITY = {"enforce": "error", "warn": "warning", "audit": "info"}


@rule(
    id="pod-security-admission",
    severity="error",
    kinds=POD_SPEC_KINDS | {"Namespace"},
    summary="a workload breaks the Pod Security level its namespace's labels enforce,"
    " warn or audit",
    controls=(
        Control(
            "nsa:pod-security-enforcement",
            partial="the workloads of the input are checked against the levels their"
            " Namespace labels enforce; whether the cluster enforces them is not in"
            " the manifests",
        ),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if obj.kind == "Namespace":
        if obj.is_kind("Namespace"):
            for key, message in pss.namespace_policies(obj.labels)[1]:
                yield ctx.violation(("metadata", "labels", key), message)
        return
    if obj.pod_spec() is None:
        return
    namespace = ctx.namespace_of(obj)
    found = ctx.index.get("Namespace", namespace) if namespace is not None else None
    if found is None:
        return
    is_pod = obj.kind == "Pod"
    reported: set[tuple[str | int, ...]] = set()
    for policy in pss.namespace_policies(found.labels)[0]:
        says = _SAYS[(policy.mode, is_pod)].format(namespace=namespace, policy=policy.name)
        minor = pss.policy_minor(policy.parsed, ctx.kubernetes_version)
        for result in pss.evaluate(obj, policy.level, minor):
            for spot in result.spots:
                if spot.path not in reported:  # the strongest mode that catches it
                    reported.add(spot.path)
                    yield ctx.violation(
                        spot.path, f"{says}: {spot.message}", severity=_SEVERITY[policy.mode]
                    )
