"""Compiling a ValidatingAdmissionPolicy's CEL expressions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubelint.model import Manifest, Path
from kubelint.policies.admission.common import VARIABLE_USE, mapping, mappings
from kubelint.policies.expressions import Locator, compile_expression, tokens

VARIABLES = ("object", "oldObject", "request", "params", "namespaceObject", "variables")


@dataclass
class Compiled:
    """A compiled CEL expression of a policy, and how to place its failures."""

    expression: str
    program: Any  # None: skipped (uses authorizer)
    locator: Locator | None = None


@dataclass
class AdmissionPolicy:
    """A ValidatingAdmissionPolicy with its expressions compiled."""

    name: str
    source: str
    spec: Mapping[str, Any]
    variables: list[tuple[str, Compiled]] = field(default_factory=list)
    conditions: list[tuple[str, Compiled]] = field(default_factory=list)
    validations: list[tuple[Mapping[str, Any], Compiled, Compiled | None]] = field(
        default_factory=list
    )
    bindings: list[Mapping[str, Any]] = field(default_factory=list)
    skipped: int = 0
    summary: str = ""
    audit_annotations: int = 0


def uses_authorizer(expression: str) -> bool:
    """Does the expression name the ``authorizer`` variable (not a field or a string)?"""
    items = tokens(expression)
    return any(
        token.kind == "ident"
        and token.text == "authorizer"
        and (position == 0 or items[position - 1].text not in (".", ".?"))
        for position, token in enumerate(items)
    )


def compile_policy(obj: Manifest, where: Any) -> AdmissionPolicy:
    """Compile a ValidatingAdmissionPolicy's expressions (errors through ``where``); the
    policy passed ``problems()``."""
    spec = mapping(obj.data.get("spec"))
    policy = AdmissionPolicy(obj.display_name or "?", obj.source.path, spec)
    summary = obj.annotations.get("kubelint.io/summary")
    policy.summary = (
        summary
        if isinstance(summary, str) and summary
        else f"ValidatingAdmissionPolicy {policy.name} denies the object"
    )
    skipped_variables: set[str] = set()
    # As the API server compiles them: ``params`` is declared only with a paramKind.
    declared = (
        VARIABLES
        if spec.get("paramKind")
        else tuple(name for name in VARIABLES if name != "params")
    )

    def compiled(
        path: Path, expression: str, locate: bool = False, skippable: bool = True
    ) -> Compiled:
        if skippable and (
            uses_authorizer(expression) or skipped_variables & set(VARIABLE_USE.findall(expression))
        ):
            policy.skipped += 1
            return Compiled(expression, None)
        program = where(path, lambda: compile_expression(expression, declared, budget_at_load=True))
        locator = Locator(expression, declared, ("object",)) if locate else None
        return Compiled(expression, program, locator)

    for index, item in enumerate(mappings(spec.get("variables"))):
        variable = compiled(("spec", "variables", index, "expression"), item["expression"])
        if variable.program is None:
            skipped_variables.add(item["name"])
        policy.variables.append((item["name"], variable))
    for index, item in enumerate(mappings(spec.get("matchConditions"))):
        policy.conditions.append(
            (
                item["name"],
                compiled(
                    ("spec", "matchConditions", index, "expression"), item["expression"], True
                ),
            )
        )
    for index, item in enumerate(mappings(spec.get("validations"))):
        base = ("spec", "validations", index)
        message = None
        if item.get("messageExpression"):
            # The API server compiles messageExpression without authorizer: using it is
            # a compile error there too.
            message = compiled(
                (*base, "messageExpression"), item["messageExpression"], skippable=False
            )
        policy.validations.append(
            (item, compiled((*base, "expression"), item["expression"], True), message)
        )
    for index, item in enumerate(mappings(spec.get("auditAnnotations"))):
        policy.audit_annotations += 1  # never evaluated: compiled for their errors only
        value = item["valueExpression"]
        if not uses_authorizer(value):
            where(
                ("spec", "auditAnnotations", index, "valueExpression"),
                lambda value=value: compile_expression(value, declared),
            )
    return policy
