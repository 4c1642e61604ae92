"""## What it does
Reports an object whose identity (API group, kind, namespace and name) another object
applied together with it already has: in the same file, or in the same chart rendering
or kustomize build. The finding is at the later object's `metadata.name` and names the
earlier one. Namespaces are compared as objects land (the configured default
namespace for an object without one); objects with only a `generateName` are never
duplicates. The groups that serve one built-in kind count as one (`apps` and
`extensions` Deployments are the same resource).

Two copies with the same content are reported as info (redundant, harmless); copies that
differ are a warning.

The same identity in two files is not reported: sibling files and directories often
hold alternatives (`install.yaml` and `core-install.yaml`, examples, environments), and
each chart rendering or kustomize build is applied on its own.

## Why is this bad?
`kubectl apply -f FILE` applies both, and the later one replaces the earlier one without
a word: whatever the first copy set (a replica count, an image, a port) is lost, and which
copy wins depends on file order. kustomize refuses to build such input ("may not add
resource with an already registered id"). kubelint's
cross-resource rules also see two objects where the cluster will have one, so a Service
or a PodDisruptionBudget may be matched against the copy that will not exist.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  LOG_LEVEL: info
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  LOG_LEVEL: debug
```

## Use instead
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  LOG_LEVEL: info
```
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, is_custom_resource, rule


def _where(obj: Manifest) -> str:
    """Where the user finds ``obj``: its template for rendered objects, else file:line."""
    if obj.template:
        return obj.template
    if obj.origin is not None:
        return obj.source.path
    return f"{obj.source.path}:{obj.locate(('metadata', 'name')).span.line + 1}"


@rule(
    id="object-duplicate",
    severity="warning",
    summary="two objects of one unit have the same kind, namespace and name",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    earlier = ctx.index.earlier_namesakes(obj)
    if not earlier:
        return
    first = earlier[0]
    # A custom resource without a namespace may be cluster-scoped: only its CRD knows.
    namespace = (
        ctx.index.namespace_of(obj) if obj.namespace or not is_custom_resource(obj) else None
    )
    what = f"{obj.kind} {obj.display_name!r}" + (
        f" in namespace {namespace!r}" if namespace else ""
    )
    if first.data == obj.data:
        yield ctx.violation(
            ("metadata", "name"),
            f"{what} is defined twice with the same content (also at"
            f" {_where(first)}); remove one copy",
            severity="info",
        )
        return
    yield ctx.violation(
        ("metadata", "name"),
        f"{what} is also defined at {_where(first)}, differently: applied"
        " together, the later copy replaces the earlier one; keep one",
    )
