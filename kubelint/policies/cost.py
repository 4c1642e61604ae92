"""A budget for each CEL evaluation, checked before the expression runs.

A policy or a CRD's ``x-kubernetes-validations`` can build values far larger than its
input: ``cel.bind`` doubling a string 26 times, or three chained ``replace()`` calls,
ask for gigabytes. The API server refuses such rules through CEL's cost estimation;
kubelint evaluates untrusted rules in a CI gate, so it estimates too, and an expression
over budget becomes a finding (``the expression failed: ...``) instead of an
out-of-memory kill.

How: the compiled expression (cel-cpp's checked AST, with macros expanded into
comprehensions) is walked once per evaluation with *bounds* in place of values. A
bound is an upper limit on a value's size (characters of a string, items and their
sizes for a list or map), on its item count, and on the bounds of its items and known
fields, taken from the actual data the expression is given. Each operation that
allocates (string ``+``, ``replace``, ``join``, ``format``, ``string()``...) adds what it
could allocate to the evaluation's total, and each scan (``contains``, ``matches``,
``==``...) adds what it could read. Comprehensions are followed step by step until
their accumulator grows by a steady amount, then extrapolated; cel-cpp stops any
evaluation after 10,000 iterations, which bounds loops.

The budget: at most ``ALLOCATION_LIMIT`` (64 Mi) characters or items allocated and
``COST_LIMIT`` (256 Mi) characters allocated or scanned per evaluation. 64 MiB is the
most kubelint reads of one input, so a rule may build values as large as the largest
input but not amplify it; at cel-cpp's speed (``replace()`` copies ~20 M characters a
second here) the cost limit keeps one evaluation to seconds, not minutes. The
estimate is an upper bound: values that are only selected from the input (``o.spec``,
``objects.map(o, o)``) cost nothing, since cel-cpp shares them.

Expressions that cannot allocate or scan more than their input (no string building,
no nested comprehensions) are not estimated at all (``Plan.needed``).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

ALLOCATION_LIMIT = 64 * 2**20
COST_LIMIT = 256 * 2**20
#: cel-expr-python fails an evaluation after this many comprehension iterations.
ITERATION_LIMIT = 10_000
#: Shapes of data deeper than this are summarised by their size alone.
SHAPE_DEPTH = 32
_HUGE = 2**62


class OverBudget(Exception):
    """The expression could allocate or scan more than an evaluation may."""


# ---------------------------------------------------------------------------
# Bounds.


@dataclass(slots=True)
class Bound:
    """Upper limits on one value: ``size`` (characters of a string or bytes; items plus
    their sizes for a list or map; 1 for a scalar), ``count`` (items of a list or map),
    ``item`` (any item of a list or value of a map; None: only ``size`` is known),
    ``keys`` (any key of a map) and ``fields`` (known keys of a map)."""

    size: int
    count: int = 0
    item: Bound | None = None
    keys: Bound | None = None
    fields: dict[str, Bound] | None = None

    def element(self) -> Bound:
        return self.item if self.item is not None else _whole(self.size)

    def member(self, name: str) -> Bound:
        if self.fields is not None and name in self.fields:
            return self.fields[name]
        return self.element()


SCALAR = Bound(1)


def _whole(size: int) -> Bound:
    """A value known only by its size: any part of it is at most as large."""
    return Bound(size, size)


def _cap(number: int) -> int:
    return number if number < _HUGE else _HUGE


def merge(a: Bound | None, b: Bound | None) -> Bound | None:
    """A bound for a value that is either ``a`` or ``b``."""
    if a is None or b is None:
        return None
    if a is b:
        return a
    fields = None
    if a.fields is not None and b.fields is not None:
        fields = dict(a.fields)
        for name, bound in b.fields.items():
            if name in fields:
                bound = merge(fields[name], bound) or _whole(max(fields[name].size, bound.size))
            fields[name] = bound
    return Bound(
        max(a.size, b.size),
        max(a.count, b.count),
        merge(a.item, b.item),
        merge(a.keys, b.keys),
        fields,
    )


def _merge_all(bounds: list[Bound]) -> Bound | None:
    result: Bound | None = bounds[0] if bounds else None
    for bound in bounds[1:]:
        result = merge(result, bound)
        if result is None:
            return _whole(max(b.size for b in bounds))
    return result


def shape(value: Any, depth: int = 0) -> Bound:
    """The exact bound of a piece of data: its size, and per field and item."""
    if isinstance(value, (str, bytes)):
        return Bound(len(value))
    if depth >= SHAPE_DEPTH:
        return _whole(weight(value))
    if isinstance(value, list):
        items = [shape(item, depth + 1) for item in value]
        return Bound(len(items) + sum(b.size for b in items), len(items), _merge_all(items))
    if isinstance(value, dict):
        fields = {key: shape(item, depth + 1) for key, item in value.items()}
        keys = [Bound(len(key)) if isinstance(key, str) else SCALAR for key in value]
        size = sum(b.size for b in fields.values()) + sum(b.size for b in keys) + len(keys)
        return Bound(
            size,
            len(fields),
            _merge_all(list(fields.values())),
            _merge_all(keys),
            {key: b for key, b in fields.items() if isinstance(key, str)},
        )
    return SCALAR


def weight(value: Any) -> int:
    """``shape(value).size`` without recursion, for data of any depth."""
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, list):
            total += len(item)
            stack.extend(item)
        elif isinstance(item, dict):
            total += len(item)
            for key, child in item.items():
                total += len(key) if isinstance(key, str) else 1
                stack.append(child)
        else:
            total += 1
    return total


# ---------------------------------------------------------------------------
# The checked expression, decoded from cel-cpp's serialized CheckedExpr (protobuf).


def _varint(data: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, position
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, Any]]:
    """(field number, value) of a protobuf message: ints for varints, bytes otherwise."""
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, position = _varint(data, position)
        elif wire == 1:
            value, position = data[position : position + 8], position + 8
        elif wire == 2:
            length, position = _varint(data, position)
            value, position = data[position : position + length], position + length
        elif wire == 5:
            value, position = data[position : position + 4], position + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield number, value


@dataclass
class Node:
    """One expression of the AST: ``kind`` is const, ident, select, call, list, map or
    comprehension (cel.expr.Expr)."""

    id: int
    kind: str
    name: str = ""  # ident name, selected field, called function
    value: Any = None  # a constant's value; select: test_only (has())
    target: Node | None = None  # select operand, member call receiver
    args: list[Node] = field(default_factory=list)  # call arguments, list elements
    entries: list[tuple[Node | str, Node]] = field(default_factory=list)  # map literal
    loop: dict[str, Any] = field(default_factory=dict)  # comprehension parts
    overloads: tuple[str, ...] = ()  # from the checker's reference map


def _constant(data: bytes) -> Any:
    for number, value in _fields(data):
        if number == 6:
            return value.decode("utf-8", "replace")
        if number == 7:
            return bytes(value)
        if number == 5:
            return struct.unpack("<d", value)[0]
        return value  # null, bool, int
    return None


def _expression(data: bytes) -> Node:
    node = Node(0, "const")
    for number, value in _fields(data):
        if number == 2:
            node.id = value
        elif number == 3:
            node.kind, node.value = "const", _constant(value)
        elif number == 4:
            node.kind = "ident"
            node.name = next((v.decode() for n, v in _fields(value) if n == 1), "")
        elif number == 5:
            node.kind = "select"
            for part, item in _fields(value):
                if part == 1:
                    node.target = _expression(item)
                elif part == 2:
                    node.name = item.decode()
                elif part == 3:
                    node.value = bool(item)
        elif number == 6:
            node.kind = "call"
            for part, item in _fields(value):
                if part == 1:
                    node.target = _expression(item)
                elif part == 2:
                    node.name = item.decode()
                elif part == 3:
                    node.args.append(_expression(item))
        elif number == 7:
            node.kind = "list"
            node.args = [_expression(item) for part, item in _fields(value) if part == 1]
        elif number == 8:
            node.kind = "map"
            for part, item in _fields(value):
                if part == 2:
                    node.entries.append(_entry(item))
        elif number == 9:
            node.kind = "comprehension"
            names = {1: "iter_var", 3: "accu_var", 8: "iter_var2"}
            for part, item in _fields(value):
                if part in names:
                    node.loop[names[part]] = item.decode()
                elif part in (2, 4, 5, 6, 7):
                    node.loop[
                        ("", "", "range", "", "init", "condition", "step", "result")[part]
                    ] = _expression(item)
    return node


def _entry(data: bytes) -> tuple[Node | str, Node]:
    key: Node | str = ""
    value = Node(0, "const")
    for number, item in _fields(data):
        if number == 2:
            key = item.decode()
        elif number == 3:
            key = _expression(item)
        elif number == 4:
            value = _expression(item)
    return key, value


def decode(serialized: bytes) -> Node:
    """The AST of ``cel.Expression.serialize()`` (an Any holding a CheckedExpr)."""
    checked = next(v for n, v in _fields(serialized) if n == 2)
    overloads: dict[int, tuple[str, ...]] = {}
    root = Node(0, "const")
    for number, value in _fields(checked):
        if number == 2:  # reference_map entry: key int64 -> Reference
            key, reference = 0, b""
            for part, item in _fields(value):
                if part == 1:
                    key = item
                elif part == 2:
                    reference = item
            overloads[key] = tuple(v.decode() for n, v in _fields(reference) if n == 3)
        elif number == 4:
            root = _expression(value)
    _attach(root, overloads)
    return root


def _attach(node: Node, overloads: Mapping[int, tuple[str, ...]]) -> None:
    node.overloads = overloads.get(node.id, ())
    for child in _children(node):
        _attach(child, overloads)


def _children(node: Node) -> Iterator[Node]:
    if node.target is not None:
        yield node.target
    yield from node.args
    for key, value in node.entries:
        if isinstance(key, Node):
            yield key
        yield value
    for part in ("range", "init", "condition", "step", "result"):
        if part in node.loop:
            yield node.loop[part]


# ---------------------------------------------------------------------------
# What each function can allocate and scan.

#: Functions whose result is a scalar (bool, number, type, time) whatever their input,
#: and which read their arguments at most once.
_SCANS = frozenset(
    {
        "_==_",
        "_!=_",
        "_<_",
        "_<=_",
        "_>_",
        "_>=_",
        "@in",
        "contains",
        "startsWith",
        "endsWith",
        "matches",
        "indexOf",
        "lastIndexOf",
        "isSorted",
        "sum",
        "find",
    }
)
_SCALARS = frozenset(
    {
        "!_",
        "-_",
        "_&&_",
        "_||_",
        "@not_strictly_false",
        "__not_strictly_false__",
        "_-_",
        "_*_",
        "_/_",
        "_%_",
        "size",
        "int",
        "uint",
        "double",
        "bool",
        "type",
        "timestamp",
        "duration",
        "has",
        "isQuantity",
        "isURL",
        "isIP",
        "isCIDR",
        "isSemver",
        "quantity",
        "semver",
        "ip",
        "cidr",
        "url",
        "sign",
    }
)
#: Functions giving their receiver or first argument, or a part of it.
_SAME = frozenset({"dyn", "optional.of", "optional.ofNonZeroValue", "value"})
_ELEMENT = frozenset({"min", "max"})  # of a list
_SHRINKS = frozenset(
    {
        "lowerAscii",
        "upperAscii",
        "trim",
        "substring",
        "charAt",
        "reverse",
        "base64.decode",
        "bytes",
        "getHost",
        "getHostname",
        "getPort",
        "getEscapedPath",
        "getScheme",
        "getQuery",
        "masked",
    }
)
#: Functions writing their arguments as text: at most a few characters per character
#: (escapes in quote(), digits of a number in string()).
_TEXTS = frozenset({"string", "format", "quote", "strings.quote", "base64.encode"})
_ALLOCATING = _TEXTS | {"_+_", "replace", "join", "split", "findAll"}


@dataclass
class _Evaluation:
    """What one evaluation has spent so far: allocations, cost and steps."""

    allocated: int = 0
    cost: int = 0
    steps: int = 0

    def allocate(self, amount: int) -> None:
        self.allocated = _cap(self.allocated + amount)
        self.cost = _cap(self.cost + amount)
        if self.allocated > ALLOCATION_LIMIT:
            raise OverBudget(
                f"it could build values of at least {_amount(self.allocated)}"
                f" characters (kubelint's limit per evaluation:"
                f" {_amount(ALLOCATION_LIMIT)})"
            )
        self._check_cost()

    def scan(self, amount: int) -> None:
        self.cost = _cap(self.cost + amount)
        self._check_cost()

    def _check_cost(self) -> None:
        if self.cost > COST_LIMIT:
            raise OverBudget(
                f"it could process at least {_amount(self.cost)} characters"
                f" (kubelint's limit per evaluation: {_amount(COST_LIMIT)})"
            )


def _amount(number: int) -> str:
    if number >= _HUGE:
        return "more than 10^18"
    for unit, size in (("Gi", 2**30), ("Mi", 2**20)):
        if number >= size:
            return f"{number / size:,.0f} {unit}"
    return f"{number:,}"


class Plan:
    """The estimate for one compiled expression."""

    def __init__(self, serialized: bytes):
        self.root = decode(serialized)
        self.names = {node.name for node in _walk(self.root) if node.kind == "ident"}
        self.needed = _may_amplify(self.root)

    def check(self, data: Mapping[str, Any], shapes: Any = shape) -> None:
        """Raise ``OverBudget`` when evaluating with ``data`` could exceed the budget.
        ``shapes(value)`` gives a variable's bound (a caching version may be passed)."""
        if not self.needed:
            return
        scope = {name: shapes(data[name]) for name in self.names if name in data}
        _estimate(self.root, scope, _Evaluation())


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(_children(item))


