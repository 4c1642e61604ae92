"""Policies as code: rules that teams write as YAML instead of Python.

A policy file (named by ``policies:`` in the config or ``--policies``) holds any of:

- ``kubelint.dev/v1`` ``Policy`` documents (``schemas/policy.schema.json``), each declaring
  rules with a match and CEL validations or a JSON Schema (see ``custom``);
- ``ValidatingAdmissionPolicy`` and ``ValidatingAdmissionPolicyBinding`` manifests, which
  run offline as the API server would run them (see ``admission``), once they pass what
  the API server checks before storing them (``admission.problems``);
- any other objects, which a binding's ``paramRef`` may name as parameters (and
  Namespaces, whose labels namespace selectors see). Another ``kubelint.dev`` kind or
  version is an error, not a parameter: a typo must not make a policy disappear.

The rules reach the registry through the same ``kubelint_rules`` hook as every plugin, so
they appear in ``kubelint rules``, ``kubelint explain``, config and every report. A policy
that cannot be used (bad YAML, a schema error, a CEL expression that does not compile) is a
``PolicyError`` naming the policy file's line: exit status 2, never a silently missing rule.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any, TypeVar

from kubelint.constants import POLICY_API_VERSION, POLICY_GROUP
from kubelint.loader import LoadedFile, PathNotFound, discover, display_path, load_path
from kubelint.model import Manifest, Path
from kubelint.plugins import PluginError, hookimpl
from kubelint.policies.expressions import ExpressionError
from kubelint.rule import Rule
from kubelint.schema import bundled
from kubelint.suggest import did_you_mean

T = TypeVar("T")


class PolicyError(PluginError):
    """A policy file cannot be used (exit status 2)."""


class PolicyPlugin:
    """The rules of a set of policy files, as a pluggy plugin."""

    def __init__(self, rules: list[Rule], notes: list[str], sources: list[str]):
        self.rules = rules
        #: The policy files, for messages ("rule X is defined twice: ... and by ...").
        self.name = "policies in " + ", ".join(sources)
        #: What could not be evaluated offline (``kubelint check -v``).
        self.notes = notes

    @hookimpl
    def kubelint_rules(self) -> list[Rule]:
        return list(self.rules)


@lru_cache(maxsize=1)
def _policy_validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(policy_schema())


@lru_cache(maxsize=1)
def policy_schema() -> dict[str, Any]:
    """``schemas/policy.schema.json``: also the schema of Policy documents in a lint run,
    so an editor shows a policy file's mistakes as it is written."""
    return json.loads(bundled("policy.schema.json"))  # type: ignore[no-any-return]


def policy_files(paths: Iterable[str], with_tests: bool = False) -> list[str]:
    """The files under ``paths``; in a directory, not those of its ``tests`` directories,
    which hold ``kubelint test`` cases (``with_tests``: those too)."""

    def excluded(path: str) -> bool:
        return not with_tests and os.path.basename(path) == "tests" and os.path.isdir(path)

    try:
        return list(discover(list(paths), excluded))
    except PathNotFound as error:
        raise PolicyError(f"policy file or directory not found: {error}") from error


def load_policy_plugin(paths: Iterable[str]) -> PolicyPlugin:
    """Load every policy file under ``paths`` (files or directories)."""
    return build_plugin([_load(path) for path in policy_files(paths)])


def _load(path: str) -> LoadedFile:
    loaded = load_path(path, display_path(path))
    for problem in loaded.problems:
        raise PolicyError(
            f"{loaded.source.path}:{problem.line + 1}:{problem.column + 1}:"
            f" {problem.message} (policy file)"
        )
    for shape in loaded.structure:
        raise _error(shape.obj, shape.path, shape.message)
    return loaded


def _check(obj: Manifest, problems: list[tuple[Path, str]]) -> None:
    """Raise every problem (at most 10), each at its line in the policy file."""
    if not problems:
        return
    lines = sorted(
        (obj.locate(path).span, f"{_at(obj, path)}: {message}") for path, message in problems
    )
    more = [f"... and {len(lines) - 10} more"] if len(lines) > 10 else []
    raise PolicyError("\n".join([*(line for _, line in lines[:10]), *more]))


def _error(obj: Manifest, path: Path, message: str) -> PolicyError:
    return PolicyError(f"{_at(obj, path)}: {message}")


def _where(obj: Manifest, base: Path) -> Callable[..., Any]:
    """``where(field, compile)``: run ``compile``; an ExpressionError becomes a PolicyError
    at ``base + field`` in the policy file."""

    def where(field: str | Path, action: Callable[[], T]) -> T:
        try:
            return action()
        except ExpressionError as error:
            path = (field,) if isinstance(field, str) else tuple(field)
            raise _error(obj, (*base, *path), str(error)) from error

    return where


