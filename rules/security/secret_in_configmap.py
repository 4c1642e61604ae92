"""## What it does
Reports ConfigMap `data` and `binaryData` entries that look like secrets. The finding names
the key and what was recognised, never the value.

A value (anywhere in it, so a secret inside a configuration file is found too; a
`binaryData` value is base64-decoded first) looks like a secret when it contains:

- a PEM private key: `-----BEGIN ... PRIVATE KEY-----` (RSA, EC, OPENSSH, ENCRYPTED, PGP
  `PRIVATE KEY BLOCK`...) followed by a line break (or an escaped `\\n`, as in a JSON key
  file) and the key's text; certificates and public keys are not secrets, and a script
  that only mentions the header (`grep`, a `sed` range, a heredoc that writes `$KEY` under
  it) holds no key;
- an AWS access key id (`AKIA` or `ASIA` and 16 upper-case letters or digits), except the
  documentation examples ending in `EXAMPLE`;
- a GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and 36 characters, or
  `github_pat_...`);
- a Slack token (`xoxb-`, `xoxa-`, `xoxp-`, `xoxr-`, `xoxs-`);
- a JSON Web Token (three base64url parts, the first two starting with `eyJ`).

A key looks like a secret when, split into words on `_`, `-`, `.` and camelCase
boundaries, it contains `PASSWORD`, `PASSWD`, `SECRET`, `TOKEN`, `CREDENTIAL(S)`,
`APIKEY`, or the pairs `API KEY`, `PRIVATE KEY`, `ACCESS KEY`, `SECRET KEY`,
`ACCOUNT KEY`, `STORAGE KEY`, `MASTER KEY`, `ENCRYPTION KEY`, `SIGNING KEY`, `CLIENT
KEY` (`DB_PASSWORD`, `slackToken`, `AWS_SECRET_ACCESS_KEY`), or is a well-known
credential variable (`AZURE_BATCH_KEY`, `OCI_CLI_KEY_CONTENT`...). Such a key is
reported only when its value is a non-empty literal on one line. To avoid false positives
these are not reported:

- keys whose last word says they hold something about the secret, not the secret: a
  location, a name, a setting or a policy (`_FILE`, `_PATH`, `_NAME`, `_URL`, `_ID`,
  `_TTL`, `_LENGTH`, `_ENABLED`, `_PATTERN`, `_POLICY`, `_MODE`, `_SECRET_REF`...);
- keys that name a file (`my.cnf`, `settings.json`): only their content is checked, by
  the value patterns above;
- values that are references or placeholders (`${DB_PASSWORD}`, `{{ .Values.token }}`,
  `$(TOKEN)`), file paths, booleans, numbers and multi-line text (a configuration file
  that merely mentions a `password` setting is only checked for the value patterns above).

## Why is this bad?
ConfigMaps are meant for non-sensitive configuration. Their contents are readable by
everyone who may `get` ConfigMaps in the namespace (a much larger group than those who may
read Secrets: the built-in `view` ClusterRole grants it, Secrets it does not), are shown by
`kubectl describe`, are not covered by encryption at rest configured for Secrets, and sit
in plain text in Git with the manifest. The source notes (001, "有哪些存储卷，作用分别是什么？")
make the same split: a configMap holds "非敏感的数据", a Secret holds "账号密码等敏感信息".
Move the value to a Secret (and rotate it: it has been exposed) and mount it or reference
it with `secretKeyRef`.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: api
data:
  DB_HOST: db.internal
  DB_PASSWORD: hunter2-but-longer
```

## Use instead
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: api
data:
  DB_HOST: db.internal
  DB_PASSWORD_FILE: /run/secrets/db/password
---
apiVersion: v1
kind: Secret
metadata:
  name: api-db
type: Opaque
stringData:
  password: hunter2-but-longer
```

## References
- https://kubernetes.io/docs/concepts/configuration/configmap/
- https://kubernetes.io/docs/concepts/configuration/secret/
- https://kubernetes.io/docs/concepts/security/secrets-good-practices/
- Source notes 001 (有哪些存储卷，作用分别是什么？, the configMap and secret rows)
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping
from itertools import pairwise
from typing import Any

from kubelint.api import Manifest, RuleContext, Violation, lazy_compile, rule

#: (what, the texts one of which every match contains, the pattern). A value holding none
#: of the texts is not searched with the pattern: values can be dashboards of a megabyte,
#: and a substring test is a quick scan in C.
VALUE_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    # The header, then a line break (or whitespace, or an escaped \n in a JSON key file)
    # and the first character of the key's base64 text or of an armor header: a script
    # that only names the header (grep, a sed range, a heredoc writing $KEY) is not a key.
    (
        "a PEM private key",
        ("PRIVATE KEY",),
        lazy_compile(
            r"-{3,}\s*BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?\s*-{3,}"
            r"(?:\s|\\[rn])+[A-Za-z0-9+/]"
        ),
    ),
    ("an AWS access key id", ("AKIA", "ASIA"), lazy_compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "a GitHub token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        lazy_compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})"),
    ),
    ("a Slack token", ("xox",), lazy_compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}")),
    (
        "a JSON Web Token",
        ("eyJ",),
        lazy_compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ),
)
SECRET_WORDS = frozenset(
    {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "CREDENTIALS", "APIKEY"}
)
SECRET_PAIRS = frozenset(
    {
        ("API", "KEY"),
        ("PRIVATE", "KEY"),
        ("ACCESS", "KEY"),
        ("SECRET", "KEY"),
        ("ACCOUNT", "KEY"),
        ("STORAGE", "KEY"),
        ("MASTER", "KEY"),
        ("ENCRYPTION", "KEY"),
        ("SIGNING", "KEY"),
        ("CLIENT", "KEY"),
    }
)
#: Well-known credential variables the words above miss.
KNOWN_NAMES = frozenset(
    {
        "AZURE_BATCH_KEY",
        "OCI_CLI_KEY_CONTENT",
        "AZURE_STORAGE_KEY",
        "AZURE_STORAGE_ACCOUNT_KEY",
        "AWS_SESSION_TOKEN",
        "GOOGLE_API_KEY",
        "ARM_CLIENT_SECRET",
    }
)
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
        "EXPIRATION",
        "LENGTH",
        "HEADER",
        "ENABLED",
        "DISABLED",
        "ENABLE",
        "NAMESPACE",
        "KEYS",
        "REF",
        "MOUNT",
        "LOCATION",
        "TYPE",
        "FORMAT",
        "AUDIENCE",
        "PATTERN",
        "REGEX",
        "POLICY",
        "MODE",
        "PREFIX",
        "SUFFIX",
        "MIN",
        "MAX",
        "FIELD",
        "PARAM",
        "ENV",
        "VAR",
        "KEY",
        "SOURCE",
        "PROVIDER",
        "REQUIRED",
        "STRENGTH",
        "HASH",
        "ALGORITHM",
        "SIZE",
        "COUNT",
        "INTERVAL",
        "LIFETIME",
        "DURATION",
        "AGE",
        "SECONDS",
        "REFRESH",
        "ROTATION",
        "RESET",
        "LOGIN",
        "USER",
        "USERNAME",
        "STORE",
        "MANAGER",
        "COMMAND",
        "SCRIPT",
        "ISSUER",
        "SCOPE",
        "SCOPES",
    }
)
BOOLEAN_LIKE = frozenset(
    {"true", "false", "yes", "no", "on", "off", "y", "n", "enabled", "disabled", "none", "null"}
)
_SPLIT = lazy_compile(r"[_\-.\s/]+")
_CAMEL = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NUMBER = lazy_compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_PLACEHOLDER = lazy_compile(r"\$\([^)]*\)|\$\{[^}]*\}|\{\{.*?\}\}|<[^<>]+>|%\([^)]*\)s")
_FILE_NAME = lazy_compile(
    r"\.(?:json|ya?ml|conf|cfg|cnf|ini|properties|toml|xml|txt|sh|"
    r"py|js|lua|tpl|tmpl|env)$",
    re.I,
)


def _words(name: str) -> list[str]:
    return [
        word.upper() for part in _SPLIT.split(name) if part for word in _CAMEL.split(part) if word
    ]


def secret_key(name: str) -> bool:
    if name.upper() in KNOWN_NAMES:
        return True
    if _FILE_NAME.search(name):
        return False  # a file: its content is checked by the value patterns
    words = _words(name)
    if not words:
        return False
    last = words[-1]
    # "API_KEY", "secretKey": the pair ends the name; a lone trailing KEY is not enough.
    if last == "KEY" and len(words) > 1 and (words[-2], last) in SECRET_PAIRS:
        return True
    if last in NOT_SECRET_LAST_WORDS:
        return False
    if any(word in SECRET_WORDS for word in words):
        return True
    return any(pair in SECRET_PAIRS for pair in pairwise(words))


def literal_secret(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or "\n" in text or text.startswith("/") or text.lower() in BOOLEAN_LIKE:
        return False
    if _NUMBER.fullmatch(text):
        return False
    return _PLACEHOLDER.search(text) is None


def _value_finding(text: str) -> str | None:
    for what, needles, pattern in VALUE_PATTERNS:
        if not any(needle in text for needle in needles):
            continue
        for match in pattern.finditer(text):
            if what == "an AWS access key id" and match.group().endswith("EXAMPLE"):
                continue
            return what
    return None


def _decoded(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.decode("latin-1")


@rule(
    id="secret-in-configmap",
    severity="warning",
    kinds=("ConfigMap",),
    summary="a ConfigMap holds what looks like a secret",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not obj.is_kind("ConfigMap"):
        return
    configmap = f"ConfigMap {obj.display_name or '?'!r}"
    for section in ("data", "binaryData"):
        data = obj.data.get(section)
        if not isinstance(data, Mapping):
            continue
        for key, value in data.items():
            if not isinstance(key, str):
                continue
            text = value if section == "data" else _decoded(value)
            if not isinstance(text, str):
                continue
            found = _value_finding(text)
            if found is not None:
                yield ctx.violation(
                    (section, key),
                    f"{configmap} {section} key {key!r} contains {found}; move"
                    " it to a Secret (and rotate it)",
                )
            elif section == "data" and secret_key(key) and literal_secret(text):
                yield ctx.violation(
                    (section, key),
                    f"{configmap} {section} key {key!r} looks like a secret and"
                    " has a literal value; move it to a Secret and reference"
                    " it with secretKeyRef or a secret volume",
                )
            elif section == "binaryData" and secret_key(key) and text.strip():
                yield ctx.violation(
                    (section, key),
                    f"{configmap} {section} key {key!r} looks like a secret; move it to a Secret",
                )
