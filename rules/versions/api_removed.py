"""## What it does
Reports an object whose `apiVersion` no longer serves its `kind` in the Kubernetes version
the manifests target: `extensions/v1beta1` Deployments (removed in 1.16), `policy/v1beta1`
PodDisruptionBudgets and PodSecurityPolicies (1.25), `flowcontrol.apiserver.k8s.io/v1beta3`
(1.32), and every other removal the Kubernetes deprecation guide lists from 1.16 on, plus the
alpha and off-by-default beta APIs removed since 1.25. The message names the apiVersion to
migrate to and the release since which it is served; when that replacement was itself
removed by the target version, the rule follows it to the one that is served
(`flowcontrol.apiserver.k8s.io/v1beta1` -> `v1`), or says that nothing replaces it
(PodSecurityPolicy: use Pod Security Admission).

The target version is the newest bundled release ({newest}) unless chosen with
`--kubernetes-version 1.30` on the command line or `kubernetes-version: "1.30"` in
`.kubelint.yaml` (or `[tool.kubelint]` in `pyproject.toml`). APIs that are deprecated but
still served by the target version are reported by `api-deprecated` instead.

The data comes from `schemas/api-versions.json` (shipped with kubelint), one entry per
apiVersion and kind, written from the deprecation guide and checked against the API schemas
of each bundled release.

## Why is this bad?
The API server of the target version does not know the object's type: `kubectl apply` fails
with `no matches for kind "Deployment" in version "extensions/v1beta1"` (or `resource mapping
not found`), Helm aborts the release, and GitOps tools stop syncing the whole application.
Objects already stored were converted when the API was removed, so the failure shows up only
at the next deploy, usually right after a cluster upgrade. Most replacements are not
drop-in: fields were renamed or made required (an `apps/v1` Deployment needs
`spec.selector`, a `networking.k8s.io/v1` Ingress backend is `service.name` and
`service.port`), so migrate deliberately, e.g. with `kubectl convert`.

## Example
```yaml
apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: web
spec:
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

## References
- https://kubernetes.io/docs/reference/using-api/deprecation-guide/
- https://kubernetes.io/docs/reference/using-api/deprecation-policy/
- https://kubernetes.io/docs/tasks/tools/included/kubectl-convert-overview/
- https://kubernetes.io/docs/tasks/configure-pod-container/migrate-from-psp/
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from kubelint.api import (
    Manifest,
    RuleContext,
    Violation,
    bundled,
    rule,
    version_minor,
    with_kubernetes_versions,
)

# The documentation names the bundled Kubernetes versions, whichever they are.
__doc__ = with_kubernetes_versions(__doc__ or "")

API_VERSION: tuple[str, ...] = ("apiVersion",)


class ApiEntry(NamedTuple):
    """One row of schemas/api-versions.json."""

    api_version: str
    kind: str
    deprecated: str
    removed: str | None
    replacement: str | None  # an apiVersion
    replacement_kind: str  # the kind in the replacement apiVersion (usually ``kind``)
    available: str | None  # since when the replacement is served

    def removed_by(self, minor: int) -> bool:
        return self.removed is not None and version_minor(self.removed) <= minor

    def deprecated_by(self, minor: int) -> bool:
        return version_minor(self.deprecated) <= minor


def _minor_or_none(value: Any) -> str | None:
    """A "1.N" string, or None when it is not one."""
    if not isinstance(value, str):
        return None
    major, _, minor = value.partition(".")
    return value if major == "1" and minor.isdigit() else None


def _entry(row: Any) -> ApiEntry | None:
    if not isinstance(row, Mapping):
        return None
    api_version, kind = row.get("apiVersion"), row.get("kind")
    deprecated = _minor_or_none(row.get("deprecated"))
    removed = _minor_or_none(row.get("removed"))
    replacement = row.get("replacement")
    available = _minor_or_none(row.get("available"))
    replacement_kind = row.get("replacementKind", kind)
    if not (isinstance(api_version, str) and isinstance(kind, str) and deprecated):
        return None
    if row.get("removed") is not None and removed is None:
        return None
    if replacement is not None and not (
        isinstance(replacement, str) and available and isinstance(replacement_kind, str)
    ):
        return None
    return ApiEntry(
        api_version,
        kind,
        deprecated,
        removed,
        replacement,
        replacement_kind if replacement else kind,
        available if replacement else None,
    )


@lru_cache(maxsize=1)
def api_table() -> dict[tuple[str, str], ApiEntry]:
    """schemas/api-versions.json by (apiVersion, kind), read once; malformed rows are
    skipped (tests/test_api_versions.py keeps the file well-formed)."""
    try:
        data = json.loads(bundled("api-versions.json"))
    except (OSError, ValueError):
        return {}
    rows = data.get("apis") if isinstance(data, Mapping) else data
    table: dict[tuple[str, str], ApiEntry] = {}
    for row in rows if isinstance(rows, list) else []:
        entry = _entry(row)
        if entry is not None:
            table.setdefault((entry.api_version, entry.kind), entry)
    return table


def lookup(obj: Manifest) -> ApiEntry | None:
    if not isinstance(obj.api_version, str) or not isinstance(obj.kind, str):
        return None
    return api_table().get((obj.api_version, obj.kind))


def advice(entry: ApiEntry, minor: int) -> tuple[str, ApiEntry | None]:
    """What to migrate to at target minor ``minor``: ("use X (available since 1.N)", None),
    or ("", the last entry of the chain) when nothing served replaces ``entry``. A
    replacement that the target no longer serves is followed to its own replacement."""
    current, seen = entry, {(entry.api_version, entry.kind)}
    while True:
        if current.replacement is None:
            return "", current
        key = (current.replacement, current.replacement_kind)
        successor = api_table().get(key)
        if successor is None or not successor.removed_by(minor) or key in seen:
            shown = current.replacement
            if current.replacement_kind != entry.kind:
                shown += f" {current.replacement_kind}"
            return f"use {shown} (available since {current.available})", None
        seen.add(key)
        current = successor


@rule(
    id="api-removed",
    severity="error",
    summary="an apiVersion that the target Kubernetes version no longer serves",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    entry = lookup(obj)
    if entry is None or not entry.removed_by(minor := ctx.kubernetes_minor):
        return
    what = f"{entry.api_version} {entry.kind} was removed in Kubernetes {entry.removed}"
    use, last = advice(entry, minor)
    if use:
        message = f"{what}; {use}"
    elif last is entry:
        message = f"{what} and has no replacement"
    else:
        assert last is not None
        message = (
            f"{what}; its replacement {last.api_version} {last.kind} was removed in"
            f" {last.removed} and has no replacement"
        )
    yield ctx.violation(API_VERSION, message)
