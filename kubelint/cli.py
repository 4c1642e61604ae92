"""The command line. The only module that prints or exits."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import gc
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from kubelint import __version__

if TYPE_CHECKING:  # the command line imports what a command needs when it runs
    from kubelint.config import Config
    from kubelint.plugins import Registry
    from kubelint.report import Report, Summary

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
#: Characters of a report written to standard output at a time (``_write_stdout``).
_STDOUT_SLICE = 1 << 16


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kubelint",
        description="Lint Kubernetes manifests (YAML and JSON) offline, at the exact line.",
    )
    parser.add_argument("--version", action="version", version=f"kubelint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="lint files and directories",
        description="Lint Kubernetes manifests. Exit status: 0 clean,"
        " 1 findings at or above the fail level, 2 usage, config or"
        " plugin error.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories to lint ('-' for standard input;"
        " default: the current directory)",
    )
    check.add_argument(
        "--config",
        metavar="FILE",
        help="config file (default: .kubelint.yaml or pyproject.toml found"
        " upward from the working directory)",
    )
    check.add_argument("--no-config", action="store_true", help="ignore config files")
    check.add_argument(
        "--format",
        default="text",
        metavar="FORMAT",
        help="output format: text (default), json, sarif, junit, github, gitlab,"
        " markdown, or one a plugin adds",
    )
    check.add_argument(
        "--output",
        action="append",
        default=[],
        metavar="[FORMAT=]FILE",
        help="also write a report to FILE, in FORMAT (e.g. sarif=results.sarif;"
        " repeatable); without FORMAT=, the --format output goes to FILE"
        " instead of standard output",
    )
    check.add_argument(
        "--fail-level",
        choices=("error", "warning", "info"),
        help="exit 1 when a finding is at or above this severity"
        " (default: error, or fail-level in the config)",
    )
    check.add_argument(
        "--min-severity",
        choices=("error", "warning", "info"),
        help="report no finding below this severity, so none can fail the"
        " run (default: info, or min-severity in the config)",
    )
    check.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings are at or above the fail level (2"
        " still means a usage, config or plugin error)",
    )
    check.add_argument(
        "--enable",
        action="append",
        default=[],
        metavar="RULE",
        help="enable a rule, a category of rules (security, rbac, ...: see"
        " `kubelint rules`), the rules that implement compliance controls"
        " (cis:5.2.*, nsa:*, pss:restricted/*) or 'all' (repeatable,"
        " comma-separated; also turns on rules that are off by default)",
    )
    check.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="RULE",
        help="disable a rule, a category, a control selector or 'all'"
        " (repeatable, comma-separated; a rule named explicitly wins over its"
        " category or a control selector, which win over 'all', and --disable"
        " over --enable)",
    )
    check.add_argument("--profile", metavar="PROFILE", help=_PROFILE_HELP)
    check.add_argument(
        "--kubernetes-version",
        metavar="1.N",
        help="the Kubernetes version the manifests target (default: the newest"
        " bundled, or kubernetes-version in the config)",
    )
    check.add_argument(
        "--values",
        "-f",
        action="append",
        default=[],
        metavar="FILE",
        help="a values file for the Helm charts in the input, after each chart's"
        " values.yaml and helm.values in the config (repeatable, as helm -f)",
    )
    check.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a value for the Helm charts in the input (repeatable, as helm --set)",
    )
    check.add_argument(
        "--crds",
        action="append",
        default=[],
        metavar="PATH",
        help="CRD manifests or JSON Schema files (or directories of them) to"
        " validate custom resources with (repeatable)",
    )
    check.add_argument(
        "--policies",
        action="append",
        default=[],
        metavar="PATH",
        help="policy files or directories (kubelint Policy,"
        " ValidatingAdmissionPolicy and bindings) to check with (repeatable)",
    )
    check.add_argument(
        "--strict-kinds",
        action="store_true",
        default=None,
        help="report custom resources without a known schema as errors",
    )
    check.add_argument(
        "--require-reason",
        action="store_true",
        help="report suppressions that give no reason after ' -- ' as errors"
        " (as --enable suppression-without-reason; default: require-reason"
        " in the config)",
    )
    check.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        metavar="N",
        help="check with N processes (default: every core when the input is"
        " large enough to pay for starting them, else one; 1: one process)",
    )
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    check.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where the cache lives (default: KUBELINT_CACHE_DIR, else"
        " .kubelint_cache beside the config file or in the working directory)",
    )
    check.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="the path of the buffer read from '-' (for config and messages)",
    )
    check.add_argument(
        "--fix",
        action="store_true",
        help="apply the safe fixes of fixable rules to the files, then report what remains",
    )
    check.add_argument(
        "--diff",
        action="store_true",
        help="print the safe fixes as a unified diff instead of applying them"
        " (exit 1 when there is one)",
    )
    check.add_argument(
        "--baseline", metavar="FILE", help="report only findings that are not in this baseline"
    )
    check.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record the current findings as the baseline in FILE",
    )
    talk = check.add_mutually_exclusive_group()
    talk.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also tell, on standard error, what the run did not check",
    )
    talk.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print the findings and errors only: no summary, no warnings",
    )
    check.add_argument(
        "--statistics",
        action="store_true",
        help="print how many findings each rule reported instead of the"
        " findings (--format text or json; --output FORMAT=FILE reports stay"
        " complete)",
    )
    check.add_argument(
        "--show-source",
        action="store_true",
        help="show the source line of each finding, with carets under it, in text reports",
    )
    check.add_argument(
        "--link-base",
        metavar="URL",
        default="",
        help="in markdown reports, link each finding to URL followed by its"
        " path (e.g. https://github.com/ORG/REPO/blob/COMMIT/); default:"
        " links relative to the working directory",
    )
    gitignore = check.add_mutually_exclusive_group()
    gitignore.add_argument(
        "--respect-gitignore",
        dest="respect_gitignore",
        action="store_true",
        default=None,
        help="skip what git ignores (.gitignore, .git/info/exclude) when"
        " walking directories in a git repository (the default, unless"
        " respect-gitignore: false in the config)",
    )
    gitignore.add_argument(
        "--no-respect-gitignore",
        dest="respect_gitignore",
        action="store_false",
        help="lint what git ignores too (files named on the command line are linted either way)",
    )
    color = check.add_mutually_exclusive_group()
    color.add_argument(
        "--color",
        dest="color",
        action="store_true",
        default=None,
        help="colour the text output even when not on a terminal",
    )
    color.add_argument(
        "--no-color", dest="color", action="store_false", help="never colour the text output"
    )

    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument("--config", metavar="FILE", help="config file (shows on/off from it)")
    rules.add_argument(
        "--policies",
        action="append",
        default=[],
        metavar="PATH",
        help="also list the rules of these policy files or directories",
    )
    rules.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text (default), json, or a markdown table for documentation",
    )
    rules.add_argument(
        "--profile",
        metavar="PROFILE",
        help="list only the rules PROFILE runs (with the config's settings),"
        " and their options: " + _PROFILE_HELP.partition(": ")[2],
    )

    test = commands.add_parser(
        "test",
        help="test policies against their example manifests",
        description="Run the policies of POLICY_DIR (its YAML and JSON files outside tests/)"
        " against the example manifests under its tests/ directories. Each example must give"
        " exactly the findings its '# expect: RULE' comments name, on those lines. Exit"
        " status: 0 all pass, 1 a test fails, 2 a policy cannot be used.",
    )
    test.add_argument("directory", metavar="POLICY_DIR")

    commands.add_parser(
        "lsp",
        help="run the language server on standard input and output",
        description="A Language Server Protocol server for editors: publishes"
        " kubelint's findings as diagnostics on open, change and save.",
    )

    explain = commands.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule", metavar="RULE")
    explain.add_argument("--config", metavar="FILE", help="config file (for plugin rules)")
    explain.add_argument(
        "--policies",
        action="append",
        default=[],
        metavar="PATH",
        help="policy files or directories (for policy rules)",
    )

    completion = commands.add_parser(
        "completion",
        help="print a shell completion script",
        description="Print the completion script for SHELL: subcommands, options, and their"
        " values (formats, rules and categories, files). See README.md, 'Shell completion',"
        " for where to load it from.",
    )
    completion.add_argument(
        "shell", choices=("bash", "zsh", "fish"), metavar="SHELL", help="bash, zsh or fish"
    )
    return parser


_PROFILE_HELP = (
    "the rules and options to start from, before the config's and --enable/"
    "--disable: default, strict (every rule), pss-baseline or pss-restricted"
    " (exactly the Pod Security Standards level; pin the policy version as"
    " PSA does: pss-restricted:v1.33), or a profile of the config's profiles"
    " (default: profile in the config, else default)"
)


def _jobs(text: str) -> int | None:
    if text == "auto":
        return None
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of processes (1 or more, or auto)"
        )
    return int(text)


def _fail(message: str) -> int:
    print(f"kubelint: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def _use_color(choice: bool | None) -> bool:
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (None: the process's arguments, as the kubelint
    command does, which then exits) and return the exit status."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # `kubelint rules | head -1`: the reader is gone, which is no error of the run.
        # Point stdout at /dev/null so that the interpreter's last flush cannot fail.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_CLEAN


def _main(argv: Sequence[str] | None) -> int:
    was_enabled = gc.isenabled()
    # What start-up builds (the parser, the modules, rules and schemas a check loads)
    # stays alive to the end: no garbage, yet each pass of the cyclic collector rescanned
    # it, some 40 passes in a one-file check. Off until a check has frozen what it built
    # (``_frozen_afterwards``); other commands turn it on once their arguments are read.
    gc.disable()
    try:
        return _command(argv, was_enabled)
    finally:
        (gc.enable if was_enabled else gc.disable)()


def _command(argv: Sequence[str] | None, collect: bool) -> int:
    """Run the command ``argv`` names; ``collect``: turn the collector on for any other
    command than check (the language server runs for hours)."""
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the subcommand's parser, with its usage, not the top level's
        commands = next(
            action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
        )
        command = commands.choices.get(args.command) if args.command else None
        (command or parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    if args.command != "check" and collect:
        gc.enable()
    from kubelint.config import ConfigError
    from kubelint.plugins import PluginError

    try:
        if args.command == "check":
            was_frozen = gc.get_freeze_count()
            try:
                return _check(args)
            finally:
                # The kubelint command (``argv`` None) ends here: what it froze stays
                # frozen, or the interpreter's last collection would rescan all of it
                # (6% of a one-file run). A caller that goes on (tests) collects it again.
                if argv is not None and not was_frozen:
                    gc.unfreeze()
        if args.command == "rules":
            return _rules(args)
        if args.command == "test":
            from kubelint.policies.testing import run

            return run(args.directory, sys.stdout)
        if args.command == "lsp":
            from kubelint.lsp import serve  # pygls loads only for this command

            return serve()
        if args.command == "completion":
            from kubelint.completion import render

            sys.stdout.write(render(args.shell, parser))
            return EXIT_CLEAN
        return _explain(args)
    except (ConfigError, PluginError, _RunError) as error:
        return _fail(str(error))


def _load(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from kubelint.config import ConfigError
    from kubelint.lint import resolve_config

    policies = [os.path.abspath(p) for p in getattr(args, "policies", [])]
    for path, given in zip(policies, getattr(args, "policies", []), strict=True):
        if not os.path.exists(path):
            raise ConfigError(f"--policies: no such file or directory: {given}")
    if getattr(args, "no_config", False):
        return resolve_config(None, policies=policies)
    if args.config and not os.path.isfile(args.config):
        raise ConfigError(f"config file {args.config!r} not found")
    return resolve_config(args.config, discover_from=os.getcwd(), policies=policies)


def _unknown_rule(name: str, registry) -> str:  # type: ignore[no-untyped-def]
    from kubelint.suggest import did_you_mean

    hint = did_you_mean(name, list(registry.rules) + list(registry.aliases))
    return f"unknown rule {name!r}{hint}; `kubelint rules` lists them"


class _RunError(Exception):
    """What the command line asks cannot be done: said on standard error, exit 2."""


def _check(args: argparse.Namespace) -> int:
    """parse options -> config -> lint -> report -> exit status."""
    from kubelint.lint import exit_code

    config, registry = _load(args)
    if args.profile:
        config, _ = config.with_profile(args.profile, registry, "--profile")
    # --require-reason names the rule that reports suppressions without one: it wins
    # over --disable all, as a rule named with --enable does.
    enable = [*args.enable, "suppression-without-reason"] if args.require_reason else args.enable
    config = _select_rules(enable, args.disable, config, registry)
    config = _configure(args, config)
    outputs = _outputs(args, registry)
    config = _keep_reports_apart(args, outputs, config)
    paths = _inputs(args)
    # Read standard input here: whether it held an object decides the exit status.
    stdin = _read_stdin(paths)
    # Suppressions' until= dates are judged on the machine's local date, once per run.
    today = datetime.date.today()
    report = _lint(args, paths, config, registry, stdin, today)
    failed = _say_unchecked(paths, args.stdin_filename, stdin, config, report, args.quiet)
    if args.diff:
        status = _print_diff(report, args.quiet)
        return EXIT_ERROR if failed else EXIT_CLEAN if args.exit_zero else status
    if args.fix:
        report = _fix(args, paths, config, registry, report, today)
    report = _baselines(args, report)
    _say_warnings(args, report)
    _write_outputs(args, outputs, report, registry, _stdin_text(args, stdin))
    if failed:
        return EXIT_ERROR
    if args.write_baseline or args.exit_zero:
        # --write-baseline: the findings are recorded as accepted, that is the success.
        return EXIT_CLEAN
    return exit_code(report, config.fail_level)


def _tell(message: str, quiet: bool = False) -> None:
    """``kubelint: message`` on standard error, unless --quiet (errors go by _fail)."""
    if not quiet:
        print(f"kubelint: {message}", file=sys.stderr)


def _select_rules(
    enable: list[str], disable: list[str], config: Config, registry: Registry
) -> Config:
    """``config`` with --enable and --disable (they win over the config file)."""
    from kubelint.config import selection

    turned_on, turned_off = selection(registry, enable, disable)
    return dataclasses.replace(
        config,
        cli_enable=config.cli_enable | turned_on,
        cli_disable=config.cli_disable | turned_off,
    )


def _configure(args: argparse.Namespace, config: Config) -> Config:
    """``config`` with the options that override or add to the config file's settings."""
    changes: dict[str, Any] = {}
    if args.fail_level:
        changes["fail_level"] = args.fail_level
    if args.min_severity:
        changes["min_severity"] = args.min_severity
    if args.kubernetes_version:
        from kubelint.constants import KUBERNETES_VERSIONS

        version = args.kubernetes_version.removeprefix("v")
        if version.count(".") == 2:  # 1.30.2: schemas are per minor version
            version = version.rsplit(".", 1)[0]
        if version not in KUBERNETES_VERSIONS:
            raise _RunError(
                f"unknown Kubernetes version {args.kubernetes_version!r};"
                f" kubelint has schemas for {', '.join(KUBERNETES_VERSIONS)}"
            )
        changes["kubernetes_version"] = version
    for path in args.crds:
        if not os.path.exists(path):
            raise _RunError(f"--crds: no such file or directory: {path}")
    if args.crds:
        changes["crds"] = [*config.crds, *args.crds]
    if args.strict_kinds:
        changes["strict_kinds"] = True
    if args.respect_gitignore is not None:
        changes["respect_gitignore"] = args.respect_gitignore
    for path in args.values:
        if not os.path.isfile(path):
            raise _RunError(f"--values: no such file: {path}")
    for expression in args.set:
        if "=" not in expression:
            raise _RunError(f"--set {expression!r}: write KEY=VALUE (as helm --set)")
    if args.values or args.set:
        changes["helm"] = dataclasses.replace(
            config.helm,
            values=[*config.helm.values, *map(os.path.abspath, args.values)],
            set=[*config.helm.set, *args.set],
        )
    return dataclasses.replace(config, **changes)


