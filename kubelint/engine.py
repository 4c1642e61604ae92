"""Runs rules over objects: routes each object to the rules that want its kind and
isolates crashes, so one broken rule costs one ``internal-error`` finding, not the run."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from kubelint.model import Manifest
from kubelint.plugins import describe_error
from kubelint.rule import CrossResource, Evaluation, Rule, RuleContext, Violation

INTERNAL_ERROR = "internal-error"


class Router:
    """The active rules of one settings set, indexed by API group and kind on first use."""

    def __init__(self, active: Sequence[tuple[Rule, RuleContext]]):
        self._active = active
        self._by_kind: dict[str, list[tuple[Rule, RuleContext]]] = {}

    def rules_for(self, obj: Manifest) -> list[tuple[Rule, RuleContext]]:
        assert obj.kind is not None
        # A rule naming "StatefulSet" gets apps/v1 StatefulSets, not a custom resource
        # of that kind in another API group (see Manifest.is_kind, which also decides
        # for a bare `v1` on a kind the core group does not serve, hence in the key).
        builtin = obj.is_kind(obj.kind)
        key = f"{obj.api_group}/{obj.kind}/{builtin}"
        routed = self._by_kind.get(key)
        if routed is None:
            routed = [(rule, ctx) for rule, ctx in self._active
                      if rule.kinds is None or (obj.kind in rule.kinds and builtin)]
            self._by_kind[key] = routed
        return routed


def check_object(obj: Manifest, router: Router, evaluation: Evaluation | None = None,
                 deferred: list[str] | None = None, only: Collection[str] | None = None,
                 ) -> Iterator[tuple[str, Violation, bool]]:
    """(rule id, violation, read other objects?) for every rule that applies to ``obj``
    (those in ``only``, when given).

    ``evaluation`` is the one the rules' contexts report to: it tells which checks read
    other objects; when it is deferring, such checks stop and their ids go to ``deferred``
    (to be run again when every object is known)."""
    for rule, ctx in router.rules_for(obj):
        assert rule.check is not None
        if only is not None and rule.id not in only:
            continue
        if evaluation is not None:
            evaluation.cross_resource = False
        try:
            # Materialise inside the try: a generator raises while it is consumed.
            violations = list(rule.check(obj, ctx))
        except CrossResource:
            assert deferred is not None, "a deferring evaluation needs a deferred list"
            deferred.append(rule.id)
            continue
        except (Exception, SystemExit) as error:  # a rule bug must not stop the others,
            # nor decide the exit status (a plugin's sys.exit(0) would pass the gate)
            cross = evaluation is not None and evaluation.cross_resource
            if cross and deferred is not None:
                deferred.append(rule.id)
            yield INTERNAL_ERROR, Violation(
                (), f"rule {rule.id!r} crashed on {obj.kind} {obj.display_name or '?'}:"
                    f" {describe_error(error)} (please report this)"), cross
            continue
        cross = evaluation is not None and evaluation.cross_resource
        if cross and deferred is not None:
            deferred.append(rule.id)
        for violation in violations:
            if not isinstance(violation, Violation):
                yield INTERNAL_ERROR, Violation(
                    (), f"rule {rule.id!r} yielded {type(violation).__name__} {violation!r:.80}"
                        f" on {obj.kind} {obj.display_name or '?'}, not a Violation (ctx.violation"
                        " makes one; please report this)"), cross
                continue
            yield rule.id, violation, cross
