"""## What it does
Reports a kustomization that includes something kubelint will not fetch or run: a remote
base, resource or component (a git repository or URL such as
`github.com/org/repo//deploy?ref=v1`), or `helmCharts` (kustomize inflates them by running
helm, which downloads the chart). The finding is at the entry; the kustomization is not
built, so its objects are not checked.

kubelint never uses the network and never runs code from the input. The local bases such
a kustomization includes are still built and checked on their own.

## Why is this bad?
What a remote reference builds depends on the network and on someone else's repository
at lint time: an unpinned `ref` changes under you, and a lint that fetches can be made to
run whatever it fetches. Until it is vendored, the overlay's output was not checked.

## Example
```yaml
resources:
  - ../../base
  - https://github.com/example/platform//monitoring?ref=v1.4.0
```

## Use instead
```yaml
# vendored: the monitoring manifests committed under vendor/, at the pinned version
resources:
  - ../../base
  - ../../vendor/platform/monitoring
```

Or lint what the overlay builds: `kustomize build overlays/prod | kubelint check -`.

## References
- Remote targets: https://github.com/kubernetes-sigs/kustomize/blob/master/examples/remoteBuild.md
- Helm charts in kustomize: https://kubectl.docs.kubernetes.io/references/kustomize/builtins/#_helmchartinflationgenerator_
"""

from kubelint.api import engine_rule

rule = engine_rule(
    id="kustomize-remote",
    severity="warning",
    summary="a kustomization includes a remote base or helmCharts",
    doc=__doc__,
)
