"""Rule documentation: sections in ruff's order, parsed from a rule's docstring."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from kubelint.patterns import lazy_compile

if TYPE_CHECKING:
    from kubelint.rule import Rule

REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")
_SECTION = lazy_compile(r"^## (.+?)\s*$", re.M)
_YAML_BLOCK = lazy_compile(r"```ya?ml\n(.*?)```", re.S)


def sections(doc: str) -> dict[str, str]:
    """``{"What it does": "...", ...}`` in the order written."""
    text = inspect.cleandoc(doc or "")
    found: dict[str, str] = {}
    matches = list(_SECTION.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        found[match.group(1)] = text[match.end() : end].strip()
    return found


def yaml_blocks(section_text: str) -> list[str]:
    """The YAML code blocks of a section (an Example or a Use instead)."""
    return _YAML_BLOCK.findall(section_text)


def with_kubernetes_versions(doc: str) -> str:
    """``doc`` with ``{oldest}`` and ``{newest}`` replaced by the oldest and newest
    Kubernetes versions kubelint has schemas for, so that a rule's documentation follows
    the bundles (``schemas/kubernetes/``)."""
    from kubelint.constants import KUBERNETES_VERSIONS

    return doc.replace("{oldest}", KUBERNETES_VERSIONS[0]).replace(
        "{newest}", KUBERNETES_VERSIONS[-1]
    )


def header_notes(rule: Rule) -> str:
    """What a rule's page says after its default severity: whether it is off by default,
    and its category."""
    notes = "" if rule.enabled else " Off by default."
    return notes + (f"\nCategory: {rule.category}." if rule.category else "")


def render(rule_id: str, summary: str, severity: str, doc: str, extra: str = "") -> str:
    """Markdown for ``kubelint explain`` and ``docs/rules/*.md``."""
    from kubelint.constants import SEVERITY_MEANING

    meaning = SEVERITY_MEANING.get(severity)
    described = f"{severity} ({meaning})" if meaning else severity
    header = f"# {rule_id}\n\n{summary}\n\nDefault severity: {described}.{extra}\n"
    return header + "\n" + inspect.cleandoc(doc or "") + "\n"


def rule_page(rule: Rule, extra: str = "") -> str:
    """A rule's whole page (``kubelint explain``, ``docs/rules/*.md``, SARIF help): its
    header, ``extra`` header lines, its documentation, then the controls it implements."""
    page = render(rule.id, rule.summary, rule.severity, rule.doc, header_notes(rule) + extra)
    return page + compliance_section(rule)


def compliance_section(rule: Rule) -> str:
    """The ``## Compliance`` section of a rule's page ("" for a rule mapped to none)."""
    if not rule.controls:
        return ""
    from kubelint.compliance import FRAMEWORKS

    lines = [
        "",
        "## Compliance",
        "The benchmark controls this rule implements (select rules by them: `--enable cis:5.2.*`):",
        "",
    ]
    for control in rule.controls:
        framework = FRAMEWORKS.get(control.framework)
        line = f"- `{control.ref}`" + (f" ({framework.name})" if framework else "")
        if control.title:
            line += f": {control.title}"
        if control.partial:
            line += f"; partial: {control.partial}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def rules_table(rules: Iterable[Rule], link: Callable[[Rule], str | None]) -> list[str]:
    """The lines of a markdown table of ``rules`` (by id): each linked to ``link(rule)``
    (None: not linked), its category, default severity, whether it is on by default and
    has a safe fix, and its summary."""
    lines = [
        "| rule | category | severity | on by default | fixable | what it flags |",
        "|---|---|---|---|---|---|",
    ]
    for rule in sorted(rules, key=lambda rule: rule.id):
        target = link(rule)
        name = f"[`{rule.id}`]({target})" if target else f"`{rule.id}`"
        lines.append(
            f"| {name} | {rule.category or ''} | {rule.severity} |"
            f" {'yes' if rule.enabled else 'no'} | {'yes' if rule.fixable else 'no'} |"
            f" {_cell(rule.summary)} |"
        )
    return lines


def _cell(text: str) -> str:
    """``text`` inside a table cell: one line, its pipes escaped (a plugin's summary)."""
    return " ".join(text.split()).replace("|", "\\|")


def compliance_tables(rules: Iterable[Rule], link: Callable[[Rule], str | None]) -> list[str]:
    """The lines of one markdown table per framework of the catalogue: each control, its
    title, and the rules that implement it (linked to ``link(rule)``; ``partial`` marks
    those that implement part of it), ``-`` for a control no rule implements."""
    from kubelint.compliance import FRAMEWORKS

    by_ref: dict[str, list[str]] = {}
    for rule in sorted(rules, key=lambda rule: rule.id):
        target = link(rule)
        for control in rule.controls:
            name = f"[`{rule.id}`]({target})" if target else f"`{rule.id}`"
            by_ref.setdefault(control.ref, []).append(
                name + (" (partial)" if control.partial else "")
            )
    lines: list[str] = []
    for key, framework in FRAMEWORKS.items():
        lines += [
            f"## {framework.name}",
            "",
            f"<{framework.url}>",
            "",
            "| control | title | rules |",
            "|---|---|---|",
        ]
        for id, title in framework.controls.items():
            ref = f"{key}:{id}"
            lines.append(f"| `{ref}` | {_cell(title)} | {', '.join(by_ref.get(ref, ['-']))} |")
        lines.append("")
    return lines[:-1]
