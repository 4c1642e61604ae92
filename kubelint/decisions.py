"""The decision step of a run: what of the rules' findings is reported, and how.

Rules report every problem they see; whether and how it reaches the user is decided
here, in one place (flake8's ``DecisionEngine`` and ``StyleGuide`` play this part):

* ``severity_for``: as the engine records a finding, whether its rule is on for the
  file the finding is in (config, overrides, profile, ``--enable``/``--disable``) and
  its severity (the config's, else the one the check gave it, else the rule's own);
* ``Decider``: once per run, with the run's date, which findings suppressions and
  config exemptions silence, what is said about the suppressions themselves, and the
  least severity reported (``min-severity``).

The files a run reads are chosen before (``Config.is_excluded``, ``.gitignore``), and
the command line applies a ``--baseline`` to the report after (``kubelint.baseline``).

Suppressions: checking a file records, on each finding, every suppression that names its rule where
it is (``Finding.suppressed_by``); nothing is dropped then, so that the cache and the
workers of ``--jobs`` keep what does not depend on the day. This step, run last with
the run's date, drops the findings a suppression still covers and reports:

* ``suppression-expired``: its ``until`` date has passed (the findings it covered are
  reported again);
* ``unused-suppression``: it names no rule, or it silenced nothing in a file linted as
  written, though its rule ran there (not when the rule is disabled, nor when the
  rule's checks read other files, whose absence from the run may be why; not for
  templates and patches, whose renderings depend on values kubelint may not see);
* ``suppression-without-reason``: it gives no reason (off unless ``require-reason``);
* ``invalid-suppression``: kubelint cannot read it, so it silences nothing.

A finding about a suppression can itself be silenced by a name in the same directive
(``disable=foo,unused-suppression``, as ruff's ``noqa: F401, RUF100``), by a
``disable-file`` or by a config exemption that names that rule; ``all`` does not name
these rules, so a blanket suppression cannot hide that another one expired.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from kubelint.constants import (
    EXPIRED_RULE,
    INVALID_RULE,
    REASON_RULE,
    SEVERITY_RANK,
    SUPPRESSION_RULES,
    UNUSED_RULE,
)
from kubelint.report import Finding
from kubelint.suggest import did_you_mean
from kubelint.suppression import Directives, Suppression, SuppressionProblem
from kubelint.yamlparse import Span

if TYPE_CHECKING:
    from kubelint.config import EffectiveRule
    from kubelint.exemptions import Exemption
    from kubelint.plugins import Registry


def severity_for(
    rule_id: str, setting: EffectiveRule | None, asked: str | None, registry: Registry
) -> str | None:
    """The severity a finding of ``rule_id`` is reported at, in a file where the rule's
    settings are ``setting`` (None: the rule has none, e.g. a plugin's that is gone);
    ``asked``: the severity the check gave this finding, if any. None when the rule is
    off there: the finding is not reported."""
    if setting is not None and not setting.enabled:
        return None
    if setting is not None and setting.severity:
        return setting.severity
    if asked:
        return asked
    rule = registry.rules.get(rule_id)
    return rule.severity if rule is not None else "error"


@dataclass(eq=False)
class FileSuppressions:
    """What the decision needs to know of one checked file's suppressions."""

    file: str
    directives: Directives
    annotations: tuple[Suppression, ...] = ()
    #: Annotation entries that could not be read, with the file each is in.
    problems: tuple[tuple[str, SuppressionProblem], ...] = ()
    #: Its objects were checked as written (a plain file that parsed): a suppression in
    #: it that silenced nothing did so in this run's full view of it.
    judged: bool = False
    #: Rules whose checks read other objects here (their findings depend on other files).
    cross: frozenset[str] = frozenset()


@dataclass(eq=False)
class Decision:
    """The run's findings after the decision, and what it tells about config
    exemptions, which are in no file the run lints: those that expired (a warning, as
    their findings come back) and those that matched nothing (a note for ``-v``: they
    may cover files this run did not lint)."""

    findings: list[Finding]
    notes: list[str]
    warnings: list[str]


class Decider:
    """Decides one run: ``settings_for(file)`` gives the rules' settings for a file,
    ``relative(file)`` its path relative to the config (for exemptions' ``files``)."""

    def __init__(
        self,
        registry: Registry,
        settings_for: Callable[[str], Mapping[str, EffectiveRule]],
        relative: Callable[[str], str | None],
        exemptions: Iterable[Exemption],
        today: date,
        floor: int = 0,
    ):
        self.registry = registry
        self._settings_for = settings_for
        self._settings: dict[str, Mapping[str, EffectiveRule]] = {}
        self.relative = relative
        self.exemptions = list(exemptions)
        self.today = today
        self.floor = floor
        #: Every suppression of the run, once (the first seen: the files' own, whose
        #: spans are exact), and those whose silence can be judged.
        self.known: dict[Suppression, Suppression] = {}
        self.judged: set[Suppression] = set()
        self.cross: dict[str, frozenset[str]] = {}
        self.used: set[Suppression] = set()
        #: (file, rule about suppressions) -> the comments and annotations naming it.
        self.naming: dict[tuple[str, str], list[Suppression]] = {}
        self._close: dict[str, str] = {}

    def decide(self, findings: Iterable[Finding], files: Iterable[FileSuppressions]) -> Decision:
        problems: list[tuple[str, SuppressionProblem]] = []
        for facts in files:
            problems.extend((facts.file, problem) for problem in facts.directives.problems)
            problems.extend(facts.problems)
            self.cross[facts.file] = self.cross.get(facts.file, frozenset()) | facts.cross
            for suppression in (
                *(s.bound(facts.file) for s in facts.directives),
                *facts.annotations,
            ):
                self.known.setdefault(suppression, suppression)
                if facts.judged:
                    self.judged.add(suppression)
        for exemption in self.exemptions:
            for suppression in exemption.suppressions:
                self.known.setdefault(suppression, suppression)
        kept = self._silence(findings)
        for suppression in self.known.values():  # every suppression is known by now
            rule_id = self.registry.resolve(suppression.name)
            if rule_id in SUPPRESSION_RULES and suppression.kind != "exemption":
                self.naming.setdefault((suppression.file, rule_id), []).append(suppression)
        about = self._about_suppressions(problems)
        kept.extend(self._silence(about))
        kept.extend(self._about_meta_suppressions())
        kept = self._with_fixes(kept)
        notes, warnings = self._about_exemptions()
        return Decision(
            [finding for finding in kept if SEVERITY_RANK[finding.severity] >= self.floor],
            notes,
            warnings,
        )

    def _silence(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings no live suppression covers; the others mark theirs used."""
        kept = []
        for finding in findings:
            if finding.suppressed_by:
                live = []
                for suppression in finding.suppressed_by:
                    self.known.setdefault(suppression, suppression)
                    if suppression.live(self.today):
                        live.append(suppression)
                if live:
                    self.used.update(live)
                    continue
                finding = replace(finding, suppressed_by=())
            kept.append(finding)
        return kept

    # -- what is said about suppressions -------------------------------------------------
    def _about_suppressions(
        self,
        problems: list[tuple[str, SuppressionProblem]],
    ) -> list[Finding]:
        out: list[Finding] = []
        for file, problem in dict.fromkeys(problems):
            out.extend(self._finding(INVALID_RULE, problem.message, file, problem.span, None))
        without_reason: dict[tuple[str, str, int, int, int], list[Suppression]] = {}
        for suppression in self.known.values():
            rule_id = self.registry.resolve(suppression.name)
            if rule_id in SUPPRESSION_RULES:
                continue  # said after their own findings are decided
            if suppression.kind == "exemption":
                continue  # said as warnings and notes: they are in no linted file
            if suppression.reason is None and suppression.live(self.today):
                without_reason.setdefault(suppression.group, []).append(suppression)
            if rule_id is None and suppression.name != "all":  # whatever its date
                out.extend(
                    self._finding(
                        UNUSED_RULE,
                        f"suppression of {suppression.name!r}"
                        f" names no rule{self._hint(suppression.name)}",
                        suppression.file,
                        suppression.span,
                        suppression,
                    )
                )
            elif not suppression.live(self.today):
                out.extend(self._expired(suppression, silenced=True))
            elif self._unused(suppression, rule_id):
                out.extend(self._silences_nothing(suppression, silenced=True))
        for names in without_reason.values():
            first = min(names, key=lambda suppression: suppression.index)
            listed = ", ".join(repr(s.name) for s in sorted(names, key=lambda s: s.index))
            out.extend(
                self._finding(
                    REASON_RULE,
                    f"suppression of {listed} gives no reason: write it after ' -- '",
                    first.file,
                    first.directive,
                    first,
                )
            )
        return out

    def _about_meta_suppressions(self) -> list[Finding]:
        """Suppressions that name the rules about suppressions: said last, and final."""
        out: list[Finding] = []
        for suppression in self.known.values():
            rule_id = self.registry.resolve(suppression.name)
            if rule_id not in SUPPRESSION_RULES or suppression.kind == "exemption":
                continue
            if not suppression.live(self.today):
                out.extend(self._expired(suppression, silenced=False))
            elif self._unused(suppression, rule_id):
                out.extend(self._silences_nothing(suppression, silenced=False))
        return out

    def settings_for(self, file: str) -> Mapping[str, EffectiveRule]:
        found = self._settings.get(file)
        if found is None:  # once per file: a file may hold thousands of suppressions
            found = self._settings[file] = self._settings_for(file)
        return found

    def _hint(self, name: str) -> str:
        """`` (did you mean 'x'?)`` for a name that is no rule's (once per name)."""
        hint = self._close.get(name)
        if hint is None:
            known = [*self.registry.rules, *self.registry.aliases]
            hint = self._close[name] = did_you_mean(name, known)
        return hint

    def _expired(self, suppression: Suppression, silenced: bool) -> list[Finding]:
        return self._finding(
            EXPIRED_RULE,
            f"suppression of {suppression.name!r} expired on {suppression.until}",
            suppression.file,
            suppression.span,
            suppression,
            final=not silenced,
        )

    def _silences_nothing(self, suppression: Suppression, silenced: bool) -> list[Finding]:
        return self._finding(
            UNUSED_RULE,
            f"suppression of {suppression.name!r} silences nothing",
            suppression.file,
            suppression.span,
            suppression,
            final=not silenced,
        )

    def _unused(self, suppression: Suppression, rule_id: str | None) -> bool:
        """Silenced nothing, where that means something (see the module's docstring)."""
        if suppression in self.used or suppression not in self.judged:
            return False
        cross = self.cross.get(suppression.file, frozenset())
        if rule_id is None:  # all
            return not cross
        setting = self.settings_for(suppression.file).get(rule_id)
        return setting is not None and setting.enabled and rule_id not in cross

    def _finding(
        self,
        rule_id: str,
        message: str,
        file: str,
        span: Span,
        about: Suppression | None,
        final: bool = False,
    ) -> list[Finding]:
        """The finding (none when its rule is off for ``file``) about the suppression
        ``about`` (None: about an unreadable directive), with the suppressions that may
        silence it unless it is ``final``."""
        setting = self.settings_for(file).get(rule_id)
        severity = severity_for(rule_id, setting, None, self.registry)
        if setting is None or severity is None:
            return []
        held = () if final else tuple(self._naming(rule_id, about, file))
        end = (
            span.end_column
            if (span.end_line, span.end_column) > (span.line, span.column)
            else span.column + 1
        )
        return [
            Finding(
                rule_id,
                severity,
                message,
                file,
                span.line + 1,
                span.column + 1,
                span.end_line + 1,
                end + 1,
                suppressed_by=held,
                about=about,
            )
        ]

    def _naming(
        self,
        rule_id: str,
        about: Suppression | None,
        file: str,
    ) -> list[Suppression]:
        """The suppressions that silence a finding of ``rule_id`` about ``about`` in
        ``file``: another name of its directive, a ``disable-file`` of the file, an
        exemption that covers the file."""
        aliases = self.registry.aliases
        found = [
            other
            for other in self.naming.get((file, rule_id), ())
            if other != about
            and (other.kind == "disable-file" or (about is not None and other.group == about.group))
        ]
        for exemption in self.exemptions:
            if exemption.covers(None, (), self.relative(file), None):
                found.extend(
                    s for s in exemption.suppressions if aliases.get(s.name, s.name) == rule_id
                )
        return found

    # -- fixes ---------------------------------------------------------------------------
    def _with_fixes(self, findings: list[Finding]) -> list[Finding]:
        """Unused names of a directive go, all in one edit: the others stay (the whole
        comment goes when none does; an annotation keeps at least one name)."""
        unused: dict[tuple[str, str, int, int, int], set[int]] = {}
        for finding in findings:
            if finding.rule == UNUSED_RULE and finding.about is not None:
                unused.setdefault(finding.about.group, set()).add(finding.about.index)
        if not unused:
            return findings
        by_group: dict[tuple[str, str, int, int, int], list[Suppression]] = {}
        for suppression in self.known.values():
            if suppression.group in unused:
                by_group.setdefault(suppression.group, []).append(suppression)
        edits = {
            group: _edit(sorted(by_group[group], key=lambda s: s.index), indexes)
            for group, indexes in unused.items()
            if all(s in self.judged for s in by_group[group])
        }
        return [
            replace(finding, edit=edits.get(finding.about.group))
            if finding.rule == UNUSED_RULE and finding.about is not None
            else finding
            for finding in findings
        ]

    def _about_exemptions(self) -> tuple[list[str], list[str]]:
        notes, warnings = [], []
        for exemption in self.exemptions:
            live = [s for s in exemption.suppressions if s.live(self.today)]
            if len(live) < len(exemption.suppressions):
                where = exemption.suppressions[0].file
                setting = self.settings_for(where).get(EXPIRED_RULE)
                if setting is not None and setting.enabled:
                    warnings.append(
                        f"{exemption.where}: the exemption of"
                        f" {_names(exemption.suppressions)} expired on"
                        f" {exemption.suppressions[0].until}: its findings are"
                        " reported again"
                    )
            elif not any(s in self.used for s in live):
                notes.append(
                    f"{exemption.where}: the exemption of {_names(live)} matched no"
                    " finding in this run (it may cover files not linted in it)"
                )
        return notes, warnings


def _names(suppressions: Iterable[Suppression]) -> str:
    return ", ".join(s.name for s in suppressions)


def _edit(names: list[Suppression], unused: set[int]) -> object | None:
    """The edit that drops the ``unused`` names (by index) of one directive."""
    rewrite = names[0].rewrite
    if rewrite is None:
        return None
    from kubelint.fix import Edit

    kept = [s.name for s in names if s.index not in unused]
    gone = ", ".join(repr(s.name) for s in names if s.index in unused)
    title = f"remove the unused suppression of {gone}"
    start, end = rewrite.names
    listed = rewrite.text[start:end]
    text = (", " if ", " in listed else ",").join(kept)
    if rewrite.whole is None:  # an annotation: a value must remain
        if not kept:
            return None
        low, high = rewrite.value_names
        value = rewrite.value[:low] + text + rewrite.value[high:]
        return Edit(
            names[0].file,
            start,
            end,
            text,
            rewrite.document_line,
            rewrite.path,
            value,
            linted=rewrite.text,
            title=title,
        )
    if not kept:
        start, end = rewrite.whole
        text = ""
    return Edit(names[0].file, start, end, text, -1, (), None, linted=rewrite.text, title=title)
