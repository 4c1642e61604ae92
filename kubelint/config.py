"""Configuration: found, loaded, validated against a JSON Schema, and applied per file.

``.kubelint.yaml`` / ``.kubelint.yml`` or ``[tool.kubelint]`` in ``pyproject.toml``,
searched upward from the working directory (the first directory holding one wins), or
named with ``--config``. Every problem is a ``ConfigError`` naming ``file:line``.
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kubelint.compliance import FRAMEWORKS, Control, bad_selector, is_selector, matches, sort_key
from kubelint.constants import (
    KUBERNETES_VERSIONS,
    NEWEST_KUBERNETES_VERSION,
    REASON_RULE,
    SEVERITIES,
)
from kubelint.loader import display_path
from kubelint.model import locate
from kubelint.patterns import lazy_compile
from kubelint.plugins import ALL, Registry, is_plugin_path
from kubelint.schema import bundled
from kubelint.suggest import did_you_mean
from kubelint.yamlparse import YamlDocument, YamlProblem, parse_stream

if TYPE_CHECKING:
    from kubelint.exemptions import Exemption
    from kubelint.profiles import NamedProfile, Profile
    from kubelint.rule import Rule

CONFIG_NAMES = (".kubelint.yaml", ".kubelint.yml")
PYPROJECT = "pyproject.toml"


class ConfigError(Exception):
    """The configuration cannot be used (exit status 2)."""


@dataclass(frozen=True)
class RuleSetting:
    """One rule's settings as written (None: not said)."""

    enabled: bool | None = None
    severity: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class EffectiveRule:
    """A rule's settings for one file, after config, overrides and command line."""

    enabled: bool
    severity: str | None  # None: the rule's own severity per finding
    options: Mapping[str, Any]


@dataclass(frozen=True, eq=False)
class Override:
    """The rule settings of an ``overrides:`` entry, for the files its patterns match."""

    patterns: Sequence[str] | None  # None: every file (a base config's top level)
    rules: Mapping[str, RuleSetting]


@dataclass(frozen=True)
class HelmSettings:
    """The ``helm:`` section: how charts in the input are rendered."""

    release_name: str = "release-name"  # what `helm template` calls a release by default
    #: Values files (absolute) applied to every chart, after the chart's own values.
    values: Sequence[str] = field(default_factory=list)
    #: ``--set`` expressions applied after the values files.
    set: Sequence[str] = field(default_factory=list)
    #: Render each ``ci/*-values.yaml`` of a chart too (chart-testing's convention).
    ci_values: bool = True


