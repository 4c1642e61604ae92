"""Kubernetes API schemas: bundles shipped in the package, validators built once per
(apiVersion, kind) per run, and errors turned into findings at the offending field.

The bundles (schemas/kubernetes/v1.N.json.gz, built by scripts/build_schemas.py) hold one
set of definitions per Kubernetes minor version. Validation is strict: an object schema
that lists properties accepts no others, as the API server's strict field validation
(kubectl's default) rejects unknown fields. jsonschema-rs validates: on the corpus it was
about 40 times faster than the jsonschema package with identical results (README).
"""

from __future__ import annotations

import gzip
import json
import pkgutil
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from kubelint.constants import KUBERNETES_VERSIONS
from kubelint.patterns import lazy_compile
from kubelint.suggest import AFTER_SEMICOLON, did_you_mean

#: Keywords whose value is a schema, or a list of schemas.
_SCHEMA_KEYS = ("items", "additionalProperties", "not", "contains", "propertyNames")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def make_strict(schema: Any) -> Any:
    """A copy of ``schema`` in which every object schema that lists ``properties`` and
    says nothing about others gets ``additionalProperties: false``."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        out["properties"] = {name: make_strict(sub) for name, sub in properties.items()}
        if "additionalProperties" not in schema and not schema.get(
            "x-kubernetes-preserve-unknown-fields"
        ):
            out["additionalProperties"] = False
    for key in _SCHEMA_KEYS:
        if isinstance(schema.get(key), dict):
            out[key] = make_strict(schema[key])
    for key in _SCHEMA_LISTS:
        if isinstance(schema.get(key), list):
            out[key] = [make_strict(sub) for sub in schema[key]]
    if isinstance(schema.get("$defs"), dict):
        out["$defs"] = {name: make_strict(sub) for name, sub in schema["$defs"].items()}
    return out


#: Keywords whose value is a schema (``_SCHEMA_KEYS`` and the conditionals, which the CRD
#: translation makes for nullable fields), a list of schemas, or a map of them.
_SUBSCHEMA = frozenset({*_SCHEMA_KEYS, "if", "then", "else"})
_SUBSCHEMA_LISTS = frozenset(_SCHEMA_LISTS)
_SUBSCHEMA_MAPS = frozenset({"properties", "patternProperties"})
#: A schema with references of its own is left as it is (its $defs are its author's).
_REFERENCING = (
    "$ref",
    "$defs",
    "$id",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "definitions",
)
#: Subschemas of fewer nodes than this stay inline (a $ref would save next to nothing).
_SHARED_MIN_NODES = 4


_REFERENCE_WORD = lazy_compile("|".join(re.escape(word) for word in _REFERENCING))


def _all_dicts(values: Iterable[Any]) -> bool:
    return all(value.__class__ is dict for value in values)


class _References(Exception):
    """The schema has references of its own (see ``share_repeated``)."""


def share_repeated(schema: Any) -> Any:
    """``schema`` with every subschema that occurs more than once written once, under
    ``$defs``, and referred to by ``$ref`` everywhere it occurs; the same schema when no
    subschema repeats or when it has references of its own.

    Custom resource schemas repeat whole subtrees (an ApplicationSet's CRD has the same
    19 KB template schema under each of its 24 generators), and jsonschema-rs compiles
    each occurrence anew but a ``$def`` once: corpus/real's ApplicationSet validator took
    22 MB, 1 MB with its repeats shared. A subschema is shared only with exact copies,
    key order included, so validation and its errors' order are unchanged; errors inside
    a shared one have a schema path under ``$defs``, which ``_subschema`` follows.
    """
    if not isinstance(schema, dict):
        return schema
    sharing = _Sharing()
    try:
        sharing.number(schema)
    except (_References, RecursionError):
        return schema
    if not sharing.shared:
        return schema
    out = sharing.rebuild(schema)
    out["$defs"] = sharing.defs
    return out


class _Sharing:
    """``share_repeated``'s tables. Methods, not nested functions: a nested function that
    calls itself is a reference cycle, which would keep the tables (a tuple per schema
    node) until the next collection, and a run pauses the collector."""

    def __init__(self) -> None:
        self.ids: dict[tuple[Any, ...], int] = {}
        self.counts: list[int] = []
        self.sizes: list[int] = []
        #: id() of every schema node -> its content's number in ``ids``.
        self.numbers: dict[int, int] = {}
        self.defs: dict[str, Any] = {}
        self._shared: set[int] | None = None

    @property
    def shared(self) -> set[int]:
        """The numbers of the contents to write once: repeated, and not tiny."""
        if self._shared is None:
            self._shared = {
                found
                for found, count in enumerate(self.counts)
                if count > 1 and self.sizes[found] >= _SHARED_MIN_NODES
            }
        return self._shared

    def number(self, node: dict[str, Any]) -> int:
        parts: list[tuple[str, Any]] = []
        size = 1
        sizes = self.sizes
        for key, value in node.items():
            if key in _REFERENCING:
                raise _References
            kind = value.__class__
            if kind is dict and key in _SUBSCHEMA:
                sub = self.number(value)
                size += sizes[sub]
                parts.append((key, sub))
            elif kind is list and key in _SUBSCHEMA_LISTS and _all_dicts(value):
                subs = tuple([self.number(item) for item in value])
                for sub in subs:
                    size += sizes[sub]
                parts.append((key, subs))
            elif kind is dict and key in _SUBSCHEMA_MAPS and _all_dicts(value.values()):
                named = tuple([(name, self.number(item)) for name, item in value.items()])
                for _, sub in named:
                    size += sizes[sub]
                parts.append((key, named))
            else:
                # A value of another keyword, as text (the type tells "1" from 1); one
                # that is not a string may hide a reference.
                text = repr(value)
                if kind is not str and _REFERENCE_WORD.search(text):
                    raise _References
                parts.append((key, text))
        content = tuple(parts)
        found = self.ids.get(content)
        if found is None:
            found = self.ids[content] = len(self.counts)
            self.counts.append(0)
            sizes.append(size)
        self.counts[found] += 1
        self.numbers[id(node)] = found
        return found

    def rebuild(self, node: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            kind = value.__class__
            if kind is dict and key in _SUBSCHEMA:
                out[key] = self.refer(value)
            elif kind is list and key in _SUBSCHEMA_LISTS and _all_dicts(value):
                out[key] = [self.refer(item) for item in value]
            elif kind is dict and key in _SUBSCHEMA_MAPS and _all_dicts(value.values()):
                out[key] = {name: self.refer(item) for name, item in value.items()}
            else:
                out[key] = value
        return out

    def refer(self, node: dict[str, Any]) -> dict[str, Any]:
        found = self.numbers[id(node)]
        if found not in self.shared:
            return self.rebuild(node)
        name = f"shared-{found}"
        if name not in self.defs:
            self.defs[name] = {}  # taken before the recursion: a def is written once
            self.defs[name] = self.rebuild(node)
        return {"$ref": f"#/$defs/{name}"}


class Bundle(NamedTuple):
    """One Kubernetes version's schemas."""

    version: str
    kinds: Mapping[str, Mapping[str, str]]  # apiVersion -> kind -> definition name
    definitions: Mapping[str, Any]

    def definition_for(self, api_version: str, kind: str) -> str | None:
        return self.kinds.get(api_version, {}).get(kind)

    def groups(self) -> set[str]:
        """API groups Kubernetes itself serves in this version ("" for core)."""
        return {api_version.rpartition("/")[0] for api_version in self.kinds}