def _may_amplify(root: Node) -> bool:
    """Whether the expression could allocate or scan more than its input: it builds
    strings or lists, or scans inside a comprehension (up to 10,000 times)."""
    for node in _walk(root):
        if node.kind == "call" and node.name in _ALLOCATING:
            return True
        if node.kind == "comprehension":
            body = [node.loop[p] for p in ("step", "condition") if p in node.loop]
            if any(
                inner.kind == "call" and inner.name in _SCANS
                for part in body
                for inner in _walk(part)
            ):
                return True
    return False


def _estimate(node: Node, scope: dict[str, Bound], run: _Evaluation) -> Bound:
    kind = node.kind
    if kind == "const":
        value = node.value
        return Bound(len(value)) if isinstance(value, (str, bytes)) else SCALAR
    if kind == "ident":
        return scope.get(node.name, SCALAR)
    if kind == "select":
        assert node.target is not None
        operand = _estimate(node.target, scope, run)
        return SCALAR if node.value else operand.member(node.name)
    if kind == "list":
        items = [_estimate(item, scope, run) for item in node.args]
        run.allocate(len(items))
        return Bound(_cap(len(items) + sum(b.size for b in items)), len(items), _merge_all(items))
    if kind == "map":
        return _map_literal(node, scope, run)
    if kind == "comprehension":
        return _comprehension(node, scope, run)
    return _call(node, scope, run)