@dataclass(frozen=True, eq=False)
class Config:
    """A validated configuration. ``Config()`` is kubelint's defaults.

    Frozen, its collections read-only: the rule settings computed for it are kept, so a
    config that changed after they were read would go on reporting the old ones. Derive
    a changed config instead: ``dataclasses.replace(config, cli_enable=...)`` or
    ``with_profile``.
    """

    path: str | None = None  # the file it came from
    root: str = field(default_factory=os.getcwd)  # patterns are relative to this
    fail_level: str = "error"
    #: Findings below this severity are not reported (so cannot fail the run either).
    min_severity: str = "info"
    namespace: str = "default"
    kubernetes_version: str = NEWEST_KUBERNETES_VERSION
    #: CRD manifests or JSON Schema files/directories (relative to ``root``).
    crds: Sequence[str] = field(default_factory=list)
    #: Report custom resources without a schema as errors (unknown-kind).
    strict_kinds: bool = False
    exclude: Sequence[str] = field(default_factory=list)
    #: Skip what git ignores when walking directories (``kubelint.gitignore``).
    respect_gitignore: bool = True
    plugins: Sequence[str] = field(default_factory=list)
    #: Policy files or directories (absolute, or relative to the working directory).
    policies: Sequence[str] = field(default_factory=list)
    #: By rule id or alias, category, or ``all`` (``enable:``/``disable:``).
    rules: Mapping[str, RuleSetting] = field(default_factory=dict)
    overrides: Sequence[Override] = field(default_factory=list)
    #: The rule settings of the configs this one extends, applied before its own: each
    #: base's top level (patterns None), then its overrides; the farthest base first.
    extended: Sequence[Override] = field(default_factory=list)
    #: Every config file read (this one, then the ones it extends), absolute.
    sources: Sequence[str] = field(default_factory=list)
    #: How Helm charts in the input are rendered (``helm:``; --values and --set add).
    helm: HelmSettings = field(default_factory=lambda: HelmSettings())
    #: Suppressions must give a reason (``require-reason``, --require-reason): turns on
    #: the rule that reports those that do not, unless the config turns it off.
    require_reason: bool = False
    #: ``exemptions:``: findings not reported for code the team does not own.
    exemptions: Sequence[Exemption] = field(default_factory=list)
    #: The profile in force (``profile:``, ``--profile``), as written: its rule settings
    #: (``profile_layers``) apply before every other (``use_profile``).
    profile: str = "default"
    #: The config's own profiles (``profiles:``, its bases' too), by name.
    profiles: Mapping[str, NamedProfile] = field(default_factory=dict)
    profile_layers: Sequence[Override] = field(default_factory=list)
    #: The Pod Security Standards level the profile checks (None: none) and its pinned
    #: policy version (None: the target Kubernetes version).
    pss_level: str | None = None
    pss_version: str | None = None
    #: Rule ids --enable / --disable turn on and off (``selection``): win over everything
    #: else, and a rule in both is off.
    cli_enable: frozenset[str] = frozenset()
    cli_disable: frozenset[str] = frozenset()

    #: Files kubelint itself reads or writes in this run (baseline, reports): never inputs.
    own_files: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # A set given for these (``Config(cli_enable={...})``) could still change.
        for name in ("cli_enable", "cli_disable", "own_files"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))

    def is_excluded(self, absolute_path: str) -> bool:
        if absolute_path in self.own_files or self._is_policy_test(absolute_path):
            return True
        return bool(self.exclude) and _matches_any(self.exclude, self._relative(absolute_path))

    def _is_policy_test(self, absolute_path: str) -> bool:
        """Inside a ``tests`` directory of a policy directory: ``kubelint test`` cases,
        which fail on purpose, so a ``kubelint check`` of the repository skips them."""
        for policy in self.policies:
            base = os.path.abspath(policy)
            relative = os.path.relpath(absolute_path, base)
            if relative.startswith(os.pardir) or not os.path.isdir(base):
                continue
            parts = relative.split(os.sep)
            if "tests" in parts[:-1] or (parts[-1] == "tests" and os.path.isdir(absolute_path)):
                return True
        return False

    def _relative(self, absolute_path: str) -> str | None:
        relative = os.path.relpath(os.path.abspath(absolute_path), self.root)
        if relative.startswith(os.pardir):
            return None
        return relative.replace(os.sep, "/")

    def with_profile(
        self,
        spec: str,
        registry: Registry,
        where: str,
    ) -> tuple[Config, Profile]:
        """This config with ``spec`` (``pss-restricted:v1.33``, a name of ``profiles``)
        the profile in force, and that profile; ``where`` says where it was asked for, in
        messages. Raises ``ConfigError``."""
        from kubelint.profiles import resolve

        profile = resolve(spec, self.profiles, registry, where)
        return replace(
            self,
            profile=spec,
            profile_layers=[Override(None, layer) for layer in profile.layers],
            pss_level=profile.pss_level,
            pss_version=profile.pss_version,
        ), profile

    @property
    def pod_security_policy(self) -> str | None:
        """The PSS policy the profile checks, as PSA names it (``restricted:v1.33``); None
        when the profile checks none."""
        if self.pss_level is None:
            return None
        return f"{self.pss_level}:{self.pss_version or 'v' + self.kubernetes_version}"

    def rule_settings(self, path: str | None, registry: Registry) -> dict[str, EffectiveRule]:
        """Every rule's settings for the file at ``path`` (None: no overrides apply)."""
        relative = self._relative(path) if path else None
        matching = tuple(
            index
            for index, layer in enumerate(self._layers())
            if layer.patterns is None or _matches_any(layer.patterns, relative)
        )
        return self._settings(matching, registry)

    def _layers(self) -> list[Override]:
        """The rule settings in the order they apply: the profile's, the bases', the top
        level's, then the overrides'."""
        return [*self.profile_layers, *self.extended, Override(None, self.rules), *self.overrides]

    def _settings(self, matching: tuple[int, ...], registry: Registry) -> dict[str, EffectiveRule]:
        # Kept on the instance (bypassing the frozen __setattr__): ``replace`` makes a new
        # instance, with an empty cache.
        cache: dict[tuple[int, ...], dict[str, EffectiveRule]] = self.__dict__.setdefault(
            "_settings_cache", {}
        )
        cached = cache.get(matching)
        if cached is not None:
            return cached
        every = self._layers()
        layers = [every[i].rules for i in matching]
        result: dict[str, EffectiveRule] = {}
        for rule_id, rule in registry.rules.items():
            enabled: bool | None = rule.enabled or (self.require_reason and rule_id == REASON_RULE)
            severity = None
            options = rule.option_defaults()
            for layer in layers:
                enabled, severity = _apply(layer, rule, enabled, severity, options)
            if rule_id in self.cli_enable:
                enabled = True
            if rule_id in self.cli_disable:
                enabled = False
            result[rule_id] = EffectiveRule(bool(enabled), severity, _ReadOnly(options))
        cache[matching] = result
        return result