def bundled(name: str) -> bytes:
    """The bytes of ``name`` in ``schemas/`` (the ``kubelint.schemas`` package data).

    Read through the package's loader, from a directory or a zip alike, as
    ``importlib.resources`` would, without importing it: that costs a one-file run ~8 ms
    (pathlib, tempfile, zipfile).
    """
    data = pkgutil.get_data("kubelint.schemas", name)
    if data is None:  # a loader that cannot read data: none of Python's own
        raise FileNotFoundError(f"kubelint.schemas has no readable {name}")
    return data


def _read_bundle(version: str) -> Bundle:
    if version not in KUBERNETES_VERSIONS:
        raise ValueError(f"no schemas for Kubernetes {version}")
    data = json.loads(gzip.decompress(bundled(f"kubernetes/v{version}.json.gz")))
    return Bundle(version, data["kinds"], data["definitions"])


_BUNDLES: dict[str, Bundle] = {}


def load_bundle(version: str) -> Bundle:
    """The bundle of a minor version ("1.37"), read once per process."""
    bundle = _BUNDLES.get(version)
    if bundle is None:
        bundle = _BUNDLES[version] = _read_bundle(version)
    return bundle


def first_label_api_version(label: str, version: str) -> str:
    """The apiVersion under which a custom schema for ``version`` of every API group whose
    first DNS label is ``label`` is filed in a Catalog: ``sagemaker.*/v1``.

    kubeconform's file names keep only that label of the group (``{{ .KindSuffix }}`` is
    ``-sagemaker-v1`` for sagemaker.aws.amazon.com/v1), so such a schema applies, as in
    kubeconform, to sagemaker/v1, sagemaker.aws.amazon.com/v1, sagemaker.example.org/v1...
    No real apiVersion contains ``*``, so these keys never shadow an exact one."""
    return f"{label}.*/{version}"


