"""## What it does
Reports a container whose `name` another container of the same pod spec already has.
Names must be unique across all the containers of a pod: regular containers, init
containers (sidecars included) and ephemeral containers. Containers are compared in the
order the API server validates them: `containers`, then `initContainers`, then
`ephemeralContainers`; the finding is at the later one's `name` and names the earlier one.

Names that are missing, empty or not strings are left to schema validation.

## Why is this bad?
The API server rejects the pod, or the workload's pod template, with
`Duplicate value: "<name>"`. Container names identify containers everywhere else too:
`kubectl logs -c`, `kubectl exec -c`, container statuses, resource metrics, and the
strategic merge patches of `kubectl apply`, which merge container lists by name. A name
reused by an init container is a classic copy-paste slip when an init step is split off
the main container.

## Example
```yaml
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
      initContainers:
        - name: web
          image: registry.example.com/web:2.1
          command: [./migrate]
      containers:
        - name: web
          image: registry.example.com/web:2.1
```

## Use instead
```yaml
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
      initContainers:
        - name: migrate
          image: registry.example.com/web:2.1
          command: [./migrate]
      containers:
        - name: web
          image: registry.example.com/web:2.1
```

## References
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Container
- https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
- https://kubernetes.io/docs/concepts/workloads/pods/ephemeral-containers/
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import POD_SPEC_KINDS, Manifest, Path, RuleContext, Violation, format_path, rule

#: Container lists of a pod spec, in the order the API server validates them.
GROUPS = {
    "containers": "container",
    "initContainers": "init container",
    "ephemeralContainers": "ephemeral container",
}


@rule(
    id="container-name-duplicate",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="two containers of a pod have the same name",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    seen: dict[str, tuple[str, Path]] = {}
    for group, kind in GROUPS.items():
        items = spec.get(group)
        if not isinstance(items, list):
            continue
        for index, container in enumerate(items):
            if not isinstance(container, Mapping):
                continue
            name = container.get("name")
            if not isinstance(name, str) or not name:
                continue
            path = (*spec_path, group, index, "name")
            if name not in seen:
                seen[name] = (kind, path)
                continue
            first_kind, first_path = seen[name]
            same = "another " + kind if first_kind == kind else f"{first_kind}"
            yield ctx.violation(
                path,
                f"{kind} {name!r} has the same name as {same}"
                f" {name!r} (at {format_path(first_path[:-1])});"
                " container names must be unique in a pod",
            )
