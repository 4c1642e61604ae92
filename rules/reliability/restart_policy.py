"""## What it does
Reports a pod `restartPolicy` that the object's controller does not allow:

- Deployment, ReplicaSet, ReplicationController, DaemonSet, StatefulSet: only `Always`
  (unset is fine: it defaults to `Always`);
- Job, CronJob: `OnFailure` or `Never`; unset is reported, since it defaults to `Always`;
- Pod, PodTemplate: `Always`, `OnFailure` or `Never`, spelled exactly (unset is fine).

Only the pod-level `spec.restartPolicy` is checked; a container-level `restartPolicy`
(`Always` on a sidecar init container) is a different field and is not reported.

## Why is this bad?
The API server rejects the object. Controllers that keep pods running (Deployment,
DaemonSet, StatefulSet, ...) only accept `Always`:
`spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"`.
A Job runs to completion, so it only accepts `OnFailure` or `Never`; because an unset pod
`restartPolicy` defaults to `Always`, a Job or CronJob that leaves it out is rejected too
(`Unsupported value: "Always": supported values: "OnFailure", "Never"`). For a bare Pod
the value must be one of the three, spelled exactly (`onFailure` is rejected).

The source notes give the same table (004, "pod重启": "RC和DaemonSet：必须设置为Always",
"Job：OnFailure或Never") and the three values with their default (001, "pod 重启策略有哪些").

## Example
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      containers:
        - name: migrate
          image: registry.example.com/migrate:2.1
```

## Use instead
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: migrate
          image: registry.example.com/migrate:2.1
```

## References
- https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy
- https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-template
- https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#pod-template
- Source notes 004 (pod重启): the restart policy each controller allows
- Source notes 001 (pod 重启策略有哪些): Always, OnFailure, Never; Always is the default
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Fix, Manifest, RuleContext, Violation, rule

#: What the pod spec defaults an unset (or empty) restartPolicy to.
DEFAULT_POLICY = "Always"
ALL_POLICIES = ("Always", "OnFailure", "Never")
RUN_TO_COMPLETION = ("OnFailure", "Never")

#: The restartPolicy values each kind's validation accepts.
ALLOWED: dict[str, tuple[str, ...]] = {
    "Deployment": ("Always",),
    "ReplicaSet": ("Always",),
    "ReplicationController": ("Always",),
    "DaemonSet": ("Always",),
    "StatefulSet": ("Always",),
    "Job": RUN_TO_COMPLETION,
    "CronJob": RUN_TO_COMPLETION,
    "Pod": ALL_POLICIES,
    "PodTemplate": ALL_POLICIES,
}


def _allowed_text(allowed: tuple[str, ...]) -> str:
    if len(allowed) == 1:
        return f"only {allowed[0]}"
    return ", ".join(allowed[:-1]) + f" or {allowed[-1]}"


@rule(
    id="restart-policy",
    severity="error",
    kinds=POD_SPEC_KINDS,
    fixable=True,
    summary="a pod restartPolicy the controller does not allow",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    allowed = ALLOWED.get(obj.kind or "")
    if spec_path is None or spec is None or allowed is None:
        return
    value = spec.get("restartPolicy")
    if value is not None and not isinstance(value, str):
        return  # a number or a mapping: schema validation reports it
    subject = f"{obj.kind} {obj.display_name or '?'!r}" + (
        " pod template" if obj.kind != "Pod" else ""
    )
    if not value:  # unset, null or "": Kubernetes defaults it before validating
        if DEFAULT_POLICY in allowed:
            return
        present = "restartPolicy" in spec
        path = (*spec_path, "restartPolicy") if present else spec_path
        state = "an empty restartPolicy" if present else "no restartPolicy"
        yield ctx.violation(
            path,
            f"{subject} has {state}, so it defaults to"
            f" {DEFAULT_POLICY}; a {obj.kind} allows"
            f" {_allowed_text(allowed)}",
            fix=_fix(spec_path, allowed),
        )
        return
    if value in allowed:
        return
    # "onFailure", "always ": name the spelling the API server would have accepted.
    spelled = next((p for p in allowed if p.lower() == value.strip().lower()), None)
    hint = f" (values are case-sensitive: {spelled})" if spelled is not None else ""
    fix = (
        Fix((*spec_path, "restartPolicy"), spelled)
        if spelled is not None
        else _fix(spec_path, allowed)
    )
    yield ctx.violation(
        (*spec_path, "restartPolicy"),
        f"{subject} has restartPolicy {value!r}; a {obj.kind} allows"
        f" {_allowed_text(allowed)}{hint}",
        fix=fix,
    )


def _fix(spec_path: tuple[str | int, ...], allowed: tuple[str, ...]) -> Fix | None:
    """The unambiguous replacement: OnFailure for Jobs (they restart failed pods in place,
    as Always would), or the only value a controller allows (Always)."""
    if "OnFailure" in allowed:
        return Fix((*spec_path, "restartPolicy"), "OnFailure")
    if len(allowed) == 1:
        return Fix((*spec_path, "restartPolicy"), allowed[0])
    return None
