"""## What it does
Reports a `metadata.name` (or `metadata.generateName`) that the API server rejects for
the object's kind:

- most kinds, custom resources included: a DNS-1123 subdomain, at most 253 characters
  of lowercase alphanumerics, `-` and `.`, starting and ending with an alphanumeric
  (`web-v2`, `kafka.example.com`);
- `Namespace`: a DNS-1123 label, the same without dots and at most 63 characters;
- `Service`: a DNS-1035 label, a DNS-1123 label that also starts with a letter (the
  name becomes a DNS name, `<service>.<namespace>.svc`, and environment variable names);
- `CronJob`: a subdomain of at most 52 characters (the Jobs it creates append an
  11-character suffix and must still fit in a 63-character label);
- RBAC `Role`, `ClusterRole`, `RoleBinding`, `ClusterRoleBinding`: any path segment
  (`system:controller:foo` is valid), only `.`, `..` and names containing `/` or `%`
  are rejected.

Names that contain a template placeholder left for a tool or a reader to fill in
(`${CLUSTER}`, `{{ .Release.Name }}`, `<your-name>`, `%{var}`) are skipped, as
`label-value-invalid` skips such labels: the API server only ever sees the filled-in
text. Only a complete token counts: `web<2` or `api{` is checked, and reported.

A `generateName` is a prefix to which the API server appends five random characters: it
is checked like a name except that it may end with `-` (the usual `job-run-`).

## Why is this bad?
The API server rejects the object (`metadata.name: Invalid value: "Web_API": a lowercase
RFC 1123 subdomain must consist of ...`), so the apply fails at deploy time, and for a
multi-document file half way through. Names are used in DNS (Services, Namespaces, the
pods of a StatefulSet), so the rules are those of host names: uppercase letters and
underscores, common in names carried over from other systems, are not allowed.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: 1st-api
spec:
  selector: {app: api}
  ports:
    - port: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: Web_Settings
data:
  mode: fast
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: first-api
spec:
  selector: {app: api}
  ports:
    - port: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
data:
  mode: fast
```

## References
- https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
- https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#writing-a-cronjob-spec
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, has_placeholder, lazy_compile, rule

_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = lazy_compile(rf"{_LABEL}(\.{_LABEL})*\Z")
_DNS1123_LABEL = lazy_compile(rf"{_LABEL}\Z")
_DNS1035_LABEL = lazy_compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_RBAC_KINDS = ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")

_SUBDOMAIN_TEXT = (
    "a DNS-1123 subdomain (lowercase alphanumerics, '-' or '.', starting and"
    " ending with an alphanumeric)"
)
_LABEL_TEXT = (
    "a DNS-1123 label (lowercase alphanumerics or '-', starting and ending with"
    " an alphanumeric, no dots)"
)
_DNS1035_TEXT = (
    "a DNS-1035 label (lowercase alphanumerics or '-', starting with a letter"
    " and ending with an alphanumeric, no dots)"
)


def _problem(obj: Manifest, name: str, prefix: bool) -> str | None:
    """Why ``name`` is not a valid name (or generateName prefix) for ``obj``'s kind."""
    kind = obj.kind or ""
    if kind in _RBAC_KINDS and obj.is_kind(kind):
        if name in (".", ".."):
            return f"may not be {name!r}"
        for char in ("/", "%"):
            if char in name:
                return f"may not contain {char!r}"
        return None
    # Kubernetes checks a generateName prefix with a trailing '-' masked (a random
    # suffix follows it).
    checked = name[:-1] + "a" if prefix and len(name) > 1 and name.endswith("-") else name
    if obj.is_kind("Service"):
        pattern, text, limit = _DNS1035_LABEL, _DNS1035_TEXT, 63
    elif obj.is_kind("Namespace"):
        pattern, text, limit = _DNS1123_LABEL, _LABEL_TEXT, 63
    else:
        pattern, text, limit = _SUBDOMAIN, _SUBDOMAIN_TEXT, 253
        if obj.is_kind("CronJob"):
            limit = 52
    if len(name) > limit and not prefix:  # generated names are truncated to fit
        extra = " (its Jobs add an 11-character suffix)" if limit == 52 else ""
        return f"is {len(name)} characters long, more than {limit}{extra}"
    if not pattern.match(checked):
        return f"is not {text}"
    return None


@rule(id="name-invalid", severity="error", summary="an object's name is not valid for its kind")
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    kind = obj.kind or "object"
    for field, prefix in (("name", False), ("generateName", True)):
        name = obj.metadata.get(field)
        if not isinstance(name, str) or not name:
            continue  # missing or malformed: manifest-structure and schema report it
        if has_placeholder(name):
            continue  # filled in before the manifest reaches the API server
        problem = _problem(obj, name, prefix)
        if problem is not None:
            what = "generateName prefix" if prefix else "name"
            yield ctx.violation(("metadata", field), f"{kind} {what} {name!r} {problem}")
