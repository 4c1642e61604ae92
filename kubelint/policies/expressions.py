"""CEL for policies: compiling against the Kubernetes CEL environment, and finding which
field an expression is about, so a finding points at that field's line.

Expressions compile once, when the policy loads (a syntax or type error is a policy error
naming the policy file's line); programs are evaluated per object.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kubelint.model import Path
from kubelint.patterns import lazy_compile

if TYPE_CHECKING:  # the cost model loads with the first compiled expression, not at start
    from kubelint.policies.cost import Bound, Plan

#: Policies that use CEL need cel-expr-python, which has wheels for Python 3.11+ only.
CEL_MISSING = (
    "CEL expressions need the cel-expr-python package, which supports Python 3.11"
    " and newer; install it (pip install cel-expr-python) or use JSON Schema"
    " policies"
)

_environments: dict[tuple[frozenset[str], bool, bool], Any] = {}

#: The functions and macros of the CEL extensions a minimal environment leaves out
#: (``kubelint.cel.new_environment``). Only ``indexOf`` and ``lastIndexOf`` must be here:
#: the Kubernetes library declares them too, for lists, so such an expression can compile
#: without the strings extension and mean something else. The others fail to compile
#: there and would be compiled again; naming them saves that attempt.
_EXTENSION_NAMES = lazy_compile(
    r"\b(?:indexOf|lastIndexOf|charAt|format|join|lowerAscii|upperAscii|replace|reverse"
    r"|split|substring|trim|quote|strings|math|base64|bind)\b"
)


class ExpressionError(Exception):
    """A CEL expression does not compile (the message says where and why)."""


@dataclass(frozen=True)
class Program:
    """A compiled expression: cel-cpp's program, the plan that keeps its evaluation
    within budget (None when it cannot build more than its input, see
    ``kubelint.policies.cost``), and, for an expression reading ``objects``, the same
    expression compiled to run in one reused activation (see ``evaluate``)."""

    expression: Any
    plan: Plan | None
    over_objects: Any = None


def _environment(
    names: frozenset[str], bound_variables: bool = False, minimal: bool = False
) -> Any:
    environment = _environments.get((names, bound_variables, minimal))
    if environment is None:
        try:
            from kubelint.cel import new_environment
        except ImportError as error:
            raise ExpressionError(CEL_MISSING) from error
        from cel_expr_python import cel

        environment = _environments[names, bound_variables, minimal] = new_environment(
            {name: cel.Type.DYN for name in sorted(names)},
            bound_variables=bound_variables,
            minimal=minimal,
        )
    return environment


def _compile(expression: str, names: frozenset[str]) -> Any:
    """cel-cpp's program for ``expression``, compiled first without the extensions it
    does not name: most CRD rules and policies use none, and loading them would keep
    about 10 MB more resident for the run. What does not compile there is compiled in
    the whole environment, which decides (and words the error) as it always did."""
    if _EXTENSION_NAMES.search(expression) is None:
        try:
            return _environment(names, minimal=True).compile(expression)
        except ExpressionError:
            raise
        except Exception:  # cel-cpp's RuntimeError: the whole environment decides
            pass
    return _environment(names).compile(expression)


def compile_expression(
    expression: str, variables: Iterable[str], *, budget_at_load: bool = False
) -> Program:
    """A compiled program with ``variables`` declared (of dynamic type).

    ``budget_at_load``: also refuse an expression that is over the evaluation budget
    whatever its input (``cel.bind`` doubling a literal), as the API server refuses a
    policy whose estimated cost is over its limit; otherwise that shows per evaluation.
    """
    from kubelint.policies.cost import OverBudget, Plan

    names = frozenset(variables)
    try:
        compiled = _compile(expression, names)
    except ExpressionError:
        raise
    except Exception as error:  # cel-cpp reports syntax and type errors as RuntimeError
        raise ExpressionError(_compile_message(str(error))) from error
    plan = Plan(compiled.serialize())
    if budget_at_load:
        try:
            plan.check({})
        except OverBudget as error:
            raise ExpressionError(
                f"over kubelint's evaluation budget whatever the input: {error}"
            ) from error
    over_objects = None
    if "objects" in names and "objects" in plan.names:
        over_objects = _compile_over_objects(expression, plan.names & names)
    return Program(compiled, plan if plan.needed else None, over_objects)


def _compile_over_objects(expression: str, used: Iterable[str]) -> Any:
    """``expression`` with every variable but ``objects`` bound from per-evaluation
    data: the activation holding ``objects`` (every object of the run) is then built
    once, where giving ``objects`` as data converted it again for each evaluation."""
    from kubelint.cel import BOUND_VARIABLE

    text = expression
    for name in sorted(set(used) - {"objects"}, reverse=True):
        # Newlines: a // comment at the end of the expression must not swallow the ")".
        text = f"cel.bind({name}, {BOUND_VARIABLE}('{name}'),\n{text}\n)"
    return _environment(frozenset({"objects"}), bound_variables=True).compile(text)


_MISSING_KEY = lazy_compile(r'(?:NOT_FOUND: )?Key not found in map ?: ?"?(?P<key>[^"]*)"?')


def evaluate(program: Program, data: dict[str, Any]) -> tuple[Any, str | None]:
    """(value, None), or (None, the error message)."""
    from kubelint.cel import evaluate as run
    from kubelint.cel import evaluate_bound

    if program.plan is not None:
        from kubelint.policies.cost import OverBudget

        try:
            program.plan.check(data, _shape)
        except OverBudget as over:
            return None, f"over kubelint's evaluation budget: {over}"
    objects = data.get("objects")
    if program.over_objects is not None and isinstance(objects, list):
        value, error = evaluate_bound(program.over_objects, _activation(objects), data)
    else:
        value, error = run(program.expression, data)
    if error is not None:
        # cel-cpp's wording -> the API server's (cel-go), which policy authors know.
        error = _MISSING_KEY.sub(lambda m: f"no such key: {m['key']}", error)
        error = error.replace(
            "Applying SELECT to non-message type", "selecting a field of a value that is not a map"
        )
    return value, error


#: Per thread: the activation of the last ``objects`` list (one list per run), and the
#: bounds of recently evaluated data (a rule's validations share one object's data).
_reused = threading.local()
_SHAPES_KEPT = 16


def _activation(objects: list[Any]) -> Any:
    kept = getattr(_reused, "activation", None)
    if kept is None or kept[0] is not objects:
        environment = _environment(frozenset({"objects"}), bound_variables=True)
        kept = _reused.activation = (objects, environment.Activation({"objects": objects}))
    return kept[1]


def _shape(value: Any) -> Bound:
    """``cost.shape(value)``, remembered for the values used last (kept alive, so their
    ids stay theirs): ``objects`` is the same list for every object of a run."""
    from kubelint.policies.cost import shape

    if isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return shape(value)
    kept: dict[int, tuple[Any, Bound]] | None = getattr(_reused, "shapes", None)
    if kept is None:
        kept = _reused.shapes = {}
    found = kept.pop(id(value), None)
    if found is not None and found[0] is value:
        kept[id(value)] = found  # the most recently used goes last
        return found[1]
    bound = shape(value)
    if len(kept) >= _SHAPES_KEPT:
        kept.pop(next(iter(kept)))
    kept[id(value)] = (value, bound)
    return bound


def _compile_message(text: str) -> str:
    # "INVALID_ARGUMENT: ERROR: <input>:1:5: Syntax error: ... | expr | ....^" -> one line;
    # also "CANCELLED: Expression recursion limit exceeded. limit: 32 [CANCELLED]".
    text = re.sub(r"^(?:[A-Z_]{4,}: )+", "", text.strip()).replace("ERROR: ", "")
    first = text.strip().splitlines()[0] if text.strip() else "invalid expression"
    first = re.sub(r"\s*\[[A-Z_]+\]$", "", first)
    # cel-cpp has no position for some errors (the parser's recursion limit): "-1:-1".
    return first.replace("<input>:-1:-1: ", "").replace("<input>:", "column ").strip()


# ---------------------------------------------------------------------------
# Which field an expression names.

_TOKEN = lazy_compile(
    r"""
    (?P<space>\s+)
  | (?P<string>[rR]?[bB]?(?:'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"))
  | (?P<number>\d+(?:\.\d+)?[uU]?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\.\?|\?\.|&&|\|\||==|!=|<=|>=|[.\[\](),!?:<>+\-*/%{}])
  | (?P<other>.)
""",
    re.X | re.S,
)

#: Kubernetes escapes field names that are not CEL identifiers.
_ESCAPES = {"__underscores__": "__", "__dot__": ".", "__dash__": "-", "__slash__": "/"}
_ESCAPED_KEYWORD = lazy_compile(r"^__([a-z]+)__$")


@dataclass(frozen=True)
class Token:
    """A token of a policy expression and where it starts."""

    kind: str
    text: str
    start: int  # offset in the expression


def tokens(expression: str) -> list[Token]:
    out = []
    for match in _TOKEN.finditer(expression):
        kind = match.lastgroup or "other"
        if kind != "space":
            out.append(Token(kind, match.group(), match.start()))
    return out


def _unescape(name: str) -> str:
    for escaped, plain in _ESCAPES.items():
        name = name.replace(escaped, plain)
    keyword = _ESCAPED_KEYWORD.match(name)
    return keyword.group(1) if keyword and keyword.group(1) in _KEYWORDS else name


_KEYWORDS = frozenset(
    {
        "true",
        "false",
        "null",
        "in",
        "as",
        "break",
        "const",
        "continue",
        "else",
        "for",
        "function",
        "if",
        "import",
        "let",
        "loop",
        "package",
        "namespace",
        "return",
        "var",
        "void",
        "while",
    }
)


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
        if (
            token.text in (".", ".?")
            and position + 1 < len(items)
            and items[position + 1].kind == "ident"
        ):
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
    found = chains(expression, roots)
    return found[0] if found else None


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
    if (
        len(items) < start + 7
        or items[start].kind != "ident"
        or items[start].text not in set(roots)
    ):
        return None
    path, position = _chain(items, start)
    # . macro ( var , body )
    if not (
        position + 4 < len(items)
        and items[position].text == "."
        and items[position + 1].text in ("all", "exists", "exists_one")
        and items[position + 2].text == "("
        and items[position + 3].kind == "ident"
        and items[position + 4].text == ","
    ):
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
    stop = items[end].start if end < len(items) else len(expression)
    return expression[items[first].start : stop].strip()


def parse_field_path(text: str) -> Path:
    """``spec.containers[0].image`` or ``.metadata.labels['app']`` -> a path tuple."""
    path: list[str | int] = []
    for match in re.finditer(
        r"\.?([A-Za-z0-9_\-/]+)|\[\s*(\d+)\s*\]|\[\s*['\"]([^'\"]*)['\"]\s*\]", text
    ):
        if match.group(1) is not None:
            path.append(match.group(1))
        elif match.group(2) is not None:
            path.append(int(match.group(2)))
        else:
            path.append(match.group(3))
    return tuple(path)


# ---------------------------------------------------------------------------
# Which field a failing expression is about, found by evaluating its parts.


def chains(expression: str, roots: Iterable[str]) -> list[tuple[str, list[str | int]]]:
    """Every ``root.a.b['c']`` chain of ``expression`` whose root is one of ``roots``, in
    order (``first_field`` is the first of them)."""
    wanted = set(roots)
    items = tokens(expression)
    found = []
    for position, token in enumerate(items):
        if token.kind != "ident" or token.text not in wanted:
            continue
        if position > 0 and items[position - 1].text in (".", ".?"):
            continue  # a field that happens to share the root's name
        path, _ = _chain(items, position)
        found.append((token.text, path))
    return found


def _depth(value: Any, path: Sequence[str | int]) -> int:
    """How many steps of ``path`` exist in ``value``."""
    for depth, part in enumerate(path):
        if isinstance(part, int):
            if not isinstance(value, list) or not 0 <= part < len(value):
                return depth
        elif not isinstance(value, dict) or part not in value:
            return depth
        value = value[part]
    return len(path)


def most_specific(
    found: Sequence[tuple[str, list[str | int]]], data: dict[str, Any]
) -> tuple[str, list[str | int]] | None:
    """The chain reaching deepest into ``data`` (the first of equals): in
    ``!has(c.securityContext) || !c.securityContext.privileged`` the field that decides
    is ``securityContext.privileged``, where the object has one."""
    best: tuple[str, list[str | int]] | None = None
    best_depth = -1
    for root, path in found:
        depth = _depth(data.get(root), path)
        if depth > best_depth:
            best, best_depth = (root, path), depth
    return best


def split_conjuncts(expression: str) -> list[str]:
    """``a && b && c`` -> [a, b, c] (the source texts); [expression] when its top level
    is not a conjunction (a ``||`` or a ternary binds looser than ``&&``)."""
    items = tokens(expression)
    while items and items[0].text == "(" and _closing(items, 0) == len(items) - 1:
        expression = _source_between(expression, items, 1, len(items) - 1)
        items = tokens(expression)
    cuts = []
    depth = 0
    for position, token in enumerate(items):
        if token.text in ("(", "[", "{"):
            depth += 1
        elif token.text in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and token.text in ("||", "?"):
            return [expression]
        elif depth == 0 and token.text == "&&":
            cuts.append(position)
    if not cuts:
        return [expression]
    bounds = [-1, *cuts, len(items)]
    return [
        _source_between(expression, items, start + 1, end)
        for start, end in itertools.pairwise(bounds)
        if end > start + 1
    ]


@dataclass
class _Part:
    """One part of a failing expression, compiled to explain where it fails."""

    text: str
    program: Any  # None: the whole expression, whose program the caller evaluated
    quantifier: Quantifier | None
    body: Any  # the quantifier's body, compiled with its variable declared


#: One place a failing expression is about: (root variable, path under it, the variables
#: with a quantifier's item bound, for a messageExpression that names it).
Place = tuple[str, tuple[str | int, ...], dict[str, Any]]


class Locator:
    """Finds the fields a failing expression is about. A conjunction is split, and the
    first part that is not true decides; ``list.all(x, body)`` (and
    ``!list.exists(x, body)``) gives each failing item, at the field of ``x`` that the
    body names most specifically (a map's failing keys, at the key); otherwise the chain
    of one of ``roots`` that reaches deepest into the data."""

    def __init__(self, expression: str, variables: Iterable[str], roots: Iterable[str]):
        self.expression = expression
        self.roots = tuple(roots)
        declared = tuple(variables)
        texts = split_conjuncts(expression)
        self.parts: list[_Part] = []
        try:
            for text in texts:
                program = compile_expression(text, declared) if len(texts) > 1 else None
                self.parts.append(_Part(text, program, None, None))
        except ExpressionError:  # not expected of a part of a valid expression
            self.parts = [_Part(expression, None, None, None)]
        for part in self.parts:
            found = quantifier(part.text, self.roots)
            if found is None:
                continue
            try:
                part.body = compile_expression(found.body, (*declared, found.variable))
                part.quantifier = found
            except ExpressionError:
                pass

    @property
    def quantifier(self) -> Quantifier | None:
        """The quantifier the whole expression is, if it is one."""
        return self.parts[0].quantifier if len(self.parts) == 1 else None

    def places(self, data: dict[str, Any]) -> list[Place]:
        """Where the expression fails for ``data`` (evaluated when it was not true)."""
        for part in self.parts:
            if part.program is not None:
                value, error = evaluate(part.program, data)
                if error is None and value is True:
                    continue
            if part.quantifier is not None and part.body is not None:
                items = self._failing_items(part.quantifier, part.body, data)
                if items:
                    return items
            return self._best(part.text, data)
        return self._best(self.expression, data)

    def _best(self, text: str, data: dict[str, Any]) -> list[Place]:
        chain = most_specific(chains(text, self.roots), data)
        return [(chain[0], tuple(chain[1]), data)] if chain is not None else []

    def _failing_items(self, found: Quantifier, body: Any, data: dict[str, Any]) -> list[Place]:
        items: Any = data.get(found.root)
        for part in found.path:
            if isinstance(part, int) and isinstance(items, list) and 0 <= part < len(items):
                items = items[part]
            elif isinstance(part, str) and isinstance(items, dict):
                items = items.get(part)
            else:
                return []
        if isinstance(items, dict):
            pairs: list[tuple[str | int, Any]] = [(key, key) for key in items]
        elif isinstance(items, list):
            pairs = list(enumerate(items))
        else:
            return []
        inner = chains(found.body, (found.variable,))
        failing: list[Place] = []
        for where, item in pairs:
            bound = {**data, found.variable: item}
            value, error = evaluate(body, bound)
            bad = value is True if found.negated else (error is not None or value is not True)
            if not bad:
                continue
            path: tuple[str | int, ...] = (*found.path, where)
            if not isinstance(items, dict):  # a map's item is its key: point at the key
                chain = most_specific(inner, bound)
                path = (*path, *(chain[1] if chain else ()))
            failing.append((found.root, path, bound))
        return failing
