"""kubelint's own plugin: the built-in rules and formatters, registered through the same
hooks as any third-party plugin."""

from __future__ import annotations

import importlib
import json
import os
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from kubelint.compliance import Control
from kubelint.formatters import Formatter
from kubelint.plugins import hookimpl
from kubelint.rule import Check, DeferredCheck, Rule

if TYPE_CHECKING:
    from kubelint.formatters import FormatContext
    from kubelint.report import Report


def builtin_rule_modules() -> list[str]:
    """Every rule module under ``kubelint.rules`` (the repository's ``rules/``): not the
    ``_``-prefixed ones, which are helpers shared by the rules of their category."""
    import pkgutil

    import kubelint.rules as package  # type: ignore[import-not-found,unused-ignore]

    return sorted(
        info.name
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        if not info.ispkg and not info.name.rpartition(".")[2].startswith("_")
    )


#: Each built-in rule's page (docs/rules/<id>.md, rendered from its docstring).
RULE_DOCS = "https://github.com/kubelint/kubelint/blob/main/docs/rules/{id}.md"

#: The built-in rules' records, generated from their modules by
#: scripts/render_rule_docs.py (tests/test_docs_rendered.py keeps it current).
CATALOG = "catalog.json"


def imported_rules() -> list[Rule]:
    """The built-in rules, read from their modules, every one imported: the source of
    ``rules/catalog.json``."""
    return [rule for name in builtin_rule_modules() for rule in _rules_of(name)]


def _rules_of(name: str) -> list[Rule]:
    """The rules module ``name`` defines, with the docs URL and category every built-in
    rule has: kubelint.rules.<category>.<module>, the package is the category."""
    category = name.split(".")[2]
    return [
        replace(
            value,
            url=value.url or RULE_DOCS.format(id=value.id),
            category=value.category or category,
        )
        for value in vars(importlib.import_module(name)).values()
        if isinstance(value, Rule)
    ]


def catalog_entry(rule: Rule) -> dict[str, Any]:
    """A built-in rule's record in ``rules/catalog.json`` (everything but the check,
    which stays in its module)."""
    module = getattr(rule.check, "__module__", None) if rule.check is not None else None
    return {
        "id": rule.id,
        "module": module,
        "severity": rule.severity,
        "summary": rule.summary,
        "kinds": sorted(rule.kinds) if rule.kinds is not None else None,
        "enabled": rule.enabled,
        "options": rule.options,
        "aliases": list(rule.aliases),
        "fixable": rule.fixable,
        "url": rule.url,
        "category": rule.category,
        "controls": [[control.ref, control.partial] for control in rule.controls],
        "doc": rule.doc,
    }


def catalog_text(rules: list[Rule]) -> str:
    return json.dumps([catalog_entry(rule) for rule in rules], indent=1, ensure_ascii=False) + "\n"


def _cataloged(entry: dict[str, Any]) -> Rule:
    module = entry["module"]
    return Rule(
        id=entry["id"],
        severity=entry["severity"],
        summary=entry["summary"],
        check=None if module is None else DeferredCheck(module, partial(_load, entry)),
        kinds=frozenset(entry["kinds"]) if entry["kinds"] is not None else None,
        doc=entry["doc"],
        enabled=entry["enabled"],
        options=entry["options"],
        aliases=tuple(entry["aliases"]),
        fixable=entry["fixable"],
        url=entry["url"],
        category=entry["category"],
        controls=tuple(Control(ref, partial) for ref, partial in entry["controls"]),
    )


def _load(entry: dict[str, Any]) -> Check:
    """The check of the rule ``entry`` records, from its module, which must still say
    what the catalog does (a checkout whose rule changed since the catalog was made)."""
    for rule in _rules_of(entry["module"]):
        if rule.id == entry["id"] and rule.check is not None:
            if catalog_entry(rule) != entry:
                break
            return rule.check
    raise RuntimeError(
        f"rules/catalog.json does not match {entry['module']} for rule {entry['id']!r}:"
        " run python scripts/render_rule_docs.py"
    )


@hookimpl
def kubelint_rules() -> list[Rule]:
    import kubelint.rules as package  # type: ignore[import-not-found,unused-ignore]

    with open(os.path.join(os.path.dirname(package.__file__), CATALOG), encoding="utf-8") as file:
        return [_cataloged(entry) for entry in json.load(file)]


def _formatter(name: str) -> Formatter:
    """The built-in formatter ``kubelint.formatters.<name>``, imported when it renders: a
    run uses one format, and importing them all (junit's XML, gitlab's hashing, sarif's
    patterns) cost ~10 ms of every start."""

    def render(report: Report, context: FormatContext) -> str:
        module = importlib.import_module(f"kubelint.formatters.{name}")
        return module.render(report, context)  # type: ignore[no-any-return]

    render.__qualname__ = render.__name__ = f"render_{name}"
    return render


@hookimpl
def kubelint_formatters() -> dict[str, Formatter]:
    return {
        name: _formatter(name)
        for name in ("text", "json", "sarif", "junit", "github", "gitlab", "markdown")
    }
