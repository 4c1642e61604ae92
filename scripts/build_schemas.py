#!/usr/bin/env python3
"""Build kubelint's Kubernetes schema bundles: schemas/kubernetes/v1.N.json.gz.

Usage:
    pip install kubernetes-validate==1.37.0   # the upstream data, at build time only
    python scripts/build_schemas.py [--source DIR] [--check]

DIR is kubernetes-validate's `kubernetes-json-schema` folder (found through the installed
package by default). For every minor version from 1.25 to the newest it reads the
`vX.Y.0-local` definitions and writes one compact bundle:

    {"kubernetes": "1.37", "source": "...", "kinds": {"apps/v1": {"Deployment": "<def>"}},
     "definitions": {"<def>": <JSON Schema>, ...}}

Shared definitions are stored once per version; descriptions, defaults and client-side
metadata (patch strategies, list types, formats) are dropped; only definitions reachable
from a kind are kept; Quantity strings get the pattern the API server enforces. The output
is deterministic (sorted keys, gzip without a timestamp), so re-running it changes nothing.

The strict variant (unknown fields are errors) is not stored: kubelint derives it at load
time (kubelint.schema.make_strict). This script checks that the derivation reproduces
upstream's `-local-strict` schemas exactly, and fails otherwise.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "schemas" / "kubernetes"
FIRST_MINOR = 25

#: Keys that document or guide clients but never constrain a manifest.
DROP = {
    "description",
    "default",
    "format",
    "example",
    "externalDocs",
    "x-kubernetes-patch-merge-key",
    "x-kubernetes-patch-strategy",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
    "x-kubernetes-unions",
    "x-kubernetes-group-version-kind",
    "x-kubernetes-validations",
}
REF_PREFIXES = ("/api/_definitions.json#/$defs/", "#/$defs/", "_definitions.json#/$defs/")
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
#: What resource.ParseQuantity accepts (sign, number, then a binary SI, decimal SI or
#: decimal exponent suffix); surrounding spaces are trimmed by the API server.
QUANTITY_PATTERN = (
    r"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
    r"(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?\s*$"
)


#: Enumerations the API server enforces, from the API reference ("Possible enum values");
#: the OpenAPI v2 data the bundles come from has none. restartPolicy and accessModes are
#: left to the rules that explain them (restart-policy, pv-access-mode-invalid).
CORE = "io.k8s.api.core.v1."
ENUMS: dict[tuple[str, str], list[str]] = {
    (CORE + "Container", "imagePullPolicy"): ["Always", "IfNotPresent", "Never"],
    (CORE + "Container", "terminationMessagePolicy"): ["File", "FallbackToLogsOnError"],
    (CORE + "EphemeralContainer", "imagePullPolicy"): ["Always", "IfNotPresent", "Never"],
    (CORE + "PodSpec", "dnsPolicy"): ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
    (CORE + "PodSpec", "preemptionPolicy"): ["Never", "PreemptLowerPriority"],
    (CORE + "ServiceSpec", "type"): ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
    (CORE + "ServiceSpec", "externalTrafficPolicy"): ["Cluster", "Local"],
    (CORE + "ServiceSpec", "internalTrafficPolicy"): ["Cluster", "Local"],
    (CORE + "ServiceSpec", "sessionAffinity"): ["ClientIP", "None"],
    (CORE + "ServicePort", "protocol"): ["SCTP", "TCP", "UDP"],
    (CORE + "ContainerPort", "protocol"): ["SCTP", "TCP", "UDP"],
    (CORE + "HTTPGetAction", "scheme"): ["HTTP", "HTTPS"],
    (CORE + "Toleration", "operator"): ["Equal", "Exists"],
    (CORE + "Toleration", "effect"): ["NoExecute", "NoSchedule", "PreferNoSchedule"],
    (CORE + "Taint", "effect"): ["NoExecute", "NoSchedule", "PreferNoSchedule"],
    (CORE + "SeccompProfile", "type"): ["Localhost", "RuntimeDefault", "Unconfined"],
    (CORE + "TopologySpreadConstraint", "whenUnsatisfiable"): ["DoNotSchedule", "ScheduleAnyway"],
    (CORE + "PersistentVolumeSpec", "volumeMode"): ["Block", "Filesystem"],
    (CORE + "PersistentVolumeClaimSpec", "volumeMode"): ["Block", "Filesystem"],
    ("io.k8s.api.apps.v1.DeploymentStrategy", "type"): ["Recreate", "RollingUpdate"],
    ("io.k8s.api.apps.v1.StatefulSetUpdateStrategy", "type"): ["OnDelete", "RollingUpdate"],
    ("io.k8s.api.apps.v1.DaemonSetUpdateStrategy", "type"): ["OnDelete", "RollingUpdate"],
    ("io.k8s.api.apps.v1.StatefulSetSpec", "podManagementPolicy"): ["OrderedReady", "Parallel"],
    ("io.k8s.api.batch.v1.CronJobSpec", "concurrencyPolicy"): ["Allow", "Forbid", "Replace"],
    ("io.k8s.api.storage.v1.StorageClass", "reclaimPolicy"): ["Delete", "Retain"],
    ("io.k8s.api.storage.v1.StorageClass", "volumeBindingMode"): [
        "Immediate",
        "WaitForFirstConsumer",
    ],
    ("io.k8s.api.networking.v1.HTTPIngressPath", "pathType"): [
        "Exact",
        "ImplementationSpecific",
        "Prefix",
    ],
}


def add_enums(definitions: dict[str, Any]) -> None:
    for (name, field), values in ENUMS.items():
        schema = definitions.get(name, {}).get("properties", {}).get(field)
        if isinstance(schema, dict) and "$ref" not in schema:
            schema["enum"] = [*values, None]  # optional fields may be null


def ref_name(ref: str) -> str:
    for prefix in REF_PREFIXES:
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    raise ValueError(f"unexpected $ref {ref!r}")


def clean(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in DROP:
                continue
            if key == "$ref":
                out[key] = "#/$defs/" + ref_name(value)
            elif key == "properties":  # property names are data, not keywords
                out[key] = {name: clean(schema) for name, schema in value.items()}
            else:
                out[key] = clean(value)
        return out
    if isinstance(node, list):
        return [clean(item) for item in node]
    return node


def refs(node: Any) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.add(ref_name(ref))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def reachable(definitions: dict[str, Any], roots: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(refs(definitions[name]) - seen)
    return seen


def kinds_of(raw: dict[str, Any]) -> dict[str, dict[str, str]]:
    kinds: dict[str, dict[str, str]] = {}
    for name, schema in raw.items():
        for gvk in schema.get("x-kubernetes-group-version-kind") or ():
            # Types embedded in many groups (DeleteOptions, WatchEvent) are not objects
            # users write; keep only definitions that own a kind of their own.
            if len(schema["x-kubernetes-group-version-kind"]) > 1:
                continue
            group, version, kind = gvk["group"], gvk["version"], gvk["kind"]
            api_version = f"{group}/{version}" if group else version
            kinds.setdefault(api_version, {})[kind] = name
    return kinds


def load_definitions(folder: Path) -> dict[str, Any]:
    with open(folder / "_definitions.json", encoding="utf-8") as handle:
        return json.load(handle)["$defs"]  # type: ignore[no-any-return]


def build(source: Path, minor: int) -> tuple[dict[str, Any], int]:
    raw = load_definitions(source / f"v1.{minor}.0-local")
    kinds = kinds_of(raw)
    roots = {name for group in kinds.values() for name in group.values()}
    definitions = {name: clean(schema) for name, schema in raw.items()}
    keep = reachable(definitions, roots)
    definitions = {name: definitions[name] for name in sorted(keep)}
    add_enums(definitions)
    if QUANTITY in definitions:
        definitions[QUANTITY] = {
            "oneOf": [
                {"type": ["string", "null"], "pattern": QUANTITY_PATTERN},
                {"type": ["number", "null"]},
            ]
        }
    bundle = {
        "kubernetes": f"1.{minor}",
        "source": f"kubernetes-validate kubernetes-json-schema/v1.{minor}.0-local",
        "kinds": {group: dict(sorted(names.items())) for group, names in sorted(kinds.items())},
        "definitions": definitions,
    }
    mismatches = check_strict(source, minor, raw, keep)
    return bundle, mismatches


def check_strict(source: Path, minor: int, raw: dict[str, Any], keep: set[str]) -> int:
    """How many kept definitions differ between upstream strict and make_strict(local)."""
    sys.path.insert(0, str(ROOT))
    from kubelint.schema import make_strict

    strict = load_definitions(source / f"v1.{minor}.0-local-strict")
    mismatches = 0
    for name in keep:
        if name == QUANTITY:
            continue
        if make_strict(clean(raw[name])) != clean(strict[name]):
            mismatches += 1
            if mismatches <= 3:
                print(f"  strict mismatch in 1.{minor}: {name}", file=sys.stderr)
    return mismatches


def encode(bundle: dict[str, Any]) -> bytes:
    text = json.dumps(bundle, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(text.encode("utf-8"))
    return buffer.getvalue()


def default_source() -> Path:
    """The installed package's data, found without importing it (only its data is used,
    so its runtime dependencies need not be installed)."""
    import importlib.util

    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        sys.exit(
            "kubernetes-validate is not installed: pip install kubernetes-validate==1.37.0"
            " (or pass --source)"
        )
    return Path(spec.submodule_search_locations[0]) / "kubernetes-json-schema"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="kubernetes-json-schema folder")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a bundle would change"
    )
    args = parser.parse_args(argv[1:])
    source = args.source or default_source()
    minors = sorted(
        int(p.name.split(".")[1])
        for p in source.glob("v1.*.0-local")
        if int(p.name.split(".")[1]) >= FIRST_MINOR
    )
    OUT.mkdir(parents=True, exist_ok=True)
    status = 0
    total = 0
    for minor in minors:
        bundle, mismatches = build(source, minor)
        data = encode(bundle)
        total += len(data)
        path = OUT / f"v1.{minor}.json.gz"
        changed = not path.exists() or path.read_bytes() != data
        print(
            f"1.{minor}: {len(bundle['definitions'])} definitions,"
            f" {sum(len(k) for k in bundle['kinds'].values())} kinds, {len(data):,} bytes"
            f"{' (changed)' if changed else ''}"
            f"{f', {mismatches} strict mismatches' if mismatches else ''}"
        )
        if mismatches:
            status = 1
        if changed and args.check:
            status = 1
        elif changed:
            path.write_bytes(data)
    print(f"total: {total:,} bytes for {len(minors)} versions")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
