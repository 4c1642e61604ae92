"""kubelint's own plugin: the built-in rules and formatters, registered through the same
hooks as any third-party plugin."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace
from typing import TYPE_CHECKING

from kubelint.formatters import Formatter
from kubelint.plugins import hookimpl
from kubelint.rule import Rule

if TYPE_CHECKING:
    from kubelint.formatters import FormatContext
    from kubelint.report import Report


def builtin_rule_modules() -> list[str]:
    """Every rule module under ``kubelint.rules`` (the repository's ``rules/``): not the
    ``_``-prefixed ones, which are helpers shared by the rules of their category."""
    import kubelint.rules as package  # type: ignore[import-not-found,unused-ignore]

    return sorted(
        info.name
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        if not info.ispkg and not info.name.rpartition(".")[2].startswith("_")
    )


#: Each built-in rule's page (docs/rules/<id>.md, rendered from its docstring).
RULE_DOCS = "https://github.com/kubelint/kubelint/blob/main/docs/rules/{id}.md"


@hookimpl
def kubelint_rules() -> list[Rule]:
    rules: list[Rule] = []
    for name in builtin_rule_modules():
        module = importlib.import_module(name)
        # kubelint.rules.<category>.<module>: the package is the category.
        category = name.split(".")[2]
        rules.extend(
            replace(
                value,
                url=value.url or RULE_DOCS.format(id=value.id),
                category=value.category or category,
            )
            for value in vars(module).values()
            if isinstance(value, Rule)
        )
    return rules


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