class _Output(NamedTuple):
    """A report to write."""

    format: str
    path: str | None  # None: standard output
    #: Counts per rule in place of the findings (--statistics: the --format report only).
    statistics: bool = False


def _outputs(args: argparse.Namespace, registry: Registry) -> list[_Output]:
    """Every report to write: the --format one (to standard output, or to the file of an
    --output without FORMAT=), then each --output FORMAT=FILE."""
    outputs: list[_Output] = []
    redirected = False  # an --output without FORMAT= takes the place of standard output
    for spec in args.output:
        name, sep, path = spec.partition("=")
        if not sep:
            if spec in registry.formatters:  # `--output sarif` meant a format, not a file
                raise _RunError(f"--output {spec}: name the file too: --output {spec}=FILE")
            name, path, redirected = args.format, spec, True
        if not path:
            raise _RunError(f"--output {spec!r}: name a file")
        outputs.append(_Output(name, path, args.statistics and not sep))
    if not redirected:
        outputs.insert(0, _Output(args.format, None, args.statistics))
    for output in outputs:
        if output.format not in registry.formatters:
            raise _RunError(
                f"unknown format {output.format!r}; choose from"
                f" {', '.join(sorted(registry.formatters))}"
            )
    _check_display_options(args, outputs)
    return outputs


