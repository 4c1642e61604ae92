"""## What it does
Reports a container that reads a Secret into environment variables: an `env` entry with
`valueFrom.secretKeyRef`, or (unless the option says otherwise) an `envFrom` entry with
`secretRef`. Off by default: it enforces CIS Kubernetes Benchmark 5.4.1, "Prefer using
secrets as files over secrets as environment variables", which many applications cannot
follow without a code change.

## Why is this bad?
Environment variables leak more easily than files: they are inherited by every child
process, printed by crash handlers, debug endpoints and `env` in a support session, and
readable in `/proc/<pid>/environ`. They are also fixed when the container starts: the
kubelet updates a mounted Secret's files some time after the Secret changes (unless it is
a `subPath` mount), but an environment variable only changes with a restart.
A Secret mounted as a volume (read-only, `defaultMode: 0400`) avoids both.

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
          image: registry.example.com/api:1.4.2
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: db, key: password}
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
          image: registry.example.com/api:1.4.2
          env:
            - {name: DB_PASSWORD_FILE, value: /etc/db/password}
          volumeMounts:
            - {name: db, mountPath: /etc/db, readOnly: true}
      volumes:
        - name: db
          secret: {secretName: db, defaultMode: 0400}
```

## Options
- `env-from` (boolean, default `true`): also report `envFrom` entries with a `secretRef`
  (every key of the Secret becomes a variable).

## References
- https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables
- https://kubernetes.io/docs/concepts/security/secrets-good-practices/
- CIS Kubernetes Benchmark 5.4.1
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


@rule(
    id="env-secret-ref",
    severity="info",
    kinds=POD_SPEC_KINDS,
    enabled=False,
    summary="a container reads a Secret into environment variables",
    options={
        "env-from": {
            "type": "boolean",
            "default": True,
            "description": "also report envFrom entries with a secretRef",
        }
    },
    controls=("cis:5.4.1",),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    env_from = ctx.options.get("env-from", True) is not False
    for ref in obj.containers(include_init=True):
        env = ref.container.get("env")
        for index, entry in enumerate(env if isinstance(env, list) else ()):
            if not isinstance(entry, Mapping):
                continue
            source = entry.get("valueFrom")
            secret = source.get("secretKeyRef") if isinstance(source, Mapping) else None
            if isinstance(secret, Mapping):
                yield ctx.violation(
                    (*ref.path, "env", index, "valueFrom", "secretKeyRef"),
                    f"{ref.label} reads {entry.get('name')!r} from Secret"
                    f" {secret.get('name')!r} (key {secret.get('key')!r})"
                    " into an environment variable; mount the Secret as"
                    " a file instead",
                )
        sources = ref.container.get("envFrom") if env_from else None
        for index, entry in enumerate(sources if isinstance(sources, list) else ()):
            secret = entry.get("secretRef") if isinstance(entry, Mapping) else None
            if isinstance(secret, Mapping):
                yield ctx.violation(
                    (*ref.path, "envFrom", index, "secretRef"),
                    f"{ref.label} reads every key of Secret"
                    f" {secret.get('name')!r} into environment variables"
                    " (envFrom); mount the Secret as files instead",
                )
