"""## What it does
Reports text that is not valid YAML (or JSON), with the line and column where the parser
stopped: unclosed brackets, bad indentation, tabs used for indentation, a mapping value
where none is allowed, control characters, bytes that are not UTF-8, an alias to an
anchor that does not exist, or a collection used as a mapping key.

After an error kubelint resumes at the next `---` line, so the other documents of the
file are still checked.

## Why is this bad?
`kubectl apply` rejects the whole file, and the objects before and after the error are
not applied either.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: [fast
```

## Use instead
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: "[fast"
```

## References
- YAML 1.1: https://yaml.org/spec/1.1/
"""

from kubelint.api import engine_rule

rule = engine_rule(
    id="yaml-syntax", severity="error", summary="the file is not valid YAML or JSON", doc=__doc__
)