def _apply(
    layer: Mapping[str, RuleSetting],
    rule: Rule,
    enabled: bool | None,
    severity: str | None,
    options: dict[str, Any],
) -> tuple[bool | None, str | None]:
    """``rule``'s (enabled, severity) after one layer of settings, whose options go into
    ``options``. The rule's own names beat its category and the control selectors that
    select it, which beat ``all``; between names of the same level, disabling wins."""
    groups = [rule.category] if rule.category else []
    # A control selector (``cis:5.2.*``) groups rules as a category does, at its level.
    groups.extend(
        name
        for name in layer
        if is_selector(name) and any(matches(name, control) for control in rule.controls)
    )
    levels = ((ALL,), groups, (rule.id, *rule.aliases))
    for names in levels:
        settings = [layer[name] for name in names if name in layer]
        said = [setting.enabled for setting in settings if setting.enabled is not None]
        if said:
            enabled = all(said)
        for setting in settings:
            severity = setting.severity or severity
            options.update(setting.options)
    return enabled, severity


def _merged(first: RuleSetting | None, second: RuleSetting) -> RuleSetting:
    """Two settings for one name in one layer (``rules:`` and ``disable:``): disabling
    wins, the second's severity and options win."""
    if first is None:
        return second
    said = [s.enabled for s in (first, second) if s.enabled is not None]
    return RuleSetting(
        enabled=all(said) if said else None,
        severity=second.severity or first.severity,
        options={**first.options, **second.options},
    )


def selectors(registry: Registry) -> list[str]:
    """Every name ``--enable``, ``--disable``, ``enable:`` and ``disable:`` take: ``all``,
    the categories, the rules, then each framework's ``FRAMEWORK:*`` and the controls
    rules implement."""
    return [
        ALL,
        *registry.categories(),
        *sorted(registry.rules),
        *(f"{framework}:*" for framework in _frameworks(registry)),
        *_mapped(registry),
    ]


def _frameworks(registry: Registry) -> list[str]:
    """The frameworks rules are mapped to: kubelint's, then plugins' own."""
    used = {control.framework for rule in registry.rules.values() for control in rule.controls}
    return [*FRAMEWORKS, *sorted(used - set(FRAMEWORKS))]


def _mapped(registry: Registry) -> list[str]:
    """The references of every control some rule implements, sorted."""
    refs = {control.ref for rule in registry.rules.values() for control in rule.controls}
    return sorted(refs, key=sort_key)


def unknown_selector(name: str, registry: Registry) -> str | None:
    """Why ``name`` selects no rule (None when it does)."""
    if is_selector(name):
        return _unknown_control_selector(name, registry)
    categories = registry.categories()
    if name == ALL or name in categories or registry.resolve(name) is not None:
        return None
    if name in FRAMEWORKS:  # `cis` alone: a framework, not a category
        return (
            f"unknown rule or category {name!r}; to select the rules mapped to the"
            f" {FRAMEWORKS[name].name}, write {name + ':*'!r}"
        )
    known = [ALL, *categories, *registry.rules, *registry.aliases]
    return (
        f"unknown rule or category {name!r}{did_you_mean(name, known)}; `kubelint rules` lists them"
    )


def _unknown_control_selector(name: str, registry: Registry) -> str | None:
    """Why the control selector ``name`` (``cis:5.2.*``) selects no rule."""
    shape = bad_selector(name)
    if shape is not None:
        return shape
    framework = name.partition(":")[0]
    frameworks = _frameworks(registry)
    if framework not in frameworks:
        return (
            f"unknown framework {framework!r} in {name!r}"
            f"{did_you_mean(framework, frameworks)}; rules are mapped to"
            f" {', '.join(frameworks)}"
        )
    mapped = [Control(ref) for ref in _mapped(registry)]
    if any(matches(name, control) for control in mapped):
        return None
    catalogue = FRAMEWORKS.get(framework)
    listed = [
        f"{framework}:{id}"
        for id in (catalogue.controls if catalogue else ())
        if matches(name, Control(f"{framework}:{id}"))
    ]
    if listed:
        titles = "; ".join(f"{ref} ({Control(ref).title})" for ref in listed[:3])
        more = f" and {len(listed) - 3} more" if len(listed) > 3 else ""
        return (
            f"no rule implements {titles}{more}; `kubelint rules --format json` gives"
            " each rule's controls"
        )
    # A section without its wildcard (`cis:5.2`), or a near miss.
    for wider in (f"{name}.*", f"{name}/*"):
        if any(matches(wider, control) for control in mapped):
            return f"no control {name!r} (did you mean {wider!r}?)"
    hint = did_you_mean(name, [control.ref for control in mapped])
    return f"no rule is mapped to a control matching {name!r}{hint}"


def selection(
    registry: Registry, enable: Iterable[str], disable: Iterable[str]
) -> tuple[set[str], set[str]]:
    """The ids of the rules that ``--enable`` and ``--disable`` (each value a
    comma-separated list of rules, categories or ``all``) turn on and off. Raises
    ``ConfigError`` for a name that selects nothing."""
    layer: dict[str, RuleSetting] = {}
    for flag, values, on in (("--enable", enable, True), ("--disable", disable, False)):
        for value in values:
            for name in filter(None, (part.strip() for part in value.split(","))):
                problem = unknown_selector(name, registry)
                if problem is not None:
                    raise ConfigError(f"{flag}: {problem}")
                layer[name] = _merged(layer.get(name), RuleSetting(enabled=on))
    turned_on: set[str] = set()
    turned_off: set[str] = set()
    for rule_id, rule in registry.rules.items():
        enabled, _ = _apply(layer, rule, None, None, {})
        if enabled is not None:
            (turned_on if enabled else turned_off).add(rule_id)
    return turned_on, turned_off