def _map_literal(node: Node, scope: dict[str, Bound], run: _Evaluation) -> Bound:
    keys, values, fields = [], [], {}
    for key, value in node.entries:
        bound = _estimate(value, scope, run)
        values.append(bound)
        if isinstance(key, str):  # a message field: map literals only have Node keys
            keys.append(Bound(len(key)))
            continue
        key_bound = _estimate(key, scope, run)
        keys.append(key_bound)
        if key.kind == "const" and isinstance(key.value, str):
            fields[key.value] = bound
    run.allocate(len(values))
    size = _cap(len(values) + sum(b.size for b in values) + sum(b.size for b in keys))
    return Bound(
        size,
        len(values),
        _merge_all(values),
        _merge_all(keys),
        fields if len(fields) == len(values) else None,
    )


def _call(node: Node, scope: dict[str, Bound], run: _Evaluation) -> Bound:
    operands = ([node.target] if node.target is not None else []) + node.args
    bounds = [_estimate(operand, scope, run) for operand in operands]
    name = node.name
    if name == "_?_:_":
        return merge(bounds[1], bounds[2]) or _whole(max(bounds[1].size, bounds[2].size))
    if name in _SCANS:
        run.scan(sum(b.size for b in bounds))
        return SCALAR
    if name in _SCALARS or name.startswith("math.") or name.startswith("sets."):
        return SCALAR
    found = _part_of(name, operands, bounds)
    return found if found is not None else _made(node, bounds, run)


