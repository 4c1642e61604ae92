"""What a rule is: a frozen record around a check function, and what a check yields."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from kubelint.compliance import Control, as_controls
from kubelint.constants import NEWEST_KUBERNETES_VERSION, SEVERITIES

if TYPE_CHECKING:
    from kubelint.config import Config
    from kubelint.crd import CelValidation
    from kubelint.fix import Fix
    from kubelint.index import ObjectIndex
    from kubelint.model import Manifest, Path
    from kubelint.schema import Catalog

_RULE_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*\Z")


@dataclass(frozen=True)
class Violation:
    """What a rule reports: a path inside the object and a message. The engine locates
    it; ``severity`` overrides the rule's default for this one finding."""

    path: Path
    message: str
    severity: str | None = None
    #: An unambiguous fix (``--fix``); only rules declared ``fixable`` offer one.
    fix: Fix | None = None


Check = Callable[["Manifest", "RuleContext"], Iterable[Violation]]


class DeferredCheck:
    """A check whose module is imported when a run first needs it.

    kubelint lists its built-in rules from ``rules/catalog.json`` instead of importing
    ~140 rule modules at every start (a third of a one-file run's time): the engine
    resolves a rule's check when it meets an object of a kind the rule applies to, so a
    run imports only the rules of the kinds it sees, and never the rules it has off.
    Calling it resolves it too."""

    def __init__(self, module: str, load: Callable[[], Check]):
        #: The module the check lives in, as a function's (the cache keys a checkout's
        #: rules by their files).
        self.__module__ = module
        self._load = load
        self._check: Check | None = None

    def resolve(self) -> Check:
        if self._check is None:
            self._check = self._load()
        return self._check

    def __call__(self, obj: Manifest, ctx: RuleContext) -> Iterable[Violation]:
        return self.resolve()(obj, ctx)

    def __repr__(self) -> str:
        return f"<deferred check from {self.__module__}>"


@dataclass(frozen=True)
class Rule:
    """A rule's metadata and check. ``check`` is None for the rules the loader and the
    engine report themselves (yaml-syntax, internal-error, ...)."""

    id: str
    severity: str
    summary: str
    check: Check | None
    kinds: frozenset[str] | None = None  # None: every kind
    doc: str = ""
    enabled: bool = True  # on by default
    options: Mapping[str, Any] = field(default_factory=dict)  # JSON Schema per option
    aliases: tuple[str, ...] = ()
    fixable: bool = False
    #: Where the rule's documentation lives on the web (SARIF helpUri, editor links);
    #: kubelint fills it in for its built-in rules.
    url: str | None = None
    #: The group ``--enable``/``--disable`` and config can name instead of each rule
    #: (kebab-case; never a rule's name). A built-in rule's is its package under
    #: ``rules/``; a plugin rule has the one it declares, or none.
    category: str | None = None
    #: The compliance controls the rule implements (``kubelint.compliance``), each with
    #: what the rule leaves out when it implements only part of it.
    controls: tuple[Control, ...] = ()

    def __post_init__(self) -> None:
        if not _RULE_ID.match(self.id):
            raise ValueError(f"rule id {self.id!r} is not kebab-case")
        if self.category is not None and not _RULE_ID.match(self.category):
            raise ValueError(f"rule {self.id!r}: category {self.category!r} is not kebab-case")
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.id!r}: severity must be one of {SEVERITIES}")

    def option_defaults(self) -> dict[str, Any]:
        return {name: schema.get("default") for name, schema in self.options.items()}


def rule(
    *,
    id: str,
    severity: str,
    summary: str,
    kinds: Iterable[str] | None = None,
    enabled: bool = True,
    options: Mapping[str, Any] | None = None,
    aliases: Sequence[str] = (),
    fixable: bool = False,
    url: str | None = None,
    category: str | None = None,
    controls: Iterable[str | Control] = (),
) -> Callable[[Check], Rule]:
    """Declare a rule. The module's docstring is its documentation.

    Registers nothing: a plugin returns the rules from its ``kubelint_rules`` hook.
    ``controls``: the compliance controls it implements, as ``FRAMEWORK:ID`` references
    or ``Control(ref, partial=...)`` when it implements part of one.
    """
    mapped = as_controls(controls)

    def decorate(check: Check) -> Rule:
        # A rule module's docstring is the rule's documentation; a plugin that keeps
        # several rules in one module documents each in its check's docstring instead.
        module = sys.modules.get(check.__module__)
        doc = check.__doc__ or (module.__doc__ if module is not None else None) or ""
        return Rule(
            id=id,
            severity=severity,
            summary=summary,
            check=check,
            kinds=frozenset(kinds) if kinds is not None else None,
            doc=doc,
            enabled=enabled,
            options=dict(options or {}),
            aliases=tuple(aliases),
            fixable=fixable,
            url=url,
            category=category,
            controls=mapped,
        )

    return decorate


