"""The engine: one run's rules over loaded files. It routes each object to the rules that
want its kind, isolates crashes (one broken rule costs one ``internal-error`` finding,
not the run), locates what the rules report and records it as findings, with the
severity and suppressions ``kubelint.decisions`` says; the run's ``Decider`` makes the
report. ``kubelint.lint`` is the library API around it (``lint_paths``, ``lint_text``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from kubelint.config import Config, EffectiveRule
from kubelint.constants import POLICY_API_VERSION, SEVERITY_RANK
from kubelint.decisions import Decider, FileSuppressions, severity_for
from kubelint.index import ObjectIndex
from kubelint.loader import LoadedFile
from kubelint.model import (
    Manifest,
    Path,
    RelatedLocation,
    SourceFile,
    effective_namespace,
    format_path,
)
from kubelint.plugins import Registry, describe_error
from kubelint.progress import Progress
from kubelint.pss import LEVELS, highest_level, pinned_minor
from kubelint.report import Finding, ObjectRef, Report, Summary, WorkloadLevel
from kubelint.rule import (
    Check,
    CrossResource,
    DeferredCheck,
    Evaluation,
    Rule,
    RuleContext,
    Violation,
)
from kubelint.suppression import (
    Annotation,
    Directives,
    Suppression,
    SuppressionProblem,
    annotation_suppressions,
    matching,
    parse_directives,
)
from kubelint.yamlparse import Span

if TYPE_CHECKING:
    from kubelint.crd import CelValidation
    from kubelint.schema import Catalog

INTERNAL_ERROR = "internal-error"
MANIFEST_STRUCTURE = "manifest-structure"
_T = TypeVar("_T")


class Router:
    """The active rules of one settings set, indexed by API group and kind on first use."""

    def __init__(self, active: Sequence[tuple[Rule, RuleContext]]):
        self._active = active
        self._by_kind: dict[str, list[tuple[Rule, RuleContext, Check]]] = {}
        #: (kind key, rule ids) -> those of the kind's rules: a second pass over the
        #: checks that read other objects runs a few of the hundred rules of a kind, the
        #: same few for most objects.
        self._among: dict[tuple[str, tuple[str, ...]], list[tuple[Rule, RuleContext, Check]]] = {}

    def rules_for(
        self, obj: Manifest, only: Collection[str] | None = None
    ) -> list[tuple[Rule, RuleContext, Check]]:
        """(rule, its context, its check) of each active rule that applies to ``obj``
        (those of them in ``only``, when given), in the order of the active rules: a
        deferred check is imported here, the first time its rule meets such a kind."""
        assert obj.kind is not None
        # A rule naming "StatefulSet" gets apps/v1 StatefulSets, not a custom resource
        # of that kind in another API group (see Manifest.is_kind, which also decides
        # for a bare `v1` on a kind the core group does not serve, hence in the key).
        builtin = obj.is_kind(obj.kind)
        key = f"{obj.api_group}/{obj.kind}/{builtin}"
        routed = self._by_kind.get(key)
        if routed is None:
            routed = [
                (rule, ctx, _resolved(rule.check))
                for rule, ctx in self._active
                if rule.check is not None
                and (rule.kinds is None or (obj.kind in rule.kinds and builtin))
            ]
            self._by_kind[key] = routed
        if only is None:
            return routed
        among = (key, tuple(only))
        chosen = self._among.get(among)
        if chosen is None:
            wanted = set(only)
            chosen = self._among[among] = [entry for entry in routed if entry[0].id in wanted]
        return chosen


def _resolved(check: Check) -> Check:
    if isinstance(check, DeferredCheck):
        try:
            return check.resolve()
        except Exception:  # a broken rule module: calling it fails the same way, and
            return check  # check_object reports that as the rule's crash on the object
    return check


def check_object(
    obj: Manifest,
    router: Router,
    evaluation: Evaluation | None = None,
    deferred: list[str] | None = None,
    only: Collection[str] | None = None,
) -> Iterator[tuple[str, Violation, bool]]:
    """(rule id, violation, read other objects?) for every rule that applies to ``obj``
    (those in ``only``, when given).

    ``evaluation`` is the one the rules' contexts report to: it tells which checks read
    other objects; when it is deferring, such checks stop and their ids go to ``deferred``
    (to be run again when every object is known)."""
    for rule, ctx, check in router.rules_for(obj, only):
        if evaluation is not None:
            evaluation.cross_resource = False
        try:
            # Materialise inside the try: a generator raises while it is consumed.
            violations = list(check(obj, ctx))
        except CrossResource:
            assert deferred is not None, "a deferring evaluation needs a deferred list"
            deferred.append(rule.id)
            continue
        except (Exception, SystemExit) as error:  # a rule bug must not stop the others,
            # nor decide the exit status (a plugin's sys.exit(0) would pass the gate)
            cross = evaluation is not None and evaluation.cross_resource
            if cross and deferred is not None:
                deferred.append(rule.id)
            yield (
                INTERNAL_ERROR,
                Violation(
                    (),
                    f"rule {rule.id!r} crashed on {obj.kind} {obj.display_name or '?'}:"
                    f" {describe_error(error)} (please report this)",
                ),
                cross,
            )
            continue
        cross = evaluation is not None and evaluation.cross_resource
        if cross and deferred is not None:
            deferred.append(rule.id)
        elif not violations:
            continue  # most checks of most objects find nothing
        for violation in violations:
            if not isinstance(violation, Violation):
                yield (
                    INTERNAL_ERROR,
                    Violation(
                        (),
                        f"rule {rule.id!r} yielded {type(violation).__name__} {violation!r:.80}"
                        f" on {obj.kind} {obj.display_name or '?'}, not a Violation (ctx.violation"
                        " makes one; please report this)",
                    ),
                    cross,
                )
                continue
            yield rule.id, violation, cross


class RunState:
    """What the rules of one run share (``kubelint.rule.RunContext``): the schema
    catalog, with custom resource schemas from the CRDs in the input and from
    ``crds:``/``--crds`` (built on first use), and the run's memos."""

    def __init__(
        self,
        config: Config,
        index: ObjectIndex,
        parent: RunState | None = None,
        definitions: list[Manifest] | None = None,
    ):
        self.config = config
        self.index = index
        #: The input's objects that define schemas (CRDs, kubelint Policies); taken from
        #: the index unless given (a worker of --jobs sees only its own files' objects).
        self._definitions = definitions
        #: Which checks read other objects (see ``kubelint.rule.Evaluation``).
        self.evaluation: Evaluation | None = None
        #: The run's state when this one serves one scope (a chart rendering, a kustomize
        #: build): the scope has its own index and memo, the run's catalog.
        self._parent = parent
        self._catalog: Catalog | None = None
        #: Problems with --crds sources, reported once by the CLI.
        self.crd_problems: list[str] = []
        #: Facts that rules and policies compute once per run (``memo(key, compute)``);
        #: kept here, not in module globals, so they go away with the run.
        self._memo: dict[str, Any] = {}
        #: x-kubernetes-validations (CEL) rules of the CRDs in the input, by (apiVersion,
        #: kind); the crd-validation-rules rule evaluates them.
        self._cel_validations: dict[tuple[str, str], list[CelValidation]] = {}
        #: The CRDs that define each (apiVersion, kind), for those rules.
        self._cel_sources: dict[tuple[str, str], list[Any]] = {}
        #: Those it could not evaluate offline (transition rules, no CEL runtime), with why.
        self.cel_rules_skipped: dict[str, int] = {}
        #: How many objects of each (apiVersion, kind) the run has yet to check (see
        #: ``expect``); empty when the run does not know its objects beforehand.
        self._unchecked: dict[tuple[str | None, str | None], int] = {}

    def memo(self, key: str, compute: Callable[[], _T]) -> _T:
        if self.evaluation is not None:  # memos are facts about every object
            self.evaluation.reads_other_objects()
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]  # one key, one type

    def expect(self, objects: Iterable[Manifest]) -> None:
        """The objects the run is about to check, each once: after the last of a kind,
        the catalog lets go of what it compiled for that kind (``checked``)."""
        unchecked = self._unchecked = {}
        for obj in objects:
            key = (obj.api_version, obj.kind)
            unchecked[key] = unchecked.get(key, 0) + 1

    def checked(self, obj: Manifest) -> None:
        """``obj`` has been checked (see ``expect``)."""
        key = (obj.api_version, obj.kind)
        left = self._unchecked.get(key)
        if left is None:
            return
        if left > 1:
            self._unchecked[key] = left - 1
            return
        del self._unchecked[key]
        if self._catalog is not None and obj.api_version is not None and obj.kind is not None:
            self._catalog.release(obj.api_version, obj.kind)

    def adopt(self, earlier: RunState) -> None:
        """Take the schema catalog of an earlier state with the same definitions."""
        self._catalog = earlier._catalog
        self._cel_validations = earlier._cel_validations
        self._cel_sources = earlier._cel_sources
        self.crd_problems = earlier.crd_problems

    def scoped(self, index: ObjectIndex) -> RunState:
        """The state for the rules of one scope, sharing this run's catalog."""
        state = RunState(self.config, index, self)
        state.evaluation = self.evaluation
        return state

    def cel_validations(self, api_version: str, kind: str) -> list[CelValidation]:
        """The CEL rules of the input's CRD for this kind (``kubelint.crd.CelValidation``)."""
        if self._parent is not None:
            return self._parent.cel_validations(api_version, kind)
        if self._catalog is None:
            self.catalog  # noqa: B018 -- building the catalog finds the CRDs
        key = (api_version, kind)
        found = self._cel_validations.get(key)
        if found is None:
            sources = self._cel_sources.get(key)
            found = self._cel_validations[key] = []  # most kinds: no CRD of the input's
            if sources:
                from kubelint.crd import cel_validations

                version = api_version.rpartition("/")[2]
                found.extend(v for crd in sources for v in cel_validations(crd, version))
        return found

    def skip_cel_rule(self, why: str) -> None:
        # Counted once per run for the notes: the count is not a fact of one file.
        if self.evaluation is not None:
            self.evaluation.reads_other_objects()
        if self._parent is not None:
            self._parent.skip_cel_rule(why)
            return
        self.cel_rules_skipped[why] = self.cel_rules_skipped.get(why, 0) + 1

    @property
    def catalog(self) -> Catalog:
        if self._parent is not None:
            return self._parent.catalog
        if self._catalog is None:
            from kubelint.schema import Catalog

            custom: dict[tuple[str, str], Any] = {}
            definitions = (
                self._definitions if self._definitions is not None else list(self.index.objects())
            )
            crds = [obj for obj in definitions if obj.is_kind("CustomResourceDefinition")]
            if self.config.crds or crds:  # import the compiler only when needed
                from kubelint.crd import crd_schemas
                from kubelint.crd_sources import load_crd_sources

                if self.config.crds:
                    loaded, self.crd_problems = load_crd_sources(self.config.crds)
                    custom.update(loaded)
                # CRDs in the input win over --crds: they are what is being deployed.
                for crd in crds:
                    schemas = crd_schemas(crd.data)
                    custom.update(schemas)
                    for key in schemas:  # their CEL rules are listed on first use too
                        self._cel_sources.setdefault(key, []).append(crd.data)
            if any(obj.api_version == POLICY_API_VERSION for obj in definitions):
                from kubelint.policies import policy_schema

                custom.setdefault((POLICY_API_VERSION, "Policy"), policy_schema())
            self._catalog = Catalog(self.config.kubernetes_version, custom)
        return self._catalog


