"""kubelint's own plugin: the built-in rules and formatters, registered through the same
hooks as any third-party plugin."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace

from kubelint.formatters import Formatter
from kubelint.plugins import hookimpl
from kubelint.rule import Rule


def builtin_rule_modules() -> list[str]:
    """Every module under ``kubelint.rules`` (the repository's ``rules/``)."""
    import kubelint.rules as package  # type: ignore[import-not-found,unused-ignore]

    return sorted(
        info.name
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        if not info.ispkg
    )


#: Each built-in rule's page (docs/rules/<id>.md, rendered from its docstring).
RULE_DOCS = "https://github.com/kubelint/kubelint/blob/main/docs/rules/{id}.md"


@hookimpl
def kubelint_rules() -> list[Rule]:
    rules: list[Rule] = []
    for name in builtin_rule_modules():
        module = importlib.import_module(name)
        rules.extend(replace(value, url=value.url or RULE_DOCS.format(id=value.id))
                     for value in vars(module).values() if isinstance(value, Rule))
    return rules


@hookimpl
def kubelint_formatters() -> dict[str, Formatter]:
    from kubelint.formatters import github, gitlab, json, junit, sarif, text

    return {"text": text.render, "json": json.render, "sarif": sarif.render,
            "junit": junit.render, "github": github.render, "gitlab": gitlab.render}