def _by_first_label(api_version: str) -> str | None:
    """The ``first_label_api_version`` key an object's apiVersion falls under (None for
    the core group, which has no label)."""
    group, slash, version = api_version.rpartition("/")
    if not slash or not group:
        return None
    return first_label_api_version(group.split(".", 1)[0], version)


@lru_cache(maxsize=1)
def builtin_groups() -> frozenset[str]:
    """Every API group Kubernetes served in a bundled version, plus ``extensions``."""
    groups = {"extensions"}
    for version in KUBERNETES_VERSIONS:
        # Read, not kept: the run needs one version's definitions, and keeping every
        # version's (13 bundles) held 19 MB for this set of names.
        groups |= (_BUNDLES.get(version) or _read_bundle(version)).groups()
    return frozenset(groups)


def _refs(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                yield ref.rsplit("/", 1)[-1]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _reachable(definitions: Mapping[str, Any], root: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        if name in seen or name not in definitions:
            continue
        seen[name] = definitions[name]
        todo.extend(_refs(definitions[name]))
    return seen


class SchemaProblem(NamedTuple):
    """One problem with an object against its schema, addressed by path."""

    path: tuple[str | int, ...]
    message: str


class Catalog:
    """The schemas of one run: the target version's bundle plus custom resource schemas
    (from CRDs in the input or --crds), keyed by (apiVersion, kind); an apiVersion made by
    ``first_label_api_version`` stands for every group with that first label. Validators
    are compiled on first use."""

    def __init__(self, version: str, custom: Mapping[tuple[str, str], Any] | None = None):
        self.version = version
        self.custom = dict(custom or {})
        self._validators: dict[tuple[str, str], Any] = {}
        self._schemas: dict[tuple[str, str], Any] = {}
        #: Custom schemas already through ``share_repeated``.
        self._shared: set[tuple[str, str]] = set()
        #: What the translated custom schemas were made from (``kubelint.crd.PendingSchema``),
        #: to go back to when they are released.
        self._pending: dict[tuple[str, str], Any] = {}
        self._known: dict[tuple[str, str], bool] = {}

    @property
    def bundle(self) -> Bundle:
        return load_bundle(self.version)

    def _custom_key(self, api_version: str, kind: str) -> tuple[str, str] | None:
        """The key of the custom schema for an object: its own (apiVersion, kind), else
        the schema filed for the first DNS label of its group (``first_label_api_version``),
        else None. Custom schemas win over the bundle, exact ones over label ones."""
        key = (api_version, kind)
        if key in self.custom:
            return key
        label = _by_first_label(api_version)
        if label is not None and (label, kind) in self.custom:
            return (label, kind)
        return None

    def _custom_schema(self, key: tuple[str, str]) -> Any:
        schema = self.custom[key]
        if key not in self._shared:
            if hasattr(schema, "resolve"):  # kubelint.crd.PendingSchema: translate it now
                self._pending[key] = schema
                schema = schema.resolve()
            schema = self.custom[key] = share_repeated(schema)
            self._shared.add(key)
        return schema

    def knows(self, api_version: str, kind: str) -> bool:
        key = (api_version, kind)
        known = self._known.get(key)
        if known is None:  # asked for every object, by several rules
            known = self._known[key] = (
                self._custom_key(api_version, kind) is not None
                or self.bundle.definition_for(api_version, kind) is not None
            )
        return known

    def is_builtin_group(self, api_version: str) -> bool:
        """Is the apiVersion's group one Kubernetes itself serves (in any bundled version,
        or one that served the removed extensions/v1beta1 APIs)?"""
        return api_version.rpartition("/")[0] in builtin_groups()

    def served_versions(self, group: str, kind: str) -> list[str]:
        """apiVersions of ``group`` that serve ``kind`` in the target version."""
        return sorted(
            api_version
            for api_version, kinds in self.bundle.kinds.items()
            if api_version.rpartition("/")[0] == group and kind in kinds
        )

    def kinds_of_group(self, group: str) -> set[str]:
        return {
            kind
            for api_version, kinds in self.bundle.kinds.items()
            if api_version.rpartition("/")[0] == group
            for kind in kinds
        }

    def schema(self, api_version: str, kind: str) -> Any | None:
        key = (api_version, kind)
        if key not in self._schemas:
            custom = self._custom_key(api_version, kind)
            if custom is not None:
                self._schemas[key] = self._custom_schema(custom)
            else:
                name = self.bundle.definition_for(api_version, kind)
                if name is None:
                    self._schemas[key] = None
                else:
                    definitions = _reachable(self.bundle.definitions, name)
                    self._schemas[key] = make_strict(
                        {"$ref": f"#/$defs/{name}", "$defs": definitions}
                    )
        return self._schemas[key]

    def validator(self, api_version: str, kind: str) -> Any | None:
        key = (api_version, kind)
        if key not in self._validators:
            custom = self._custom_key(api_version, kind)
            if custom is None:
                # Built-in kinds depend only on the version: compiled once per process, so
                # an editor's language server re-lints a buffer in milliseconds.
                self._validators[key] = _builtin_validator(self.version, api_version, kind)
            else:
                import jsonschema_rs

                try:
                    self._validators[key] = jsonschema_rs.validator_for(
                        self._custom_schema(custom), retriever=refuse_retrieval
                    )
                except Exception:
                    self._validators[key] = None
        return self._validators[key]

    def release(self, api_version: str, kind: str) -> None:
        """Let go of the custom resource validator for an (apiVersion, kind) no object
        left in the run has, and of its translated schema: compiled from a large CRD they
        hold megabytes, and they are made again should they be asked for after all.
        (Built-in kinds' validators stay: every process keeps them, see
        ``_builtin_validator``.)"""
        custom = self._custom_key(api_version, kind)
        if custom is None:
            return
        self._validators.pop((api_version, kind), None)
        self._schemas.pop((api_version, kind), None)
        pending = self._pending.pop(custom, None)
        if pending is not None:
            self.custom[custom] = pending
            self._shared.discard(custom)

    def problems(self, api_version: str, kind: str, data: Any) -> list[SchemaProblem]:
        """Every problem of ``data``: one per field (the best cause of a cascade), except
        that every missing required field of a mapping is its own problem."""
        validator = self.validator(api_version, kind)
        if validator is None:
            return []
        schema = None  # only needed to explain an error: most objects have none
        best: dict[tuple[str | int, ...], tuple[int, list[SchemaProblem]]] = {}
        for error in validator.iter_errors(data):
            if schema is None:
                schema = self.schema(api_version, kind)
            for rank, problem in _explain(error, schema, data):
                current = best.get(problem.path)
                if current is None or rank < current[0]:
                    best[problem.path] = (rank, [problem])
                elif rank == current[0] == _MISSING and problem not in current[1]:
                    current[1].append(problem)  # another missing field of the same mapping
        return [problem for _, problems in best.values() for problem in problems]


def refuse_retrieval(uri: str) -> Any:
    """The ``retriever`` for user-written schemas: a ``$ref`` outside the document (an
    http:// or file:// URI) fails here instead of being fetched. kubelint never uses the
    network, and reads no file a schema names."""
    raise ValueError(
        f"$ref {uri!r} is outside the schema; kubelint never fetches schemas"
        " (put the definition under $defs and refer to it with #/$defs/...)"
    )


SchemaPath = tuple[str | int, ...]


def outside_refs(schema: Any, path: SchemaPath = ()) -> list[tuple[SchemaPath, str]]:
    """(path, ref) of every ``$ref`` (``$dynamicRef``, ``$recursiveRef``) in ``schema``
    that does not point inside it (``#...``)."""
    found: list[tuple[SchemaPath, str]] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if (
                key in ("$ref", "$dynamicRef", "$recursiveRef")
                and isinstance(value, str)
                and not value.startswith("#")
            ):
                found.append(((*path, key), value))
            else:
                found.extend(outside_refs(value, (*path, key)))
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            found.extend(outside_refs(value, (*path, index)))
    return found


def dangling_refs(schema: Any) -> list[tuple[SchemaPath, str]]:
    """(path, ref) of every local ``$ref`` (``#/json/pointer`` or ``#anchor``) that points
    at nothing in ``schema``: a validator fails on it for the first object it checks.
    Schemas with nested ``$id`` (other base URIs) are not judged."""
    refs: list[tuple[SchemaPath, str]] = []
    anchors: set[str] = set()
    nested_ids = False

    def walk(node: Any, path: SchemaPath) -> None:
        nonlocal nested_ids
        if isinstance(node, dict):
            for key, value in node.items():
                if (
                    key in ("$ref", "$dynamicRef")
                    and isinstance(value, str)
                    and value.startswith("#")
                ):
                    refs.append(((*path, key), value))
                elif key in ("$anchor", "$dynamicAnchor") and isinstance(value, str):
                    anchors.add(value)
                elif key == "$id" and path:
                    nested_ids = True
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, index))

    walk(schema, ())
    if nested_ids:
        return []
    return [(path, ref) for path, ref in refs if not _resolves(schema, ref[1:], anchors)]


