"""The hooks a kubelint plugin implements.

A plugin is any module or object with functions named after these hooks and marked with
``kubelint.api.hookimpl``. It reaches kubelint through the ``kubelint`` entry-point group
of an installed package, or through ``plugins:`` in the configuration file. kubelint's
own rules and formatters are registered through exactly these hooks.

Example (a whole plugin)::

    from kubelint.api import hookimpl
    from my_policies import no_default_namespace

    @hookimpl
    def kubelint_rules():
        return [no_default_namespace.check]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from kubelint.formatters import Formatter
    from kubelint.rule import Rule

hookspec = pluggy.HookspecMarker("kubelint")


@hookspec
def kubelint_rules() -> list[Rule]:
    """Return the rules this plugin provides.

    Each item is a ``kubelint.api.Rule``, usually made by the ``@rule`` decorator. Rule
    ids must be unique across all plugins (a clash stops the run with exit status 2).
    Called once per run, before any file is read; do not read files or the network here.
    """


@hookspec
def kubelint_formatters() -> dict[str, Formatter]:
    """Return output formats by name, e.g. ``{"checkstyle": render_checkstyle}``.

    A formatter is called as ``formatter(report, context)`` and returns the whole output
    as text; it renders and never filters (every decision is made before it is called).
    See ``kubelint.formatters.Formatter``. Names must be unique across plugins.
    """