def _check_display_options(args: argparse.Namespace, outputs: list[_Output]) -> None:
    """Refuse a display option no report of the run would show: a CI script that asks
    for one expects to see it, and silence would hide the mistake."""
    if args.statistics:
        from kubelint.formatters.statistics import RENDERERS

        if args.format not in RENDERERS:
            raise _RunError(
                f"--statistics: the {args.format} format has no statistics; use"
                " --format text or json (a report in another format can be"
                " written beside it with --output FORMAT=FILE)"
            )
    if args.show_source and not any(
        output.format == "text" and not output.statistics for output in outputs
    ):
        raise _RunError(
            "--show-source: no text report of this run lists findings (add"
            " --format text, or --output text=FILE)"
        )
    if args.link_base:
        if not args.link_base.startswith(("https://", "http://")):
            raise _RunError(
                f"--link-base: {args.link_base!r} is not an http(s) URL (e.g."
                " https://github.com/ORG/REPO/blob/COMMIT/)"
            )
        if not any(output.format == "markdown" for output in outputs):
            raise _RunError(
                "--link-base: no markdown report in this run (add --format"
                " markdown, or --output markdown=FILE)"
            )


def _keep_reports_apart(args: argparse.Namespace, outputs: list[_Output], config: Config) -> Config:
    """Refuse reports that would overwrite an input; ``config`` with kubelint's own files
    (never linted)."""
    named_inputs = {os.path.realpath(path) for path in args.paths if path != "-"}
    for path in (args.write_baseline, *(output.path for output in outputs)):
        if path and (os.path.realpath(path) in named_inputs or _manifest_under(path, named_inputs)):
            flag = "--write-baseline" if path == args.write_baseline else "--output"
            raise _RunError(
                f"{flag} {path}: it is also an input; writing there would replace the manifest"
            )
    own = {
        os.path.abspath(path)
        for path in (args.baseline, args.write_baseline, *(output.path for output in outputs))
        if path
    }
    return dataclasses.replace(config, own_files=config.own_files | own)


