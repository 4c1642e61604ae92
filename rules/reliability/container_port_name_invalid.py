"""## What it does
Reports a container port `name` that the API server rejects, or that is ambiguous:

- a name that is not an `IANA_SVC_NAME`: longer than 15 characters, with characters other
  than lowercase letters, digits and `-`, without a letter, starting or ending with `-`,
  or with `--` (an error);
- a name that the same container already gives another port (an error);
- a name that another container of the pod (a regular container or a sidecar init
  container, those with `restartPolicy: Always`) already gives one of its ports, on a
  different port number (a warning).

Names that are not strings are left to schema validation; an empty name is the same as
none. Every container, init container and ephemeral container is checked for the first
two. For the third, sidecar init containers come before the containers (the order they
start in); the finding is at the later `name` and says where the earlier one is. Two
entries with the same name and the same port number in two containers are
`container-port-conflict`'s finding.

## Why is this bad?
The API server validates each container's ports (`validateContainerPorts` in
`pkg/apis/core/validation`): a name that fails `IsValidPortName` is `Invalid`
("must be no more than 15 characters", "must contain only alpha-numeric characters (a-z,
0-9), and hyphens (-)", ...) and a name repeated within the container is
`Duplicate value`, so the Deployment (or any workload) is refused as a whole. Names over
15 characters are a common slip: `http-metrics-endpoint` reads well and is rejected.

Across containers the API server accepts a repeated name, but the API reference asks for
names "unique within the pod", and for good reason: a Service `targetPort` (or a
ServiceMonitor's) that refers to the port by name resolves to the first container that
declares it, so traffic or scrapes meant for the sidecar's `metrics` port reach the application's.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:2.3
          ports:
            - name: http
              containerPort: 8080
            - name: http-metrics-endpoint
              containerPort: 9090
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:2.3
          ports:
            - name: http
              containerPort: 8080
            - name: http-metrics
              containerPort: 9090
```

## References
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
- https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
- https://www.rfc-editor.org/rfc/rfc6335#section-5.1 (service names)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from kubelint.api import (
    POD_SPEC_KINDS,
    Manifest,
    Path,
    RuleContext,
    Violation,
    format_path,
    port_name_problems,
    rule,
)

#: Container lists of a pod spec: sidecar init containers start before the containers.
GROUPS = ("initContainers", "containers", "ephemeralContainers")


class _Named(NamedTuple):
    path: Path  # of the port entry
    label: str  # "container 'web'"
    port: Any  # its containerPort, as written


def _label(group: str, container: Mapping[str, Any], index: int) -> str:
    kind = {"initContainers": "init container", "ephemeralContainers": "ephemeral container"}.get(
        group, "container"
    )
    name = container.get("name")
    return f"{kind} {name!r}" if isinstance(name, str) and name else f"{kind} #{index}"


@rule(
    id="container-port-name-invalid",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="a container port name is rejected by the API server or used twice in a pod",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    in_pod: dict[str, _Named] = {}  # names of the containers that run side by side
    for group in GROUPS:
        items = spec.get(group)
        for index, container in enumerate(items if isinstance(items, list) else ()):
            if not isinstance(container, Mapping):
                continue
            label = _label(group, container, index)
            running = group == "containers" or (
                group == "initContainers" and container.get("restartPolicy") == "Always"
            )
            ports = container.get("ports")
            in_container: dict[str, _Named] = {}
            for number, entry in enumerate(ports if isinstance(ports, list) else ()):
                name = entry.get("name") if isinstance(entry, Mapping) else None
                if not isinstance(name, str) or not name:
                    continue
                here = _Named(
                    (*spec_path, group, index, "ports", number), label, entry.get("containerPort")
                )
                where = (*here.path, "name")
                reasons = port_name_problems(name)
                if reasons:
                    yield ctx.violation(
                        where,
                        f"{label} port name {name!r} is not a valid"
                        f" port name: it {'; it '.join(reasons)}",
                    )
                    continue
                first = in_container.setdefault(name, here)
                if first is not here:
                    yield ctx.violation(
                        where,
                        f"{label} names two ports {name!r} (the"
                        f" first at {format_path(first.path)});"
                        " port names must be unique",
                    )
                    continue
                if not running:
                    continue
                other = in_pod.setdefault(name, here)
                if other is not here and other.label != label and other.port != here.port:
                    yield ctx.violation(
                        where,
                        f"{label} port {name!r} has the name of"
                        f" {other.label}'s port {other.port} (at"
                        f" {format_path(other.path)}): a Service"
                        " targetPort that names it reaches only the"
                        " first",
                        severity="warning",
                    )
