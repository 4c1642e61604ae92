"""CEL for policies: compiling against the Kubernetes CEL environment, and finding which
field an expression is about, so a finding points at that field's line.

Expressions compile once, when the policy loads (a syntax or type error is a policy error
naming the policy file's line); programs are evaluated per object.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kubelint.model import Path

#: Policies that use CEL need cel-expr-python, which has wheels for Python 3.11+ only.
CEL_MISSING = ("CEL expressions need the cel-expr-python package, which supports Python 3.11"
               " and newer; install it (pip install cel-expr-python) or use JSON Schema"
               " policies")

_environments: dict[frozenset[str], Any] = {}


class ExpressionError(Exception):
    """A CEL expression does not compile (the message says where and why)."""


def compile_expression(expression: str, variables: Iterable[str]) -> Any:
    """A compiled program with ``variables`` declared (of dynamic type)."""
    names = frozenset(variables)
    environment = _environments.get(names)
    if environment is None:
        try:
            from kubelint.cel_library import new_environment
        except ImportError as error:
            raise ExpressionError(CEL_MISSING) from error
        from cel_expr_python import cel

        environment = _environments[names] = new_environment(
            {name: cel.Type.DYN for name in sorted(names)})
    try:
        return environment.compile(expression)
    except Exception as error:  # cel-cpp reports syntax and type errors as RuntimeError
        raise ExpressionError(_compile_message(str(error))) from error


_MISSING_KEY = re.compile(r'(?:NOT_FOUND: )?Key not found in map ?: ?"?(?P<key>[^"]*)"?')


def evaluate(program: Any, data: dict[str, Any]) -> tuple[Any, str | None]:
    """(value, None), or (None, the error message)."""
    from kubelint.cel_library import evaluate as run

    value, error = run(program, data)
    if error is not None:
        # cel-cpp's wording -> the API server's (cel-go), which policy authors know.
        error = _MISSING_KEY.sub(lambda m: f"no such key: {m['key']}", error)
    return value, error


def _compile_message(text: str) -> str:
    # "INVALID_ARGUMENT: ERROR: <input>:1:5: Syntax error: ... | expr | ....^" -> one line
    text = text.replace("INVALID_ARGUMENT: ", "").replace("ERROR: ", "")
    first = text.strip().splitlines()[0] if text.strip() else "invalid expression"
    return first.replace("<input>:", "column ").strip()


# ---------------------------------------------------------------------------
# Which field an expression names.

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>[rR]?[bB]?(?:'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"))
  | (?P<number>\d+(?:\.\d+)?[uU]?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\.\?|\?\.|&&|\|\||==|!=|<=|>=|[.\[\](),!?:<>+\-*/%{}])
  | (?P<other>.)
""", re.X | re.S)

#: Kubernetes escapes field names that are not CEL identifiers.
_ESCAPES = {"__underscores__": "__", "__dot__": ".", "__dash__": "-", "__slash__": "/"}
_ESCAPED_KEYWORD = re.compile(r"^__([a-z]+)__$")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokens(expression: str) -> list[Token]:
    out = []
    for match in _TOKEN.finditer(expression):
        kind = match.lastgroup or "other"
        if kind != "space":
            out.append(Token(kind, match.group()))
    return out


def _unescape(name: str) -> str:
    for escaped, plain in _ESCAPES.items():
        name = name.replace(escaped, plain)
    keyword = _ESCAPED_KEYWORD.match(name)
    return keyword.group(1) if keyword and keyword.group(1) in _KEYWORDS else name


_KEYWORDS = frozenset({"true", "false", "null", "in", "as", "break", "const", "continue",
                       "else", "for", "function", "if", "import", "let", "loop", "package",
                       "namespace", "return", "var", "void", "while"})


def _literal(token: Token) -> str | int | None:
    if token.kind == "number" and token.text.isdigit():
        return int(token.text)
    if token.kind == "string" and token.text[:1] in "'\"":
        body = token.text[1:-1]
        return body.encode().decode("unicode_escape") if "\\" in body else body
    return None


