"""## What it does
Reports a mapping key that appears twice in the same mapping, at the second occurrence.

## Why is this bad?
YAML forbids duplicate keys, but most tools keep the last value silently, so the first
one is dead text that readers still believe in: a second `env:` or `resources:` block
quietly replaces the first. Newer API servers reject such objects in strict field
validation. kubelint checks the object with the last value, as Kubernetes would.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
  mode: safe
```

## Use instead
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: safe
```
"""

from kubelint.api import engine_rule

rule = engine_rule(
    id="yaml-duplicate-key", severity="error", summary="a mapping key appears twice", doc=__doc__
)