def _inputs(args: argparse.Namespace) -> list[str]:
    """The paths to lint ('-' for standard input)."""
    if args.stdin_filename and any(path != "-" for path in args.paths):
        raise _RunError(
            "--stdin-filename names standard input: give it with '-' alone, not with files"
        )
    if args.stdin_filename and "-" not in args.paths:
        args.paths.append("-")
    paths: list[str] = args.paths or ["."]
    if (args.fix or args.diff) and "-" in paths:
        raise _RunError("--fix and --diff work on files, not on standard input")
    return paths


def _read_stdin(paths: list[str]) -> bytes | None:
    from kubelint.constants import MAX_FILE_BYTES
    from kubelint.loader import STDIN

    # One byte past the limit at most: the loader reports a larger input (yaml-limits).
    return sys.stdin.buffer.read(MAX_FILE_BYTES + 1) if STDIN in paths else None


def _lint(
    args: argparse.Namespace,
    paths: list[str],
    config: Config,
    registry: Registry,
    stdin: bytes | None,
    today: datetime.date,
) -> Report:
    from kubelint.lint import lint_paths
    from kubelint.loader import PathNotFound
    from kubelint.progress import Progress

    progress = Progress() if args.quiet else Progress.for_terminal(args.format)
    cache = None
    if not (args.no_cache or args.fix or args.diff):  # fixes need the text: no cache
        from kubelint.cache import Cache, default_directory

        cache = Cache(args.cache_dir or default_directory(config), config, registry)
    try:
        with _frozen_afterwards():
            report = lint_paths(
                paths,
                config,
                registry,
                stdin=stdin,
                stdin_filename=args.stdin_filename,
                progress=progress,
                jobs=args.jobs,
                cache=cache,
                today=today,
            )
    except PathNotFound as error:
        raise _RunError(f"no such file or directory: {error}") from None
    finally:
        progress.close()
    return report


