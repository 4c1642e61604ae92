"""## What it does
Reports a document that is meant to be a Kubernetes object but cannot be one: it has
`kind` without `apiVersion` (or the other way round), either of them is not a string,
`metadata` is not a mapping, there is no `metadata.name` (nor `generateName`), or a
`kind: List` has items that are not objects.

Documents with neither `apiVersion` nor `kind` (Helm values, kustomization files, CI
configuration) are not Kubernetes objects: kubelint skips them quietly and counts them
in the summary.

## Why is this bad?
The API server rejects such an object, and the other rules cannot check it.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  labels:
    app: web
data:
  mode: fast
```

## Use instead
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
  labels:
    app: web
data:
  mode: fast
```
"""

from kubelint.api import engine_rule

rule = engine_rule(
    id="manifest-structure",
    severity="error",
    summary="an object lacks apiVersion, kind or metadata.name",
    doc=__doc__,
)
