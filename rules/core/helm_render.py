"""## What it does
Reports a Helm chart that kubelint could not render, at the file and line Helm names:
a template error (a parse error, a `required` value that is missing, a nil pointer in
`.Values`), a values file Helm cannot read, a dependency in `Chart.yaml` that is not
vendored under `charts/`, or no Helm renderer on the machine.

kubelint renders charts with Helm's own engine (the `helm` binary on PATH, or Helm's Go
SDK from `pip install 'kubelint[helm]'`), offline: it never downloads a dependency. A chart
it cannot render is reported, never skipped, and its templates are never linted as YAML.

## Why is this bad?
`helm install` and `helm template` fail the same way: nothing of the chart is deployed,
and nothing of it was checked.

## Example
```yaml
# templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
data:
  url: {{ required "database.url is required" .Values.database.url }}
```

## Use instead
```yaml
# values.yaml: give the value the template requires (or --values / --set)
database:
  url: postgres://db:5432/app
```

## References
- Helm chart template guide: https://helm.sh/docs/chart_template_guide/
- Chart dependencies: https://helm.sh/docs/helm/helm_dependency_build/
"""

from kubelint.api import engine_rule

rule = engine_rule(
    id="helm-render", severity="error", summary="Helm cannot render the chart", doc=__doc__
)
