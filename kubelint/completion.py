"""``kubelint completion bash|zsh|fish``: a completion script for the shell.

Generated from the command line's argparse parser, so that no option can be missing, plus
the names the parser cannot know: rules and categories for ``--enable``/``--disable``,
formats, Kubernetes versions. The names are those of the built-in rules and installed
plugins when the script is generated (no config is read: the script serves every
directory), so the README tells users to regenerate it from their shell's startup file.

Each generator is small and uses only its shell's own machinery (bash's ``complete -F``
without the bash-completion package, zsh's ``_arguments``, fish's ``complete``): a
dependency such as shtab would still need hand-written functions for comma-separated
rule lists in each shell, which are most of the work.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

SHELLS = ("bash", "zsh", "fish")

# What an option's value, or a positional argument, completes to.
FILES, DIRECTORIES, WORDS, LIST, NOTHING = "files", "directories", "words", "list", "nothing"


@dataclass(frozen=True)
class Values:
    """What an option's value or a positional argument completes to."""

    kind: str
    #: The candidates of WORDS and LIST (a comma-separated list of them).
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Option:
    """An option of a command, as its completion needs it."""

    flags: tuple[str, ...]
    help: str
    values: Values | None  # None: a flag without a value
    repeatable: bool


@dataclass(frozen=True)
class Command:
    """A subcommand and what its options and arguments complete to."""

    name: str
    help: str
    options: tuple[Option, ...]
    #: What the positional arguments complete to (None: the command takes none).
    positional: Values | None
    many: bool = False  # several positional arguments


@dataclass(frozen=True)
class Names:
    """The names the parser cannot list."""

    selectors: tuple[str, ...] = ()  # all, categories, rules
    rules: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()  # kubelint's own (a config's cannot be known here)


@dataclass(frozen=True)
class Program:
    """The whole command line: its global options and subcommands."""

    name: str
    options: tuple[Option, ...]
    commands: tuple[Command, ...] = field(default_factory=tuple)