def _part_of(name: str, operands: list[Node], bounds: list[Bound]) -> Bound | None:
    """A call whose value is (part of) an operand: an index, a field, the value itself,
    an element; None for any other."""
    first = bounds[0] if bounds else SCALAR
    if name in ("_[_]", "_[?_]", "_?._") and len(operands) == 2:
        key = operands[1]
        if key.kind == "const" and isinstance(key.value, str):
            return first.member(key.value)
        return first.element()
    if name in _SAME:
        return first
    if name in ("or", "orValue") and len(bounds) == 2:
        return merge(bounds[0], bounds[1]) or _whole(max(bounds[0].size, bounds[1].size))
    if name in _ELEMENT:
        return first.element()
    if name in _SHRINKS:
        return _whole(first.size)
    return None


def _made(node: Node, bounds: list[Bound], run: _Evaluation) -> Bound:
    """A call that makes a new value (a concatenation, a replacement, a split...), with
    what making it costs."""
    name = node.name
    first = bounds[0] if bounds else SCALAR
    if name == "_+_" and len(bounds) == 2:
        return _add(node, bounds, run)
    if name == "replace" and len(bounds) >= 3:
        text, new = bounds[0], bounds[2]
        # Every gap between characters may be replaced (an empty `old`).
        size = _cap((text.size + 1) * max(1, new.size) + text.size)
        run.scan(text.size)
        run.allocate(size)
        return Bound(size)
    if name in ("split", "findAll"):
        run.scan(sum(b.size for b in bounds))
        run.allocate(2 * first.size + 1)
        return Bound(_cap(2 * first.size + 1), first.size + 1, Bound(first.size))
    if name == "join":
        separator = bounds[1].size if len(bounds) > 1 else 0
        size = _cap(first.size + first.count * separator)
        run.allocate(size)
        return Bound(size)
    if name in _TEXTS:
        size = _cap(6 * sum(b.size for b in bounds) + 24)
        run.allocate(size)
        return Bound(size)
    # Any other function (the Kubernetes library's, optional.none()): a value made from
    # its arguments.
    return _whole(_cap(sum(b.size for b in bounds) + 1))