def directives_of(source: SourceFile) -> Directives:
    """The ``# kubelint:`` comments of ``source``, read on first use from the text the
    loader kept for them (the loader parses YAML and knows nothing of suppressions)."""
    if source.directives is None:
        text = source.directive_text
        source.directives = Directives() if text is None else parse_directives(text)
    return source.directives


@dataclass(eq=False)
class FileResult:
    """What checking one plain file gave: what a cache keeps of it and what a worker of
    ``--jobs`` sends back (everything here pickles)."""

    path: str  # as shown
    #: Problems of the text and findings of checks that read nothing but the object.
    findings: list[Finding] = field(default_factory=list)
    #: Findings of checks that read other objects (the index): redone when any file changes.
    cross: list[Finding] = field(default_factory=list)
    #: Object number in the file -> the rules whose checks read other objects.
    deferred: dict[int, list[str]] = field(default_factory=dict)
    documents: int = 0
    skipped: int = 0
    objects: int = 0
    tool_configs: dict[str, int] = field(default_factory=dict)
    #: The file's suppression comments (for checks run again from the cache).
    directives: Directives = field(default_factory=Directives)
    #: Where the cross-resource findings were: (object number, path) -> Location, so
    #: that a cached file's findings are located again without parsing it.
    located: dict[tuple[int, tuple[str | int, ...]], Any] = field(default_factory=dict)
    #: The Pod Security Standards level of each workload of the file.
    pod_security: list[WorkloadLevel] = field(default_factory=list)
    #: The suppressions of its objects' ``kubelint.io/ignore`` annotations, and the
    #: entries that could not be read (with the file each is in).
    annotations: list[Suppression] = field(default_factory=list)
    annotation_problems: list[tuple[str, SuppressionProblem]] = field(default_factory=list)
    #: Its objects were checked as written (``decisions.FileSuppressions.judged``).
    judged: bool = False

    def suppressions(self) -> FileSuppressions | None:
        """What the run's decision needs of it (None: it has no suppression)."""
        if not (self.directives or self.annotations or self.annotation_problems):
            return None
        return FileSuppressions(
            self.path,
            self.directives,
            tuple(self.annotations),
            tuple(self.annotation_problems),
            self.judged,
            frozenset(rule for rules in self.deferred.values() for rule in rules),
        )


