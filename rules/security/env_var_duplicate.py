"""## What it does
Reports an `env` entry of a container or init container whose `name` an earlier entry of
the same container's `env` already uses. The finding is on the later entry and says which
value wins: the last one. Variables from `envFrom` are not compared (an `env` entry
overriding an `envFrom` key is the documented way to override one).

## Why is this bad?
The kubelet builds the environment in list order, so a later entry silently replaces an
earlier one of the same name: the value a reader sees first, or the one a patch or an
overlay edited, is not the one the process gets. Since Kubernetes 1.29 the API server
returns a warning for it ("hides previous definition"), but nothing fails. Server-side
apply and strategic merge patches key `env` by `name`, so duplicates also make patches
ambiguous: server-side apply can fail on them (`duplicate entries for key`, depending on
the version), and a strategic merge patch may change or remove the wrong entry. A
duplicated secret-bearing variable (`DB_PASSWORD` from a Secret, then a literal) is a
common way a leftover debug value ends up in production.

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
      containers:
        - name: web
          image: registry.example.com/web:2.0
          env:
            - {name: LOG_LEVEL, value: info}
            - {name: LOG_LEVEL, value: debug}
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
          image: registry.example.com/web:2.0
          env:
            - {name: LOG_LEVEL, value: info}
```

## References
- https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
- https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


@rule(
    id="env-var-duplicate",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a container sets the same environment variable twice",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for ref in obj.containers(include_init=True):
        env = ref.container.get("env")
        if not isinstance(env, list):
            continue
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        for index, entry in enumerate(env):
            if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
                last[entry["name"]] = index
        for index, entry in enumerate(env):
            if not isinstance(entry, Mapping):
                continue
            name = entry.get("name")
            if not isinstance(name, str) or not name:
                continue
            if name not in first:
                first[name] = index
                continue
            winner = last[name]
            wins = (
                "this last entry wins" if winner == index else f"the last one, env[{winner}], wins"
            )
            yield ctx.violation(
                (*ref.path, "env", index, "name"),
                f"{ref.label} sets {name} again (first at env[{first[name]}]);"
                f" {wins}, the earlier values are silently ignored",
            )