def _resolves(schema: Any, fragment: str, anchors: set[str]) -> bool:
    from urllib.parse import unquote

    fragment = unquote(fragment)
    if not fragment:
        return True
    if not fragment.startswith("/"):
        return fragment in anchors
    node = schema
    for part in fragment[1:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


@lru_cache(maxsize=512)
def _builtin_validator(version: str, api_version: str, kind: str) -> Any | None:
    import jsonschema_rs

    schema = Catalog(version).schema(api_version, kind)
    return None if schema is None else jsonschema_rs.validator_for(schema)


# ---------------------------------------------------------------------------
# Turning jsonschema-rs errors into messages that name the field and what was expected.


def _dotted(path: tuple[str | int, ...]) -> str:
    from kubelint.model import format_path

    return format_path(path) or "the object"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "list" if isinstance(value, list) else "mapping"


def _show(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return f"a {_json_type(value)}"
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + '..."'


def _subschema(root: Any, schema_path: list[Any]) -> Any:
    """The schema node a schema path leads to, following $refs in the root's $defs."""
    node = root
    defs = root.get("$defs", {}) if isinstance(root, dict) else {}
    for part in schema_path:
        if isinstance(node, dict) and part == "$ref" and isinstance(node.get("$ref"), str):
            node = defs.get(node["$ref"].rsplit("/", 1)[-1])
            continue
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _resolve(root: Any, node: Any) -> Any:
    defs = root.get("$defs", {}) if isinstance(root, dict) else {}
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = defs.get(node["$ref"].rsplit("/", 1)[-1])
    return node


def _expected(root: Any, node: Any) -> str:
    """What a schema node accepts, in words."""
    node = _resolve(root, node)
    if not isinstance(node, dict):
        return "something else"
    if "enum" in node:
        values = [v for v in node["enum"] if v is not None]
        return "one of " + ", ".join(json.dumps(v) for v in values)
    for key in ("oneOf", "anyOf"):
        if isinstance(node.get(key), list):
            if any(
                "Ki|Mi" in str(sub.get("pattern", "")) for sub in node[key] if isinstance(sub, dict)
            ):
                return "a quantity such as 500m, 1.5 or 2Gi"
            return " or ".join(_expected(root, sub) for sub in node[key])
    types = node.get("type")
    if isinstance(types, str):
        types = [types]
    names = {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "a boolean",
    }
    words = [names.get(t, t) for t in types or () if t != "null"]
    if node.get("pattern") and words == ["a string"]:
        return f"a string matching {node['pattern']}"
    return " or ".join(words) if words else "something else"


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


#: The rank of a missing required field (see ``_explain``).
_MISSING = 1


def _explain(error: Any, root: Any, data: Any) -> Iterator[tuple[int, SchemaProblem]]:
    """(rank, problem) for one validation error; a lower rank is a better cause."""
    path = tuple(error.instance_path)
    schema_path = list(error.schema_path)
    keyword = schema_path[-1] if schema_path else None
    parent = _subschema(root, schema_path[:-1])
    where = _dotted(path)
    value = _value_at(data, path)
    if keyword == "additionalProperties" and isinstance(value, dict):
        known = sorted((_resolve(root, parent) or {}).get("properties", {}))
        for key in value:
            if key in known:
                continue
            hint = did_you_mean(key, known, form=AFTER_SEMICOLON)
            yield 0, SchemaProblem((*path, key), f"unknown field {_dotted((*path, key))!r}{hint}")
        return
    if keyword == "required":
        required = (_resolve(root, parent) or {}).get("required", [])
        for name in required:
            if not isinstance(value, dict) or name not in value:
                yield _MISSING, SchemaProblem(path, f"missing required field {name!r} in {where}")
        return
    own = (_resolve(root, parent) or {}).get("x-message") if keyword in ("oneOf", "anyOf") else None
    if isinstance(own, str):  # a schema's own words for a combination it requires
        yield 2, SchemaProblem(path, f"{where}: {own}")
        return
    if keyword in ("oneOf", "anyOf", "type", "enum", "pattern"):
        expected = _expected(root, parent)
        if keyword == "enum":
            text = f"{where} is {_show(value)}; expected {expected}"
        else:
            text = f"{where} is {_show(value)}; expected {expected}"
        yield 2, SchemaProblem(path, text)
        return
    yield 3, SchemaProblem(path, f"{where}: {error.message}")