@dataclass(eq=False)
class Collected:
    """A run's findings before its decisions (suppressions, ``--min-severity``), with
    what those need: the cache keeps this, and the run decides again each time, since
    whether a suppression has expired depends on the day."""

    findings: list[Finding]
    summary: Summary
    notes: list[str]
    warnings: list[str]
    pod_security: list[WorkloadLevel]
    suppressions: list[FileSuppressions]


class Located:
    """The findings an earlier check made of violations, to be taken again instead of
    locating the same violation of the same object once more (locating, the object's
    annotation, suppression comments and exemptions cost more than most checks).

    Only for a caller that checks the very same ``Manifest`` objects again, at the same
    lines, with the same config, registry and shown path, and with the same suppression
    comments at their lines: the language server's unchanged YAML documents
    (``kubelint.lsp_documents``). A violation with a fix is located again (its edit is
    an offset into the text), and so is one of a rendered object."""

    def __init__(self, earlier: Located | None = None):
        #: (id of the object, rule, path, message, severity) -> (the object, its finding
        #: or None when the rule is off there, its location); the object is held, so
        #: that its id is no other object's while it is here.
        self.earlier = earlier.now if earlier is not None else {}
        self.now: dict[tuple[Any, ...], tuple[Manifest, Finding | None, Any]] = {}


