"""Building the plugin manager and the rule and formatter registry of a run.

Built only when the CLI or the API asks (never at import time). A plugin that cannot be
loaded fails the run: a CI gate must never pass because a policy pack did not load.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from kubelint import hookspecs

if TYPE_CHECKING:
    from kubelint.formatters import Formatter
    from kubelint.rule import Rule

hookimpl = pluggy.HookimplMarker("kubelint")
ENTRY_POINT_GROUP = "kubelint"


class PluginError(Exception):
    """A plugin could not be loaded or broke the plugin contract (exit status 2)."""


@dataclass(eq=False)
class Registry:
    """Rules and formatters of a run, by id and by name."""

    rules: dict[str, Rule] = field(default_factory=dict)
    formatters: dict[str, Formatter] = field(default_factory=dict)
    #: old or alternative rule names -> rule id
    aliases: dict[str, str] = field(default_factory=dict)
    #: What the policy files could not express offline (``kubelint check -v``).
    notes: list[str] = field(default_factory=list)
    #: rule id -> the name of the plugin that provides it (e.g. ``kubelint.builtin``, a
    #: ``plugins:`` entry as written, an entry point's name), for messages about a rule.
    owners: dict[str, str] = field(default_factory=dict)

    def resolve(self, name: str) -> str | None:
        """A rule id or alias -> the rule id (None when unknown)."""
        if name in self.rules:
            return name
        return self.aliases.get(name)

    def categories(self) -> dict[str, list[str]]:
        """Each category -> the ids of its rules, both sorted."""
        found: dict[str, list[str]] = {}
        for rule_id, rule in sorted(self.rules.items()):
            if rule.category is not None:
                found.setdefault(rule.category, []).append(rule_id)
        return dict(sorted(found.items()))


def describe_error(error: BaseException) -> str:
    """How a plugin's failure reads in a message. A plugin that calls ``sys.exit`` is
    said to have, since it must never decide kubelint's exit status."""
    if isinstance(error, SystemExit):
        return f"it called sys.exit({error.code!r})"
    if not str(error):  # KeyboardInterrupt, a bare ``raise RuntimeError``
        return f"it raised {type(error).__name__}"
    return f"{type(error).__name__}: {error}"


def declares_entry_points(group: str, paths: Iterable[str] | None = None) -> bool:
    """Whether an installed distribution may declare entry points in ``group``.

    Asking ``importlib.metadata`` costs ~40 ms of a one-file run (importing it and parsing
    every distribution's metadata), and almost no installation has a kubelint plugin. So
    read the ``entry_points.txt`` files where ``importlib.metadata`` finds them (the
    ``*.dist-info`` and ``*.egg-info`` directories on ``sys.path``) and look for the
    ``[group]`` section header, parsed as ``importlib.metadata`` parses it. True when some
    distribution declares the group, and whenever this cannot tell (a zip or ``.egg`` on
    the path, a file that does not decode, another finder that lists distributions): then
    pluggy's loader decides, exactly as without this check.
    """
    from importlib.machinery import PathFinder

    if any(
        finder is not PathFinder and hasattr(finder, "find_distributions")
        for finder in sys.meta_path
    ):
        return True
    for entry in sys.path if paths is None else paths:
        if not isinstance(entry, str):
            return True
        root = entry or "."
        try:
            names = os.listdir(root)
        except OSError:
            if os.path.isfile(root):  # a zip archive: importlib.metadata reads inside
                return True
            continue
        if root.lower().endswith(".egg"):
            return True
        for name in names:
            if not name.lower().endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(root, name, "entry_points.txt"), encoding="utf-8") as stream:
                    text = stream.read()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
                continue  # what importlib.metadata skips too
            except (OSError, ValueError):
                return True
            if group in text and any(
                line.startswith("[") and line.endswith("]") and line.strip("[]") == group
                for line in map(str.strip, text.splitlines())
            ):
                return True
    return False


def is_plugin_path(spec: str) -> bool:
    """A ``plugins:`` entry that is a path to a .py file, not a module name."""
    return spec.endswith(".py") or os.sep in spec or "/" in spec


def _load_local(spec: str, base_dir: str) -> ModuleType:
    """A ``plugins:`` entry: a path to a .py file (relative to the config file) or an
    importable module name (the config file's directory is searched first).

    Imported without writing bytecode: a ``__pycache__`` beside the plugin would be
    litter in the user's repository (and a path the next run reports it skipped)."""
    written = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        return _import_local(spec, base_dir)
    finally:
        sys.dont_write_bytecode = written


def _import_local(spec: str, base_dir: str) -> ModuleType:
    if is_plugin_path(spec):
        path = os.path.normpath(os.path.join(base_dir, spec))
        if not os.path.isfile(path):
            raise PluginError(f"plugin file {spec!r} not found (looked at {path})")
        name = "kubelint_local_plugin_" + os.path.splitext(os.path.basename(path))[0]
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:
            raise PluginError(f"plugin file {spec!r} cannot be imported")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        module_spec.loader.exec_module(module)
        return module
    sys.path.insert(0, base_dir)
    try:
        return importlib.import_module(spec)
    finally:
        sys.path.remove(base_dir)


