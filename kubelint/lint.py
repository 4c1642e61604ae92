"""The library API: lint paths or a buffer, end to end (load -> index -> rules ->
decisions -> ``Report``), with the engine of ``kubelint.engine``.

Nothing here prints or exits; the CLI and editors call it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from kubelint.config import Config, config_from_mapping, find_config, load_config
from kubelint.constants import MAX_FILE_BYTES, SEVERITY_RANK
from kubelint.engine import Linter
from kubelint.loader import (
    STDIN,
    LoadedFile,
    display_path,
    load_bytes,
    load_text,
    read_file,
    stdin_display,
)
from kubelint.model import SourceFile
from kubelint.plugins import Registry, build_registry
from kubelint.progress import Progress
from kubelint.report import Finding, Report


def resolve_config(
    config: Config | Mapping[str, Any] | str | None,
    discover_from: str | None = None,
    policies: Iterable[str] = (),
) -> tuple[Config, Registry]:
    """A config and its registry from what a caller has: a ``Config``, a mapping, a path
    to a config file, or None (search upward from ``discover_from``; defaults if that is
    None too or nothing is found), plus extra ``policies`` paths. Raises ``ConfigError``
    or ``PluginError`` (``PolicyError`` for a policy file)."""
    extra = list(policies)
    if isinstance(config, Config):
        config = dataclasses.replace(config, policies=[*config.policies, *extra])
        return config, build_registry(config.plugins, config.root, policies=config.policies)
    if isinstance(config, Mapping):
        listed = [os.path.abspath(p) for p in config.get("policies", []) or []]
        registry = build_registry(
            config.get("plugins", []) or [], os.getcwd(), policies=[*listed, *extra]
        )
        resolved = config_from_mapping(config, registry)
        return dataclasses.replace(resolved, policies=[*listed, *extra]), registry
    path = config if isinstance(config, str) else None
    if path is None and discover_from is not None:
        path = find_config(discover_from)
    return load_config(path, build_registry, extra)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading.

    Loading builds hundreds of thousands of dicts and lists that stay alive, and the
    collector rescans them again and again as they accumulate: on the 3,272-document
    corpus that doubled the run time (4.3 s -> 1.9 s). The loader creates no reference
    cycles (recursive aliases are refused), so reference counting frees all garbage.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def lint_paths(
    paths: list[str],
    config: Config,
    registry: Registry,
    stdin: bytes | None = None,
    stdin_filename: str | None = None,
    progress: Progress | None = None,
    jobs: int | None = 1,
    cache: Any = None,
    today: date | None = None,
) -> Report:
    """Lint files and directories (``-`` reads ``stdin``) with ``jobs`` processes (None:
    as many as pays, ``kubelint.plain.default_jobs``; more than one forks the calling
    process, which the command line does and a library caller may not want), with a
    ``kubelint.cache.Cache`` or none, judging suppressions' ``until`` dates on ``today``
    (None: the machine's local date). Raises ``PathNotFound``."""
    with gc_paused():
        return _lint_paths(
            paths, config, registry, stdin, stdin_filename, progress, jobs, cache, today
        )


def _lint_paths(
    paths: list[str],
    config: Config,
    registry: Registry,
    stdin: bytes | None,
    stdin_filename: str | None,
    progress: Progress | None = None,
    jobs: int | None = None,
    cache: Any = None,
    today: date | None = None,
) -> Report:
    from kubelint.inputs import collect
    from kubelint.plain import PlainFile, default_jobs

    inputs = collect(paths, config.is_excluded, respect_gitignore=config.respect_gitignore)
    plain: list[PlainFile] = []
    fs_paths: dict[str, str] = {}
    for path in inputs.files:
        if path == STDIN:
            if stdin_filename and config.is_excluded(os.path.abspath(stdin_filename)):
                continue
            shown = stdin_display(stdin_filename)
            data = stdin if stdin is not None else sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
            plain.append(
                PlainFile(shown, stdin_filename or shown, None, None, load_bytes(data, shown))
            )
        else:
            shown = display_path(path)
            plain.append(PlainFile(shown, path, *read_file(path)))
        fs_paths[shown] = plain[-1].fs_path
        if progress is not None:
            progress.file_read()
    rendered: list[LoadedFile] = []
    if inputs.charts:
        from kubelint.helm import ChartOptions, find_renderer, lint_chart

        renderer = find_renderer()
        options = ChartOptions(
            list(config.helm.values),
            list(config.helm.set),
            config.helm.release_name,
            config.namespace,
            config.kubernetes_version,
            config.helm.ci_values,
        )
        for chart in inputs.charts:
            rendered.extend(lint_chart(chart, options, renderer))
    if inputs.kustomizations:
        from kubelint.kustomize import build_roots

        rendered.extend(build_roots(inputs.kustomizations))
    linter = Linter(config, registry, today)
    jobs = default_jobs(plain) if jobs is None else jobs
    if jobs > 1 and not (len(plain) > 1 and _can_fork()):
        jobs = 1
    if jobs > 1 or cache is not None:
        from kubelint.pipeline import check_plain

        report = check_plain(linter, plain, rendered, jobs, progress, fs_paths, cache)
    else:
        report = linter.run([file.load() for file in plain] + rendered, fs_paths, progress)
    # Never a silent skip: --verbose names each path and the pattern that ignores it.
    report.summary.gitignored = len(inputs.gitignored)
    report.notes.extend(
        f"skipped {display_path(item.path)}{'/' if item.is_dir else ''} (ignored by"
        f" {display_path(item.source)}:{item.line}: {item.pattern})"
        for item in inputs.gitignored
    )
    return report


def _can_fork() -> bool:
    """Workers are forked: cheap, and they inherit the loaded plugins (not on Windows).
    What multiprocessing offers "fork" on, asked without importing it: a run that takes
    everything from the cache starts no worker."""
    return sys.platform != "win32" and hasattr(os, "fork")


class TextFindings(list[Finding]):
    """``lint_text``'s findings, and how much of the text they are about."""

    #: Set when the text held more than ``max_objects`` objects: the number of lines up
    #: to the end of the last object checked (0: none was).
    checked_lines: int | None = None


def lint_text(
    text: str,
    filename: str = "<stdin>",
    config: Config | Mapping[str, Any] | str | None = None,
    today: date | None = None,
    *,
    registry: Registry | None = None,
    path: str | None = None,
    max_objects: int | None = None,
) -> TextFindings:
    """Lint one buffer (an editor's unsaved file) and return its findings.

    ``config``: a ``Config``, a mapping shaped like ``.kubelint.yaml``, a path to a config
    file, or None for kubelint's defaults; ``registry``: the plugins, rules and policies
    a ``Config`` was made with (built from the config when not given; only with a
    ``Config``). Per-path settings apply to ``path``, the buffer's file on disk (by
    default ``filename``, the name findings show). Suppressions' ``until`` dates are
    judged on ``today`` (None: the local date). Only the first ``max_objects`` objects
    are checked, when given (``TextFindings.checked_lines``). Raises ``ConfigError`` or
    ``PluginError`` for a bad config or plugin; never prints.
    """
    if registry is None:
        config, registry = resolve_config(config)
    elif not isinstance(config, Config):
        raise TypeError("lint_text: a registry goes with a Config")
    loaded = load_text(text, SourceFile(filename, text))
    checked = None
    if max_objects is not None and len(loaded.objects) > max_objects:
        checked = loaded.keep_first(max_objects)
    linter = Linter(config, registry, today)
    found = TextFindings(
        linter.run([loaded], {filename: filename if path is None else path}).findings
    )
    if checked is not None:  # what the cut objects' comments would silence was not checked
        found[:] = [
            finding
            for finding in found
            if finding.rule != "unused-suppression" or finding.line <= checked
        ]
        found.checked_lines = checked
    return found


def exit_code(report: Report, fail_level: str) -> int:
    """0 when no finding is at or above ``fail_level``, else 1."""
    threshold = SEVERITY_RANK[fail_level]
    return int(any(SEVERITY_RANK[f.severity] >= threshold for f in report.findings))
