"""## What it does
Reports an object of the configured kinds whose `metadata.annotations` lacks one of the
annotation keys the option `annotations` lists. A key that is present counts, whatever its
value. One finding per object names every missing key.

The rule is off by default and, even when enabled, checks nothing until `annotations`
lists keys: which annotations an organisation requires (an owner, a runbook, a contact) is
a policy, not a Kubernetes rule.

## Why is this bad?
Annotations carry the information people and tools need about an object that does not
belong in labels: the owning team, the on-call contact, a runbook or source-repository
link, a description. When an incident starts from an object that lacks them, nobody knows
whom to call or where its configuration lives.

## Example
```yaml
# options: {"annotations": ["example.com/owner"]}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
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
# options: {"annotations": ["example.com/owner"]}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    example.com/owner: team-shop
spec:
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

## Options
- `annotations` (list of strings, default `[]`): the annotation keys every checked object
  must carry in `metadata.annotations`; empty: nothing is required.
- `kinds` (list of strings, default the workload kinds: Deployment, StatefulSet,
  DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Pod): the kinds checked;
  an empty list checks every kind. Built-in kinds are matched with their API group.

## References
- https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import (
    WORKLOAD_KINDS,
    Manifest,
    RuleContext,
    Violation,
    is_one_of,
    missing_metadata_keys,
    rule,
)


@rule(
    id="required-annotations",
    severity="warning",
    enabled=False,
    summary="an object lacks a required annotation",
    options={
        "annotations": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "annotation keys every checked object must"
            " carry; empty: nothing is required",
        },
        "kinds": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(WORKLOAD_KINDS),
            "description": "kinds to check; an empty list checks every kind",
        },
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not is_one_of(obj, ctx.options["kinds"]):
        return
    missing = missing_metadata_keys(obj, "annotations", ctx.options["annotations"])
    if missing:
        keys = ", ".join(map(repr, missing))
        plural = "s" if len(missing) > 1 else ""
        yield ctx.violation(
            ("metadata", "annotations"),
            f"{obj.kind} {obj.display_name or '?'!r} lacks the required annotation{plural} {keys}",
        )