def _add(node: Node, bounds: list[Bound], run: _Evaluation) -> Bound:
    left, right = bounds[0], bounds[1]
    size = _cap(left.size + right.size)
    overloads = node.overloads
    # A string or bytes concatenation copies both; a list one copies item handles only.
    if not overloads or any(o in ("add_string", "add_bytes") for o in overloads):
        run.allocate(size)
    else:
        run.allocate(left.count + right.count)
    return Bound(
        size,
        _cap(left.count + right.count),
        merge(left.item, right.item) if left.count and right.count else (left.item or right.item),
        merge(left.keys, right.keys),
    )


def _comprehension(node: Node, scope: dict[str, Bound], run: _Evaluation) -> Bound:
    loop = node.loop
    over = _estimate(loop["range"], scope, run)
    accu = _estimate(loop["init"], scope, run)
    count = min(over.count, ITERATION_LIMIT)
    inner = dict(scope)
    if over.keys is not None:  # a map: the first variable is the key, the second the value
        first, second = over.keys, over.element()
    else:
        first, second = (
            (SCALAR, over.element()) if "iter_var2" in loop else (over.element(), SCALAR)
        )
    inner[loop.get("iter_var", "")] = first
    if "iter_var2" in loop:
        inner[loop["iter_var2"]] = second
    accu_var = loop.get("accu_var", "")
    growth: int | None = None
    for step in range(count):
        inner[accu_var] = accu
        before = (run.allocated, run.cost)
        if "condition" in loop:
            _estimate(loop["condition"], inner, run)
        following = merge(accu, _estimate(loop["step"], inner, run)) or _whole(accu.size)
        grew = following.size - accu.size
        spent = (run.allocated - before[0], run.cost - before[1])
        accu = following
        run.steps += 1
        if run.steps > 20 * ITERATION_LIMIT:
            raise OverBudget("it is too complex to estimate")
        remaining = count - step - 1
        if remaining and grew <= 0 and growth is not None and growth <= 0:
            run.allocate(spent[0] * remaining)
            run.scan((spent[1] - spent[0]) * remaining)
            break
        if remaining and growth is not None and step >= 2 and grew <= growth:
            # Growing by a steady amount per item: extrapolate to the last item.
            accu = Bound(
                _cap(accu.size + remaining * grew),
                _cap(accu.count + remaining),
                accu.item,
                accu.keys,
                accu.fields,
            )
            run.allocate(_cap(spent[0] * remaining))
            run.scan(_cap((spent[1] - spent[0]) * remaining))
            break
        growth = grew
    inner[accu_var] = accu
    return _estimate(loop["result"], inner, run)
