"""## What it does
Reports an `accessModes` entry that the API server rejects:

- anything other than `ReadWriteOnce`, `ReadOnlyMany`, `ReadWriteMany` and
  `ReadWriteOncePod`, spelled exactly so (the names are case-sensitive: `readwriteonce`
  is rejected, and so are the abbreviations `RWO`, `ROX`, `RWX` and `RWOP` that
  documentation and `kubectl get pv` use); the message suggests the right spelling;
- `ReadWriteOncePod` together with another mode ("may not use ReadWriteOncePod with other
  access modes").

It checks the `spec.accessModes` of PersistentVolumes and PersistentVolumeClaims, of a
StatefulSet's `spec.volumeClaimTemplates[i]`, and of the generic ephemeral volumes of pod
specs (`volumes[i].ephemeral.volumeClaimTemplate.spec.accessModes`) in every workload
kind.

## Why is this bad?
The API server rejects the object (`Unsupported value: "RWO"`), so the apply fails; for
a StatefulSet or a workload with an ephemeral volume the claim template is validated with
it and the whole workload is refused. Abbreviations are the usual cause: `RWO`, `ROX` and
`RWX` are how the modes are written in prose (the source notes 001, "pv 的访问模式有哪几种？",
list them next to the full names) and in `kubectl get pv` output, but only the full names
are API values.

## Example
```yaml
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [RWO]
  resources:
    requests:
      storage: 10Gi
```

## Use instead
```yaml
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 10Gi
```

## References
- https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
- https://kubernetes.io/docs/concepts/storage/ephemeral-volumes/#generic-ephemeral-volumes
- Source notes 001 (pv 的访问模式有哪几种？): ReadWriteOnce (RWO), ReadOnlyMany (ROX),
  ReadWriteMany (RWX)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import POD_SPEC_KINDS, Manifest, Path, RuleContext, Violation, closest, rule

VALID = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
ONCE_POD = "ReadWriteOncePod"
ABBREVIATIONS = {
    "RWO": "ReadWriteOnce",
    "ROX": "ReadOnlyMany",
    "RWX": "ReadWriteMany",
    "RWOP": "ReadWriteOncePod",
}
_FOLDED = {mode.lower(): mode for mode in VALID}


def _suggest(value: str) -> str | None:
    """The access mode that ``value`` most likely meant."""
    key = "".join(c for c in value if c.isalnum()).lower()
    if key.upper() in ABBREVIATIONS:
        return ABBREVIATIONS[key.upper()]
    if key in _FOLDED:
        return _FOLDED[key]
    near = closest(key, _FOLDED, cutoff=0.75)
    return None if near is None else _FOLDED[near]


def _advice(mode: str) -> str:
    suggestion = _suggest(mode)
    if suggestion is None:
        return f"; use one of {', '.join(VALID)}"
    key = "".join(c for c in mode if c.isalnum()).upper()
    if key in ABBREVIATIONS:
        why = f" ({key} is an abbreviation, not an API value)"
    elif mode.lower() == suggestion.lower():
        why = " (access modes are case-sensitive)"
    elif key.lower() != suggestion.lower():
        return f"; did you mean {suggestion}?"
    else:
        why = ""
    return f"{why}; write {suggestion}"


def _lists(obj: Manifest) -> Iterator[tuple[Path, str]]:
    """(path of an accessModes list, what owns it)."""
    name = obj.display_name or "?"
    if obj.kind in ("PersistentVolume", "PersistentVolumeClaim"):
        yield ("spec", "accessModes"), f"{obj.kind} {name!r}"
    if obj.kind == "StatefulSet":
        templates = obj.get(("spec", "volumeClaimTemplates"))
        for index, template in enumerate(templates if isinstance(templates, list) else ()):
            if not isinstance(template, Mapping):
                continue
            metadata = template.get("metadata")
            claim = metadata.get("name") if isinstance(metadata, Mapping) else None
            shown = repr(claim) if isinstance(claim, str) and claim else f"#{index}"
            yield (
                ("spec", "volumeClaimTemplates", index, "spec", "accessModes"),
                f"StatefulSet {name!r} volumeClaimTemplate {shown}",
            )
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    volumes = spec.get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else ()):
        if not isinstance(volume, Mapping) or not isinstance(volume.get("ephemeral"), Mapping):
            continue
        volume_name = volume.get("name")
        shown = repr(volume_name) if isinstance(volume_name, str) else f"#{index}"
        yield (
            (
                *spec_path,
                "volumes",
                index,
                "ephemeral",
                "volumeClaimTemplate",
                "spec",
                "accessModes",
            ),
            f"{obj.kind} {name!r} ephemeral volume {shown}",
        )


@rule(
    id="pv-access-mode-invalid",
    severity="error",
    kinds=("PersistentVolume", "PersistentVolumeClaim", *sorted(POD_SPEC_KINDS)),
    summary="a volume access mode is not one the API server accepts",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for path, owner in _lists(obj):
        modes = obj.get(path)
        if not isinstance(modes, list):
            continue
        once_pod: list[int] = []
        others: list[str] = []
        for index, mode in enumerate(modes):
            if not isinstance(mode, str):
                continue  # a number or a mapping: schema validation reports it
            if mode == ONCE_POD:
                once_pod.append(index)
            elif mode in VALID:
                others.append(mode)
            else:
                yield ctx.violation(
                    (*path, index),
                    f"{owner} has access mode {mode!r},"
                    f" which the API server rejects{_advice(mode)}",
                )
        if once_pod and others:
            listed = ", ".join(dict.fromkeys(others))
            yield ctx.violation(
                (*path, once_pod[0]),
                f"{owner} combines ReadWriteOncePod with {listed}: the API"
                " server rejects it (may not use ReadWriteOncePod with other"
                " access modes); use ReadWriteOncePod alone",
            )