class Linter:
    """Lints loaded files with one config and registry."""

    def __init__(self, config: Config, registry: Registry, today: date | None = None):
        self.config = config
        self.registry = registry
        #: The date suppressions and exemptions are judged on (None: the machine's local
        #: date when the run decides, which a long-lived language server wants).
        self.today = today
        self._routers: dict[tuple[int, str | None], Router] = {}
        #: Shared by the rules of one run (e.g. compiled schema validators); set per run.
        self.run_state: Any = None
        self._scopes: dict[str | None, RunState] = {}
        #: Tells which checks read other objects (see ``kubelint.rule.Evaluation``).
        self.evaluation = Evaluation()

    def run(
        self,
        files: Iterable[LoadedFile],
        paths: Mapping[str, str] | None = None,
        progress: Progress | None = None,
    ) -> Report:
        """``paths`` maps display paths to filesystem paths (for per-path overrides);
        ``progress`` counts the objects checked."""
        loaded = list(files)
        self.begin(loaded)
        self.run_state.expect(obj for item in loaded for obj in item.objects)
        results = [
            self.check_file(
                item, (paths or {}).get(item.source.path, item.source.path), progress=progress
            )
            for item in loaded
        ]
        return self.report(loaded, results)

    def import_checks(self) -> None:
        """Import now the modules of the rules the config turns on (its overrides aside),
        as the first object of each kind would: forked workers then share them instead
        of each importing them again."""
        settings = self.config.rule_settings(None, self.registry)
        for rule in self.registry.rules.values():
            if isinstance(rule.check, DeferredCheck) and settings[rule.id].enabled:
                _resolved(rule.check)

    def begin(self, loaded: list[LoadedFile], definitions: list[Manifest] | None = None) -> None:
        """Start a run over ``loaded`` (every object the cross-resource rules may see)."""
        objects = [obj for item in loaded for obj in item.objects]
        self.run_state = RunState(
            self.config, ObjectIndex(objects, self.config.namespace), definitions=definitions
        )
        self.run_state.evaluation = self.evaluation
        self._scopes = self._scope_states(loaded)
        self._routers = {}  # contexts hold this run's index and state

    def check_file(
        self,
        item: LoadedFile,
        fs_path: str,
        only: Mapping[int, list[str]] | None = None,
        progress: Progress | None = None,
        located: Located | None = None,
    ) -> FileResult:
        """Every check of one file (only the rules of ``only``, by object number, when it
        is given: a second pass over the checks that read other objects). ``located``:
        the findings of an earlier check of the same objects, taken again (see
        ``Located``)."""
        source = item.source
        # A plain file that parsed: a suppression in it that silences nothing is unused.
        judged = source.scope is None and all(
            problem.rule == "yaml-duplicate-key" for problem in item.problems
        )
        result = FileResult(
            source.path,
            documents=source.documents,
            skipped=source.skipped,
            objects=len(item.objects),
            tool_configs=dict(item.tool_configs),
            directives=directives_of(source),
            judged=judged,
        )
        settings = self.config.rule_settings(fs_path, self.registry)
        router = self._router(settings, source.scope)
        exempt = self._exempt if self.config.exemptions else None
        emit = _Emitter(
            self.registry,
            settings,
            source,
            result.findings,
            self._settings_for,
            exempt=exempt,
            earlier=located,
        )
        cross = _Emitter(
            self.registry,
            settings,
            source,
            result.cross,
            self._settings_for,
            result.located,
            exempt=exempt,
            earlier=located,
        )
        if only is None:
            for problem in item.problems:
                span = Span(
                    problem.line,
                    problem.column,
                    problem.end_line if problem.end_line is not None else problem.line,
                    problem.end_column if problem.end_column is not None else problem.column + 1,
                )
                emit.at(problem.rule, problem.message, None, span, (-1, problem.line), None, "")
            for obj, path, message in item.structure:
                emit.violation(MANIFEST_STRUCTURE, Violation(path, message), obj)
        for number, obj in enumerate(item.objects):
            if obj.kind is None or obj.api_version is None:
                continue
            rules = None if only is None else only.get(number)
            if only is not None and not rules:
                continue
            deferred: list[str] = []
            cross.number = number
            for rule_id, violation, reads_others in check_object(
                obj, router, self.evaluation, deferred, rules
            ):
                (cross if reads_others else emit).violation(rule_id, violation, obj)
            if deferred and only is None:
                result.deferred[number] = deferred
            if only is None:
                self.run_state.checked(obj)
                self._pod_security(obj, result)
                annotation = emit.annotation(obj)
                result.annotations.extend(annotation.suppressions)
                result.annotation_problems.extend(annotation.problems)
                if progress is not None:
                    progress.object_checked()
        return result

    def _pod_security(self, obj: Manifest, result: FileResult) -> None:
        """The strictest PSS level the pods of ``obj`` meet at the target version, or at
        the policy version a PSS profile pins (a fact of the object, like its findings:
        reports list it per workload)."""
        level = highest_level(
            obj, pinned_minor(self.config.pss_version, self.config.kubernetes_version)
        )
        if level is None:
            return
        location = obj.locate(())
        file, span = obj.source.path, location.span
        if obj.origin is not None:  # where the user edits it: the template, the patch
            placed = obj.origin.place(obj, (), location)
            file, span = placed.file, placed.span
        result.pod_security.append(
            WorkloadLevel(
                file,
                span.line + 1,
                ObjectRef(obj.api_version, obj.kind, obj.namespace, obj.display_name),
                level,
            )
        )

    def report(self, loaded: list[LoadedFile], results: list[FileResult]) -> Report:
        """The report of a run from its files' results (in input order)."""
        return self.decide(self.collect(loaded, results))

    def collect(self, loaded: list[LoadedFile], results: list[FileResult]) -> Collected:
        """What the files' results say together, before the run's decisions."""
        summary = Summary(
            files=len(
                {path for item in loaded for path in (item.source.path, *item.source.made_from)}
            )
        )
        findings: list[Finding] = []
        levels: set[WorkloadLevel] = set()
        suppressions: list[FileSuppressions] = []
        for result in results:
            levels.update(result.pod_security)
            summary.objects += result.objects
            summary.documents += result.documents
            summary.skipped += result.skipped
            for tool, count in result.tool_configs.items():
                summary.tool_configs[tool] = summary.tool_configs.get(tool, 0) + count
            findings.extend(result.findings)
            findings.extend(result.cross)
            facts = result.suppressions()
            if facts is not None:
                suppressions.append(facts)
        summary.unknown_kinds = self._unknown_kinds(list(self.run_state.index.objects()))
        # A workload rendered several ways (a chart with each ci/*-values.yaml) gets one
        # entry: the strictest level every rendering of it meets.
        weakest: dict[tuple[str, int, ObjectRef], WorkloadLevel] = {}
        for found in levels:
            key = (found.file, found.line, found.object)
            known = weakest.get(key)
            if known is None or LEVELS.index(found.level) < LEVELS.index(known.level):
                weakest[key] = found
        pod_security = sorted(
            weakest.values(),
            key=lambda found: (
                found.file,
                found.line,
                found.object.kind or "",
                found.object.namespace or "",
                found.object.name or "",
            ),
        )
        return Collected(
            findings,
            summary,
            self._notes(),
            list(self.run_state.crd_problems),
            pod_security,
            suppressions,
        )

    def decide(self, collected: Collected) -> Report:
        """The report: the findings no suppression covers today, at or above
        ``min-severity``, and what kubelint says about the suppressions."""
        decider = Decider(
            self.registry,
            self._settings_for,
            self._relative,
            self.config.exemptions,
            self.today or date.today(),
            SEVERITY_RANK[self.config.min_severity],
        )
        decision = decider.decide(collected.findings, collected.suppressions)
        findings = merge_variants(decision.findings)
        findings.sort(key=Finding.sort_key)
        return Report(
            findings,
            dataclasses.replace(collected.summary),
            self.registry.rules,
            [*collected.notes, *decision.notes],
            [*collected.warnings, *decision.warnings],
            list(collected.pod_security),
            self.config.pod_security_policy,
        )

    def _scope_states(self, loaded: list[LoadedFile]) -> dict[str | None, RunState]:
        """Each scope's objects see the plain files' objects and their own, never another
        rendering of the same chart or another overlay (those are alternatives, not
        deployed together); plain files see everything."""
        states: dict[str | None, RunState] = {None: self.run_state}
        scoped: dict[str, list[Manifest]] = {}
        for item in loaded:
            if item.source.scope is not None:
                scoped.setdefault(item.source.scope, []).extend(item.objects)
        if scoped:
            shared = [obj for item in loaded if item.source.scope is None for obj in item.objects]
            for scope, objects in scoped.items():
                states[scope] = self.run_state.scoped(
                    ObjectIndex([*shared, *objects], self.config.namespace)
                )
        return states

    def _notes(self) -> list[str]:
        state = self.run_state
        notes = [
            f"Kubernetes version {self.config.kubernetes_version}"
            f" (config: {self.config.path or 'none'})"
        ]
        if state._catalog is not None:
            notes.append(f"custom resource schemas: {len(state._catalog.custom)}")
        notes.extend(self.registry.notes)
        for why, count in sorted(state.cel_rules_skipped.items()):
            notes.append(
                f"{count} evaluation(s) of CEL validation rules"
                f" (x-kubernetes-validations) in CRDs were skipped: {why}"
            )
        return notes

    def _unknown_kinds(self, objects: list[Manifest]) -> int:
        """Objects whose schema is unknown: custom resources without their CRD."""
        if not any(
            obj.kind and obj.api_version and obj.api_group not in ("", "apps", "batch")
            for obj in objects
        ):
            return 0  # the common case answers without loading a schema bundle
        catalog = self.run_state.catalog
        return sum(
            1
            for obj in objects
            if obj.kind
            and obj.api_version
            and not catalog.knows(obj.api_version, obj.kind)
            and not catalog.is_builtin_group(obj.api_version)
        )

    def _settings_for(self, display_path: str) -> dict[str, EffectiveRule]:
        """Settings for a file a rendered object's finding is placed in (display paths
        are relative to the working directory, or absolute)."""
        return self.config.rule_settings(os.path.abspath(display_path), self.registry)

    def _relative(self, display_path: str) -> str | None:
        """A file's path relative to the config (None: outside it), for exemptions."""
        return self.config._relative(os.path.abspath(display_path))

    def _exempt(
        self, rule_id: str, obj: Manifest | None, path: Path, display_path: str
    ) -> list[Suppression]:
        """The config exemptions that cover a finding."""
        from kubelint.exemptions import covering  # only a config with exemptions calls this

        namespace = effective_namespace(obj, self.config.namespace) if obj is not None else None
        return covering(
            self.config.exemptions,
            rule_id,
            self.registry.aliases,
            obj,
            path,
            self._relative(display_path),
            namespace,
        )

    def _router(self, settings: dict[str, EffectiveRule], scope: str | None) -> Router:
        router = self._routers.get((id(settings), scope))
        if router is None:
            state = self._scopes[scope]
            active = [
                (
                    rule,
                    RuleContext(
                        rule,
                        settings[rule.id].options,
                        state.index,
                        self.config.namespace,
                        self.config.kubernetes_version,
                        state,
                        self.evaluation,
                    ),
                )
                for rule in self.registry.rules.values()
                if rule.check is not None and settings[rule.id].enabled
            ]
            router = self._routers[(id(settings), scope)] = Router(active)
        return router


