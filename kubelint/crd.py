"""Custom resource schemas: CustomResourceDefinitions and standalone JSON Schema files
turned into JSON Schemas (Draft 2020-12) that the schema catalog validates objects with.

A CRD describes each version of its kind with a *structural schema*, a subset of OpenAPI
v3 plus ``x-kubernetes-*`` extensions. It is not JSON Schema: ``nullable``,
``exclusiveMinimum: true`` and the extensions mean nothing (or something else) to a JSON
Schema validator, and what the API server does with unknown fields and nulls is not
written in the schema at all. ``compile_crd`` translates one CRD into one JSON Schema per
served version, reproducing what the API server accepts:

* unknown fields are pruned by the server, and kubectl's default strict field validation
  turns every pruned field into an error, so object nodes are closed
  (``additionalProperties: false``) unless ``x-kubernetes-preserve-unknown-fields`` says
  otherwise;
* a null value for a field that is not ``nullable`` is removed before validation
  (``PruneNonNullableNullsWithoutDefaults`` in the apiextensions-apiserver), so it is not
  an error either; null *list items* are not removed and must be ``nullable``;
* CRDs that keep unknown fields (``preserveUnknownFields: true``, the apiextensions v1beta1
  default) do neither, and are compiled leniently.

``x-kubernetes-validations`` (CEL) rules are not JSON Schema; ``cel_validations`` lists
them for the ``crd-validation-rules`` rule, which evaluates them. ``schema_from_file``
reads the standalone JSON Schemas that kubeconform and the datree CRDs-catalog ship, and
``load_crd_sources`` collects both kinds from the files and directories given with
``--crds``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeGuard

from kubelint.loader import PathNotFound, decode, discover, load_path, read_file

#: (apiVersion, kind) -> JSON Schema of the whole object.
Schemas = dict[tuple[str, str], dict[str, Any]]

#: A path into an object; ``"*"`` stands for any list item or map value (see cel_rules).
RulePath = tuple[str | int, ...]

CRD_API_VERSIONS = frozenset({"apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1"})
_V1BETA1 = "apiextensions.k8s.io/v1beta1"

#: The types a structural schema may name (OpenAPI v3 has no "null" type).
_TYPES = frozenset({"object", "array", "string", "integer", "number", "boolean"})

#: Keywords with a non-negative integer value, kept as they are.
_COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")

_JUNCTORS = ("allOf", "anyOf", "oneOf")
#: Keys of a schema node that _translate looks at only when one of them is there (a CRD
#: has thousands of nodes, most with a type, a description and properties or items).
_BOUNDS = frozenset({"minimum", "maximum", *_COUNTS})
_VALUE_VALIDATIONS = frozenset({*_JUNCTORS, "not"})

#: What a ``*`` stands for in the paths cel_rules gives: any item of a list or value of a map.
ANY = "*"

PROBLEM_NOTHING = "not a CRD or a JSON Schema with a known kind"


# ---------------------------------------------------------------------------
# CustomResourceDefinition -> JSON Schema


@dataclass(frozen=True)
class _Mode:
    """How one CRD's schemas are translated.

    ``prune``: the server prunes unknown fields and non-nullable nulls (every v1 CRD, and
    v1beta1 ones with ``preserveUnknownFields: false``). ``close``: object nodes get
    ``additionalProperties: false``; it is ``prune`` outside value validations (allOf,
    anyOf, oneOf, not), whose branches may name only some of the node's fields.
    """

    prune: bool
    close: bool


def compile_crd(crd: Mapping[str, Any]) -> Schemas:
    """JSON Schemas of the custom resources a CRD defines, one per served version.

    Keys are ``(f"{group}/{version}", kind)``. Versions with ``served: false`` are left out:
    the API server does not accept objects of them. A malformed CRD gives what can be
    made of it, possibly ``{}``; nothing raises.
    """
    try:
        return _compile_crd(crd)
    except RecursionError:  # a schema nested deeper than Python's stack (not from YAML)
        return {}


def _compile_crd(crd: Mapping[str, Any]) -> Schemas:
    return {key: pending.resolve() for key, pending in crd_schemas(crd).items()}


class PendingSchema:
    """One served version's JSON Schema, translated when first asked for: a large input
    defines hundreds of kinds (operators' CRD bundles) and has objects of a few."""

    __slots__ = ("_api_version", "_kind", "_mode", "_schema")

    def __init__(self, schema: Any, api_version: str, kind: str, mode: _Mode):
        self._schema, self._api_version, self._kind, self._mode = schema, api_version, kind, mode

    def resolve(self) -> dict[str, Any]:
        try:
            return _root(self._schema, self._api_version, self._kind, self._mode)
        except RecursionError:  # a schema nested deeper than Python's stack (not from YAML)
            return {}


def crd_schemas(crd: Mapping[str, Any]) -> dict[tuple[str, str], PendingSchema]:
    """``compile_crd`` without the translation: what it would make, made on demand."""
    try:
        found = _crd_versions(crd)
    except RecursionError:
        return {}
    if found is None:
        return {}
    group, kind, versions, mode = found
    return {(f"{group}/{name}", kind): PendingSchema(schema, f"{group}/{name}", kind, mode)
            for name, schema in versions}


def _crd_versions(
    crd: Mapping[str, Any],
) -> tuple[str, str, list[tuple[str, Any]], _Mode] | None:
    """(group, kind, [(served version, its openAPIV3Schema or None)], mode), or None
    when the CRD lacks what a key needs."""
    if not isinstance(crd, Mapping):
        return None
    spec = crd.get("spec")
    if not isinstance(spec, Mapping):
        return None
    group = spec.get("group")
    names = spec.get("names")
    kind = names.get("kind") if isinstance(names, Mapping) else None
    if not (isinstance(group, str) and group and isinstance(kind, str) and kind):
        return None
    v1beta1 = crd.get("apiVersion") == _V1BETA1
    # v1beta1 keeps unknown fields unless told otherwise; v1 allows `true` only on CRDs
    # carried over from v1beta1 (the argo-cd testdata has such objects from a cluster).
    preserve = spec.get("preserveUnknownFields")
    prune = preserve is False if v1beta1 else preserve is not True
    mode = _Mode(prune=prune, close=prune)
    # A v1beta1 CRD may give one schema for every version (spec.validation); a version's
    # own schema (versions[].schema, the only place in v1) wins.
    validation = spec.get("validation")
    shared = _open_api_schema(validation)
    versions: list[tuple[str, Any]] = []
    listed = spec.get("versions")
    if isinstance(listed, list) and listed:
        for version in listed:
            if not isinstance(version, Mapping):
                continue
            name = version.get("name")
            # Go decodes a missing `served` as false, so only an explicit true serves.
            if not isinstance(name, str) or not name or version.get("served") is not True:
                continue
            own = _open_api_schema(version.get("schema"))
            versions.append((name, own if own is not None else shared))
    elif isinstance(spec.get("version"), str) and spec["version"]:
        # v1beta1 with a single spec.version: served (the defaulting made it so).
        versions.append((spec["version"], shared))
    return group, kind, versions, mode


def _open_api_schema(holder: Any) -> Any:
    if isinstance(holder, Mapping):
        schema = holder.get("openAPIV3Schema")
        if isinstance(schema, Mapping):
            return schema
    return None


def _root(schema: Any, api_version: str, kind: str, mode: _Mode) -> dict[str, Any]:
    """The schema of a whole custom resource of one version."""
    if schema is None:
        # No schema (a v1beta1 CRD without validation): anything goes but the type.
        out: dict[str, Any] = {"type": "object"}
    else:
        out = _translate(schema, mode, field=False, root=True)
    out["type"] = "object"  # the root is an object whatever the CRD says
    properties = dict(out.get("properties", {}))
    # apiVersion, kind and metadata are implicit at the root: the server never prunes
    # them. ObjectMeta is the API server's business; only its type is checked here.
    properties["apiVersion"] = {"const": api_version}
    properties["kind"] = {"const": kind}
    properties["metadata"] = {"type": "object"}
    out["properties"] = properties
    return out


def _translate(node: Any, mode: _Mode, *, field: bool, root: bool = False) -> dict[str, Any]:
    """One structural-schema node -> JSON Schema.

    ``field``: the node is the schema of a map field (under ``properties`` or
    ``additionalProperties``), where the server drops a non-nullable null.
    """
    if not isinstance(node, (dict, Mapping)):
        return {}  # not a schema (the server would reject the CRD): accept anything here
    out: dict[str, Any] = {}
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    embedded = node.get("x-kubernetes-embedded-resource") is True
    int_or_string = node.get("x-kubernetes-int-or-string") is True

    kind = node.get("type")
    if int_or_string:
        # IntOrString: the schema may not give a type (or gives the pair through anyOf).
        out["type"] = ["integer", "string"]
    elif isinstance(kind, str) and kind in _TYPES:
        out["type"] = kind
    elif embedded:
        out["type"] = "object"
    # No type (preserve-unknown-fields without one): no type requirement.

    properties = node.get("properties")
    if isinstance(properties, (dict, Mapping)):
        out["properties"] = {name: _translate(sub, mode, field=True)
                             for name, sub in properties.items() if isinstance(name, str)}
    additional = node.get("additionalProperties")
    if isinstance(additional, bool):
        out["additionalProperties"] = additional
    elif isinstance(additional, (dict, Mapping)):
        out["additionalProperties"] = _translate(additional, mode, field=True)
    items = node.get("items")
    if isinstance(items, (dict, Mapping)):  # OpenAPI v3 has no tuple form: a list is no schema
        out["items"] = _translate(items, mode, field=False)

    required = node.get("required")
    if isinstance(required, list):
        # JSON Schema wants unique strings; order is kept for stable messages.
        names = list(dict.fromkeys(name for name in required if isinstance(name, str)))
        if names:
            out["required"] = names
    if isinstance(node.get("enum"), list):
        out["enum"] = list(node["enum"])
    if not _BOUNDS.isdisjoint(node):  # most nodes have no bounds: skip the lookups
        _copy_bounds(node, out)
        for key in _COUNTS:
            value = node.get(key)
            if _is_int(value) and value >= 0:
                out[key] = value
    if isinstance(node.get("uniqueItems"), bool):
        out["uniqueItems"] = node["uniqueItems"]
    multiple = node.get("multipleOf")
    if _is_number(multiple) and multiple > 0:
        out["multipleOf"] = multiple
    pattern = node.get("pattern")
    if isinstance(pattern, str) and pattern_compiles(pattern):
        out["pattern"] = pattern

    # Value validations: their branches may name only some fields of the node (the node
    # itself must name them all), so closing objects inside them would reject fields the
    # node allows.
    if not _VALUE_VALIDATIONS.isdisjoint(node):
        inner = _Mode(prune=mode.prune, close=False)
        for key in _JUNCTORS:
            branches = node.get(key)
            if isinstance(branches, list):
                translated = [_translate(sub, inner, field=False)
                              for sub in branches if isinstance(sub, (dict, Mapping))]
                if translated and not (int_or_string and _is_int_or_string_pair(translated)):
                    out[key] = translated
        if isinstance(node.get("not"), (dict, Mapping)):
            out["not"] = _translate(node["not"], inner, field=False)

    if embedded:
        _embed(out)
    if mode.close and not preserve and "additionalProperties" not in out \
            and ("properties" in out or out.get("type") == "object"):
        # The server prunes every field the schema does not name (an object without
        # properties loses them all); kubectl's strict field validation rejects them.
        out["additionalProperties"] = False

    nullable = node.get("nullable") is True and not root
    if nullable or (field and mode.prune):
        out = _accept_null(out)
    return out


def _copy_bounds(node: Mapping[str, Any], out: dict[str, Any]) -> None:
    """OpenAPI v3 (like JSON Schema draft 4) makes exclusiveMinimum/Maximum booleans that
    qualify minimum/maximum; from draft 6 on they are the bounds themselves."""
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        value = node.get(bound)
        if not _is_number(value):
            continue  # an exclusive flag without its bound means nothing
        if node.get(exclusive) is True:
            out[exclusive] = value
        else:
            out[bound] = value


def _embed(out: dict[str, Any]) -> None:
    """x-kubernetes-embedded-resource: an object that is itself a Kubernetes object.

    The server requires non-empty apiVersion and kind strings and treats the three
    top-level fields as implicitly specified (never pruned)."""
    properties = out.setdefault("properties", {})
    properties["apiVersion"] = {"type": "string", "minLength": 1}
    properties["kind"] = {"type": "string", "minLength": 1}
    properties["metadata"] = {"type": "object"}
    required = out.get("required", [])
    out["required"] = ["apiVersion", "kind", *(n for n in required if n not in
                                                ("apiVersion", "kind"))]


def _accept_null(out: dict[str, Any]) -> dict[str, Any]:
    """``out`` also accepting null (a nullable node, or a field whose null is pruned)."""
    if not _VALUE_VALIDATIONS.isdisjoint(out):
        # A branch or a `not` could reject null; `if` with no `then` leaves it alone and
        # keeps the schema path of the other errors readable (".../else/...").
        return {"if": {"type": "null"}, "else": out}
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        out["type"] = [*kind, "null"]
    if "enum" in out and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    return out


def _is_int_or_string_pair(branches: list[dict[str, Any]]) -> bool:
    """``anyOf: [{type: integer}, {type: string}]``, as controller-gen writes IntOrString:
    the type list says it already."""
    return sorted(str(b.get("type")) for b in branches) == ["integer", "string"] \
        and all(len(b) == 1 for b in branches)


_INFINITIES = (float("inf"), float("-inf"))


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and value == value and value not in _INFINITIES


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


@lru_cache(maxsize=4096)
def pattern_compiles(pattern: str) -> bool:
    """Can the validator compile ``pattern``?

    Kubernetes patterns are Go RE2; jsonschema-rs reads them as ECMA 262 regular
    expressions, which agree on everything CRDs use in practice (classes, anchors,
    repetition, ``\\p{L}``, ``\\z``). A pattern it cannot compile (RE2's ``\\Q...\\E``,
    or ``a{,3}``, a literal brace in RE2) would make the whole validator fail to build, so
    it is dropped: the field is checked less, never wrongly. jsonschema-rs itself is
    asked, rather than Python's ``re``, because it is what validates: ``re`` rejects
    ``\\p{L}`` (valid in RE2 and ECMA) and accepts syntax jsonschema-rs does not.
    """
    import jsonschema_rs

    try:
        jsonschema_rs.validator_for({"pattern": pattern})
    except Exception:  # jsonschema-rs raises ValidationError for a bad regex
        return False
    return True


# ---------------------------------------------------------------------------
# x-kubernetes-validations


@dataclass(frozen=True)
class CelValidation:
    """One ``x-kubernetes-validations`` rule: where it sits and what it says."""

    api_version: str
    kind: str
    #: From the object's root to the node the rule is attached to; ``"*"`` (``ANY``)
    #: stands for every item of a list and every value of a map.
    path: RulePath
    rule: str
    message: str | None = None
    message_expression: str | None = None
    #: Relative to the node (a JSONPath such as ``.spec.replicas``), where to report.
    field_path: str | None = None


def cel_validations(crd: Mapping[str, Any]) -> list[CelValidation]:
    """The CEL rules (``x-kubernetes-validations``) of a CRD's served versions, in
    document order. Rules in value validations (allOf, anyOf, oneOf, not) are not listed:
    Kubernetes does not allow them there."""
    try:
        found = _crd_versions(crd)
    except RecursionError:
        return []
    if found is None:
        return []
    group, kind, versions, _mode = found
    out: list[CelValidation] = []
    for name, schema in versions:
        # An explicit stack (last in, first out, pushed reversed) keeps document order.
        stack: list[tuple[Any, RulePath]] = [(schema, ())]
        while stack:
            node, path = stack.pop()
            if not isinstance(node, Mapping):
                continue
            rules = node.get("x-kubernetes-validations")
            if isinstance(rules, list):
                out.extend(
                    CelValidation(f"{group}/{name}", kind, path, rule["rule"],
                                  _text(rule.get("message")),
                                  _text(rule.get("messageExpression")),
                                  _text(rule.get("fieldPath")))
                    for rule in rules
                    if isinstance(rule, Mapping) and isinstance(rule.get("rule"), str))
            children: list[tuple[Any, RulePath]] = []
            properties = node.get("properties")
            if isinstance(properties, Mapping):
                children.extend((sub, (*path, key)) for key, sub in properties.items()
                                if isinstance(key, str))
            for key in ("additionalProperties", "items"):
                if isinstance(node.get(key), Mapping):
                    children.append((node[key], (*path, ANY)))
            stack.extend(reversed(children))
    return out


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def cel_rules(crd: Mapping[str, Any]) -> list[tuple[str, RulePath, str]]:
    """``(apiVersion, path, rule)`` of every ``cel_validations`` entry."""
    return [(v.api_version, v.path, v.rule) for v in cel_validations(crd)]


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
    rf"-(?P<version>{_VERSION})")
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
        if isinstance(group, str) and isinstance(version, str) and version \
                and isinstance(kind, str) and kind:
            out.append((f"{group}/{version}" if group else version, kind))
    return out


def _stem_and_directory(path: str) -> tuple[str, str]:
    name = os.path.basename(path)
    stem = name[:-len(".json")] if name.lower().endswith(".json") else os.path.splitext(name)[0]
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
        return [(api_version, kind)
                for api_version in named or [first_label_api_version(group, version)]]
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
        if own_version == version and group.split(".", 1)[0] == label \
                and _GROUP.fullmatch(group) and value not in named:
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
                word = word[:-len(suffix)]
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
        return {}, "the CustomResourceDefinition serves no version" if crds == 1 else \
            "none of the CustomResourceDefinitions serves a version"
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
            return (f"{'/'.join(map(str, path))}: $ref {ref!r} is outside the schema;"
                    " kubelint never fetches schemas")
        try:
            jsonschema_rs.validator_for(schema, retriever=refuse_retrieval)
        except Exception as error:  # ValidationError, ReferencingError, ValueError...
            return str(error).splitlines()[0]
    return None