def build_plugin(files: list[LoadedFile]) -> PolicyPlugin:
    from kubelint.policies import admission

    rules: list[Rule] = []
    notes: list[str] = []
    owners: dict[str, str] = {}
    policies: list[tuple[Manifest, admission.AdmissionPolicy]] = []
    bindings: list[Manifest] = []
    params: list[Manifest] = []

    def add(rule: Rule, obj: Manifest, path: Path) -> None:
        if rule.id in owners:
            raise _error(
                obj, path, f"rule {rule.id!r} is defined twice (also in {owners[rule.id]})"
            )
        span = obj.locate(path).span
        owners[rule.id] = f"{obj.source.path}:{span.line + 1}"
        rules.append(rule)

    by_name: dict[str, tuple[Manifest, admission.AdmissionPolicy]] = {}
    binding_names: dict[str, Manifest] = {}
    for loaded in files:
        for obj in loaded.objects:
            group = obj.api_group
            if obj.api_version == POLICY_API_VERSION and obj.kind == "Policy":
                spec: dict[str, Any]
                for index, spec in enumerate(_validated(obj)):
                    base: Path = ("spec", "rules", index)
                    add(_custom_rule(obj, spec, base), obj, (*base, "id"))
            elif group == POLICY_GROUP:
                raise _error(
                    obj,
                    ("apiVersion",) if obj.kind == "Policy" else ("kind",),
                    f"{obj.api_version} {obj.kind} is not a kubelint policy; policy"
                    f" files hold apiVersion {POLICY_API_VERSION}, kind Policy",
                )
            elif group == admission.ADMISSION_GROUP and obj.kind in (
                admission.POLICY_KIND,
                admission.BINDING_KIND,
            ):
                _check(obj, admission.problems(obj))
                # A binding names its policy by metadata.name; an object with only a
                # generateName has no name yet: nothing can name it, nor clash with it.
                name = obj.name
                if name is None:
                    other = None
                elif obj.kind == admission.POLICY_KIND:
                    other = by_name[name][0] if name in by_name else None
                else:
                    other = binding_names.get(name)
                if other is not None:
                    raise _error(
                        obj,
                        ("metadata", "name"),
                        f"{obj.kind} {name!r} is defined twice (also at"
                        f" {_at(other, ('metadata', 'name'))})",
                    )
                if obj.kind == admission.POLICY_KIND:
                    compiled = admission.compile_policy(obj, _where(obj, ()))
                    if name is not None:
                        by_name[name] = (obj, compiled)
                    policies.append((obj, compiled))
                else:
                    if name is not None:
                        binding_names[name] = obj
                    bindings.append(obj)
            else:
                params.append(obj)
    for binding in bindings:
        name = binding.data["spec"]["policyName"]
        if name not in by_name:
            known = ", ".join(sorted(by_name)) or "none"
            raise _error(
                binding,
                ("spec", "policyName"),
                f"binding {binding.display_name!r} names policy {name!r}, which is not in"
                f" the policy files (policies there: {known})",
            )
        by_name[name][1].bindings.append(binding.data)
    for obj, policy in policies:
        add(
            admission.policy_rule(policy, rule_id_for(policy.name), params),
            obj,
            ("metadata", "name"),
        )
        if policy.audit_annotations:
            notes.append(
                f"{policy.source}: ValidatingAdmissionPolicy {policy.name}:"
                f" {policy.audit_annotations} auditAnnotations only annotate the"
                " audit event; they were compiled, not evaluated"
            )
        if policy.skipped:
            notes.append(
                f"{policy.source}: ValidatingAdmissionPolicy {policy.name}:"
                f" {policy.skipped} expression(s) use authorizer, which needs the"
                " cluster; they were not evaluated"
            )
        if not policy.bindings:
            notes.append(
                f"{policy.source}: ValidatingAdmissionPolicy {policy.name} has no"
                " binding in the policy files; like the API server, kubelint"
                " enforces it only through a binding"
            )
    return PolicyPlugin(rules, notes, [loaded.source.path for loaded in files])


def rule_id_for(policy_name: str) -> str:
    """A ValidatingAdmissionPolicy's name as a rule id: ``require-team.example.com`` ->
    ``require-team-example-com``."""
    rule_id = re.sub(r"[^a-z0-9]+", "-", policy_name.lower()).strip("-")
    return rule_id if rule_id[:1].isalpha() else f"vap-{rule_id}"


