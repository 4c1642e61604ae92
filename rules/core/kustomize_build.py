"""## What it does
Reports a kustomization that kustomize cannot build, with kustomize's own message, at
the entry of the kustomization file it names (a resource or patch file that does not
exist, a patch that matches no object, an unknown field, invalid YAML), else at the top
of the file. Also reported, once per kustomization, when no kustomize is available.

kubelint builds every kustomization root in the input with kustomize itself (`kustomize`
or `kubectl` on PATH, or the kubectl of `pip install 'kubelint[kustomize]'`), offline and
with plugins disabled, and lints what it builds; a kustomization that does not build is
reported, never skipped, and its patches are never linted as objects of their own.

## Why is this bad?
`kubectl apply -k` and `kustomize build` fail the same way: nothing of the overlay is
deployed, and nothing of it was checked.

## Example
```yaml
# kustomization.yaml: the file is deployment.yaml
resources:
  - service.yaml
  - deploymnet.yaml
```

## Use instead
```yaml
resources:
  - service.yaml
  - deployment.yaml
```

## References
- Kustomize: https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/
- `kubectl kustomize`: https://kubernetes.io/docs/tasks/manage-kubernetes-objects/kustomization/
"""

from kubelint.api import engine_rule

rule = engine_rule(
    id="kustomize-build",
    severity="error",
    summary="kustomize cannot build the kustomization",
    doc=__doc__,
)
