"""## What it does
Reports a container or init container whose image comes from a registry (or repository)
that the option `allowed` does not list. The rule is off by default and checks nothing
until `allowed` lists something.

The registry is read as container runtimes read it: the first path component of the
reference is a registry host only when it contains `.` or `:`, is `localhost`, or has an
uppercase letter; otherwise the image is on Docker Hub (`docker.io`), and a single-name
image is in its `library/` namespace. So `nginx` is `docker.io/library/nginx`,
`bitnami/redis` is `docker.io/bitnami/redis`, `localhost:5000/app` is on
`localhost:5000`, and `index.docker.io` counts as `docker.io`.

Each entry of `allowed` is either
- a prefix, matched at path boundaries against `registry/repository`: `gcr.io` allows
  every image on gcr.io, `ghcr.io/my-org` allows `ghcr.io/my-org/app` but not
  `ghcr.io/my-org-fork/app`, `docker.io/library` allows Docker Hub's official images (a
  registry is `host[:port]`: `registry.example.com` does not allow
  `registry.example.com:5000/app`); or
- a glob (`*`, `?`, `[...]`, matched case-sensitively against the registry alone and
  against `registry/repository`): `*.dkr.ecr.*.amazonaws.com`, `ghcr.io/my-org/*`.

Strings that are not image references (placeholders such as `<your-image>`, `${IMAGE}`,
and build references such as ko's `ko://...`, which the tool replaces before applying)
are skipped.

## Why is this bad?
An image from an unvetted registry is code that nobody in the organisation reviewed,
scanned or can rebuild: a typo-squatted Docker Hub name, a personal repository, or a
registry that may vanish or throttle pulls (Docker Hub's anonymous pull limits stop pods
from starting). Pinning workloads to the registries you mirror and scan keeps the supply
chain under control and pulls reliable; an admission policy enforces the same rule in the
cluster, this rule catches it before review.

## Example
```yaml
# options: {"allowed": ["registry.example.com", "*.gcr.io"]}
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
      initContainers:
        - name: wait
          image: busybox:1.36
      containers:
        - name: web
          image: registry.example.com/shop/web:2.4.1
```

## Use instead
```yaml
# options: {"allowed": ["registry.example.com", "*.gcr.io"]}
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
      initContainers:
        - name: wait
          image: eu.gcr.io/shop/busybox:1.36
      containers:
        - name: web
          image: registry.example.com/shop/web:2.4.1
```

## Options
- `allowed` (list of strings, default `[]`): registry prefixes or glob patterns images may
  come from (see above); empty: nothing is checked.

## References
- https://kubernetes.io/docs/concepts/containers/images/#image-names
- https://kubernetes.io/docs/concepts/security/security-checklist/#images
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

from ._reference import DOCKER_HUB, DOCKER_HUB_ALIASES, parse_image


def allowed_by(entry: str, registry: str, path: str) -> bool:
    full = f"{registry}/{path}"
    if any(char in entry for char in "*?["):
        return fnmatchcase(registry, entry) or fnmatchcase(full, entry)
    prefix = entry.rstrip("/")
    if prefix in DOCKER_HUB_ALIASES or prefix.split("/", 1)[0] in DOCKER_HUB_ALIASES:
        prefix = DOCKER_HUB + prefix[len(prefix.split("/", 1)[0]) :]
    return bool(prefix) and (full == prefix or full.startswith(prefix + "/"))


@rule(
    id="image-registry-allowed",
    severity="error",
    kinds=POD_SPEC_KINDS,
    enabled=False,
    summary="an image comes from a registry that is not allowed",
    options={
        "allowed": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "registry prefixes (gcr.io, ghcr.io/my-org) or glob patterns"
            " (*.gcr.io) images may come from; empty: nothing is checked",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    allowed = [entry for entry in ctx.options["allowed"] or [] if isinstance(entry, str)]
    if not allowed:
        return
    for ref in obj.containers():
        image = ref.container.get("image")
        parsed = parse_image(image) if isinstance(image, str) else None
        if parsed is None:
            continue  # missing, malformed, a placeholder or a build reference (ko://)
        registry, path = parsed.registry, parsed.repository
        if any(allowed_by(entry, registry, path) for entry in allowed):
            continue
        shown = ", ".join(map(repr, allowed))
        yield ctx.violation(
            (*ref.path, "image"),
            f"{ref.label} image {image!r} comes from {registry}/{path},"
            f" which is not among the allowed registries ({shown})",
        )