def version_minor(version: str) -> int:
    """``"1.37"`` -> 37."""
    return int(version.split(".")[1])


def engine_rule(
    *, id: str, severity: str, summary: str, doc: str, enabled: bool = True, fixable: bool = False
) -> Rule:
    """A rule the loader or engine reports (no check function of its own)."""
    return Rule(
        id=id,
        severity=severity,
        summary=summary,
        check=None,
        doc=doc,
        enabled=enabled,
        fixable=fixable,
    )


class CrossResource(BaseException):
    """Raised by ``RuleContext.index`` (and the run's memo) while the engine runs rules
    file by file without the other files' objects (a worker of ``--jobs``): the check is
    run again once every object is known. A BaseException, so that a rule's own
    ``except Exception`` cannot swallow it."""


class Evaluation:
    """Watches one check at a time: did it read anything beyond its object, options and
    the schemas (``RuleContext.index``, the run's memo, CEL skip counts)? Such results
    depend on other files, so they are neither cached per file nor computed before all
    objects are loaded. ``deferring``: raise ``CrossResource`` instead of recording."""

    __slots__ = ("cross_resource", "deferring")

    def __init__(self, deferring: bool = False):
        self.deferring = deferring
        self.cross_resource = False

    def reads_other_objects(self) -> None:
        if self.deferring:
            raise CrossResource
        self.cross_resource = True


_T = TypeVar("_T")


class RunContext(Protocol):
    """What the rules of one run share, as ``RuleContext.run`` (the engine's
    ``kubelint.engine.RunState`` is one): only what rules and policies use of it."""

    @property
    def config(self) -> Config:
        """The run's configuration (read it; a run never changes it)."""

    @property
    def catalog(self) -> Catalog:
        """The schemas of the target Kubernetes version, with the custom resource
        schemas of the input's CRDs and of ``crds:``/``--crds`` (built on first use)."""

    def memo(self, key: str, compute: Callable[[], _T]) -> _T:
        """``compute()``, once per run (and chart rendering or kustomize build): for facts
        about every object, such as who binds which ServiceAccount. Like
        ``RuleContext.index``, it marks the check as reading other objects."""

    def cel_validations(self, api_version: str, kind: str) -> list[CelValidation]:
        """The CEL validation rules the input's CRDs give this kind."""

    def skip_cel_rule(self, why: str) -> None:
        """Count a CEL validation rule not evaluated offline, for the run's notes."""


class RuleContext:
    """What a check gets besides the object: its options, the other objects of the run,
    and ``violation()`` to report."""

    __slots__ = (
        "_index",
        "default_namespace",
        "evaluation",
        "kubernetes_version",
        "options",
        "rule",
        "run",
    )

    def __init__(
        self,
        rule: Rule,
        options: Mapping[str, Any],
        index: ObjectIndex,
        default_namespace: str,
        kubernetes_version: str = NEWEST_KUBERNETES_VERSION,
        run: RunContext | None = None,
        evaluation: Evaluation | None = None,
    ):
        self.rule = rule
        self.options = options
        self._index = index
        #: Set by the engine when it needs to know which checks read other objects.
        self.evaluation = evaluation
        self.default_namespace = default_namespace
        #: The Kubernetes minor version the manifests target, e.g. "1.37".
        self.kubernetes_version = kubernetes_version
        #: State shared by every rule of one run (schema catalog, memos); None for a
        #: context made outside a run (some tests).
        self.run = run

    @property
    def index(self) -> ObjectIndex:
        """Every object of the run (or of this chart rendering or kustomize build)."""
        if self.evaluation is not None:
            self.evaluation.reads_other_objects()
        return self._index

    def violation(
        self, path: Path, message: str, severity: str | None = None, fix: Fix | None = None
    ) -> Violation:
        return Violation(tuple(path), message, severity, fix)

    @property
    def kubernetes_minor(self) -> int:
        """The target version's minor number (37 for "1.37"), for comparisons."""
        return version_minor(self.kubernetes_version)

    def namespace_of(self, obj: Manifest) -> str | None:
        """The namespace ``obj`` lands in (the configured default when it names none);
        None for cluster-scoped kinds."""
        from kubelint.model import effective_namespace

        return effective_namespace(obj, self.default_namespace)
