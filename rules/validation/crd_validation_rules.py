"""## What it does
Evaluates the CEL validation rules (`x-kubernetes-validations`) of a
CustomResourceDefinition in the input against the custom resources of that kind, as the
API server does when they are created: each rule runs with `self` bound to the node it is
attached to (every item or value for rules under `items` or `additionalProperties`), and a
rule that is not true is reported with its `message` or `messageExpression`, at the
rule's `fieldPath`, or else at the first field of `self` the rule names
(`self.minReplicas <= self.maxReplicas` points at `minReplicas`, or at the node when that
field is absent).

Rules that only the API server can evaluate are skipped and counted in
`kubelint check -v`: transition rules (they use `oldSelf`, which exists only on update)
and, on Python 3.10, every rule (the CEL runtime, cel-expr-python, needs Python 3.11). A
rule that does not compile is the CRD's problem (the API server rejects such a CRD) and
is skipped too. Objects are checked as written, before the API server applies the CRD's
defaults.

## Why is this bad?
CRD authors put the invariants their controller relies on into these rules
(`self.minReplicas <= self.maxReplicas`, one of two fields set, immutable names...). A
custom resource that breaks one is rejected at deploy time, after review; evaluated in
the pull request, it fails where it is written.

## Example
```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: scalers.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Scaler, plural: scalers, singular: scaler, listKind: ScalerList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: self.minReplicas <= self.maxReplicas
                  message: minReplicas must not exceed maxReplicas
                  fieldPath: .minReplicas
              properties:
                minReplicas: {type: integer}
                maxReplicas: {type: integer}
---
apiVersion: example.com/v1
kind: Scaler
metadata:
  name: web
spec:
  minReplicas: 5
  maxReplicas: 2
```

## Use instead
```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: scalers.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Scaler, plural: scalers, singular: scaler, listKind: ScalerList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: self.minReplicas <= self.maxReplicas
                  message: minReplicas must not exceed maxReplicas
              properties:
                minReplicas: {type: integer}
                maxReplicas: {type: integer}
---
apiVersion: example.com/v1
kind: Scaler
metadata:
  name: web
spec:
  minReplicas: 2
  maxReplicas: 5
```

## References
- https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules
- https://kubernetes.io/docs/reference/using-api/cel/
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint import api
from kubelint.api import Manifest, Path, RuleContext, Violation, lazy_compile, rule

# The CEL helpers are read from kubelint.api when a CRD gives a rule to evaluate: they
# load the CEL runtime, which a run without such CRDs never needs.

_OLD_SELF = lazy_compile(r"\boldSelf\b")
#: Compiled programs by source text, and why a text does not compile; shared by runs.
_programs: dict[str, Any] = {}
_broken: dict[str, str] = {}
_NO_RUNTIME = "no CEL runtime (cel-expr-python needs Python 3.11 or newer)"


@rule(
    id="crd-validation-rules",
    severity="error",
    summary="a custom resource breaks a CEL validation rule of its CRD",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if ctx.run is None or obj.api_version is None or obj.kind is None:
        return
    for validation in ctx.run.cel_validations(obj.api_version, obj.kind):
        if _OLD_SELF.search(validation.rule):
            ctx.run.skip_cel_rule("transition rules (oldSelf) apply on update only")
            continue
        program = _compiled(validation.rule)
        if program is None:
            ctx.run.skip_cel_rule(_broken[validation.rule])
            continue
        for path, node in _nodes(obj.data, validation.path, ()):
            value, error = api.evaluate_cel(program, {"self": node})
            if error is None and value is True:
                continue
            message = _message(validation, node)
            if error is not None or not isinstance(value, bool):
                message += f" (the rule failed: {error or repr(value)})"
            # The rule's fieldPath, else the field of self the rule names first.
            where = path
            named = api.cel_first_field(validation.rule, ("self",))
            if validation.field_path:
                where = (*path, *api.parse_field_path(validation.field_path))
            elif named is not None:
                where = (*path, *named[1])
            yield ctx.violation(where, f"{message} [rule: {validation.rule}]")


def _compiled(text: str) -> Any:
    """The program for ``text``, or None (the reason is in ``_broken``)."""
    if text not in _programs and text not in _broken:
        try:
            _programs[text] = api.compile_cel(text, ("self",))
        except api.CelError as error:
            _broken[text] = (
                _NO_RUNTIME
                if "cel-expr-python" in str(error)
                else "the rule does not compile (the API server would reject the CRD)"
            )
    return _programs.get(text)


def _message(validation: Any, node: Any) -> str:
    if validation.message_expression:
        program = _compiled(validation.message_expression)
        if program is not None:
            value, error = api.evaluate_cel(program, {"self": node})
            if error is None and isinstance(value, str) and value.strip():
                return value.strip()
    return validation.message or f"failed rule: {validation.rule}"


def _nodes(node: Any, path: tuple[str | int, ...], where: Path) -> Iterator[tuple[Path, Any]]:
    """(concrete path, value) of every node the rule path reaches, in document order;
    "*" fans out over list items and map values. Absent nodes are not evaluated, as in
    the API server (the path is at most as deep as the CRD's schema)."""
    if not path:
        yield where, node
        return
    step, rest = path[0], path[1:]
    if step == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from _nodes(item, rest, (*where, index))
        elif isinstance(node, Mapping):
            for key, value in node.items():
                yield from _nodes(value, rest, (*where, key))
    elif isinstance(node, Mapping) and step in node:
        yield from _nodes(node[step], rest, (*where, step))