class _Emitter:
    """Turns one file's violations into findings: located, with the severity
    ``decisions.severity_for`` gives (none when the rule is off there) and the
    suppressions that name the rule where each is (``Decider`` judges them per run).

    A rendered object (a chart's template output, a kustomize build) is placed by its
    ``Origin`` in the file the user edits, whose settings and suppression comments then
    apply."""

    def __init__(
        self,
        registry: Registry,
        settings: Mapping[str, EffectiveRule],
        source: SourceFile,
        out: list[Finding],
        settings_for: Any = None,
        located: dict[Any, Any] | None = None,
        exempt: Any = None,
        earlier: Located | None = None,
    ):
        self.registry = registry
        self.settings = settings
        self.source = source
        self.out = out
        self._settings_for = settings_for
        #: The config exemptions covering a finding (``Linter._exempt``; None: none).
        self._exempt = exempt
        self._annotations: dict[int, Annotation] = {}
        #: Records where violations were, by (object number, path) (FileResult.located).
        self.located = located
        self.number = 0
        #: The findings an earlier check made of the same objects' violations.
        self.earlier = earlier

    def violation(self, rule_id: str, violation: Violation, obj: Manifest) -> None:
        earlier = self.earlier
        if earlier is None or violation.fix is not None or obj.origin is not None:
            self._violation(rule_id, violation, obj)
            return
        path = tuple(violation.path)
        key = (id(obj), rule_id, path, violation.message, violation.severity)
        try:
            known = earlier.earlier.get(key)
        except TypeError:  # a plugin's path or message that is no str or int
            self._violation(rule_id, violation, obj)
            return
        if known is None:  # (an id in the key is its object's: earlier holds the object)
            before = len(self.out)
            location = self._violation(rule_id, violation, obj)
            known = (obj, self.out[-1] if len(self.out) > before else None, location)
        else:
            if known[1] is not None:
                self.out.append(known[1])
            if self.located is not None:
                self.located[(self.number, path)] = known[2]
        earlier.now[key] = known

    def _violation(self, rule_id: str, violation: Violation, obj: Manifest) -> Any:
        """Locate and record one violation; its location."""
        location = obj.locate(violation.path)
        if self.located is not None:
            self.located[(self.number, tuple(violation.path))] = location
        ignored = self.annotation(obj).suppressions
        ref = ObjectRef(obj.api_version, obj.kind, obj.namespace, obj.display_name)
        if obj.origin is not None:
            # No --fix here: the edit would land in generated text, not in the template.
            placed = obj.origin.place(obj, violation.path, location, violation.message)
            message = violation.message
            if placed.related:
                message += (
                    " ("
                    + ", ".join(
                        f"{related.message} from {related.file}:{related.line}"
                        for related in placed.related
                    )
                    + ")"
                )
            settings = (
                self._settings_for(placed.file) if self._settings_for is not None else self.settings
            )
            self.at(
                rule_id,
                message,
                violation.severity,
                placed.span,
                placed.node_lines,
                ref,
                format_path(violation.path),
                ignored,
                obj.template,
                None,
                file=placed.file,
                directives=placed.directives,
                settings=settings,
                related=placed.related,
                variant=placed.variant,
                obj=obj,
                where=violation.path,
            )
            return location
        edit = None
        if violation.fix is not None:
            from kubelint.fix import plan

            edit = plan(obj, violation.fix)
        self.at(
            rule_id,
            violation.message,
            violation.severity,
            location.span,
            location.node_lines,
            ref,
            format_path(violation.path),
            ignored,
            obj.template,
            edit,
            obj=obj,
            where=violation.path,
        )
        return location

    def annotation(self, obj: Manifest) -> Annotation:
        """What ``obj``'s ``kubelint.io/ignore`` annotation says (read once)."""
        found = self._annotations.get(id(obj))
        if found is None:
            found = self._annotations[id(obj)] = annotation_suppressions(obj)
        return found

    def at(
        self,
        rule_id: str,
        message: str,
        severity: str | None,
        span: Span,
        node_lines: tuple[int, ...],
        ref: ObjectRef | None,
        path: str,
        ignored: Sequence[Suppression] = (),
        template: str | None = None,
        edit: Any = None,
        *,
        file: str | None = None,
        directives: Directives | None = None,
        settings: Mapping[str, EffectiveRule] | None = None,
        related: tuple[RelatedLocation, ...] = (),
        variant: tuple[str, str] | None = None,
        obj: Manifest | None = None,
        where: Path = (),
    ) -> None:
        """Add the finding, with the suppressions that name its rule where it is (the
        run decides whether they still silence it: ``kubelint.decisions``)."""
        settings = self.settings if settings is None else settings
        final = severity_for(rule_id, settings.get(rule_id), severity, self.registry)
        if final is None:
            return
        if directives is None:
            directives = directives_of(self.source)
        shown = file or self.source.path
        held = [
            suppression.bound(shown)
            for suppression in matching(
                rule_id, node_lines, directives, ignored, self.registry.aliases
            )
        ]
        if self._exempt is not None:
            held.extend(self._exempt(rule_id, obj, where, shown))
        end_line, end_column = span.end_line, span.end_column
        if (end_line, end_column) <= (span.line, span.column):
            end_line, end_column = span.line, span.column + 1
        self.out.append(
            Finding(
                rule_id,
                final,
                message,
                shown,
                span.line + 1,
                span.column + 1,
                end_line + 1,
                end_column + 1,
                ref,
                path,
                template,
                edit,
                related,
                variant,
                placed=file is not None,
                suppressed_by=tuple(held),
            )
        )


