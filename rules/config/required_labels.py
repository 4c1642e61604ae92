"""## What it does
Reports an object of the configured kinds whose `metadata.labels` lacks one of the label
keys the option `labels` lists (by default `app.kubernetes.io/name`). A key that is
present counts, whatever its value. One finding per object names every missing key.

The rule is off by default: which labels an organisation requires is a policy, not a
Kubernetes rule. Enable it in `.kubelint.yaml` with the keys your tooling relies on.

## Why is this bad?
Labels are how everything after the apply finds an object: `kubectl get -l`, dashboards,
cost reports, alert routing, NetworkPolicies and the recommended
`app.kubernetes.io/*` labels that tools such as Helm and Argo CD read. The source notes
(001, "标签及标签选择器是什么？如何使用？") describe labels as the key/value pairs used to
manage, query and filter objects; an object without the agreed labels drops out of every
such query silently.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
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
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
    app.kubernetes.io/name: web
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
- `labels` (list of strings, default `["app.kubernetes.io/name"]`): the label keys every
  checked object must carry in `metadata.labels`.
- `kinds` (list of strings, default the workload kinds: Deployment, StatefulSet,
  DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Pod): the kinds checked;
  an empty list checks every kind. Built-in kinds are matched with their API group.

## References
- https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
- https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
- Source notes 001 (标签及标签选择器是什么？如何使用？)
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
    id="required-labels",
    severity="warning",
    enabled=False,
    summary="an object lacks a required label",
    options={
        "labels": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["app.kubernetes.io/name"],
            "description": "label keys every checked object must carry",
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
    missing = missing_metadata_keys(obj, "labels", ctx.options["labels"])
    if missing:
        keys = ", ".join(map(repr, missing))
        plural = "s" if len(missing) > 1 else ""
        yield ctx.violation(
            ("metadata", "labels"),
            f"{obj.kind} {obj.display_name or '?'!r} lacks the required label{plural} {keys}",
        )
