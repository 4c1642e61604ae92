"""What a run lints: plain manifest files, Helm charts and kustomization roots.

Users point kubelint at repositories, not at rendered YAML. A file inside a chart (a
template, ``values.yaml``, ``Chart.yaml``, ``ci/*-values.yaml``) makes the chart an
input, rendered as a whole; only its ``crds/`` are manifests as they are. A directory
with a kustomization makes that kustomization an input, built as a whole; the files it
uses (resources, patches, generator inputs, the kustomization itself) are linted through
the build, never on their own, and a base that an overlay in the input includes is
linted through the overlay only. pre-commit passes the changed files alone: a changed
template gates its chart, a changed patch or base file the overlays that use it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kubelint.layout import (
    KUSTOMIZATION_NAMES,
    chart_of,
    is_plain_manifest,
    root_file,
    under_a_kustomization,
)
from kubelint.loader import STDIN, discover

if TYPE_CHECKING:
    from kubelint.gitignore import GitIgnore, Ignored
    from kubelint.kustomize import Owners


@dataclass(eq=False)
class Inputs:
    """What the paths of a run are: plain files, charts and kustomizations."""

    #: Plain files (and ``-``) in discovery order.
    files: list[str] = field(default_factory=list)
    #: Chart directories, absolute, in discovery order.
    charts: list[str] = field(default_factory=list)
    #: Kustomization roots to build, absolute (no root that another one includes).
    kustomizations: list[str] = field(default_factory=list)
    #: What the walk skipped because git ignores it, in walk order.
    gitignored: list[Ignored] = field(default_factory=list)


def collect(
    paths: list[str],
    excluded: Callable[[str], bool],
    workspace: str | None = None,
    respect_gitignore: bool = False,
) -> Inputs:
    """Sort what ``discover`` finds into plain files, charts and kustomization roots;
    with ``respect_gitignore``, the walk of a directory skips what git ignores (files
    named in ``paths`` never are). Raises ``loader.PathNotFound``."""
    workspace = workspace or os.getcwd()
    directories = [path for path in paths if path != STDIN and os.path.isdir(path)]
    gitignore: GitIgnore | None = None
    if respect_gitignore and directories:  # only a walk meets ignored files
        from kubelint.gitignore import GitIgnore

        gitignore = GitIgnore(directories)
    explicit = {
        os.path.abspath(path)
        for path in paths
        if path != STDIN and os.path.lexists(path) and not os.path.isdir(path)
    }
    inputs = Inputs()
    charts: dict[str, None] = {}
    roots: dict[str, None] = {}
    candidates: list[str] = []
    chart_cache: dict[str, str | None] = {}
    charts_known: dict[str, bool] = {}
    rooted: dict[str, bool] = {}  # directory -> has a kustomization
    owners: Owners | None = None  # kubelint.kustomize is imported only when one is needed
    for path in discover(paths, excluded, gitignore):
        if path == STDIN:
            candidates.append(path)
            continue
        absolute = os.path.abspath(path)
        directory = os.path.dirname(absolute)
        if directory not in chart_cache:
            chart_cache[directory] = chart_of(absolute, charts_known)
        chart = chart_cache[directory]
        if chart is not None and not is_plain_manifest(chart, absolute):
            charts.setdefault(chart)
            continue
        if absolute in explicit and under_a_kustomization(absolute):
            if owners is None:
                from kubelint.kustomize import Owners

                owners = Owners(workspace)
            for owner in owners(absolute):
                roots.setdefault(owner)
        if os.path.basename(absolute) in KUSTOMIZATION_NAMES:
            roots.setdefault(directory)
            continue
        if directory not in rooted:  # asked once per directory, not per file
            rooted[directory] = root_file(directory) is not None
        if rooted[directory]:
            roots.setdefault(directory)
        candidates.append(path)
    inputs.charts = list(charts)
    inputs.gitignored = gitignore.ignored if gitignore is not None else []
    if not roots:
        inputs.files = candidates
        return inputs
    from kubelint.kustomize import plan

    planned = plan(list(roots))
    inputs.files = [
        path
        for path in candidates
        if path == STDIN or os.path.abspath(path) not in planned.consumed
    ]
    inputs.kustomizations = list(planned.top)
    return inputs
