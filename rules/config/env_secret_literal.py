"""## What it does
Reports an environment variable of a container or init container whose name looks like a
secret and whose value is written in the manifest (`value: ...`) instead of read from a
Secret (`valueFrom.secretKeyRef`). The finding never shows the value.

A name looks like a secret when, upper-cased and split into words on `_`, `-`, `.` and
camelCase boundaries, it contains one of the words `PASSWORD`, `PASSWD`, `PWD`, `SECRET`,
`TOKEN`, `CREDENTIAL`, `CREDENTIALS`, `APIKEY`, or one of the pairs `API KEY`,
`PRIVATE KEY`, `ACCESS KEY`, `SECRET KEY`: `DB_PASSWORD`, `GITHUB_TOKEN`,
`AWS_SECRET_ACCESS_KEY`, `stripeApiKey`.

Whatever the name, a value that holds a PEM private key (a `-----BEGIN ... PRIVATE
KEY-----` header: RSA, EC, OPENSSH, ENCRYPTED, PGP `PRIVATE KEY BLOCK`..., followed by a
line break, or an escaped `\\n` as in a JSON key file, and the key's text) is reported
too; certificates and public keys are not secrets and are not reported, nor is a script
that only mentions the header (`grep -- '-----BEGIN RSA PRIVATE KEY-----'`, a `sed`
range, a heredoc that writes `$KEY` under it).

To avoid false positives, these are not reported:

- names whose last word says they hold something else than the secret: a location or a
  setting about it (`_FILE`, `_FILENAME`, `_PATH`, `_DIR`, `_DIRECTORY`, `_NAME`, `_URL`,
  `_URI`, `_ENDPOINT`, `_HOST`, `_PORT`, `_TTL`, `_TIMEOUT`, `_EXPIRY`, `_LENGTH`,
  `_HEADER`, `_ENABLED`, `_NAMESPACE`, `_KEYS`, `_REF`, `_MOUNT`, `_LOCATION`, `_TYPE`,
  `_FORMAT`, `_AUDIENCE`), or an identifier (`_ID`: `AWS_ACCESS_KEY_ID` names a key,
  it is not the secret part of it; etcd's `ETCD_INITIAL_CLUSTER_TOKEN` only tells
  clusters apart);
- values that are not literals: references to other variables (`$(DB_PASSWORD)`),
  placeholders filled in before applying (`${TOKEN}`, `{{ .Values.token }}`), and file
  paths (starting with `/`);
- values that cannot be credentials: empty, boolean-like (`true`, `off`...) or numeric.

## Why is this bad?
A value written in a pod spec is stored in plain text in the workload object (and so in
etcd, where encryption at rest configured for Secrets does not cover it), in every
ReplicaSet revision, in `kubectl get -o yaml` and `kubectl describe` output for anyone who
may read the workload (a much larger group than those who may read Secrets), and in the
Git history of the manifest. Rotating
it means editing and redeploying the workload. A Secret keeps the value out of the
workload's definition, is governed by its own RBAC, can be encrypted at rest and rotated
on its own, and is referenced with `valueFrom.secretKeyRef` (or mounted as a volume). The
source notes' volume table (001, "有哪些存储卷，作用分别是什么？") reserves Secrets for
exactly this: "将应用程序的账号密码登敏感信息通过 secret 卷的形式挂载到 pod 中使用", while
ConfigMaps are for non-sensitive data.

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
          image: registry.example.com/api:1.8.0
          env:
            - name: DB_USER
              value: api
            - name: DB_PASSWORD
              value: hunter2
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
          image: registry.example.com/api:1.8.0
          env:
            - name: DB_USER
              value: api
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: api-db
                  key: password
            - name: DB_PASSWORD_FILE
              value: /run/secrets/db/password
```

## Options
- `extra-patterns` (list of regular expressions, default `[]`): more names to treat as
  secret-looking, matched with Python's `re.search` against the name as written
  (case-sensitive unless the pattern starts with `(?i)`), e.g. `["^LICENSE$", "(?i)pin"]`.
  A name matching one of them is reported whatever its last word; the value exceptions
  (references, placeholders, paths, empty, boolean-like, numeric) still apply. A pattern
  that is not a valid regular expression is ignored.

## References
- https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables
- https://kubernetes.io/docs/concepts/security/secrets-good-practices/
- https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/
- Source notes 001 (有哪些存储卷，作用分别是什么？, the configMap and secret rows)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, lazy_compile, rule

SECRET_WORDS = frozenset(
    {"PASSWORD", "PASSWD", "PWD", "SECRET", "TOKEN", "CREDENTIAL", "CREDENTIALS", "APIKEY"}
)
SECRET_PAIRS = frozenset({("API", "KEY"), ("PRIVATE", "KEY"), ("ACCESS", "KEY"), ("SECRET", "KEY")})
#: A last word that makes the variable about the secret (where it is, how it is used, an
#: identifier), not the secret itself.
NOT_SECRET_LAST_WORDS = frozenset(
    {
        "FILE",
        "FILENAME",
        "PATH",
        "DIR",
        "DIRECTORY",
        "NAME",
        "URL",
        "URI",
        "ENDPOINT",
        "HOST",
        "PORT",
        "ID",
        "TTL",
        "TIMEOUT",
        "EXPIRY",
        "LENGTH",
        "HEADER",
        "ENABLED",
        "NAMESPACE",
        "KEYS",
        "REF",
        "MOUNT",
        "LOCATION",
        "TYPE",
        "FORMAT",
        "AUDIENCE",
    }
)
BOOLEAN_LIKE = frozenset(
    {"true", "false", "yes", "no", "on", "off", "y", "n", "enabled", "disabled"}
)
_SPLIT = lazy_compile(r"[_\-.\s]+")
_CAMEL = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NUMBER = lazy_compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_PLACEHOLDER = lazy_compile(r"\$\([^)]*\)|\$\{[^}]*\}|\{\{.*?\}\}")
#: A PEM private key: its header, then a line break (or whitespace, or an escaped ``\n``
#: in a JSON key file) and the first character of the key's base64 text or of an armor
#: header (``Proc-Type:``, ``Version:``). A script that only names the header (``grep``,
#: a ``sed`` range, ``echo``, a heredoc writing ``$KEY``) is not a key. The same pattern
#: as secret-in-configmap's.
_PRIVATE_KEY = lazy_compile(
    r"-{3,}\s*BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?\s*-{3,}"
    r"(?:\s|\\[rn])+[A-Za-z0-9+/]"
)


def name_words(name: str) -> list[str]:
    """``dbPassword_FILE`` -> ``["DB", "PASSWORD", "FILE"]``."""
    return [
        word.upper() for part in _SPLIT.split(name) if part for word in _CAMEL.split(part) if word
    ]


def looks_secret(name: str) -> bool:
    words = name_words(name)
    if not words or words[-1] in NOT_SECRET_LAST_WORDS:
        return False
    if words[-3:] == ["INITIAL", "CLUSTER", "TOKEN"]:
        return False  # etcd's --initial-cluster-token: a cluster identifier
    if any(word in SECRET_WORDS for word in words):
        return True
    return any(pair in SECRET_PAIRS for pair in pairwise(words))


def is_literal_secret(value: Any) -> bool:
    """A string that could hold a credential (not a reference, path, flag or number)."""
    if not isinstance(value, str):
        return False  # numbers and booleans YAML resolved: no credential, and malformed
    text = value.strip()
    if not text or text.startswith("/") or text.lower() in BOOLEAN_LIKE:
        return False
    if _NUMBER.fullmatch(text):
        return False
    return _PLACEHOLDER.search(text) is None


@lru_cache(maxsize=64)
def _compile(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error:
            continue  # an invalid pattern matches nothing rather than crash the run
    return tuple(compiled)


def _extra_patterns(option: Any) -> tuple[re.Pattern[str], ...]:
    if not isinstance(option, Sequence) or isinstance(option, str):
        return ()
    return _compile(tuple(p for p in option if isinstance(p, str)))


@rule(
    id="env-secret-literal",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a secret-looking environment variable has a literal value",
    options={
        "extra-patterns": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "regular expressions (re.search on the variable name) naming more"
            " secret-looking variables",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    extra = _extra_patterns(ctx.options.get("extra-patterns"))
    for ref in obj.containers():
        env = ref.container.get("env")
        if not isinstance(env, list):
            continue
        for index, entry in enumerate(env):
            if not isinstance(entry, Mapping):
                continue
            name, value = entry.get("name"), entry.get("value")
            if not isinstance(name, str):
                continue
            if isinstance(value, str) and _PRIVATE_KEY.search(value):
                what = "a literal private key (PEM)"
            elif not is_literal_secret(value):
                continue
            elif looks_secret(name) or any(p.search(name) for p in extra):
                what = "a literal value"
            else:
                continue
            yield ctx.violation(
                (*ref.path, "env", index, "value"),
                f"{ref.label} sets {name} to {what} in the manifest; read"
                " it from a Secret with valueFrom.secretKeyRef",
            )
