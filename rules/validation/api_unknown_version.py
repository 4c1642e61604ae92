"""## What it does
Reports an object whose apiVersion belongs to a group Kubernetes itself serves (`apps`,
`batch`, `networking.k8s.io`, the core group...) but which the target Kubernetes version
does not serve for that kind: a typo such as `apps/v1beta3`, a version that never
existed, or a kind that group does not have (`apps/v1` `Deploymnet`). It suggests the
served apiVersion or the closest kind. APIs that were removed are reported by
`api-removed` instead, with their replacement.

## Why is this bad?
`kubectl apply` fails with `no matches for kind "Deployment" in version "apps/v1beta3"`,
and nothing in the file is validated.

## Example
```yaml
apiVersion: apps/v1beta3
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
        - {name: web, image: "nginx:1.27"}
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
      containers:
        - {name: web, image: "nginx:1.27"}
```

## References
- https://kubernetes.io/docs/reference/using-api/#api-versioning
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache

from kubelint.api import (
    AFTER_SEMICOLON,
    Manifest,
    RuleContext,
    Violation,
    bundled,
    did_you_mean,
    rule,
    version_minor,
)


@lru_cache(maxsize=1)
def _removed_in() -> dict[tuple[str, str], int]:
    """(apiVersion, kind) -> the minor version that removed it (api-removed's table)."""
    entries = json.loads(bundled("api-versions.json"))
    if isinstance(entries, dict):
        entries = entries.get("apis", [])
    return {
        (e["apiVersion"], e["kind"]): version_minor(e["removed"])
        for e in entries
        if isinstance(e, dict) and e.get("removed")
    }


@rule(
    id="api-unknown-version",
    severity="error",
    summary="an apiVersion or kind the target Kubernetes version does not serve",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    assert obj.api_version is not None and obj.kind is not None and ctx.run is not None
    catalog = ctx.run.catalog
    api_version, kind = obj.api_version, obj.kind
    if catalog.knows(api_version, kind) or not catalog.is_builtin_group(api_version):
        return
    removed = _removed_in().get((api_version, kind))
    if removed is not None and removed <= ctx.kubernetes_minor:
        return  # api-removed reports it, with the replacement
    group = api_version.rpartition("/")[0]
    target = ctx.kubernetes_version
    served = catalog.served_versions(group, kind)
    if served:
        yield ctx.violation(
            ("apiVersion",),
            f"Kubernetes {target} does not serve {kind} in"
            f" {api_version}; use {' or '.join(served)}",
        )
        return
    kinds = catalog.kinds_of_group(group)
    hint = did_you_mean(kind, sorted(kinds), form=AFTER_SEMICOLON)
    shown = group or "the core group (v1)"
    yield ctx.violation(("kind",), f"Kubernetes {target} has no kind {kind!r} in {shown}{hint}")