def _chain(items: Sequence[Token], start: int) -> tuple[list[str | int], int]:
    """The selects and constant indexes after ``items[start]`` (an identifier), and the
    position after them. A trailing name followed by ``(`` is a method call, not a field."""
    path: list[str | int] = []
    position = start + 1
    while position < len(items):
        token = items[position]
        if token.text in (".", ".?") and position + 1 < len(items) \
                and items[position + 1].kind == "ident":
            if position + 2 < len(items) and items[position + 2].text == "(":
                break
            path.append(_unescape(items[position + 1].text))
            position += 2
        elif token.text == "[" and position + 2 < len(items) and items[position + 2].text == "]":
            literal = _literal(items[position + 1])
            if literal is None:
                break
            path.append(literal)
            position += 3
        else:
            break
    return path, position


def first_field(expression: str, roots: Iterable[str]) -> tuple[str, list[str | int]] | None:
    """The first ``root.a.b['c']`` chain in ``expression`` whose root is one of ``roots``:
    the field the expression is about (``has(object.metadata.labels)`` -> metadata.labels)."""
    wanted = set(roots)
    items = tokens(expression)
    for position, token in enumerate(items):
        if token.kind != "ident" or token.text not in wanted:
            continue
        if position > 0 and items[position - 1].text in (".", ".?"):
            continue  # a field that happens to share the root's name
        path, _ = _chain(items, position)
        return token.text, path
    return None


@dataclass(frozen=True)
class Quantifier:
    """``[!]root.path.all(var, body)`` (or exists/exists_one), the whole expression."""

    root: str
    path: list[str | int]
    macro: str
    variable: str
    body: str
    negated: bool


def quantifier(expression: str, roots: Iterable[str]) -> Quantifier | None:
    """The expression as one macro over a list, so the failing items can be found."""
    items = tokens(expression)
    negated = bool(items) and items[0].text == "!"
    start = 1 if negated else 0
    if len(items) < start + 7 or items[start].kind != "ident" \
            or items[start].text not in set(roots):
        return None
    path, position = _chain(items, start)
    # . macro ( var , body )
    if not (position + 4 < len(items) and items[position].text == "."
            and items[position + 1].text in ("all", "exists", "exists_one")
            and items[position + 2].text == "(" and items[position + 3].kind == "ident"
            and items[position + 4].text == ","):
        return None
    if items[-1].text != ")" or _closing(items, position + 2) != len(items) - 1:
        return None
    macro = items[position + 1].text
    # all(): the items where the body is not true fail; !exists(): those where it is.
    if (macro, negated) not in (("all", False), ("exists", True)):
        return None
    # The body's text: everything between the comma and the final parenthesis.
    body = _source_between(expression, items, position + 5, len(items) - 1)
    return Quantifier(items[start].text, path, macro, items[position + 3].text, body, negated)


def _closing(items: Sequence[Token], opening: int) -> int:
    depth = 0
    for position in range(opening, len(items)):
        if items[position].text in ("(", "[", "{"):
            depth += 1
        elif items[position].text in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return position
    return -1


def _source_between(expression: str, items: Sequence[Token], first: int, end: int) -> str:
    """The expression text of tokens ``first`` up to (not including) ``end``."""
    offsets = []
    cursor = 0
    for match in _TOKEN.finditer(expression):
        if match.lastgroup != "space":
            offsets.append(match.start())
        cursor = match.end()
    offsets.append(cursor)
    return expression[offsets[first]:offsets[end]].strip()


def parse_field_path(text: str) -> Path:
    """``spec.containers[0].image`` or ``.metadata.labels['app']`` -> a path tuple."""
    path: list[str | int] = []
    for match in re.finditer(r"\.?([A-Za-z0-9_\-/]+)|\[\s*(\d+)\s*\]|\[\s*['\"]([^'\"]*)['\"]\s*\]",
                             text):
        if match.group(1) is not None:
            path.append(match.group(1))
        elif match.group(2) is not None:
            path.append(int(match.group(2)))
        else:
            path.append(match.group(3))
    return tuple(path)
