"""The schemas given with ``--crds``: CustomResourceDefinition manifests (compiled by
``kubelint.crd``) and standalone JSON Schema files, found in files and directories.

``schema_from_file`` reads the standalone JSON Schemas that kubeconform and the datree
CRDs-catalog ship, naming the kind and version each is for; ``load_crd_sources`` collects
both kinds from the paths given with ``--crds``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from kubelint.crd import CRD_API_VERSIONS, Schemas, compile_crd
from kubelint.loader import PathNotFound, decode, discover, load_path, read_file

PROBLEM_NOTHING = "not a CRD or a JSON Schema with a known kind"


# ---------------------------------------------------------------------------
# Standalone JSON Schema files (kubeconform, CRDs-catalog)

#: A version as Kubernetes names them (v1, v2beta1, v1alpha3).
_VERSION = r"v[0-9]+(?:(?:alpha|beta)[0-9]+)?"
#: CRDs-catalog: <group>/<kind>_<version>.json (kind lower-cased).
_CATALOG_NAME = re.compile(rf"(?P<kind>[A-Za-z0-9]+)_(?P<version>{_VERSION})")
#: kubeconform's -schema-location templates: <kind>-<group>-<version>.json, or
#: <kind>-<version>.json for the core group (kind lower-cased).
_KUBECONFORM_NAME = re.compile(
    rf"(?P<kind>[A-Za-z0-9]+)(?:-(?P<group>[a-z0-9][a-z0-9.-]*[a-z0-9]|[a-z0-9]))?"
    rf"-(?P<version>{_VERSION})"
)
#: An API group of a CRD: a DNS subdomain with at least one dot.
_GROUP = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def schema_from_file(path: str, data: Any) -> Schemas:
    """The (apiVersion, kind) a standalone JSON Schema is for, with its schema.

    The GVK comes from ``x-kubernetes-group-version-kind`` in the schema when present
    (kubernetes-json-schema does this), else from the file name: ``<kind>_<version>.json``
    in a directory named after the group (the CRDs-catalog layout,
    ``monitoring.coreos.com/prometheus_v1.json``) or ``<kind>-<group>-<version>.json``
    (kubeconform's naming). Both lower-case the kind; its real spelling is taken from the
    schema when the schema shows it (see ``_spell_kind``). ``{}`` when there is no GVK.

    kubeconform's own template (``{{ .ResourceKind }}{{ .KindSuffix }}``) keeps only the
    first DNS label of the group: ``trainingjob-sagemaker-v1.json``. Unless the schema's
    ``apiVersion`` property names the full group (``_named_api_versions``), such a schema
    is filed under ``sagemaker.*/v1`` (``first_label_api_version``) and applies, as in
    kubeconform, to that version and kind of every group whose first label is
    ``sagemaker`` (see ``_truncated_group``).

    The schema is taken as it is (it is JSON Schema already, strict or not as its author
    chose); only apiVersion and kind are pinned, so it never validates another kind.
    """
    if not isinstance(data, Mapping):
        return {}
    gvks = _declared_gvks(data) or _gvk_from_name(path, data)
    out: Schemas = {}
    for api_version, kind in gvks:
        schema = dict(data)
        properties = schema.get("properties")
        properties = dict(properties) if isinstance(properties, Mapping) else {}
        properties["apiVersion"] = _pin_api_version(api_version)
        properties["kind"] = {"type": "string", "const": kind}
        schema["properties"] = properties
        out[(api_version, kind)] = schema
    return out


def _pin_api_version(api_version: str) -> dict[str, Any]:
    """The apiVersion property of a standalone schema filed under ``api_version``."""
    group, _slash, version = api_version.rpartition("/")
    if group.endswith(".*"):
        # first_label_api_version: the label, alone or followed by ".<anything>", exactly
        # what Catalog looks up. Labels and versions are [a-z0-9-] (see _KUBECONFORM_NAME),
        # so nothing needs escaping.
        return {"type": "string", "pattern": f"^{group[:-2]}(\\..*)?/{version}$"}
    return {"type": "string", "const": api_version}


def _declared_gvks(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    declared = data.get("x-kubernetes-group-version-kind")
    if isinstance(declared, Mapping):
        declared = [declared]
    if not isinstance(declared, list):
        return []
    out = []
    for gvk in declared:
        if not isinstance(gvk, Mapping):
            continue
        group, version, kind = gvk.get("group", ""), gvk.get("version"), gvk.get("kind")
        if (
            isinstance(group, str)
            and isinstance(version, str)
            and version
            and isinstance(kind, str)
            and kind
        ):
            out.append((f"{group}/{version}" if group else version, kind))
    return out


def _stem_and_directory(path: str) -> tuple[str, str]:
    name = os.path.basename(path)
    stem = name[: -len(".json")] if name.lower().endswith(".json") else os.path.splitext(name)[0]
    return stem, os.path.basename(os.path.dirname(os.path.abspath(path)))


def _gvk_from_name(path: str, data: Mapping[str, Any]) -> list[tuple[str, str]]:
    stem, directory = _stem_and_directory(path)
    match = _CATALOG_NAME.fullmatch(stem)
    if match and _GROUP.fullmatch(directory):
        api_version = f"{directory}/{match['version']}"
        return [(api_version, _spell_kind(match["kind"], data))]
    match = _KUBECONFORM_NAME.fullmatch(stem)
    if not match:
        return []
    group, version = match["group"], match["version"]
    kind = _spell_kind(match["kind"], data)
    if not group:
        return [(version, kind)]
    if _truncated_group(group):
        from kubelint.schema import first_label_api_version

        named = _named_api_versions(group, version, data)
        return [
            (api_version, kind)
            for api_version in named or [first_label_api_version(group, version)]
        ]
    return [(f"{group}/{version}", kind)]


def _truncated_group(group: str) -> bool:
    """Is ``group``, from a kubeconform file name, possibly only the first DNS label of the
    real group? kubeconform's ``{{ .KindSuffix }}`` keeps just that label
    (``trainingjob-sagemaker-v1.json`` is sagemaker.aws.amazon.com/v1 TrainingJob,
    ``rolebinding-rbac-v1.json`` rbac.authorization.k8s.io/v1 RoleBinding). A group with a
    dot is whole (another template wrote it); so is a one-label group Kubernetes serves
    (apps, batch, policy...): ``deployment-apps-v1.json`` is apps/v1 only."""
    if "." in group:
        return False
    from kubelint.schema import builtin_groups

    return group not in builtin_groups()


def _named_api_versions(label: str, version: str, data: Mapping[str, Any]) -> list[str]:
    """The apiVersions of ``version`` whose group starts with the label ``label`` that the
    schema's own ``apiVersion`` property allows (``const``, or ``enum`` values), in order:
    the full group(s) the file is really for, when the schema says it."""
    properties = data.get("properties")
    own = properties.get("apiVersion") if isinstance(properties, Mapping) else None
    if not isinstance(own, Mapping):
        return []
    enum = own.get("enum")
    values: list[Any] = enum if isinstance(enum, list) else [own.get("const")]
    named: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        group, _slash, own_version = value.rpartition("/")
        if (
            own_version == version
            and group.split(".", 1)[0] == label
            and _GROUP.fullmatch(group)
            and value not in named
        ):
            named.append(value)
    return named


def _spell_kind(lowered: str, data: Mapping[str, Any]) -> str:
    """The kind as the schema spells it, if it does; else as the file name does.

    File names lower-case kinds and Kubernetes kinds are case-sensitive. Generated
    schemas name the kind in prose: "TrainingJob is the Schema for the trainingjobs API"
    (kubebuilder), "The `Prometheus` custom resource definition...", "TrainingJobSpec
    defines..." (the spec). A word that lower-cases to the file's kind is taken.
    """
    properties = data.get("properties")
    properties = properties if isinstance(properties, Mapping) else {}
    kind_schema = properties.get("kind")
    if isinstance(kind_schema, Mapping):
        values = kind_schema.get("enum", [kind_schema.get("const")])
        for value in values if isinstance(values, list) else ():
            if isinstance(value, str) and value.lower() == lowered.lower():
                return value
    texts: list[tuple[str, str]] = [(str(data.get("description", "")), "")]
    for field, suffix in (("spec", "Spec"), ("status", "Status")):
        sub = properties.get(field)
        if isinstance(sub, Mapping):
            texts.append((str(sub.get("description", "")), suffix))
    for text, suffix in texts:
        words: list[str] = _WORD.findall(text)
        for word in words:
            if suffix and word.endswith(suffix):
                word = word[: -len(suffix)]
            if word.lower() == lowered.lower() and word != word.lower():
                return word
    return lowered


# ---------------------------------------------------------------------------
# --crds: files and directories


def load_crd_sources(paths: Iterable[str]) -> tuple[Schemas, list[str]]:
    """Schemas from CRD manifests and standalone JSON Schema files in ``paths`` (files, or
    directories searched for ``*.yaml``, ``*.yml``, ``*.json``), and one problem per path
    or file that gave none ("path: reason"). Never raises on bad input."""
    schemas: Schemas = {}
    problems: list[str] = []
    for path in paths:
        try:
            files = list(discover([path], lambda _absolute: False))
        except PathNotFound:
            problems.append(f"{path}: no such file or directory")
            continue
        except OSError as error:
            problems.append(f"{path}: {error.strerror or error}")
            continue
        for file in files:
            if file == "-":  # discover's name for standard input
                problems.append("-: standard input cannot hold CRDs for --crds")
                continue
            found, problem = _load_file(file)
            schemas.update(found)
            if problem is not None:
                problems.append(f"{file}: {problem}")
    return schemas, problems


def _load_file(path: str) -> tuple[Schemas, str | None]:
    """What one file gives, and the reason when it gives nothing."""
    loaded = load_path(path, path)
    found: Schemas = {}
    crds = 0
    for obj in loaded.objects:
        if obj.kind == "CustomResourceDefinition" and obj.api_version in CRD_API_VERSIONS:
            crds += 1
            found.update(compile_crd(obj.data))
    if found:
        return found, None
    if crds:
        return (
            {},
            "the CustomResourceDefinition serves no version"
            if crds == 1
            else "none of the CustomResourceDefinitions serves a version",
        )
    if path.lower().endswith(".json"):
        data = _read_json(path)
        if isinstance(data, Mapping) and "apiVersion" not in data and "kind" not in data:
            found = schema_from_file(path, data)
            if found:
                broken = _unbuildable(found)
                if broken:
                    return {}, f"the JSON Schema does not compile: {broken}"
                return found, None
    if loaded.problems:  # a YAML or reading error says more than "nothing"
        problem = loaded.problems[0]
        if problem.rule in ("file-unreadable", "yaml-limits"):
            return {}, problem.message
        return {}, f"{problem.message} (line {problem.line + 1}); {PROBLEM_NOTHING}"
    return {}, PROBLEM_NOTHING


def _read_json(path: str) -> Any:
    raw, _problem = read_file(path)  # the size limit of manifests applies
    if raw is None:
        return None
    text, problem = decode(raw)
    if problem is not None:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _unbuildable(schemas: Schemas) -> str | None:
    """The first build error of a standalone schema (they are taken as they are, so one
    can name an unknown $schema or hold an invalid keyword), or None."""
    import jsonschema_rs

    from kubelint.schema import outside_refs, refuse_retrieval

    for schema in schemas.values():
        for path, ref in outside_refs(schema)[:1]:
            return (
                f"{'/'.join(map(str, path))}: $ref {ref!r} is outside the schema;"
                " kubelint never fetches schemas"
            )
        try:
            jsonschema_rs.validator_for(schema, retriever=refuse_retrieval)
        except Exception as error:  # ValidationError, ReferencingError, ValueError...
            return str(error).splitlines()[0]
    return None
