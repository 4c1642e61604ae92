"""The Kubernetes CEL libraries on top of cel-expr-python (Google's cel-cpp).

The API server evaluates ValidatingAdmissionPolicy and CRD validation rules with
cel-go plus its own function libraries (k8s.io/apiserver/pkg/cel/library). This
package gives kubelint the same functions offline, on cel-expr-python:

``new_environment()`` builds a ``cel.Env`` with the standard extensions kubelint
supports (strings, optional, math, encoders, bindings) and these Kubernetes
functions; ``evaluate()`` runs a compiled program and returns ``(value, None)`` or
``(None, message)``.

One module per Kubernetes library (``regex``, ``lists``, ``quantity``, ``semver``,
``url``, ``ip``, ``cidr``; ``compare`` holds the comparisons quantity and semver share),
each with its functions and their declarations (``MEMBERS``, ``GLOBALS``); ``base`` has
what they share and ``environment`` puts them together.

Supported, with the names and semantics of the Kubernetes sources:

- regex: ``s.find(re)``, ``s.findAll(re)``, ``s.findAll(re, limit)``. Patterns are
  RE2 (the engine inside cel-cpp does the matching, so the syntax, leftmost-first
  semantics and linear running time are those of the API server's Go regexp, and a
  hostile pattern cannot hang kubelint); empty matches follow Go's FindAllString.
- lists: ``isSorted()``, ``sum()``, ``min()``, ``max()``, ``indexOf(x)``,
  ``lastIndexOf(x)`` on lists of ints, doubles, strings, bools and bytes.
- quantity: ``quantity(s)``, ``isQuantity(s)``, ``sign(q)``, ``q.isInteger()``,
  ``q.asInteger()``, ``q.asApproximateFloat()``, ``q.add(q|int)``, ``q.sub(q|int)``,
  ``q.isGreaterThan(q)``, ``q.isLessThan(q)``, ``q.compareTo(q)``. ``sign`` is a
  global function as in the Kubernetes sources (``sign(quantity('-1'))``); the
  Kubernetes documentation's ``q.sign()`` does not compile on the API server either.
- url: ``url(s)``, ``isURL(s)``, ``getScheme()``, ``getHost()``, ``getHostname()``,
  ``getPort()``, ``getEscapedPath()``, ``getQuery()``, following Go's net/url
  (only absolute URIs and absolute paths are URLs).
- ip: ``ip(s)``, ``isIP(s)``, ``ip.isCanonical(s)``, ``family()``,
  ``isUnspecified()``, ``isLoopback()``, ``isLinkLocalMulticast()``,
  ``isLinkLocalUnicast()``, ``isGlobalUnicast()``, ``string(ip)`` (Go's netip rules;
  IPv4-mapped IPv6 addresses and zones are rejected).
- cidr: ``cidr(s)``, ``isCIDR(s)``, ``containsIP(ip|string)``,
  ``containsCIDR(cidr|string)``, ``ip()``, ``masked()``, ``prefixLength()``,
  ``string(cidr)``.
- semver: ``semver(s)``, ``semver(s, normalize)``, ``isSemver(s)``,
  ``isSemver(s, normalize)``, ``major()``, ``minor()``, ``patch()``,
  ``isGreaterThan``, ``isLessThan``, ``compareTo``.

Opaque values. cel-expr-python cannot evaluate opaque (abstract) types, so a
Quantity, URL, IP, CIDR or Semver is a CEL map with one marker key, the Kubernetes
type name after an ``@``::

    quantity('1.5Gi')   -> {'@kubernetes.Quantity': '1610612736'}
    url('https://x/p')  -> {'@kubernetes.URL': 'https://x/p'}
    ip('::1')           -> {'@net.IP': '::1'}
    cidr('10.0.0.0/8')  -> {'@net.CIDR': '10.0.0.0/8'}
    semver('1.2.3')     -> {'@kubernetes.Semver': '1.2.3'}

Equality between two such values (``==``, ``in``, ``indexOf``) compares the maps.
Kubernetes compares these values semantically; the marker holds a canonical form
so that the two agree for quantities (``quantity('1') == quantity('1000m')``), IP
addresses (``ip('::0:1') == ip('::1')``), CIDRs (address and prefix length, as
netip does) and semvers (build metadata ignored, as blang/semver does). URLs keep
the string they were parsed from, where Kubernetes compares Go's re-serialized
form (``url('HTTPS://x') == url('https://x')`` is false here, true there).
``type(ip('::1')) == net.IP`` cannot be written; ``type()`` of these values is
``map``.

Not supported: the authorizer library (``authorizer``), the format library
(``format.named()`` ...), ``string.format()``, the messageExpression-only and
mutation-only functions (``jsonpatch``, the Object construction of
MutatingAdmissionPolicy), the CRD-only ``self``/``oldSelf`` transition rules
machinery, quantity ``mul``/``div`` (proposed upstream, not released), lists
``includes`` and the cel-go ``sets``/``lists`` extensions, and durations or
timestamps in ``sum()``/``min()``/``max()`` (cel-expr-python cannot return them
from a Python function). Known deviations: ``isInteger()``/``asInteger()``
answer by value, where Kubernetes also answers false for values it keeps in its
decimal form (``quantity('1000m').isInteger()`` and ``quantity('1.5Gi')
.isInteger()`` are false there, true here); quantities reuse kubelint's parser,
which rejects the bare suffixes (``'Mi'``) the API server's parser accepts as zero
contrary to its documentation; an exponent above 1000 (``quantity('1e1001')``) is
an error, so that kubelint does not build a number of unbounded size;
``asApproximateFloat()`` is correctly rounded where Go may differ in the last bit;
a uint list's ``sum()``/``min()``/``max()`` is an int; an invalid constant regex
is an evaluation error here, a compile error on the API server.

Errors in these functions (``quantity('bogus')``, an invalid regex) are CEL
evaluation errors: the program's value is an ERROR whose message ``evaluate()``
returns. The Python callables raise nothing but the exceptions cel-expr-python
turns into ERROR values, and each runs in time linear in its input.
"""

from __future__ import annotations

from kubelint.cel.environment import (
    BOUND_VARIABLE,
    KUBERNETES_FUNCTIONS,
    evaluate,
    evaluate_bound,
    new_environment,
)

__all__ = [
    "BOUND_VARIABLE",
    "KUBERNETES_FUNCTIONS",
    "evaluate",
    "evaluate_bound",
    "new_environment",
]