@contextlib.contextmanager
def _frozen_afterwards() -> Iterator[None]:
    """Lint with the cyclic garbage collector off, then freeze every object there is
    before it runs again.

    The parsed objects stay alive until the output is written. Once the collector runs
    again, each full collection would rescan millions of them: formatting 30,000
    findings as JSON took 3.4 s instead of 0.6 s. Turned back on before the freeze (as
    ``lint_paths`` alone would), it would also scan them all once, at the next
    allocation: 5 ms of a one-file run.
    """
    gc.disable()  # lint_paths then leaves it off
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _say_unchecked(
    paths: list[str],
    stdin_filename: str | None,
    stdin: bytes | None,
    config: Config,
    report: Report,
    quiet: bool,
) -> bool:
    """Say what was not checked; True when that fails the run (exit 2)."""
    unchecked = _unchecked(paths, stdin_filename, stdin, config, report.summary)
    if unchecked is not None and not unchecked[1] and report.findings:
        unchecked = None  # the findings say why (a chart Helm cannot render, broken YAML)
    if unchecked is None:
        return False
    why, failed = unchecked
    if failed:
        _fail(why)
    else:
        _tell(f"warning: {why}", quiet)
    return failed


def _print_diff(report: Report, quiet: bool) -> int:
    """--diff: the safe fixes as a unified diff; exit 1 when there is one."""
    from kubelint.fix import unified_diff

    fixed = _fixes(report, quiet)
    for path, (before, after, made) in sorted(fixed.items()):
        sys.stdout.writelines(unified_diff(before, after, made, path))
    return EXIT_FINDINGS if fixed else EXIT_CLEAN


