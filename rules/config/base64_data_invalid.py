"""## What it does
Reports a value that the API server cannot decode as base64 where the API holds bytes:
a Secret's `data` and a ConfigMap's `binaryData`.

The API server decodes these with Go's padded standard base64: the alphabet `A-Z`,
`a-z`, `0-9`, `+` and `/`, `=` padding to a multiple of 4 characters, and line breaks
ignored (a value written as a YAML block scalar, `|`, decodes). Reported: any other
character (a space, URL-safe base64's `-` and `_`, the plain text `admin`), a missing or
misplaced `=`, a length that is not a multiple of 4.

Not checked: a Secret's `stringData` and a ConfigMap's `data`, which hold plain text;
values that are not strings (schema validation reports them); and values that contain a
template placeholder (`${TOKEN}`, `{{ .Values.token | b64enc }}`, `<base64 of the key>`), which a
tool or a reader fills in first. A value tagged `!!binary` is checked as the base64 text
it is written in.

## Why is this bad?
The API server rejects the whole object while decoding it (`Secret in version "v1"
cannot be handled as a Secret: illegal base64 data at input byte 4`), so the apply fails,
and for a multi-document file half way through. The usual cause is a plain value written
under `data` instead of `stringData`, or a value encoded with the URL-safe alphabet or
without its padding.

## Example
```yaml
apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
data:
  username: admin
  password: cGFzc3dvcmQ
```

## Use instead
```yaml
apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
data:
  password: cGFzc3dvcmQ=
stringData:
  username: admin
```

## References
- https://kubernetes.io/docs/concepts/configuration/secret/#restriction-names-data
- https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/secret-v1/
- https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/config-map-v1/
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import Manifest, RuleContext, Violation, base64_problem, has_placeholder, rule

#: (kind, field holding base64, where plain text goes instead)
FIELDS = (("Secret", "data", "stringData"), ("ConfigMap", "binaryData", "data"))


@rule(
    id="base64-data-invalid",
    severity="error",
    kinds=("Secret", "ConfigMap"),
    summary="a Secret's data or a ConfigMap's binaryData value is not valid base64",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for kind, field, plain in FIELDS:
        if not obj.is_kind(kind):
            continue
        values = obj.get((field,))
        if not isinstance(values, Mapping):
            continue
        for key, value in values.items():
            if not isinstance(value, str) or has_placeholder(value):
                continue
            problem = base64_problem(value)
            if problem is None:
                continue
            yield ctx.violation(
                (field, key),
                f"{kind} {obj.display_name or '?'!r} {field}.{key} {problem}: the"
                " API"
                f" server cannot decode it and rejects the {kind} (plain text"
                f" goes under {plain})",
            )
