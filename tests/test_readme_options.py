"""Every option of every command is documented in the README (and so in `--help`, where
argparse lists it): an option added without its paragraph fails here."""

from __future__ import annotations

import argparse
import re

from kubelint.cli import _parser
from tests.helpers import ROOT


def options() -> list[tuple[str, str]]:
    commands = next(
        action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction)
    )
    return [
        (name, option)
        for name, command in commands.choices.items()
        for action in command._actions
        for option in action.option_strings
        if option not in ("-h", "--help")
    ]


def test_every_option_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        f"kubelint {name} {option}"
        for name, option in options()
        if not re.search(re.escape(option) + r"(?![\w-])", readme)
    ]
    assert missing == []


def test_every_command_is_in_the_readme():
    commands = next(
        action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction)
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in commands.choices if f"kubelint {name}" not in readme] == []