def _fix(
    args: argparse.Namespace,
    paths: list[str],
    config: Config,
    registry: Registry,
    report: Report,
    today: datetime.date,
) -> Report:
    """--fix: write the safe fixes, then the report of what remains."""
    from kubelint.lint import lint_paths
    from kubelint.writing import WriteRefused, write_fixed

    fixed = _fixes(report, args.quiet)
    for path, (before, after, made) in list(fixed.items()):
        count = len(made)
        bom = _bom(path)
        try:
            write_fixed(path, bom + before.encode("utf-8"), bom + after.encode("utf-8"))
        except WriteRefused as refused:
            _tell(
                f"warning: {path}: {count} fix{'es' if count != 1 else ''} not applied: {refused}",
                args.quiet,
            )
            del fixed[path]
        except OSError as error:
            raise _RunError(f"cannot write {path}: {error.strerror or error}") from None
    if not fixed:
        return report
    total = sum(len(made) for _, _, made in fixed.values())
    _tell(
        f"fixed {total} problem{'s' if total != 1 else ''} in"
        f" {len(fixed)} file{'s' if len(fixed) != 1 else ''}",
        args.quiet,
    )
    with _frozen_afterwards():
        return lint_paths(paths, config, registry, stdin_filename=args.stdin_filename, today=today)


def _baselines(args: argparse.Namespace, report: Report) -> Report:
    """--write-baseline records the findings; --baseline hides the recorded ones."""
    if args.write_baseline:
        from kubelint.baseline import render as render_baseline
        from kubelint.writing import write_report

        try:
            write_report(args.write_baseline, render_baseline(report.findings))
        except OSError as error:
            raise _RunError(
                f"cannot write {args.write_baseline}: {error.strerror or error}"
            ) from None
        count = len(report.findings)
        _tell(
            f"wrote {count} finding{'s' if count != 1 else ''} to the baseline"
            f" {args.write_baseline}",
            args.quiet,
        )
    if args.baseline:
        from kubelint import baseline

        try:
            report = baseline.apply(report, baseline.load(args.baseline))
        except baseline.BaselineError as error:
            raise _RunError(str(error)) from None
    return report


def _say_warnings(args: argparse.Namespace, report: Report) -> None:
    for warning in report.warnings:
        _tell(f"warning: {warning}", args.quiet)
    if args.verbose:  # never with --quiet (argparse refuses both)
        for note in report.notes:
            _tell(note)
        if report.summary.tool_configs:
            _tell(f"skipped {_tool_configs(report.summary.tool_configs)}")


def _stdin_text(args: argparse.Namespace, stdin: bytes | None) -> dict[str, str]:
    """Standard input's text by the name findings give it (for --show-source)."""
    if stdin is None or not args.show_source:
        return {}
    from kubelint.loader import decode, stdin_display

    return {stdin_display(args.stdin_filename): decode(stdin)[0]}


def _write_outputs(
    args: argparse.Namespace,
    outputs: list[_Output],
    report: Report,
    registry: Registry,
    texts: dict[str, str],
) -> None:
    """Render and write every report; ``texts``: inputs that are not files, by name."""
    from kubelint.formatters import FormatContext

    source = None
    if args.show_source:
        from kubelint.excerpts import source_lines

        source = source_lines(report.findings, texts)
    # Standard input cannot be fixed, nor can what --fix has just left.
    fix_hint = not args.fix and "-" not in args.paths
    for name, path, statistics in outputs:
        context = FormatContext(
            color=path is None and name == "text" and _use_color(args.color),
            version=__version__,
            summary=not args.quiet,
            fix_hint=fix_hint,
            source=source if name == "text" else None,
            link_base=args.link_base,
        )
        try:
            if statistics:
                from kubelint.formatters.statistics import RENDERERS

                text = RENDERERS[name](report, context)
            else:
                text = registry.formatters[name](report, context)
        except (Exception, SystemExit) as error:  # a plugin's formatter
            from kubelint.plugins import describe_error

            raise _RunError(f"the {name!r} formatter failed: {describe_error(error)}") from None
        if path is None:
            _write_stdout(text)
        else:
            from kubelint.writing import write_report  # only for a report written to a file

            try:
                write_report(path, text)
            except OSError as error:
                raise _RunError(f"cannot write {path}: {error.strerror or error}") from None


def _write_stdout(text: str) -> None:
    """Write ``text`` to standard output a slice at a time: written whole, it is first
    encoded whole, a copy of a report of megabytes at the run's peak of memory."""
    for start in range(0, len(text), _STDOUT_SLICE):
        sys.stdout.write(text[start : start + _STDOUT_SLICE])
    sys.stdout.flush()


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _tool_configs(counts: dict[str, int]) -> str:
    """``{"kustomize": 2, "kubeconfig": 1}`` -> ``2 kustomize configs, 1 kubeconfig``."""
    return ", ".join(
        _count(count, tool if tool.endswith("config") else f"{tool} config")
        for tool, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )


def _unchecked(
    paths: list[str],
    stdin_filename: str | None,
    stdin: bytes | None,
    config: Config,
    summary: Summary,
) -> tuple[str, bool] | None:
    """Why no Kubernetes object was checked, and whether that fails the run (exit 2);
    None when objects were checked.

    A CI gate must not pass on nothing: standard input without an object (an upstream
    ``helm template`` or ``kustomize build`` that failed) and directories without a file
    to lint (a wrong path, everything excluded) fail. Files named one by one, as
    pre-commit and editors pass them, may hold no object (a values file, a
    kustomization): that is a warning only, as is a tree of files without objects.
    """
    from kubelint.constants import MANIFEST_SUFFIXES
    from kubelint.loader import STDIN, discover, display_path, load_bytes

    named = [path for path in paths if path != STDIN]
    stdin_excluded = bool(stdin_filename) and config.is_excluded(
        os.path.abspath(str(stdin_filename))
    )
    if stdin is not None and not stdin_excluded:
        from kubelint.constants import MAX_FILE_BYTES

        if len(stdin) > MAX_FILE_BYTES:  # read up to one byte past the limit: refused
            return (
                f"standard input is larger than kubelint's limit of {MAX_FILE_BYTES:,}"
                " bytes, so nothing was checked (the yaml-limits finding); split it or"
                " lint the files it came from",
                True,
            )
        if named:  # the summary counts the named files too: look at standard input alone
            loaded = load_bytes(stdin, "<stdin>")
            objects, documents = len(loaded.objects), loaded.source.documents
        else:
            objects, documents = summary.objects, summary.documents
        if not objects:
            read = (
                f"{_count(documents, 'document')}, none is an object"
                if documents
                else "no YAML or JSON document"
            )
            what = (
                f"no Kubernetes object found in standard input ({read})"
                if stdin.strip()
                else "nothing was read from standard input"
            )
            return (
                f"{what}; the usual cause is an upstream command that failed, such as"
                " `helm template` or `kustomize build`",
                True,
            )
    if summary.objects:
        return None
    if summary.files == 0:  # every file was excluded, or there was none
        excluded = " excluded by the config" + (
            f" ({display_path(config.path)})" if config.path else ""
        )
        if not named:
            return f"standard input ({stdin_filename}) is{excluded}", False
        where = ", ".join(named)
        found = sum(1 for _ in discover(named, lambda _path: False))
        if not found:  # only directories can hold no file
            suffixes = ", ".join(f"*{suffix}" for suffix in MANIFEST_SUFFIXES)
            return f"no manifest files ({suffixes}) found under {where}", True
        if summary.gitignored:  # the files the config kept, git ignores
            kept = sum(1 for _ in discover(named, config.is_excluded))
            ignored = " ignored by git (see -v; --no-respect-gitignore lints what git ignores)"
            excluded = ignored if kept == found else excluded + " or" + ignored
        if any(os.path.isdir(path) for path in named):
            files = (
                f"the only file under {where} is"
                if found == 1
                else f"all {found} files under {where} are"
            )
            return files + excluded, True
        found += stdin_excluded
        files = "the file named is" if found == 1 else f"all {found} files named are"
        return files + excluded, False
    read = (
        f"{_count(summary.documents, 'document')} read, none is a Kubernetes object"
        if summary.documents
        else "they hold no YAML or JSON document"
    )
    return (
        f"nothing was checked in {_count(summary.files, 'file')}: {read}"
        " (values files, kustomizations and tools' configurations are skipped)",
        False,
    )


def _fixes(report, quiet: bool) -> dict[str, tuple[str, str, list[Any]]]:  # type: ignore[no-untyped-def]
    """path -> (text linted, text after, edits made) for every file a safe fix applies to.
    The edits apply to the text that was linted (their offsets are in it); writing checks
    that the file still holds it."""
    from kubelint.fix import apply_safe

    by_file: dict[str, list[object]] = {}
    for finding in report.findings:
        if finding.edit is not None:
            by_file.setdefault(finding.edit.file, []).append(finding.edit)
    fixed: dict[str, tuple[str, str, list[Any]]] = {}
    for path, edits in by_file.items():
        if _bom(path) not in (b"", b"\xef\xbb\xbf"):
            _tell(f"warning: {path}: not fixed: --fix writes UTF-8 files only", quiet)
            continue
        before = edits[0].linted  # type: ignore[attr-defined]
        # One edit per place (two findings may ask for the same change).
        unique = list({(e.start, e.end, e.text): e for e in edits}.values())  # type: ignore[attr-defined]
        after, made, refused = apply_safe(before, unique)  # type: ignore[arg-type]
        if refused:
            _tell(
                f"warning: {path}: {refused} fix{'es' if refused != 1 else ''} not applied:"
                " the result would not parse to the intended objects (a value shared"
                " through an alias, or overlapping fixes)",
                quiet,
            )
        if made:
            fixed[path] = (before, after, made)
    return fixed