def merge_variants(findings: list[Finding]) -> list[Finding]:
    """One finding for what renderings report at the same place of a source file.

    A chart rendered with its values and with each ``ci/*-values.yaml``, a base built
    through two overlays, or through one overlay that includes it twice (kustomize's
    multibases), gives the same finding once per object made from that text. Reported
    once; when it does not occur in the default rendering, the message names the
    renderings it occurs in ("with ci/prod-values.yaml", "through overlays/prod,
    overlays/staging"). Findings on plain files pass through as they are.
    """
    if not any(finding.placed for finding in findings):
        return findings
    out: list[Finding] = []
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for finding in findings:
        if not finding.placed:
            out.append(finding)
            continue
        # Not by object or path: overlays rename objects (namePrefix, namespace) and a
        # patch may reorder containers, yet the finding is about the same source line.
        key = (finding.rule, finding.file, finding.line, finding.column, finding.message)
        groups.setdefault(key, []).append(finding)
    for group in groups.values():
        first = group[0]
        variants = [finding.variant for finding in group]
        if None in variants:
            out.append(dataclasses.replace(first, variant=None))
            continue
        by_preposition: dict[str, list[str]] = {}
        for preposition, name in variants:  # type: ignore[misc]
            names = by_preposition.setdefault(preposition, [])
            if name not in names:
                names.append(name)
        said = "; ".join(
            f"{preposition} {', '.join(sorted(names))}"
            for preposition, names in by_preposition.items()
        )
        out.append(dataclasses.replace(first, message=f"{first.message} ({said})"))
    return out
