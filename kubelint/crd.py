"""Custom resource schemas: CustomResourceDefinitions turned into JSON Schemas (Draft
2020-12) that the schema catalog validates objects with.

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
them for the ``crd-validation-rules`` rule, which evaluates them. ``kubelint.crd_sources``
finds the schemas given with ``--crds``: CRD manifests, compiled here, and standalone JSON
Schema files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeGuard

from kubelint.model import is_mapping

#: (apiVersion, kind) -> JSON Schema of the whole object.
Schemas = dict[tuple[str, str], dict[str, Any]]

#: A path into an object; ``"*"`` stands for any list item or map value (see ANY).
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

#: What a ``*`` stands for in the paths of cel_validations: any item of a list or value of a
#: map.
ANY = "*"


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
    return {
        (f"{group}/{name}", kind): PendingSchema(schema, f"{group}/{name}", kind, mode)
        for name, schema in versions
    }


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

    _translate_children(node, mode, out)
    _copy_constraints(node, out)
    # Value validations: their branches may name only some fields of the node (the node
    # itself must name them all), so closing objects inside them would reject fields the
    # node allows.
    if not _VALUE_VALIDATIONS.isdisjoint(node):
        _translate_value_validations(node, mode, int_or_string, out)

    if embedded:
        _embed(out)
    if (
        mode.close
        and not preserve
        and "additionalProperties" not in out
        and ("properties" in out or out.get("type") == "object")
    ):
        # The server prunes every field the schema does not name (an object without
        # properties loses them all); kubectl's strict field validation rejects them.
        out["additionalProperties"] = False

    nullable = node.get("nullable") is True and not root
    if nullable or (field and mode.prune):
        out = _accept_null(out)
    return out


def _translate_children(node: Mapping[str, Any], mode: _Mode, out: dict[str, Any]) -> None:
    """The node's ``properties``, ``additionalProperties`` and ``items``, translated."""
    properties = node.get("properties")
    if isinstance(properties, (dict, Mapping)):
        out["properties"] = {
            name: _translate(sub, mode, field=True)
            for name, sub in properties.items()
            if isinstance(name, str)
        }
    additional = node.get("additionalProperties")
    if isinstance(additional, bool):
        out["additionalProperties"] = additional
    elif isinstance(additional, (dict, Mapping)):
        out["additionalProperties"] = _translate(additional, mode, field=True)
    items = node.get("items")
    if isinstance(items, (dict, Mapping)):  # OpenAPI v3 has no tuple form: a list is no schema
        out["items"] = _translate(items, mode, field=False)


def _copy_constraints(node: Mapping[str, Any], out: dict[str, Any]) -> None:
    """The node's constraints JSON Schema spells the same way, those that are valid
    (the server rejects the others, so here they constrain nothing)."""
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


def _translate_value_validations(
    node: Mapping[str, Any], mode: _Mode, int_or_string: bool, out: dict[str, Any]
) -> None:
    """``allOf``, ``anyOf``, ``oneOf`` and ``not``, translated without closing objects
    (see ``_translate``); IntOrString's own anyOf pair is left out, its type says it."""
    inner = _Mode(prune=mode.prune, close=False)
    for key in _JUNCTORS:
        branches = node.get(key)
        if isinstance(branches, list):
            translated = [
                _translate(sub, inner, field=False)
                for sub in branches
                if isinstance(sub, (dict, Mapping))
            ]
            if translated and not (int_or_string and _is_int_or_string_pair(translated)):
                out[key] = translated
    if isinstance(node.get("not"), (dict, Mapping)):
        out["not"] = _translate(node["not"], inner, field=False)


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
    out["required"] = [
        "apiVersion",
        "kind",
        *(n for n in required if n not in ("apiVersion", "kind")),
    ]


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
    return sorted(str(b.get("type")) for b in branches) == ["integer", "string"] and all(
        len(b) == 1 for b in branches
    )


_INFINITIES = (float("inf"), float("-inf"))


def _is_number(value: Any) -> TypeGuard[int | float]:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and value == value
        and value not in _INFINITIES
    )


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


def cel_validations(crd: Mapping[str, Any], version: str | None = None) -> list[CelValidation]:
    """The CEL rules (``x-kubernetes-validations``) of a CRD's served versions (of the
    one named ``version`` only, when given: a CRD's schemas can be thousands of nodes a
    version), in document order. Rules in value validations (allOf, anyOf, oneOf, not)
    are not listed: Kubernetes does not allow them there."""
    try:
        found = _crd_versions(crd)
    except RecursionError:
        return []
    if found is None:
        return []
    group, kind, versions, _mode = found
    out: list[CelValidation] = []
    for name, schema in versions:
        if version is not None and name != version:
            continue
        # An explicit stack (last in, first out, pushed reversed) keeps document order.
        # ``is_mapping`` answers the parsed schemas' dicts without the Mapping ABC, which
        # made this walk of every node twice as slow.
        stack: list[tuple[Any, RulePath]] = [(schema, ())]
        while stack:
            node, path = stack.pop()
            if not is_mapping(node):
                continue
            rules = node.get("x-kubernetes-validations")
            if rules.__class__ is list:
                out.extend(
                    CelValidation(
                        f"{group}/{name}",
                        kind,
                        path,
                        rule["rule"],
                        _text(rule.get("message")),
                        _text(rule.get("messageExpression")),
                        _text(rule.get("fieldPath")),
                    )
                    for rule in rules
                    if is_mapping(rule) and isinstance(rule.get("rule"), str)
                )
            children: list[tuple[Any, RulePath]] = []
            properties = node.get("properties")
            if is_mapping(properties):
                children.extend(
                    (sub, (*path, key)) for key, sub in properties.items() if key.__class__ is str
                )
            for key in ("additionalProperties", "items"):
                child = node.get(key)
                if is_mapping(child):
                    children.append((child, (*path, ANY)))
            stack.extend(reversed(children))
    return out


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
