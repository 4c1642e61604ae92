"""Findings as users see them, and the report formatters render."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubelint.constants import SEVERITIES
from kubelint.model import RelatedLocation


def printable(path: str) -> str:
    """A path as reports show it: the bytes of a file name that is not UTF-8 (kept by
    Python as lone surrogates) written as ``\\xff``, so that every report is valid UTF-8."""
    if path.isascii():
        return path
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class ObjectRef:
    """Which Kubernetes object a finding is about."""

    api_version: str | None
    kind: str | None
    namespace: str | None
    name: str | None

    def describe(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind or '?'} {where}{self.name or '?'}"


@dataclass(frozen=True)
class Finding:
    """A located problem. Lines and columns are 1-based; the end is exclusive."""

    rule: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    object: ObjectRef | None = None
    path: str = ""
    #: The Helm template the object was rendered from, when the input says so.
    template: str | None = None
    #: The planned text edit of a fixable finding (kubelint.fix.Edit), for --fix.
    edit: Any = field(default=None, compare=False, repr=False)
    #: Other places the finding concerns (the values-file line a value came from).
    related: tuple[RelatedLocation, ...] = ()
    #: The rendering that produced it, when a source is rendered several ways
    #: (``kubelint.model.Placement.variant``); ``lint.merge_variants`` folds these.
    variant: tuple[str, str] | None = field(default=None, compare=False, repr=False)
    #: Placed by an ``Origin`` (made from a chart or a kustomization), not read as is.
    placed: bool = field(default=False, compare=False, repr=False)
    #: Until the run's decision (``kubelint.decisions``): the suppressions that name its
    #: rule where it is. A report holds only findings none of them silenced (empty here).
    suppressed_by: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    #: For a finding about a suppression: that ``kubelint.suppression.Suppression``.
    about: Any = field(default=None, compare=False, repr=False)

    def sort_key(self) -> tuple[Any, ...]:
        # Total over what reports show, so that the order never depends on the order
        # findings were made in (file by file, or by several --jobs workers).
        ref = self.object
        return (
            self.file,
            self.line,
            self.column,
            self.rule,
            self.message,
            self.end_line,
            self.end_column,
            self.severity,
            self.path,
            self.template or "",
            (ref.kind or "", ref.namespace or "", ref.name or "", ref.api_version or "")
            if ref is not None
            else (),
        )

    def identity(self) -> tuple[str | None, ...]:
        """What identifies the finding across runs (baselines, SARIF and GitLab
        fingerprints): file, rule, object (apiVersion, kind, namespace, name) and path,
        without the line or column (they move when lines are added above it) or the
        message (it quotes values that change)."""
        ref = self.object
        if ref is None:
            return (self.file, self.rule, None, None, None, None, self.path)
        return (self.file, self.rule, ref.api_version, ref.kind, ref.namespace, ref.name, self.path)

    def to_dict(self) -> dict[str, Any]:
        obj = None
        if self.object is not None:
            obj = {
                "apiVersion": self.object.api_version,
                "kind": self.object.kind,
                "namespace": self.object.namespace,
                "name": self.object.name,
            }
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "file": printable(self.file),
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "object": obj,
            "path": self.path,
            "template": self.template,
            "related": [
                {
                    "file": printable(r.file),
                    "line": r.line,
                    "column": r.column,
                    "message": r.message,
                }
                for r in self.related
            ],
        }


@dataclass(frozen=True)
class WorkloadLevel:
    """The strictest Pod Security Standards level a workload's pods meet at the target
    Kubernetes version, or the policy version a PSS profile pins (``privileged``,
    ``baseline`` or ``restricted``), and where the workload is (1-based line of the
    object)."""

    file: str
    line: int
    object: ObjectRef
    level: str

    def to_dict(self) -> dict[str, Any]:
        ref = self.object
        return {
            "file": printable(self.file),
            "line": self.line,
            "object": {
                "apiVersion": ref.api_version,
                "kind": ref.kind,
                "namespace": ref.namespace,
                "name": ref.name,
            },
            "level": self.level,
        }


@dataclass
class Summary:
    """What a run checked and found, counted for the summary line and the reports."""

    files: int = 0
    documents: int = 0  # non-empty YAML/JSON documents
    objects: int = 0  # Kubernetes objects linted (List items count one each)
    skipped: int = 0  # documents that are not objects: no apiVersion and kind, tool configs
    unknown_kinds: int = 0  # objects of a kind without a known schema (not validated)
    baselined: int | None = None  # findings hidden by --baseline (None: no baseline)
    baseline_fixed: int | None = None  # baseline findings that no longer occur
    #: The tools' configuration documents among ``skipped``: tool -> documents.
    tool_configs: dict[str, int] = field(default_factory=dict)
    #: Files and directories the walk skipped because git ignores them.
    gitignored: int = 0

    def to_dict(self, findings: list[Finding]) -> dict[str, Any]:
        counts = {severity: 0 for severity in SEVERITIES}
        for finding in findings:
            counts[finding.severity] += 1
        document = {
            "files": self.files,
            "documents": self.documents,
            "objects": self.objects,
            "skipped": self.skipped,
            "unknown_kinds": self.unknown_kinds,
            "findings": counts,
        }
        if self.baselined is not None:
            document["baseline"] = {"known": self.baselined, "fixed": self.baseline_fixed}
        return document


@dataclass
class Report:
    """Everything a formatter needs: the findings (sorted) and the rule catalogue."""

    findings: list[Finding]
    summary: Summary
    rules: Mapping[str, Any] = field(default_factory=dict)  # id -> Rule
    #: What the run wants users to know besides findings (``--verbose`` shows them).
    notes: list[str] = field(default_factory=list)
    #: Problems with inputs given as options (``--crds``), shown on standard error.
    warnings: list[str] = field(default_factory=list)
    #: Each workload's Pod Security Standards level, in file and line order.
    pod_security: list[WorkloadLevel] = field(default_factory=list)
    #: The PSS policy the run's profile checks (``restricted:v1.33``), at whose version
    #: ``pod_security`` is evaluated; None when no PSS profile runs.
    pod_security_policy: str | None = None

    def count(self, severity: str) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)
