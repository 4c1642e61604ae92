"""Profiles: named sets of rules and options, the base layer of a run's rule settings.

``--profile NAME`` or ``profile: NAME`` picks one. kubelint's own:

- ``default``: the rules that are on by default, with their default options;
- ``strict``: every rule, off-by-default ones included;
- ``pss-baseline``, ``pss-restricted``: the Pod Security Standards level, exactly: one
  ``pss-*`` rule per control of the level, with the level's options, and no other rule
  but the ``core`` ones (a file that cannot be read, rendered or checked still fails the
  run) and the ``suppressions`` ones that are on by default (an expired or unknown
  suppression is still reported). A version pins the policy as PSA's ``enforce-version`` label does:
  ``pss-restricted:v1.33`` checks what ``restricted:v1.33`` admits (default: the target
  Kubernetes version).

A config's ``profiles:`` names its own, each extending another (kubelint's or one of
its own) and adding ``enable``, ``disable`` and ``rules`` settings on top.

A profile only supplies layers of rule settings (``kubelint.config.Override``) that
apply before the config's own, so the config's ``enable``/``disable``/``rules`` and the
command line's ``--enable``/``--disable`` still win over it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from kubelint import pss
from kubelint.config import ConfigError, RuleSetting
from kubelint.plugins import ALL
from kubelint.suggest import did_you_mean

if TYPE_CHECKING:
    from kubelint.plugins import Registry

DEFAULT = "default"
#: kubelint's profiles and what each runs.
BUILTIN = {
    DEFAULT: "the rules that are on by default",
    "strict": "every rule",
    "pss-baseline": "the Pod Security Standards baseline level, the core rules and the"
    " suppression checks",
    "pss-restricted": "the Pod Security Standards restricted level, the core rules and the"
    " suppression checks",
}
#: The category every profile keeps on: its rules say what could not be checked.
CORE = "core"
#: The category a PSS profile keeps as by default: findings about suppressions.
SUPPRESSIONS = "suppressions"
_PSS_PREFIX = "pss-"


@dataclass(frozen=True)
class NamedProfile:
    """A profile of a config's ``profiles:``: what it extends (a profile name, with a
    version for a PSS profile) and its own rule settings, with where each is written
    (``file:line:col``) for messages."""

    name: str
    extends: str
    rules: dict[str, RuleSetting]
    where: str
    extends_where: str


@dataclass(frozen=True)
class Profile:
    """A resolved profile: its name as asked, the profiles it is made of (the built-in
    one first), their rule settings in that order, and the PSS level and version it
    checks (when it is, or extends, a PSS profile; version None: the target's)."""

    name: str
    chain: tuple[str, ...]
    layers: tuple[dict[str, RuleSetting], ...]
    pss_level: str | None = None
    pss_version: str | None = None


def resolve(
    spec: str, named: Mapping[str, NamedProfile], registry: Registry, where: str
) -> Profile:
    """The profile ``spec`` (``strict``, ``pss-restricted:v1.33``, a name of ``named``)
    names. ``where`` prefixes a problem with the place ``spec`` was written (``--profile``,
    ``file:line:col``). Raises ``ConfigError``."""
    chain: list[NamedProfile] = []
    current, at = spec, where
    while current.partition(":")[0] in named:
        name, colon, _ = current.partition(":")
        if colon:
            _fail(
                at,
                f"profile {name!r} takes no version; pin the version where it extends"
                " a PSS profile (extends: pss-restricted:v1.33)",
            )
        if any(profile.name == name for profile in chain):
            cycle = " -> ".join([*(profile.name for profile in chain), name])
            _fail(at, f"profile {chain[-1].name!r} extends {name!r}, a cycle: {cycle}")
        chain.append(named[name])
        current, at = named[name].extends, named[name].extends_where
    base = _builtin(current, named, registry, at)
    if not chain:
        return base
    return Profile(
        spec,
        (*base.chain, *(profile.name for profile in reversed(chain))),
        (*base.layers, *(profile.rules for profile in reversed(chain))),
        base.pss_level,
        base.pss_version,
    )


def _builtin(
    spec: str, named: Mapping[str, NamedProfile], registry: Registry, where: str
) -> Profile:
    """One of kubelint's profiles (``named`` only suggests names for a typo)."""
    name, colon, version = spec.partition(":")
    if name not in BUILTIN:
        known = [*BUILTIN, *named]
        hint = did_you_mean(name, known)
        _fail(where, f"unknown profile {name!r}{hint}; the profiles are {', '.join(known)}")
    if not name.startswith(_PSS_PREFIX):
        if colon:
            _fail(where, f"profile {name!r} takes no version; only the pss-* profiles do")
        layer = {ALL: RuleSetting(enabled=True)} if name == "strict" else {}
        return Profile(spec, (spec,), (layer,))
    level = name.removeprefix(_PSS_PREFIX)
    pinned = None
    if colon:
        parsed = pss.parse_version(version)
        if parsed is None:
            _fail(
                where,
                f"profile {spec!r}: the version is 'latest' or 'v1.N', as PSA's"
                " enforce-version label writes it (pss-restricted:v1.33)",
            )
        pinned = "latest" if parsed < 0 else f"v1.{parsed}"
    layer = {ALL: RuleSetting(enabled=False)}
    categories = registry.categories()
    if CORE in categories:
        layer[CORE] = RuleSetting(enabled=True)
    # What kubelint says of its own suppressions (expired, unknown, unreadable) stays as
    # by default: a security profile must not hide that an exception lapsed.
    for rule_id in categories.get(SUPPRESSIONS, []):
        layer[rule_id] = RuleSetting(enabled=registry.rules[rule_id].enabled)
    for rule_id, options in pss.profile(level).items():
        layer[rule_id] = RuleSetting(
            enabled=True, options={**options, **({"version": pinned} if pinned else {})}
        )
    return Profile(spec, (spec,), (layer,), level, pinned)


def _fail(where: str, message: str) -> NoReturn:
    raise ConfigError(f"{where}: {message}")


def describe(profile: Profile, kubernetes_version: str) -> str:
    """One line on what ``profile`` runs, for ``kubelint rules --profile``."""
    what = BUILTIN[profile.chain[0].partition(":")[0]]
    if profile.pss_level is not None:
        version = profile.pss_version or f"v{kubernetes_version} (the target Kubernetes version)"
        what = (
            f"the Pod Security Standards {profile.pss_level} level at policy version"
            f" {version}, the core rules and the suppression checks"
        )
    extends = (
        f" (extends {' -> '.join(reversed(profile.chain[:-1]))})" if len(profile.chain) > 1 else ""
    )
    own = ", with its own settings" if len(profile.chain) > 1 else ""
    return f"profile {profile.name}{extends}: {what}{own}"
