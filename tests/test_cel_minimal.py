"""Expressions compile without the CEL extensions they do not name (kubelint keeps
about 10 MB less resident), and mean exactly what they mean in the whole environment."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest

pytest.importorskip("cel_expr_python")

from kubelint.cel import KUBERNETES_FUNCTIONS, evaluate, new_environment
from kubelint.policies.cost import _fields
from kubelint.policies.expressions import (
    _EXTENSION_NAMES,
    ExpressionError,
    _compile_message,
    compile_expression,
)
from kubelint.policies.expressions import evaluate as evaluate_program

#: The standard library's functions, besides the operators.
STANDARD = [
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "int",
    "uint",
    "double",
    "string",
    "bytes",
    "bool",
    "duration",
    "timestamp",
    "type",
    "dyn",
    "getDate",
    "getDayOfMonth",
    "getDayOfWeek",
    "getDayOfYear",
    "getFullYear",
    "getHours",
    "getMilliseconds",
    "getMinutes",
    "getMonth",
    "getSeconds",
]
RECEIVERS = ("self", "'s'", "[1]", "['a']", "{'a': 1}", "1", "1.0", "b'x'", "true")
ARGUMENTS = ("", "self", "self, self", "'a'", "'a', 1", "1", "[1]", "b'a'", "1.0")
OPERATORS = (
    "self + self",
    "self[0] + self['a']",
    "self.a.?b.orValue(1)",
    "self == self",
    "self < self",
    "self in self",
    "-self",
    "self ? 1 : 2",
    "self.all(x, x)",
    "self.map(x, x)",
    "has(self.a)",
)


def canonical(message: bytes) -> Any:
    """A serialized CheckedExpr with the entries of its maps in one order (cel-cpp
    writes them in hash order)."""
    try:
        return tuple(
            sorted(
                (
                    (number, canonical(value) if isinstance(value, bytes) and value else value)
                    for number, value in _fields(message)
                ),
                key=repr,
            )
        )
    except (ValueError, IndexError):
        return message


def test_only_the_names_the_extensions_declare_compile_otherwise() -> None:
    """Every call of a Kubernetes or standard function, and the operators, compile to the
    same checked expression in both environments, unless the expression names one of
    ``_EXTENSION_NAMES`` (it is then compiled in the whole environment). A new version of
    cel-expr-python whose extensions add overloads to another name fails here."""
    minimal = new_environment({"self": None}, minimal=True)
    whole = new_environment({"self": None})
    differ = set()
    for name in (*KUBERNETES_FUNCTIONS, *STANDARD):
        for arguments in ARGUMENTS:
            for text in (
                f"{name}({arguments})",
                *(f"{receiver}.{name}({arguments})" for receiver in RECEIVERS),
            ):
                try:
                    checked = minimal.compile(text).serialize()
                except RuntimeError:
                    continue  # compiled again in the whole environment
                if canonical(checked) != canonical(whole.compile(text).serialize()):
                    differ.add(name)
    for text in OPERATORS:
        assert canonical(minimal.compile(text).serialize()) == canonical(
            whole.compile(text).serialize()
        ), text
    assert differ == {"indexOf", "lastIndexOf"}
    assert all(_EXTENSION_NAMES.search(f"self.{name}('a')") for name in differ)


@pytest.mark.parametrize(
    ("expression", "data", "expected"),
    [
        ("self.indexOf('b')", "abc", 1),  # the strings extension's overload, not the list's
        ("self.lastIndexOf(2)", [2, 1, 2], 2),
        ("self.lowerAscii()", "ABC", "abc"),
        ("math.greatest(self, 3)", 5, 5),
        ("cel.bind(x, self, x + x)", 2, 4),
        ("base64.encode(b'a')", None, "YQ=="),
        ("self.?a.orValue(7)", {}, 7),
        ("self.a < self.b", {"a": 1, "b": 2}, True),
    ],
)
def test_expressions_evaluate_as_in_the_whole_environment(
    expression: str, data: Any, expected: object
) -> None:
    program = compile_expression(expression, ("self",))
    assert evaluate_program(program, {"self": data}) == (expected, None)
    whole = new_environment({"self": None}).compile(expression)
    assert evaluate(whole, {"self": data}) == (expected, None)


@pytest.mark.parametrize("expression", ["self.a +", "self.nope()", "self.a + 'x' + 1 > 2"])
def test_compile_errors_are_those_of_the_whole_environment(expression: str) -> None:
    with pytest.raises(RuntimeError) as whole:
        new_environment({"self": None}).compile(expression)
    try:
        compile_expression(expression, ("self",))
    except ExpressionError as error:
        assert str(error) == _compile_message(str(whole.value))
    else:
        pytest.fail(f"{expression!r} compiled")


def test_extension_modules_load_with_the_first_expression_that_names_them() -> None:
    code = textwrap.dedent(
        """
        import sys
        from kubelint.policies.expressions import compile_expression, evaluate
        extensions = ("strings", "math", "encoders", "bindings")
        names = ["cel_expr_python.ext.ext_" + name for name in extensions]
        program = compile_expression("self.a <= self.b", ("self",))
        print(evaluate(program, {"self": {"a": 1, "b": 2}}), [n in sys.modules for n in names])
        program = compile_expression("self.upperAscii()", ("self",))
        print(evaluate(program, {"self": "a"}), [n in sys.modules for n in names])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.splitlines() == [
        "(True, None) [False, False, False, False]",
        "('A', None) [True, True, True, True]",
    ]
