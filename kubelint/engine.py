"""Runs rules over objects: routes each object to the rules that want its kind and
isolates crashes, so one broken rule costs one ``internal-error`` finding, not the run."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kubelint.model import Manifest
from kubelint.rule import Rule, RuleContext, Violation

INTERNAL_ERROR = "internal-error"


class Router:
    """The active rules of one settings set, indexed by kind on first use."""

    def __init__(self, active: Sequence[tuple[Rule, RuleContext]]):
        self._active = active
        self._by_kind: dict[str, list[tuple[Rule, RuleContext]]] = {}

    def rules_for(self, kind: str) -> list[tuple[Rule, RuleContext]]:
        routed = self._by_kind.get(kind)
        if routed is None:
            routed = [(rule, ctx) for rule, ctx in self._active
                      if rule.kinds is None or kind in rule.kinds]
            self._by_kind[kind] = routed
        return routed


def check_object(obj: Manifest, router: Router) -> Iterator[tuple[str, Violation]]:
    """(rule id, violation) for every rule that applies to ``obj``."""
    assert obj.kind is not None
    for rule, ctx in router.rules_for(obj.kind):
        assert rule.check is not None
        try:
            # Materialise inside the try: a generator raises while it is consumed.
            violations = list(rule.check(obj, ctx))
        except Exception as error:  # a rule bug must not stop the other rules
            yield INTERNAL_ERROR, Violation(
                (), f"rule {rule.id!r} crashed on {obj.kind} {obj.name or '?'}:"
                    f" {type(error).__name__}: {error} (please report this)")
            continue
        for violation in violations:
            yield rule.id, violation