def _validated(obj: Manifest) -> list[dict[str, Any]]:
    errors = sorted(
        _policy_validator().iter_errors(obj.data), key=lambda e: [str(p) for p in e.absolute_path]
    )
    if errors:
        lines = []
        for error in errors[:10]:
            path = tuple(error.absolute_path)
            dotted = ".".join(str(p) for p in path) or "the policy"
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                # One line per unknown key, at the key, with the closest known name.
                known = list(error.schema.get("properties", {}))
                for key in error.instance:
                    if key not in known:
                        hint = did_you_mean(key, known)
                        lines.append(
                            f"{_at(obj, (*path, key))}: {dotted}: unknown field {key!r}{hint}"
                        )
                continue
            lines.append(f"{_at(obj, path)}: {dotted}: {_schema_message(error)}")
        lines.sort(key=lambda line: [int(n) for n in line.split(":")[1:3] if n.isdigit()])
        raise PolicyError("\n".join(lines))
    return list(obj.data["spec"]["rules"])


def _at(obj: Manifest, path: Path) -> str:
    span = obj.locate(path).span
    return f"{obj.source.path}:{span.line + 1}:{span.column + 1}"


def _schema_message(error: Any) -> str:
    if error.validator == "oneOf" and isinstance(error.instance, dict):
        return (
            "a rule has either validations (CEL) or schema (JSON Schema), not both or"
            " neither; message goes with schema"
        )
    return str(error.message)


@lru_cache(maxsize=1024)
def linear_pattern(pattern: str) -> Any:
    """A matcher for a JSON Schema ``pattern`` in linear time (Rust's regex crate, through
    jsonschema-rs): Python's ``re`` backtracks, and ``^(a+)+$`` against 35 a's and a "!"
    ran past a minute. Raises ValueError for what it cannot run in linear time
    (lookaround, backreferences)."""
    import jsonschema_rs

    try:
        return jsonschema_rs.validator_for(
            {"type": "string", "pattern": pattern}, pattern_options=jsonschema_rs.RegexOptions()
        )
    except Exception as error:  # jsonschema_rs.ValidationError: not a pattern it runs
        raise ValueError(
            f"pattern {pattern!r} is not a regular expression kubelint can"
            " run in linear time (no lookaround or backreferences)"
        ) from error


def _linear_pattern_keyword(
    validator: Any, pattern: str, instance: Any, schema: Any
) -> Iterator[Any]:
    import jsonschema

    if validator.is_type(instance, "string") and not linear_pattern(pattern).is_valid(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _patterns(schema: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """(path, pattern) of every ``pattern`` and ``patternProperties`` key in ``schema``."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                yield (*path, key), value
            elif key == "patternProperties" and isinstance(value, dict):
                for name, subschema in value.items():
                    yield (*path, key, name), name
                    yield from _patterns(subschema, (*path, key, name))
            else:
                yield from _patterns(value, (*path, key))
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _patterns(value, (*path, index))


def _linear_pattern_properties(
    validator: Any, patterns: Any, instance: Any, schema: Any
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        matcher = linear_pattern(pattern)
        for key, value in instance.items():
            if matcher.is_valid(key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


@lru_cache(maxsize=1)
def _linear_validator() -> Any:
    """Draft 2020-12 with ``pattern`` and ``patternProperties`` matched in linear time."""
    import jsonschema

    return jsonschema.validators.extend(
        jsonschema.Draft202012Validator,
        {"pattern": _linear_pattern_keyword, "patternProperties": _linear_pattern_properties},
    )


def _custom_rule(obj: Manifest, spec: dict[str, Any], base: Path) -> Rule:
    from kubelint.policies import custom

    source = obj.source.path
    if "schema" in spec:
        import jsonschema
        import referencing

        from kubelint.schema import dangling_refs, outside_refs

        try:
            jsonschema.Draft202012Validator.check_schema(spec["schema"])
        except jsonschema.SchemaError as error:
            raise _error(
                obj,
                (*base, "schema", *error.absolute_path),
                f"not a valid JSON Schema: {error.message}",
            ) from error
        for path, ref in outside_refs(spec["schema"])[:1]:
            raise _error(
                obj,
                (*base, "schema", *path),
                f"$ref {ref!r} is outside the schema; kubelint never fetches"
                " schemas (put it under $defs and refer to #/$defs/...)",
            )
        for path, ref in dangling_refs(spec["schema"])[:1]:
            raise _error(
                obj,
                (*base, "schema", *path),
                f"$ref {ref!r} points at nothing in the schema; define it (under"
                " $defs, or as an $anchor) or fix the reference",
            )
        for path, pattern in _patterns(spec["schema"]):
            try:
                linear_pattern(pattern)
            except ValueError as error:
                raise _error(obj, (*base, "schema", *path), str(error)) from error
        # An empty registry: jsonschema would otherwise fetch an unknown URI itself.
        validator = _linear_validator()(spec["schema"], registry=referencing.Registry())
        return custom.schema_rule(spec, validator, source)
    validations = [
        custom.compile_validation(item, _where(obj, (*base, "validations", index)))
        for index, item in enumerate(spec["validations"])
    ]
    return custom.cel_rule(spec, validations, source)
