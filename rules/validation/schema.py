"""## What it does
Validates every object against the schema of the Kubernetes API it targets, offline: the
schemas of Kubernetes {oldest} to {newest} ship with kubelint (`--kubernetes-version`, default
the newest), and custom resources are validated against the CRDs found in the input or
given with `--crds`. It reports, at the line and column of the offending field:

- unknown fields (validation is strict, as `kubectl apply` is by default), with the
  closest known field name (`initalDelaySeconds` -> `initialDelaySeconds`);
- wrong types, such as a string where an integer belongs, or a mapping for a list;
- missing required fields, at the parent key, each of them (a Deployment `spec` without
  `selector` and `template` gives two findings);
- values outside an enumeration, and malformed quantities and int-or-string values.

When a value fails several alternatives at once (an int-or-string, a quantity), one
finding names what was expected.

## Why is this bad?
The API server rejects the object (`strict decoding error: unknown field
"spec.template.spec.containers[0].livenessProbe.initalDelaySeconds"`), or, with lenient
validation, silently drops the misspelt field: the probe then runs without the delay you
thought you set. Finding it in review is cheaper than in a failed deployment.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "3"
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            initalDelaySeconds: 10
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            initialDelaySeconds: 10
```

## Options
The target version is a global setting: `--kubernetes-version 1.30` or
`kubernetes-version: "1.30"` in `.kubelint.yaml`. CRD files for custom resources:
`--crds DIR` or `crds: [DIR]`.

## References
- https://kubernetes.io/docs/reference/kubernetes-api/
- https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, rule, with_kubernetes_versions

# The documentation names the bundled Kubernetes versions, whichever they are.
__doc__ = with_kubernetes_versions(__doc__ or "")


@rule(id="schema", severity="error", summary="an object does not match its Kubernetes API schema")
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    assert obj.api_version is not None and obj.kind is not None and ctx.run is not None
    for problem in ctx.run.catalog.problems(obj.api_version, obj.kind, obj.data):
        yield ctx.violation(problem.path, problem.message)