def _bom(path: str) -> bytes:
    """The byte order mark the file starts with (b"" for none)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
    except OSError:
        return b""
    for mark in (
        b"\xff\xfe\x00\x00",
        b"\x00\x00\xfe\xff",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\xfe\xff",
    ):
        if head.startswith(mark):
            return mark
    return b""


def _rules(args: argparse.Namespace) -> int:
    config, registry = _load(args)
    profile = None
    if args.profile:
        config, profile = config.with_profile(args.profile, registry, "--profile")
    settings = config.rule_settings(None, registry)
    # With --profile, what the profile runs (and the config adds); else every rule.
    rows = sorted(
        (r for r in registry.rules.values() if profile is None or settings[r.id].enabled),
        key=lambda r: r.id,
    )
    if args.format == "json":
        document = [
            {
                "id": r.id,
                "category": r.category,
                "severity": r.severity,
                "enabled": settings[r.id].enabled,
                "summary": r.summary,
                "fixable": r.fixable,
                "aliases": list(r.aliases),
                "kinds": sorted(r.kinds) if r.kinds is not None else None,
                "options": dict(settings[r.id].options),
                "controls": [control.to_dict() for control in r.controls],
            }
            for r in rows
        ]
        print(json.dumps(document, indent=2))
        return EXIT_CLEAN
    if args.format == "markdown":  # for documentation: the defaults, not the config's
        from kubelint.docs import rules_table

        print("\n".join(rules_table(rows, lambda rule: rule.url)))
        return EXIT_CLEAN
    if profile is not None:
        from kubelint.profiles import describe

        print(describe(profile, config.kubernetes_version))
    width = max((len(r.id) for r in rows), default=0)
    group = max((len(r.category or "-") for r in rows), default=0)
    for r in rows:
        state = "on " if settings[r.id].enabled else "off"
        severity = settings[r.id].severity or r.severity
        fix = "fix" if r.fixable else "   "
        options = _changed_options(r, settings[r.id].options) if profile is not None else ""
        print(
            f"{r.id:<{width}}  {severity:<7}  {state}  {r.category or '-':<{group}}  {fix}"
            f"  {r.summary}{options}"
        )
    return EXIT_CLEAN


def _changed_options(rule, options) -> str:  # type: ignore[no-untyped-def]
    """``  [level=restricted, version=v1.33]``: the options that differ from the rule's
    defaults ("" when none does)."""
    defaults = rule.option_defaults()
    changed = [
        f"{name}={value if isinstance(value, str) else json.dumps(value)}"
        for name, value in options.items()
        if value != defaults.get(name)
    ]
    return f"  [{', '.join(changed)}]" if changed else ""


def _manifest_under(path: str, inputs: set[str]) -> bool:
    """Is ``path`` an existing manifest inside a directory being linted? Written there, a
    report would replace it (and, being kubelint's own output, it would not be linted).
    A report from an earlier run (no apiVersion and kind) may be replaced."""
    from kubelint.constants import MANIFEST_SUFFIXES

    real = os.path.realpath(path)
    if (
        not real.endswith(MANIFEST_SUFFIXES)
        or not os.path.isfile(real)
        or not any(
            real.startswith(directory.rstrip(os.sep) + os.sep)
            for directory in inputs
            if os.path.isdir(directory)
        )
    ):
        return False
    try:
        with open(real, encoding="utf-8", errors="replace") as handle:
            head = handle.read(1 << 20)
    except OSError:
        return False
    if real.endswith(".json"):
        try:
            data = json.loads(head)
        except ValueError:
            return True  # not a report of kubelint's: leave it alone
        return isinstance(data, dict) and "apiVersion" in data and "kind" in data
    # A YAML document's own keys start their lines.
    return all(re.search(rf"^{key}\s*:", head, re.M) for key in ("apiVersion", "kind"))


def _explain(args: argparse.Namespace) -> int:
    from kubelint.docs import rule_page

    _, registry = _load(args)
    rule_id = registry.resolve(args.rule)
    if rule_id is None:
        return _fail(_unknown_rule(args.rule, registry))
    rule = registry.rules[rule_id]
    extra = ""
    if rule.kinds is not None:
        extra += f"\nApplies to: {', '.join(sorted(rule.kinds))}."
    if rule.aliases:
        extra += f"\nAlso known as: {', '.join(rule.aliases)}."
    print(rule_page(rule, extra), end="")
    return EXIT_CLEAN