class _ReadOnly(dict[str, Any]):
    """Options reach rules read-only."""

    def _readonly(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("rule options are read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _readonly  # type: ignore[assignment]


# ---------------------------------------------------------------------------
# Globs (gitignore-like): "*.json", "charts/", "**/generated/*.yaml", "/only-at-root".


class GlobError(ValueError):
    """A glob that is not a pattern (``[z-a]``)."""


def _glob_to_regex(pattern: str) -> re.Pattern[str]:
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body = pattern.strip("/")
    # "**/**/x" means "**/x": repeated, each would be one more nested optional group to
    # backtrack through (22 s for ten of them on a 25-deep path).
    while "**/**/" in body:
        body = body.replace("**/**/", "**/")
    out = []
    i = 0
    while i < len(body):
        char = body[i]
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if body.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            # A "]" first in the class is a member, as in gitignore ("[]y]").
            end = body.find("]", i + 2 if body.startswith("]", i + 1) else i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                members = body[i + 1 : end].replace("\\", "\\\\")
                if members.startswith("!"):
                    members = "^" + members[1:]
                out.append("[" + members.replace("[", "\\[") + "]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    prefix = "" if anchored else "(?:.*/)?"
    # A pattern that names a directory covers everything below it.
    try:
        return re.compile(prefix + "".join(out) + "(?:/.*)?\\Z")
    except re.error as error:
        raise GlobError(f"{pattern!r} is not a valid pattern: {error}") from error


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return _glob_to_regex(pattern)


def _matches_any(patterns: Iterable[str], relative: str | None) -> bool:
    if relative is None:
        return False
    return any(_compiled(pattern).match(relative) for pattern in patterns)


# ---------------------------------------------------------------------------
# Finding and reading the file.


def find_config(start: str) -> str | None:
    """The nearest config file at or above ``start``."""
    directory = os.path.abspath(start)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                return candidate
        candidate = os.path.join(directory, PYPROJECT)
        if os.path.isfile(candidate) and _pyproject_has_section(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _pyproject_has_section(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as handle:
            return re.search(r"^\[tool\.kubelint[\].]", handle.read(), re.M) is not None
    except (OSError, UnicodeDecodeError):
        return False


@dataclass(eq=False)
class _RawConfig:
    """A config file as read, before it is validated: its data and where each value is."""

    path: str
    data: Any
    document: YamlDocument | None  # for line numbers (YAML files)
    text: str

    def line_of(self, path: tuple[str | int, ...]) -> str:
        """``file:line`` for a path inside the config, as precisely as the format allows."""
        if self.document is not None:
            location = locate(
                self.document.positions, self.document.root, self.document.value, path
            )
            return f"{self.path}:{location.span.line + 1}:{location.span.column + 1}"
        # pyproject.toml: tomllib keeps no positions; find the last key in the section.
        section = self.text.find("[tool.kubelint")
        keys = [part for part in path if isinstance(part, str)]
        if section >= 0 and keys:
            match = re.compile(
                r"^\s*\"?" + re.escape(keys[-1]) + r"\"?\s*=|\[tool\.kubelint"
                r"[^\]]*\b" + re.escape(keys[-1]) + r"\b",
                re.M,
            ).search(self.text, section)
            if match:
                return f"{self.path}:{self.text.count(chr(10), 0, match.start()) + 1}"
        return f"{self.path}:{self.text.count(chr(10), 0, max(section, 0)) + 1}"


def _read_raw(path: str) -> _RawConfig:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config file: {error.strerror}") from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: the config file is not valid UTF-8") from error
    if os.path.basename(path) == PYPROJECT or path.endswith(".toml"):
        return _read_toml(path, text)
    documents = []
    for item in parse_stream(text):
        if isinstance(item, YamlProblem):
            raise ConfigError(f"{path}:{item.line + 1}:{item.column + 1}: {item.message}")
        for problem in item.problems:
            raise ConfigError(f"{path}:{problem.line + 1}:{problem.column + 1}: {problem.message}")
        documents.append(item)
    documents = [d for d in documents if d.value is not None]
    if len(documents) > 1:
        raise ConfigError(
            f"{path}: the config file must hold one YAML document, not {len(documents)}"
        )
    if not documents:
        return _RawConfig(path, {}, None, text)
    return _RawConfig(path, documents[0].value, documents[0], text)


def _read_toml(path: str, text: str) -> _RawConfig:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    try:
        document = tomllib.loads(text)
    except RecursionError as error:  # arrays nested thousands deep
        raise ConfigError(f"{path}: not read: its TOML nests too deeply") from error
    except (tomllib.TOMLDecodeError, ValueError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from error
    tool = document.get("tool", {})
    if not isinstance(tool, dict):  # `tool = 5`
        raise ConfigError(f"{path}: `tool` must be a table, not {type(tool).__name__}")
    section = tool.get("kubelint", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: `tool.kubelint` must be a table, not {type(section).__name__}")
    return _RawConfig(path, _plain(section, path), None, text)


def _plain(value: Any, path: str) -> Any:
    """TOML values as the YAML loader gives them: dates and times are no config value
    kubelint reads, so they are said to be wrong (as strings, the schema says where)."""
    if isinstance(value, dict):
        return {key: _plain(item, path) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item, path) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return TomlDate(value)  # a TOML date or time


class TomlDate(str):
    """A TOML date or time as text, so that the schema says where it is wrong; where the
    schema takes any text (an exclude glob), ``validate`` still refuses it."""


def _toml_dates(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, str]]:
    """(path, text) of every ``TomlDate`` in a config."""
    if isinstance(value, TomlDate):
        yield path, str(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _toml_dates(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _toml_dates(item, (*path, index))


@lru_cache(maxsize=1)
def _core_schema() -> dict[str, Any]:
    return json.loads(bundled("config.schema.json"))  # type: ignore[no-any-return]


def _setting_schema(options: Mapping[str, Any]) -> dict[str, Any]:
    """What ``rules: {NAME: ...}`` takes: on/off or a severity, or a mapping of
    ``enabled``, ``severity`` and the rule's ``options``."""
    return {
        "if": {"type": "object"},
        "then": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "enabled": {"type": "boolean"},
                "severity": {"$ref": "#/$defs/severity"},
                **options,
            },
        },
        "else": {"enum": [True, False, "on", "off", *SEVERITIES]},
    }


def config_schema(registry: Registry) -> dict[str, Any]:
    """The core schema with a property for every known rule and its options."""
    schema = copy.deepcopy(_core_schema())
    schema["properties"]["kubernetes-version"]["enum"] = list(KUBERNETES_VERSIONS)
    properties: dict[str, Any] = {}
    for rule in registry.rules.values():
        setting = _setting_schema(rule.options)
        for name in (rule.id, *rule.aliases):
            properties[name] = setting
    # A category takes what all its rules take: on/off and a severity.
    category_setting = _setting_schema({})
    for category in registry.categories():
        properties[category] = category_setting
    # A control selector (`cis:5.2.*`) too; whether it selects a rule is checked after.
    schema["$defs"]["rules"] = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "patternProperties": {":": category_setting},
    }
    return schema


def plugin_list(raw: _RawConfig) -> list[str]:
    """The ``plugins:`` entries, checked before the plugins (and so the full schema) load."""
    plugins = raw.data.get("plugins", []) if isinstance(raw.data, Mapping) else []
    if not isinstance(plugins, list) or not all(isinstance(p, str) and p for p in plugins):
        raise ConfigError(
            f"{raw.line_of(('plugins',))}: plugins must be a list of module names or .py paths"
        )
    return plugins


def validate(raw: _RawConfig, registry: Registry) -> None:
    import jsonschema

    if not isinstance(raw.data, Mapping):
        raise ConfigError(f"{raw.path}:1: the config file must be a mapping of settings")
    schema = config_schema(registry)
    validator = jsonschema.Draft202012Validator(schema)
    messages: list[tuple[str, str]] = []
    for error in validator.iter_errors(raw.data):
        messages.extend(_explain(error, raw, registry))
    if not messages:  # the globs and rule names, once their shape is right
        messages.extend(_glob_problems(raw))
        messages.extend(_selector_problems(raw, registry))
    # A config without exemptions (most) never loads their module.
    if not messages and raw.data.get("exemptions"):
        from kubelint import exemptions

        messages.extend(exemptions.problems(raw, registry))
    if not messages:
        messages.extend(
            (
                raw.line_of(path),
                f"{_dotted(path)}: {text} is a TOML date or time,"
                f' which no setting takes; quote it if it is text: "{text}"',
            )
            for path, text in _toml_dates(raw.data)
            if not _takes_date(path)
        )
    if messages:
        unique = sorted(set(messages), key=lambda m: _line_sort_key(m[0]))
        raise ConfigError("\n".join(f"{where}: {message}" for where, message in unique))


def _takes_date(path: tuple[str | int, ...]) -> bool:
    """Does the setting at ``path`` take a date (a TOML date is then no mistake)? Only an
    exemption's ``until`` does."""
    return len(path) == 3 and path[0] == "exemptions" and path[2] == "until"


def _read_exemptions(raw: _RawConfig, shown: str) -> list[Exemption]:
    """The exemptions of a validated config; their module is imported only for a config
    that has some, which most do not (a one-file run starts without it)."""
    if not raw.data.get("exemptions"):
        return []
    from kubelint import exemptions

    return exemptions.read(raw, shown)


def _dotted(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)[1:]


def _glob_problems(raw: _RawConfig) -> list[tuple[str, str]]:
    places: list[tuple[tuple[str | int, ...], str]] = [
        (("exclude", index), pattern) for index, pattern in enumerate(raw.data.get("exclude", []))
    ]
    for number, override in enumerate(raw.data.get("overrides", [])):
        places.extend(
            (("overrides", number, "files", index), pattern)
            for index, pattern in enumerate(override.get("files", []))
        )
    problems = []
    for path, pattern in places:
        try:
            _compiled(pattern)
        except GlobError as error:
            problems.append((raw.line_of(path), str(error)))
    return problems


def _selector_problems(raw: _RawConfig, registry: Registry) -> list[tuple[str, str]]:
    """The names in ``enable:``, ``disable:`` and the control selectors among the keys of
    ``rules:`` (top level, overrides and profiles) that select no rule."""
    places: list[tuple[tuple[str | int, ...], str]] = []
    for prefix, section in _rule_sections(raw.data):
        places.extend(
            ((*prefix, key, index), name)
            for key in ("enable", "disable")
            for index, name in enumerate(section.get(key, []))
        )
        places.extend(
            ((*prefix, "rules", name), name)
            for name in section.get("rules") or {}
            if is_selector(name)
        )
    problems = []
    for path, name in places:
        problem = unknown_selector(name, registry)
        if problem is not None:
            problems.append((raw.line_of(path), problem))
    return problems


def _rule_sections(
    data: Mapping[str, Any],
) -> Iterator[tuple[tuple[str | int, ...], Mapping[str, Any]]]:
    """Each mapping of a config that holds rule settings, with its path: the top level,
    each ``overrides`` entry and each profile of ``profiles``."""
    yield (), data
    for index, override in enumerate(data.get("overrides", [])):
        yield ("overrides", index), override
    for name, profile in (data.get("profiles") or {}).items():
        yield ("profiles", name), profile


def _line_sort_key(where: str) -> tuple[int, int]:
    parts = where.rsplit(":", 2)
    numbers = [int(p) for p in parts[1:] if p.isdigit()]
    padded = [*numbers, 0, 0]
    return padded[0], padded[1]


def _explain(error: Any, raw: _RawConfig, registry: Registry) -> list[tuple[str, str]]:
    path = tuple(error.absolute_path)
    if (
        path == ("kubernetes-version",)
        and isinstance(error.instance, (int, float))
        and not isinstance(error.instance, bool)
    ):
        return [
            (
                raw.line_of(path),
                f"kubernetes-version: {error.instance} is a number (YAML"
                f' reads 1.30 as 1.3); quote the version: kubernetes-version: "1.NN"',
            )
        ]
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = set(error.schema.get("properties", {}))
        out = []
        for key in error.instance:
            if key in allowed:
                continue
            where = raw.line_of((*path, key))
            # A rules: mapping (not a profile that is named "rules").
            if path[-1:] == ("rules",) and path[-2:-1] != ("profiles",):
                out.append(
                    (
                        where,
                        f"unknown rule or category {key!r}"
                        f"{did_you_mean(key, allowed)}; `kubelint rules` lists them",
                    )
                )
            elif len(path) >= 2 and path[-2] == "rules" and path[-1] in registry.categories():
                out.append(
                    (
                        where,
                        f"category {path[-1]!r} takes enabled and severity, not"
                        f" {key!r}; options are set for each rule",
                    )
                )
            elif len(path) >= 2 and path[-2] == "rules":
                rule = registry.rules.get(registry.resolve(str(path[-1])) or "")
                options = sorted(rule.options) if rule else []
                known = ", ".join(["enabled", "severity", *options])
                out.append(
                    (
                        where,
                        f"rule {path[-1]!r} has no option {key!r}"
                        f"{did_you_mean(key, allowed)}; it accepts: {known}",
                    )
                )
            else:
                out.append((where, f"unknown setting {key!r}{did_you_mean(key, allowed)}"))
        return out
    if "propertyNames" in error.absolute_schema_path and path == ("profiles",):
        return [
            (
                raw.line_of((*path, error.instance)),
                f"profiles: {error.instance!r} is not a"
                " profile name: lower-case words joined by '-' (team-restricted)",
            )
        ]
    dotted = ".".join(str(p) for p in path) or "the top level"
    where = raw.line_of(path)
    if error.validator == "enum":
        choices = ", ".join(json.dumps(c) for c in error.validator_value)
        return [(where, f"{dotted}: {json.dumps(error.instance)} is not one of {choices}")]
    return [(where, f"{dotted}: {error.message}")]


def _rule_setting(value: Any) -> RuleSetting:
    if value is True or value == "on":
        return RuleSetting(enabled=True)
    if value is False or value == "off":
        return RuleSetting(enabled=False)
    if isinstance(value, str):
        return RuleSetting(enabled=True, severity=value)
    options = {k: v for k, v in value.items() if k not in ("enabled", "severity")}
    return RuleSetting(
        enabled=value.get("enabled", True), severity=value.get("severity"), options=options
    )


def _rules(data: Mapping[str, Any]) -> dict[str, RuleSetting]:
    """One layer of rule settings: ``rules:``, with ``enable:`` and ``disable:`` where the
    data has them (the top level)."""
    rules = {name: _rule_setting(setting) for name, setting in (data.get("rules") or {}).items()}
    for key, enabled in (("enable", True), ("disable", False)):
        for name in data.get(key, []):
            rules[name] = _merged(rules.get(name), RuleSetting(enabled=enabled))
    return rules


def policy_list(raw: _RawConfig, base_dir: str) -> list[str]:
    """The ``policies:`` entries (relative to the config file), checked before they load."""
    policies = raw.data.get("policies", []) if isinstance(raw.data, Mapping) else []
    if not isinstance(policies, list) or not all(isinstance(p, str) and p for p in policies):
        raise ConfigError(
            f"{raw.line_of(('policies',))}: policies must be a list of policy files or directories"
        )
    for index, entry in enumerate(policies):
        if not os.path.exists(os.path.join(base_dir, entry)):
            raise ConfigError(
                f"{raw.line_of(('policies', index))}: policy file or directory {entry!r} not found"
            )
    return [os.path.join(base_dir, entry) for entry in policies]


def load_config(
    path: str | None, registry_for: Any, extra_policies: Iterable[str] = ()
) -> tuple[Config, Registry]:
    """Read and validate the config at ``path`` (None: defaults) and the configs it
    extends, loading their plugins and policies (plus ``extra_policies``, from the
    command line).

    ``registry_for(plugins, base_dir, policies=...)`` builds the registry; the full schema
    needs it.
    """
    extra = list(extra_policies)
    if path is None:
        registry = registry_for([], os.getcwd(), policies=extra)
        return Config(policies=extra), registry
    chain = read_chain(path)
    base_dir = _directory(chain[0])
    plugins = [plugin for raw in reversed(chain) for plugin in _plugins(raw, base_dir)]
    policies = [
        *(policy for raw in reversed(chain) for policy in policy_list(raw, _directory(raw))),
        *extra,
    ]
    registry = registry_for(plugins, base_dir, policies=policies)
    problems = []
    for raw in chain:  # each file's mistakes, at its own lines
        try:
            validate(raw, registry)
        except ConfigError as error:
            problems.append(str(error))
    if problems:
        raise ConfigError("\n".join(problems))
    config = replace(
        _build(_merged_data(chain), path, base_dir),
        plugins=plugins,
        policies=policies,
        extended=[layer for raw in reversed(chain[1:]) for layer in _layers(raw.data)],
        sources=[os.path.abspath(raw.path) for raw in chain],
        # Each file's exemptions, the bases' first, at their own lines.
        exemptions=[
            exemption
            for raw in reversed(chain)
            for exemption in _read_exemptions(raw, display_path(raw.path))
        ],
    )
    return _use_profiles(config, chain, registry), registry


# ---------------------------------------------------------------------------
# extends: a config file names a base config, applied before it.

_URL = lazy_compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def read_chain(path: str) -> list[_RawConfig]:
    """The config at ``path``, then the config it extends, and so on."""
    chain = [_read_raw(path)]
    seen = [os.path.realpath(path)]
    while isinstance(chain[-1].data, Mapping) and "extends" in chain[-1].data:
        raw = chain[-1]
        value = raw.data["extends"]
        where = raw.line_of(("extends",))
        if not isinstance(value, str) or not value:
            raise ConfigError(
                f"{where}: extends: {json.dumps(value, default=str)} is not the"
                " path of a config file"
            )
        if _URL.match(value):
            raise ConfigError(
                f"{where}: extends: {value!r} is a URL, and kubelint never reads"
                " the network; save the file and name its path"
            )
        base = os.path.normpath(os.path.join(_directory(raw), os.path.expanduser(value)))
        if not os.path.isfile(base):
            raise ConfigError(f"{where}: extends: no such file: {base}")
        real = os.path.realpath(base)
        if real in seen:
            cycle = " -> ".join([*(r.path for r in chain), base])
            raise ConfigError(f"{where}: extends: {value!r} is a cycle: {cycle}")
        seen.append(real)
        chain.append(_read_raw(base))
    return chain


def _directory(raw: _RawConfig) -> str:
    return os.path.dirname(os.path.abspath(raw.path))


def _plugins(raw: _RawConfig, top_dir: str) -> list[str]:
    """A file's ``plugins:``; a base's .py paths made absolute (they are relative to the
    file that names them; module names are imported as for the extending file)."""
    directory = _directory(raw)
    if directory == top_dir:
        return plugin_list(raw)
    return [
        os.path.join(directory, plugin) if is_plugin_path(plugin) else plugin
        for plugin in plugin_list(raw)
    ]


#: Settings whose lists add up along the chain, the base's entries first; the paths among
#: them are relative to the file that names them.
_LISTS = {"exclude": False, "crds": True}
_HELM_LISTS = {"values": True, "set": False}
#: The rule settings, layered rather than merged (``Config.extended``).
_LAYERED = ("rules", "enable", "disable", "overrides")
#: Read from each file before the registry is built (``load_config``).
_LOADED_FIRST = ("extends", "plugins", "policies")
#: Merged by name along the chain (``_named_profiles``).
_BY_NAME = ("profiles",)


def _merged_data(chain: list[_RawConfig]) -> dict[str, Any]:
    """One mapping of the chain's settings (besides rules, plugins and policies): a setting of the
    extending file replaces the base's; lists add up, the base's entries first; paths
    become absolute. Globs (``exclude``, ``overrides``) stay relative to the extending
    file: they describe the tree it lints."""
    merged: dict[str, Any] = {}
    helm: dict[str, Any] = {}
    for raw in reversed(chain):  # the farthest base first
        directory = _directory(raw)
        for key, value in raw.data.items():
            if key in _LISTS:
                merged[key] = [*merged.get(key, []), *_paths(value, directory, _LISTS[key])]
            elif key == "helm":
                for name, item in value.items():
                    helm[name] = (
                        [*helm.get(name, []), *_paths(item, directory, _HELM_LISTS[name])]
                        if name in _HELM_LISTS
                        else item
                    )
            elif key not in _LAYERED + _LOADED_FIRST + _BY_NAME:
                merged[key] = value
    merged["helm"] = helm
    merged.update({key: chain[0].data[key] for key in _LAYERED if key in chain[0].data})
    return merged


def _paths(values: list[str], directory: str, are_paths: bool) -> list[str]:
    return [os.path.join(directory, value) for value in values] if are_paths else values


def _layers(data: Mapping[str, Any]) -> list[Override]:
    """A base config's rule settings: its top level, then its overrides."""
    return [
        Override(None, _rules(data)),
        *(Override(list(o["files"]), _rules(o)) for o in data.get("overrides", [])),
    ]


def _use_profiles(config: Config, chain: list[_RawConfig], registry: Registry) -> Config:
    """``config`` with the chain's named profiles (each checked, used or not), and the
    profile its ``profile:`` names in force."""
    from kubelint.profiles import resolve

    profiles = _named_profiles(chain)
    for profile in profiles.values():
        resolve(profile.name, profiles, registry, profile.where)
    where = next((raw.line_of(("profile",)) for raw in chain if "profile" in raw.data), "profile")
    return replace(config, profiles=profiles).with_profile(config.profile, registry, where)[0]


def _named_profiles(chain: list[_RawConfig]) -> dict[str, NamedProfile]:
    """The ``profiles:`` of the chain by name: an extending file's replaces its base's."""
    from kubelint.profiles import BUILTIN, DEFAULT, NamedProfile

    found: dict[str, NamedProfile] = {}
    for raw in reversed(chain):  # the farthest base first
        for name, body in (raw.data.get("profiles") or {}).items():
            where = raw.line_of(("profiles", name))
            if name in BUILTIN:
                raise ConfigError(
                    f"{where}: {name!r} is one of kubelint's profiles; give"
                    " yours another name (it may extend it)"
                )
            extends_where = (
                raw.line_of(("profiles", name, "extends")) if "extends" in body else where
            )
            found[name] = NamedProfile(
                name, body.get("extends", DEFAULT), _rules(body), where, extends_where
            )
    return found


def _build(data: Mapping[str, Any], path: str | None, root: str) -> Config:
    return Config(
        path=path,
        root=root,
        fail_level=data.get("fail-level", "error"),
        min_severity=data.get("min-severity", "info"),
        namespace=data.get("namespace", "default"),
        kubernetes_version=str(data.get("kubernetes-version", NEWEST_KUBERNETES_VERSION)),
        crds=[os.path.join(root, p) for p in data.get("crds", [])],
        strict_kinds=bool(data.get("strict-kinds", False)),
        require_reason=bool(data.get("require-reason", False)),
        exclude=list(data.get("exclude", [])),
        respect_gitignore=bool(data.get("respect-gitignore", True)),
        plugins=list(data.get("plugins", [])),
        rules=_rules(data),
        overrides=[Override(list(o["files"]), _rules(o)) for o in data.get("overrides", [])],
        helm=_helm(data.get("helm") or {}, root),
        profile=data.get("profile", "default"),
    )


def _helm(data: Mapping[str, Any], root: str) -> HelmSettings:
    return HelmSettings(
        release_name=data.get("release-name", "release-name"),
        values=[os.path.join(root, p) for p in data.get("values", [])],
        set=list(data.get("set", [])),
        ci_values=bool(data.get("ci-values", True)),
    )


def config_from_mapping(
    data: Mapping[str, Any], registry: Registry, name: str = "<config>"
) -> Config:
    """A ``Config`` from a mapping (for the API), validated like a file."""
    raw = _RawConfig(name, dict(data), None, "")
    if "extends" in data:  # relative to what? A file knows where it is.
        raise ConfigError(
            f"{name}: extends: works in config files; pass the path of a"
            " config file that extends the base instead of a mapping"
        )
    validate(raw, registry)
    config = replace(_build(data, None, os.getcwd()), exemptions=_read_exemptions(raw, name))
    return _use_profiles(config, [raw], registry)
