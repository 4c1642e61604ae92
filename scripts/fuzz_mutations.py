"""Mutations for ``scripts/fuzz.py``: seeded, deterministic changes to manifests and policies
(and what the fuzzers share: how many reproducers they keep, and their folders' names).

Every mutator takes the input's bytes and a ``random.Random`` and returns new bytes, so a
case is reproduced from its seed alone. Text mutators attack the reader (encodings, line
ends, nesting, aliases, tags, sizes); the structural mutator parses the documents and puts
values of the wrong type or shape where rules and policy loaders expect others, which is
where rule crashes hide.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Callable
from typing import Any

KEEP_PER_SIGNATURE = 3  # reproducers kept of one failure; the rest are counted


def slug(signature: str) -> str:
    """A failure's signature as a folder name."""
    return re.sub(r"[^A-Za-z0-9]+", "-", signature).strip("-")[:100]


Mutator = Callable[[bytes, random.Random], bytes]

MIB = 1024 * 1024

#: Kinds the built-in rules look at; a document switched to one of them runs those rules
#: on a shape they were not written for.
KINDS = [
    ("apps/v1", "Deployment"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("v1", "Pod"),
    ("v1", "Service"),
    ("v1", "PersistentVolume"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "Namespace"),
    ("v1", "List"),
    ("networking.k8s.io/v1", "Ingress"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("policy/v1", "PodDisruptionBudget"),
    ("storage.k8s.io/v1", "StorageClass"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"),
    ("extensions/v1beta1", "Deployment"),
    ("kubelint.dev/v1", "Policy"),
]

TAGS = [
    "!!python/object/apply:os.system",
    "!!python/name:os.system",
    "!!binary",
    "!!set",
    "!!omap",
    "!!pairs",
    "!!timestamp",
    "!!int",
    "!!float",
    "!!bool",
    "!!null",
    "!!str",
    "!!map",
    "!!seq",
    "!custom",
    "!",
    "!<tag:yaml.org,2002:int>",
    "!!merge",
    "!!value",
]

BAD_BYTES = [
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\x00",
    b"\xc0\xaf",
    b"\xef\xbb\xbf",
    b"\x1b[31m",
    b"\t",
]

LINE_ENDS = [b"\r", b"\r\n", "\x85".encode(), "\u2028".encode(), "\u2029".encode(), b"\n\n"]

DEPTHS = [50, 150, 199, 200, 201, 250, 10_000, 100_000]

#: Scalars that mean something to YAML, Kubernetes quantities, globs or CEL.
ODD_SCALARS: list[Any] = [
    None,
    "",
    0,
    -1,
    1,
    2**63,
    2**70,
    -(2**63) - 1,
    0.5,
    1e309,
    -0.0,
    True,
    False,
    "~",
    "null",
    "true",
    "NaN",
    ".inf",
    "-.inf",
    "1e309",
    "0x1F",
    "0o17",
    "1_000",
    "1Ki",
    "1.5Gi",
    "-1Mi",
    "100m",
    "0.0001",
    "1e-30",
    "*",
    "**",
    "-",
    "[",
    "{",
    "a" * 64,
    "a" * 300,
    "a/b/c",
    "ü",
    "\u202e",
    "{{ .Values.x }}",
    "kubelint.io/ignore",
    "Always",
    "IfNotPresent",
    "Recycle",
    "0.0.0.0/0",
    "::",
    "latest",
    ":latest",
    "@sha256:",
    "registry.example.com/a:1",
    "*/5 * * * *",
    "@every 1m",
    "61 * * * *",
    "TCP",
    "http",
    65536,
    0,
    "x" * 10_000,
]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _value_lines(lines: list[bytes]) -> list[int]:
    """Indexes of lines that look like ``key: value``."""
    return [
        i for i, line in enumerate(lines) if b": " in line and not line.lstrip().startswith(b"#")
    ]


def _set_value(line: bytes, value: bytes) -> bytes:
    key, _, _ = line.partition(b": ")
    return key + b": " + value


# -- text mutators ------------------------------------------------------------------------


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] ^= rng.randint(1, 255)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def duplicate_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    candidates = _value_lines(lines) or list(range(len(lines)))
    index = rng.choice(candidates)
    lines.insert(index + rng.choice([0, 1, 2]), lines[index])  # a duplicate key, mostly
    return b"\n".join(lines)


def deep_nesting(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    depth = rng.choice(DEPTHS)
    opener, closer = rng.choice([(b"[", b"]"), (b"{a: ", b"}"), (b"- ", b"")])
    nested = opener * depth + b"1" + closer * depth * rng.choice([0, 1])
    candidates = _value_lines(lines)
    if not candidates:
        return data + b"\nx: " + nested + b"\n"
    index = rng.choice(candidates)
    lines[index] = _set_value(lines[index], nested)
    return b"\n".join(lines)


def huge_scalar(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    size = rng.choice([1000, 100_000, MIB, 8 * MIB])
    style = rng.choice(["plain", "double", "single", "block"])
    body = rng.choice([b"x", b"ab ", b"\\u00e9", b"'"]) * (size // 3)
    value = {
        "plain": body,
        "double": b'"' + body + b'"',
        "single": b"'" + body.replace(b"'", b"''") + b"'",
        "block": b"|\n  " + body,
    }[style]
    candidates = _value_lines(lines)
    if not candidates:
        return data + b"\nblob: " + value + b"\n"
    index = rng.choice(candidates)
    lines[index] = _set_value(lines[index], value)
    return b"\n".join(lines)


def anchors_aliases(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    candidates = _value_lines(lines)
    choice = rng.randrange(4)
    if choice == 0 and len(candidates) >= 2:  # an alias to another value: type confusion
        first, second = sorted(rng.sample(candidates, 2))
        key, _, value = lines[first].partition(b": ")
        lines[first] = key + b": &a " + value
        lines[second] = _set_value(lines[second], b"*a")
        return b"\n".join(lines)
    if choice == 1 and candidates:  # a merge key into a mapping
        index = rng.choice(candidates)
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
        lines.insert(
            index, indent + b"<<: " + rng.choice([b"*a", b"{x: 1}", b"[*a, *a]", b"5", b"[1]"])
        )
        return b"\n".join(lines)
    if choice == 2 and candidates:  # a recursive alias
        index = rng.choice(candidates)
        key, _, _ = lines[index].partition(b": ")
        lines[index] = key + b": &r [1, *r]"
        return b"\n".join(lines)
    # A laughs chain of random width and depth, around the expansion limit.
    width, depth = rng.randint(2, 12), rng.randint(2, 9)
    chain = [b"l0: &l0 [" + b", ".join([b"lol"] * width) + b"]"]
    chain += [
        f"l{i}: &l{i} [".encode() + b", ".join([f"*l{i - 1}".encode()] * width) + b"]"
        for i in range(1, depth)
    ]
    return data + b"\n" + b"\n".join(chain) + b"\n"


def random_tags(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    candidates = _value_lines(lines) or [0]
    for _ in range(rng.randint(1, 3)):
        index = rng.choice(candidates)
        key, sep, value = lines[index].partition(b": ")
        if sep:
            lines[index] = key + b": " + rng.choice(TAGS).encode() + b" " + value
    return b"\n".join(lines)


def line_endings(data: bytes, rng: random.Random) -> bytes:
    parts = data.split(b"\n")
    out = bytearray(parts[0])
    mixed = rng.random() < 0.5
    end = rng.choice(LINE_ENDS)
    for part in parts[1:]:
        out += (rng.choice(LINE_ENDS) if mixed else end) + part
    return bytes(out)


def invalid_utf8(data: bytes, rng: random.Random) -> bytes:
    out = data
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(out) + 1)
        out = out[:at] + rng.choice(BAD_BYTES) + out[at:]
    return out


def directives(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    marker = rng.choice(
        [
            b"---",
            b"...",
            b"%YAML 1.2\n---",
            b"%YAML 1.1\n---",
            b"%TAG ! tag:x,2000:\n---",
            b"--- |",
            b"--- >-",
            b"---\n---",
            b"# Source: chart/templates/x.yaml",
            b"--- !!map",
        ]
    )
    lines.insert(rng.randrange(len(lines) + 1), marker)
    return b"\n".join(lines)


def indentation(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    for _ in range(rng.randint(1, 3)):
        index = rng.randrange(len(lines))
        line = lines[index]
        lines[index] = rng.choice(
            [
                b" " + line,
                line.lstrip(),
                b"\t" + line.lstrip(),
                b" " * rng.randint(0, 40) + line.lstrip(),
            ]
        )
    return b"\n".join(lines)


def kubelint_comments(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    comment = rng.choice(
        [
            b"# kubelint: disable=all",
            b"# kubelint: disable-file=all",
            b"# kubelint: disable=",
            b"# kubelint: disable=,,,",
            b"# kubelint: disable=pv-reclaim-policy,nope",
            b"# kubelint: disable-next-line=x",
            b"# kubelint:",
            b"# Source: ",
            b"# Source: a/templates/b.yaml",
        ]
    )
    index = rng.randrange(len(lines) + 1)
    if rng.random() < 0.5 and index < len(lines):
        lines[index] += b"  " + comment  # at the end of a line
    else:
        lines.insert(index, comment)
    return b"\n".join(lines)


def switch_kind(data: bytes, rng: random.Random) -> bytes:
    api_version, kind = rng.choice(KINDS)
    out = []
    for line in _lines(data):
        if line.startswith(b"kind: "):
            line = b"kind: " + kind.encode()
        elif line.startswith(b"apiVersion: ") and rng.random() < 0.8:
            line = b"apiVersion: " + api_version.encode()
        out.append(line)
    return b"\n".join(out)


def splice(corpus: list[bytes]) -> Mutator:
    """Lines of another corpus file, inserted anywhere (documents, indents mixed)."""

    def mutate(data: bytes, rng: random.Random) -> bytes:
        other = _lines(rng.choice(corpus))
        start = rng.randrange(len(other))
        piece = other[start : start + rng.randint(1, 20)]
        lines = _lines(data)
        at = rng.randrange(len(lines) + 1)
        return b"\n".join(lines[:at] + piece + lines[at:])

    return mutate


# -- structural mutation ------------------------------------------------------------------


def _deep(rng: random.Random) -> Any:
    value: Any = rng.choice([1, "x", None])
    for _ in range(rng.choice([10, 100, 190, 210])):
        value = [value] if rng.random() < 0.5 else {"a": value}
    return value


def odd_value(rng: random.Random, pool: list[Any]) -> Any:
    """A value of a type or shape a rule does not expect."""
    choice = rng.randrange(8)
    if choice == 0:
        return _deep(rng)
    if choice == 1 and pool:
        # Another subtree (a mapping where a list goes, and so on), copied: it may be an
        # ancestor of the place it goes to.
        return copy.deepcopy(rng.choice(pool))
    if choice == 2:
        return [rng.choice(ODD_SCALARS) for _ in range(rng.randint(0, 4))]
    if choice == 3:
        return {
            rng.choice(["name", "image", "port", "value", "x", "", "0"]): rng.choice(ODD_SCALARS)
            for _ in range(rng.randint(0, 3))
        }
    return rng.choice(ODD_SCALARS)


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


def mutate_tree(
    document: Any,
    rng: random.Random,
    edits: int,
    values: Callable[[random.Random, list[Any], tuple], Any] | None = None,
    focus: float = 0.0,
) -> Any:
    """``document`` with ``edits`` random changes: a value replaced by an odd one (or by
    ``values(rng, pool, path)`` when given and it returns something), a key deleted, an item
    duplicated, a value wrapped in a list. A share ``focus`` of the edits go to the places
    ``values`` has values for, so the result still passes the schema and reaches the code
    behind it."""
    for _ in range(edits):
        paths = [p for p in _paths(document) if p]
        if not paths:
            return odd_value(rng, [])
        path = rng.choice(paths)
        pool = [_get(document, p) for p in rng.sample(paths, min(5, len(paths)))]
        if values is not None and rng.random() < focus:
            focused = [p for p in paths if values(random.Random(0), [], p) is not None]
            if focused:
                path = rng.choice(focused)
                _get(document, path[:-1])[path[-1]] = values(rng, pool, path)
                continue
        parent, last = _get(document, path[:-1]), path[-1]
        operation = rng.randrange(10)
        if operation < 6:
            special = values(rng, pool, path) if values else None
            parent[last] = special if special is not None else odd_value(rng, pool)
        elif operation < 8 and isinstance(parent, dict):
            del parent[last]
        elif operation == 8 and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        else:
            parent[last] = [parent[last]]
    return document


def _load_all(data: bytes) -> list[Any] | None:
    from ruamel.yaml import YAML

    try:
        # The pure-Python loader: ruamel's C composer recurses without a limit and takes
        # the fuzzer down with a segfault on deep nesting; this one raises RecursionError.
        documents = list(YAML(typ="safe", pure=True).load_all(data.decode("utf-8")))
        small = len(json.dumps(documents, default=str)) < MIB
    except Exception:  # any reason: the structural mutator falls back to text
        return None
    return documents if documents and small else None


def _dump_all(documents: list[Any], rng: random.Random) -> bytes:
    if rng.random() < 0.3:  # JSON is YAML: flow style everywhere
        return "\n---\n".join(
            json.dumps(d, default=str, allow_nan=True) for d in documents
        ).encode()
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")  # the C emitter writes what kubelint's C parser reads
    yaml.default_flow_style = rng.choice([False, None])
    out = io.StringIO()
    yaml.dump_all(documents, out)
    return out.getvalue().encode()


def structural(
    values: Callable[[random.Random, list[Any], tuple], Any] | None = None,
    focus: float = 0.0,
    edits: int = 6,
) -> Mutator:
    """Parse, make one to ``edits`` changes (see ``mutate_tree``), dump again; a text
    mutation when the input does not parse."""

    def mutate(data: bytes, rng: random.Random) -> bytes:
        documents = _load_all(data)
        if documents is None:
            return flip_bytes(data, rng)
        index = rng.randrange(len(documents))
        try:
            documents[index] = mutate_tree(
                documents[index], rng, rng.randint(1, edits), values, focus
            )
            try:
                return _dump_all(documents, rng)
            except (ValueError, TypeError):
                return json.dumps(documents, default=str).encode()
        except RecursionError:  # nested values nested again: too deep to walk or dump
            return deep_nesting(data, rng)

    return mutate


# -- policies -----------------------------------------------------------------------------

#: CEL that stresses the compiler, the cost budget and the evaluator.
CEL = [
    "true",
    "false",
    "1/0",
    "object.nope",
    "has(object)",
    "object.metadata.name.matches('[')",
    "object.metadata.name.matches('(a+)+$')",
    "int('x') == 1",
    "dyn(1) == 'a'",
    "size(object) > 0",
    "object.spec.containers.all(c, c.image.contains(':'))",
    "containers.all(c, c.image.startsWith('x'))",
    "objects.exists(o, o.kind == 'Service')",
    "objects.all(a, objects.all(b, a.kind == b.kind))",
    "[1,2,3].map(x, [1,2,3].map(y, [1,2,3].map(z, x*y*z)))",
    "(" * 300 + "1" + ")" * 300,
    " + ".join(["1"] * 3000),
    "'a' + " * 500 + "'a'",
    "cel.bind(a, [1,2,3,4], cel.bind(b, a + a, cel.bind(c, b + b, cel.bind(d, c + c,"
    " size(d + d) > 0))))",
    "variables.nope",
    "params.data.x",
    "request.namespace",
    "namespaceObject.metadata.labels.x == 'y'",
    "authorizer.requestResource.check('get').allowed()",
    "quantity('1Gi').isGreaterThan(quantity('1Mi'))",
    "url('::')",
    "ip('1.1.1.1').family() == 4",
    "object.metadata.name.split('')",
    "'\\u0000'",
    "object.?spec.?replicas.orValue(0) > 1",
    "optional.none().value()",
    "[1, 'a', {}][99]",
    "{'a': 1}['b']",
    "duration('99999999999h')",
    "timestamp('x')",
    "string(object)",
    "object.metadata.labels.all(k, k.size() > 0)",
    "",
    " ",
    "\\",
]

PATTERNS = [
    "^(a+)+$",
    "[",
    "(?=a)",
    "(a)\\1",
    "a{1000000}",
    "(a|aa)*b",
    ".*" * 40,
    "\\p{L}",
    "^\\d+$",
    "(?i)x",
    "\\",
    "[z-a]",
    "a**",
]

REFS = [
    "#",
    "#/nope",
    "#/$defs/a",
    "http://127.0.0.1:9/x.json",
    "file:///etc/passwd",
    "x.json",
    "#/properties/metadata",
    "urn:x",
    "#/$defs/%ZZ",
    "",
    "#" * 1000,
]


def policy_values(rng: random.Random, pool: list[Any], path: tuple) -> Any:
    """Values that mean something where they land in a policy, for the keys that matter."""
    key = path[-1] if path and isinstance(path[-1], str) else ""
    if key in ("expression", "messageExpression", "key", "valueExpression"):
        return rng.choice(CEL)
    if key == "pattern" or (len(path) > 1 and path[-2] == "patternProperties"):
        return rng.choice(PATTERNS)
    if key == "$ref":
        return rng.choice(REFS)
    if key in ("type", "format"):
        return rng.choice(
            [
                "string",
                "integer",
                "object",
                "nope",
                ["null", "string"],
                None,
                "regex",
                "date-time",
                5,
            ]
        )
    return None


#: Seed policies besides examples/policies: JSON Schema features and cross-object CEL.
EXTRA_POLICIES = [
    """apiVersion: kubelint.dev/v1
kind: Policy
metadata: {name: shapes}
spec:
  rules:
    - id: name-shape
      severity: warning
      summary: names are lowercase words
      match: {kinds: [Deployment, Service, ConfigMap]}
      message: the name must be lowercase words
      schema:
        $defs:
          word: {type: string, pattern: "^[a-z]+(-[a-z]+)*$"}
        properties:
          metadata:
            properties:
              name: {$ref: "#/$defs/word"}
              labels:
                patternProperties:
                  "^app\\\\.kubernetes\\\\.io/": {type: string, maxLength: 63}
    - id: pdb-for-every-deployment
      summary: a Deployment without a PodDisruptionBudget
      match: {kinds: [Deployment], excludeNamespaces: [kube-system]}
      validations:
        - expression: >-
            objects.exists(o, o.kind == 'PodDisruptionBudget'
            && o.metadata.?namespace.orValue('') == object.metadata.?namespace.orValue(''))
          message: no PodDisruptionBudget in the namespace
""",
    """apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas.example.com}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [deployments, statefulsets]
  matchConditions:
    - name: not-system
      expression: "!object.metadata.?namespace.orValue('').startsWith('kube-')"
  variables:
    - name: replicas
      expression: "object.spec.?replicas.orValue(1)"
  validations:
    - expression: "variables.replicas <= 5"
      messageExpression: "'replicas ' + string(variables.replicas) + ' over 5'"
      reason: Invalid
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replicas-binding}
spec:
  policyName: replicas.example.com
  validationActions: [Deny]
""",
]
