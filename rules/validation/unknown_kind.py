"""## What it does
Reports a custom resource (an apiVersion outside the groups Kubernetes itself serves)
whose schema kubelint does not know: no CustomResourceDefinition for it is in the input
or in `--crds`. Such objects cannot be validated. The finding is `info`; with
`strict-kinds: true` in the config (or `--strict-kinds`) it is an error, so a pipeline can
insist that every resource is checked. The summary counts them too. kubelint never
fetches a schema over the network.

## Why is this bad?
An unvalidated resource can carry any typo into the cluster, where the operator that
owns it may ignore the field silently.

## Example
```yaml
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  endpoints:
    - port: metrics
```

## Use instead
Lint the CRD with the resource (`kubelint check crds/ manifests/`), or point kubelint at a
folder of vendored CRDs (`--crds vendor/crds` or `crds:` in `.kubelint.yaml`):

```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: small
spec:
  size: 1
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, rule


@rule(id="unknown-kind", severity="info", summary="a custom resource has no known schema")
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    assert obj.api_version is not None and obj.kind is not None and ctx.run is not None
    catalog = ctx.run.catalog
    if catalog.knows(obj.api_version, obj.kind) or catalog.is_builtin_group(obj.api_version):
        return
    severity = "error" if ctx.run.config.strict_kinds else None
    yield ctx.violation(
        ("kind",),
        f"no schema for {obj.api_version} {obj.kind}: add its"
        " CustomResourceDefinition to the input or to --crds",
        severity=severity,
    )