def render(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for ``shell`` (one of ``SHELLS``)."""
    from kubelint.config import selectors
    from kubelint.constants import KUBERNETES_VERSIONS
    from kubelint.plugins import build_registry
    from kubelint.profiles import BUILTIN

    registry = build_registry()
    names = Names(
        selectors=tuple(selectors(registry)),
        rules=tuple(sorted(registry.rules)),
        formats=tuple(sorted(registry.formatters)),
        versions=KUBERNETES_VERSIONS,
        profiles=tuple(BUILTIN),
    )
    return GENERATORS[shell](describe(parser, names))


def describe(parser: argparse.ArgumentParser, names: Names) -> Program:
    """The parser's commands, options and what their values complete to."""
    commands = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, subparser in action.choices.items():
                positionals = [a for a in subparser._actions if not a.option_strings]
                positional = _values(positionals[0], names) if positionals else None
                many = bool(positionals) and positionals[0].nargs in ("*", "+")
                commands.append(
                    Command(name, helps.get(name, ""), _options(subparser, names), positional, many)
                )
    return Program(parser.prog, _options(parser, names), tuple(commands))


def _options(parser: argparse.ArgumentParser, names: Names) -> tuple[Option, ...]:
    options = []
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        takes_value = action.nargs != 0
        options.append(
            Option(
                tuple(action.option_strings),
                _short_help(action.help or ""),
                _values(action, names) if takes_value else None,
                isinstance(action, argparse._AppendAction),
            )
        )
    return tuple(options)


def _short_help(text: str) -> str:
    """The help without its parentheses, up to a semicolon: a completion menu line."""
    return re.sub(r"\s*\([^()]*\)", "", text).split(";")[0].strip()


#: Values the parser does not list, by the argument's dest.
_NAMED: dict[str, Callable[[Names], Values]] = {
    "enable": lambda names: Values(LIST, names.selectors),
    "disable": lambda names: Values(LIST, names.selectors),
    "format": lambda names: Values(WORDS, names.formats),
    "kubernetes_version": lambda names: Values(WORDS, names.versions),
    "profile": lambda names: Values(WORDS, names.profiles),
    "rule": lambda names: Values(WORDS, names.rules),
}


def _values(action: argparse.Action, names: Names) -> Values:
    if action.choices is not None:
        return Values(WORDS, tuple(str(choice) for choice in action.choices))
    if action.dest in _NAMED:
        return _NAMED[action.dest](names)
    metavar = str(action.metavar or "")
    if "DIR" in metavar:
        return Values(DIRECTORIES)
    if metavar.endswith(("FILE", "PATH", "NAME")):
        return Values(FILES)
    return Values(NOTHING)  # free text: KEY=VALUE, a number of processes


# ---------------------------------------------------------------------------
# bash: a function for `complete -F` that fills COMPREPLY; bash 4 or newer.


def bash(program: Program) -> str:
    name = program.name
    function = f"_{_identifier(name)}"
    lines = [
        f"# bash completion for {name}, generated by `{name} completion bash`.",
        f"{function}_selectors={_bash_words(_selectors(program))}",
        "",
        f"{function}_reply() {{  # KIND [WORDS]: add the candidates for $cur to COMPREPLY",
        "    local line head=",
        "    case $1 in",
        "        files) compopt -o filenames 2>/dev/null",
        '            while IFS= read -r line; do COMPREPLY+=("$line"); done'
        ' < <(compgen -f -- "$cur") ;;',
        "        directories) compopt -o filenames 2>/dev/null",
        '            while IFS= read -r line; do COMPREPLY+=("$line"); done'
        ' < <(compgen -d -- "$cur") ;;',
        "        words)",
        '            while IFS= read -r line; do COMPREPLY+=("$line"); done'
        ' < <(compgen -W "$2" -- "$cur") ;;',
        "        list)  # a comma-separated list: complete its last item",
        "            [[ $cur == *,* ]] && head=${cur%,*},",
        '            while IFS= read -r line; do COMPREPLY+=("$head$line"); done'
        ' < <(compgen -W "$2" -- "${cur##*,}") ;;',
        "    esac",
        "}",
        "",
        f"{function}() {{",
        "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command= i",
        "    COMPREPLY=()",
        "    # bash splits --option=value at '=': complete the value of --option",
        '    if [[ $cur == "=" ]]; then',
        "        cur=",
        '    elif [[ $prev == "=" ]]; then',
        "        prev=${COMP_WORDS[COMP_CWORD-2]}",
        "    fi",
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        "        if [[ ${COMP_WORDS[i]} != -* ]]; then command=${COMP_WORDS[i]}; break; fi",
        "    done",
        "    case $command in",
        '        "")',
        f"            if [[ $cur == -* ]]; then {function}_reply words"
        f" {_bash_words(_flags(program.options))}",
        f"            else {function}_reply words"
        f" {_bash_words(c.name for c in program.commands)}; fi ;;",
    ]
    for command in program.commands:
        lines.append(f"        {command.name})")
        valued = [o for o in command.options if o.values is not None]
        if valued:
            lines.append("            case $prev in")
            for option in valued:
                assert option.values is not None
                lines.append(
                    f"                {'|'.join(option.flags)})"
                    f" {_bash_reply(function, option.values)}; return ;;"
                )
            lines.append("            esac")
        positional = _bash_reply(function, command.positional) if command.positional else ":"
        lines.append(
            f"            if [[ $cur == -* ]]; then {function}_reply words"
            f" {_bash_words(_flags(command.options))}"
        )
        lines.append(f"            else {positional}; fi ;;")
    lines += ["    esac", "}", "", f"complete -F {function} {name}", ""]
    return "\n".join(lines)


def _bash_reply(function: str, values: Values) -> str:
    if values.kind == LIST:  # the only list is of rule selectors, written once
        return f'{function}_reply list "${function}_selectors"'
    if values.kind == WORDS:
        return f"{function}_reply words {_bash_words(values.words)}"
    if values.kind == NOTHING:
        return ":"
    return f"{function}_reply {values.kind}"


def _bash_words(words: Iterable[str]) -> str:
    return _single_quoted(" ".join(words))


# ---------------------------------------------------------------------------
# zsh: _arguments specifications, as an autoloadable #compdef file that can also be
# sourced.


def zsh(program: Program) -> str:
    name = program.name
    function = f"_{_identifier(name)}"
    lines = [
        f"#compdef {name}",
        f"# zsh completion for {name}, generated by `{name} completion zsh`.",
        "",
        f"{function}_selectors() {{",
        f"    _sequence -s , compadd - {_zsh_words(_selectors(program))}",
        "}",
        "",
        f"{function}() {{",
        "    local curcontext=$curcontext state line ret=1",
        "    typeset -A opt_args",
        "    _arguments -C \\",
        *(f"        {spec} \\" for spec in _zsh_specs(function, program.options)),
        "        '1: :->command' \\",
        "        '*:: :->argument' && ret=0",
        "    case $state in",
        "        command)",
        "            local -a commands=(",
        *(f"                {_single_quoted(c.name + ':' + c.help)}" for c in program.commands),
        "            )",
        f"            _describe -t commands {_single_quoted(name + ' command')} commands"
        " && ret=0 ;;",
        "        argument)",
        f"            curcontext=${{curcontext%:*:*}}:{name}-$words[1]:",
        "            case $words[1] in",
    ]
    for command in program.commands:
        specs = _zsh_specs(function, command.options)
        if command.positional is not None:
            action = _zsh_action(function, command.positional)
            specs.append(_single_quoted(f"{'*' if command.many else ''}: :{action}"))
        lines.append(f"                {command.name})")
        lines.append("                    _arguments -s -S \\")
        lines.extend(f"                        {spec} \\" for spec in specs)
        lines[-1] = lines[-1].removesuffix(" \\") + " && ret=0 ;;"
        if not specs:
            lines[-1] = "                    _message 'no more arguments' ;;"
    lines += [
        "            esac ;;",
        "    esac",
        "    return ret",
        "}",
        "",
        f"if [[ $funcstack[1] == {function} ]]; then",
        f'    {function} "$@"',
        "else",
        f"    compdef {function} {name}",
        "fi",
        "",
    ]
    return "\n".join(lines)


def _zsh_specs(function: str, options: Sequence[Option]) -> list[str]:
    specs = []
    for option in options:
        exclusions = "" if option.repeatable else f"({' '.join(option.flags)})"
        if option.flags[0] in ("-h", "--help") or "--version" in option.flags:
            exclusions = "(- *)"  # nothing else after --help or --version
        description = "[" + option.help.replace("\\", "\\\\").replace("]", "\\]") + "]"
        for flag in option.flags:
            if option.values is None:
                spec = f"{exclusions}{flag}{description}"
            else:
                # --long=: the value after '=' or as the next word; -s+: attached or next.
                suffix = "=" if flag.startswith("--") else "+"
                action = _zsh_action(function, option.values)
                spec = f"{exclusions}{flag}{suffix}{description}: :{action}"
            specs.append(_single_quoted(("*" if option.repeatable else "") + spec))
    return specs


def _zsh_action(function: str, values: Values) -> str:
    if values.kind == FILES:
        return "_files"
    if values.kind == DIRECTORIES:
        return "_files -/"
    if values.kind == LIST:
        return f"{function}_selectors"
    if values.kind == WORDS:
        return "(" + _zsh_words(values.words) + ")"
    return " "


def _zsh_words(words: Sequence[str]) -> str:
    return " ".join(re.sub(r"([^\w./-])", r"\\\1", word) for word in words)


def _selectors(program: Program) -> tuple[str, ...]:
    for command in program.commands:
        for option in command.options:
            if option.values is not None and option.values.kind == LIST:
                return option.values.words
    return ()


# ---------------------------------------------------------------------------
# fish: `complete` lines with conditions on the command being completed.


def fish(program: Program) -> str:
    name = program.name
    function = f"__{_identifier(name)}"
    lines = [
        f"# fish completion for {name}, generated by `{name} completion fish`.",
        f"function {function}_command --description 'the {name} command being completed'",
        "    for word in (commandline -opc)[2..-1]",
        "        string match -q -- '-*' $word; and continue",
        "        echo $word",
        "        return 0",
        "    end",
        "    return 1",
        "end",
        "",
        f"function {function}_using --argument-names command",
        f'    test "$({function}_command)" = "$command"',
        "end",
        "",
        f"function {function}_list --description 'complete the last item of a comma-separated"
        " list'",
        "    set -l head (string replace -r -- '[^,=]*$' '' (commandline -ct))",
        "    string replace -r -- '^--[^=]*=' '' $head | read -l head",
        "    for word in $argv",
        '        echo "$head$word"',
        "    end",
        "end",
        "",
        f"function {function}_selectors --description 'all, the categories, the rules'",
        f"    printf '%s\\n' {_fish_quoted(' '.join(_selectors(program)))} | string split ' '",
        "end",
        "",
        f"complete -c {name} -e",
        f"complete -c {name} -f",
    ]
    top = f"not {function}_command"
    lines.extend(_fish_option(name, function, top, option) for option in program.options)
    for command in program.commands:
        lines.append(
            f"complete -c {name} -n {_single_quoted(top)} -a {command.name}"
            f" -d {_fish_quoted(command.help)}"
        )
    for command in program.commands:
        condition = f"{function}_using {command.name}"
        lines.extend(_fish_option(name, function, condition, option) for option in command.options)
        if command.positional is not None and command.positional.kind != NOTHING:
            lines.append(
                f"complete -c {name} -n {_single_quoted(condition)}"
                f" {_fish_values(function, command.positional)}"
            )
    lines.append("")
    return "\n".join(lines)


def _fish_option(name: str, function: str, condition: str, option: Option) -> str:
    flags = " ".join(
        f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}" for flag in option.flags
    )
    values = (
        "" if option.values is None else " " + _fish_values(function, option.values, required=True)
    )
    return (
        f"complete -c {name} -n {_single_quoted(condition)} {flags}{values}"
        f" -d {_fish_quoted(option.help)}"
    )


def _fish_values(function: str, values: Values, required: bool = False) -> str:
    need = "-r " if required else ""
    if values.kind == FILES:
        return f"{need}-F"
    if values.kind == DIRECTORIES:
        return f"{need}-f -a '(__fish_complete_directories)'"
    if values.kind == WORDS:
        return f"{need}-f -a {_fish_quoted(' '.join(values.words))}"
    if values.kind == LIST:  # the only list is of rule selectors
        return f"{need}-f -a '({function}_list ({function}_selectors))'"
    return f"{need}-f"


def _fish_quoted(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# ---------------------------------------------------------------------------


def _flags(options: Sequence[Option]) -> list[str]:
    return [flag for option in options for flag in option.flags]


def _identifier(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _single_quoted(text: str) -> str:
    """``text`` as one POSIX shell word (bash and zsh)."""
    return "'" + text.replace("'", "'\\''") + "'"


GENERATORS: dict[str, Callable[[Program], str]] = {"bash": bash, "zsh": zsh, "fish": fish}