def build_registry(
    local_plugins: Iterable[str] = (),
    base_dir: str = ".",
    extra: Iterable[Any] = (),
    policies: Iterable[str] = (),
) -> Registry:
    """Load the built-in plugin, installed plugins (entry points), ``local_plugins`` and
    the policy files under ``policies`` (paths as given: relative to the working directory).

    ``extra`` registers already imported plugin objects (for the API and tests).
    """
    from kubelint import builtin

    manager = pluggy.PluginManager("kubelint")
    manager.add_hookspecs(hookspecs)
    manager.register(builtin, name="kubelint.builtin")
    try:
        if declares_entry_points(ENTRY_POINT_GROUP):
            manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    except (Exception, SystemExit) as error:  # an installed plugin failed to import
        raise PluginError(
            f"an installed kubelint plugin failed to load: {describe_error(error)}"
        ) from error
    for spec in local_plugins:
        try:
            module = _load_local(spec, base_dir)
        except PluginError:
            raise
        except (Exception, SystemExit) as error:
            raise PluginError(f"plugin {spec!r} failed to load: {describe_error(error)}") from error
        if manager.is_registered(module):
            continue
        try:
            manager.register(module, name=spec)
        except Exception as error:
            raise PluginError(f"plugin {spec!r} is not a valid kubelint plugin: {error}") from error
    notes: list[str] = []
    policies = list(policies)
    if policies:
        from kubelint.policies import load_policy_plugin

        policy_plugin = load_policy_plugin(policies)
        manager.register(policy_plugin, name=policy_plugin.name)
        notes = policy_plugin.notes
    for plugin in extra:
        manager.register(plugin)
    registry = _collect(manager)
    registry.notes = notes
    return registry


#: The name ``--enable``, ``--disable`` and config use for every rule.
ALL = "all"


def _check_names(registry: Registry, owners: Mapping[str, str]) -> None:
    """A name in ``--enable``/``--disable`` and config must mean one thing: ``all``,
    a category, or a rule (id or alias)."""
    if ALL in owners:
        raise PluginError(
            f"plugin {owners[ALL]!r} defines a rule named {ALL!r}, which means"
            " every rule; rename it"
        )
    for rule_id, rule in registry.rules.items():
        if rule.category is None:
            continue
        clash = (
            "every rule"
            if rule.category == ALL
            else (
                f"the rule defined by {owners[rule.category]!r}"
                if rule.category in owners
                else None
            )
        )
        if clash is not None:
            raise PluginError(
                f"plugin {registry.owners[rule_id]!r} puts rule {rule_id!r} in"
                f" category {rule.category!r}, a name that already means {clash};"
                " choose another category"
            )


def _check_controls(rule: Rule, owner: str) -> None:
    """A rule may map to a framework kubelint does not know, but not to a control that a
    framework it knows does not have (a typo would never be selected nor audited)."""
    from kubelint.compliance import unknown_control

    for control in rule.controls:
        problem = unknown_control(control)
        if problem is not None:
            raise PluginError(
                f"plugin {owner!r} maps rule {rule.id!r} to {control.ref!r}: {problem}"
            )


def _plugin_name(manager: pluggy.PluginManager, hook_impl: Any) -> str:
    return str(manager.get_name(hook_impl.plugin) or hook_impl.plugin_name)


def _collect(manager: pluggy.PluginManager) -> Registry:
    from kubelint.rule import Rule

    registry = Registry()
    owners: dict[str, str] = {}
    for impl in manager.hook.kubelint_rules.get_hookimpls():
        owner = _plugin_name(manager, impl)
        try:
            rules: list[Any] = impl.function()  # type: ignore[assignment]
        except (Exception, SystemExit) as error:
            raise PluginError(
                f"plugin {owner!r} failed while listing its rules: {describe_error(error)}"
            ) from error
        for item in rules or ():
            if not isinstance(item, Rule):
                raise PluginError(
                    f"plugin {owner!r} returned {item!r} from kubelint_rules;"
                    " expected rules made with kubelint.api.rule"
                )
            _check_controls(item, owner)
            for name in (item.id, *item.aliases):
                if name in owners:
                    raise PluginError(
                        f"rule {name!r} is defined twice: by {owners[name]!r} and by {owner!r}"
                    )
                owners[name] = owner
            registry.rules[item.id] = item
            registry.owners[item.id] = owner
            registry.aliases.update({alias: item.id for alias in item.aliases})
    _check_names(registry, owners)
    for impl in manager.hook.kubelint_formatters.get_hookimpls():
        owner = _plugin_name(manager, impl)
        try:
            formatters: Mapping[str, Formatter] = impl.function() or {}  # type: ignore[assignment]
        except (Exception, SystemExit) as error:
            raise PluginError(
                f"plugin {owner!r} failed while listing its formatters: {describe_error(error)}"
            ) from error
        for name, formatter in formatters.items():
            if name in registry.formatters:
                raise PluginError(f"formatter {name!r} is defined twice")
            registry.formatters[name] = formatter
    return registry
