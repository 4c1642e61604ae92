"""The Kubernetes CEL libraries (kubelint.cel) on cel-expr-python.

Expected values come from the Kubernetes documentation and the godoc of
k8s.io/apiserver/pkg/cel/library; where the API server's code and its
documentation disagree, the code wins and the test says so.
"""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import pytest

pytest.importorskip("cel_expr_python")

from kubelint.cel import KUBERNETES_FUNCTIONS, evaluate, new_environment
from kubelint.cel import environment as cel_environment

ENV = new_environment({"object": None, "params": None})
CACHE: dict[str, Any] = {}


def run(expression: str, data: dict[str, Any] | None = None) -> tuple[object, str | None]:
    program = CACHE.get(expression)
    if program is None:
        program = CACHE[expression] = ENV.compile(expression)
    return evaluate(program, {"object": {}, "params": {}} | (data or {}))


def value(expression: str, data: dict[str, Any] | None = None) -> object:
    result, error = run(expression, data)
    assert error is None, f"{expression}: {error}"
    return result


def error(expression: str) -> str:
    result, message = run(expression)
    assert message is not None, f"{expression} gave {result!r}, not an error"
    return message


def compile_error(expression: str) -> str:
    with pytest.raises(RuntimeError) as caught:
        ENV.compile(expression)
    return str(caught.value)


# --- regex ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'abc 123'.find('[0-9]+')", "123"),
        ("'abc 123'.find('xyz')", ""),
        # Go's FindString: '[0-9]*' matches the empty string at 0 first.
        ("'abc 123'.find('[0-9]*')", ""),
        ("'123 abc 456'.findAll('[0-9]+')", ["123", "456"]),
        ("'123 abc 456'.findAll('[0-9]+', 1)", ["123"]),
        ("'123 abc 456'.findAll('[0-9]+', 0)", []),
        ("'123 abc 456'.findAll('[0-9]+', -1)", ["123", "456"]),
        ("'123 abc 456'.findAll('xyz')", []),
        # Go's FindAllString keeps empty matches except right after a match
        # (kubernetes/website#46695 shows the API server's answer).
        ("'1, 2, 3, 4'.findAll('[0-9]*')", ["1", "", "2", "", "3", "", "4"]),
        ("'aa'.findAll('a*?')", ["", "", ""]),
        ("''.findAll('')", [""]),
        # The text before the search position is context, as in Go.
        ("'aa'.findAll('^a')", ["a"]),
        ("'a\\na'.findAll('(?m)^a')", ["a", "a"]),
        ("'xa a'.findAll('\\\\ba')", ["a"]),
        ("'ab\\n'.find('b$')", ""),
        # RE2 syntax: capture groups do not change the match; \\w is ASCII.
        ("'ab12cd'.findAll('(?P<d>[0-9])([a-z])')", ["2c"]),
        ("'héllo wörld'.findAll('\\\\w+')", ["h", "llo", "w", "rld"]),
        ("'héllo'.findAll('.')", ["h", "é", "l", "l", "o"]),
        ("'aXb'.find('(?i)x')", "X"),
        ("'1, 2, 3, 4'.findAll('[0-9]+').map(x, int(x)).sum() < 100", True),
    ],
)
def test_regex(expression: str, expected: object) -> None:
    assert value(expression) == expected


@pytest.mark.parametrize("pattern", ["(", "a**", "(?=a)", "(a)\\\\1", "[z-a]", "a{1001}"])
def test_invalid_or_non_re2_regex_is_an_error(pattern: str) -> None:
    message = error(f"'abc'.find('{pattern}')")
    assert message.startswith("Illegal regex: invalid regular expression")
    assert error(f"'abc'.findAll('{pattern}', 0)").startswith("Illegal regex")


def test_regex_runs_in_linear_time() -> None:
    # Catastrophic for a backtracking engine; RE2 answers at once.
    text = "a" * 50_000 + "b"
    started = time.perf_counter()
    assert value("object.s.findAll('(a+)+$')", {"object": {"s": text}}) == []
    assert value("object.s.find('(a|aa)*c')", {"object": {"s": text}}) == ""
    assert len(value("object.s.findAll('a')", {"object": {"s": text}})) == 50_000  # type: ignore[arg-type]
    assert time.perf_counter() - started < 5


def test_regex_text_with_private_use_characters() -> None:
    text = "\ue000a\ue001b\ue000"
    assert value("object.s.findAll('[a-z\\ue000]')", {"object": {"s": text}}) == [
        "\ue000",
        "a",
        "b",
        "\ue000",
    ]


# --- lists ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("[1, 2, 3].isSorted()", True),
        ("['a', 'b', 'b', 'c'].isSorted()", True),
        ("[2.0, 1.0].isSorted()", False),
        ("[1].isSorted()", True),
        ("[].isSorted()", True),
        ("[1, 2.5, 3].isSorted()", True),
        ("[1, 3].sum()", 4),
        ("[1.0, 3.0].sum()", 4.0),
        ("[].sum()", 0),
        ("[1, 3].min()", 1),
        ("[1, 3].max()", 3),
        ("[1].min()", 1),
        ("([0] + []).min()", 0),
        ("['b', 'a', 'c'].max()", "c"),
        ("[1, 2, 2, 3].indexOf(2)", 1),
        ("['a', 'b', 'b', 'c'].lastIndexOf('b')", 2),
        ("[1.0].indexOf(1.1)", -1),
        ("[].indexOf('string')", -1),
        # CEL equality: numbers compare across int and double, bools never equal ints.
        ("[1, 2.0].indexOf(2)", 1),
        ("[true].indexOf(1)", -1),
        ("[[1], [2]].lastIndexOf([2])", 1),
        # String indexOf of the strings extension still works beside the list one.
        ("'abcb'.indexOf('b')", 1),
        ("'abcb'.lastIndexOf('b')", 3),
        ("object.items.map(i, i.replicas).sum()", 5),
    ],
)
def test_lists(expression: str, expected: object) -> None:
    data = {"object": {"items": [{"replicas": 2}, {"replicas": 3}]}}
    assert value(expression, data) == expected


def test_list_errors() -> None:
    assert error("[].min()") == "min called on empty list"
    assert error("[].max()") == "max called on empty list"
    assert error("[9223372036854775807, 1].sum()") == "sum(): integer overflow"
    assert "sum() of a list of double and int values" in error("[1, 2.5].sum()")
    assert "cannot compare int with string" in error("[1, 'a'].isSorted()")
    assert "not supported by kubelint" in error("[duration('1s')].min()")


# --- quantity ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("quantity('50M').isGreaterThan(quantity('10M'))", True),
        ("quantity('150Mi').isGreaterThan(quantity('100Mi'))", True),
        ("quantity('50Mi').isGreaterThan(quantity('100Mi'))", False),
        ("quantity('50M').isLessThan(quantity('100M'))", True),
        ("quantity('100M').isLessThan(quantity('50M'))", False),
        ("quantity('200M').compareTo(quantity('0.2G'))", 0),
        ("quantity('50M').compareTo(quantity('50Mi'))", -1),
        ("quantity('50Mi').compareTo(quantity('50M'))", 1),
        ("isQuantity('1.3G')", True),
        ("isQuantity('1.3Gi')", True),
        ("isQuantity('1,3G')", False),
        ("isQuantity('10000k')", True),
        ("isQuantity('200K')", False),
        ("isQuantity('Three')", False),
        ("isQuantity(' 1')", False),
        ("isQuantity('10Mm')", False),
        ("quantity('50000000G').isInteger()", True),
        ("quantity('50k').isInteger()", True),
        ("quantity('9999999999999999999999999999999999999G').isInteger()", False),
        ("quantity('500m').isInteger()", False),
        ("quantity('50k').asInteger() == 50000", True),
        ("quantity('50k').sub(20000).asApproximateFloat() == 30000.0", True),
        ("quantity('50.703k').asApproximateFloat()", 50703.0),
        ("quantity('50k').add(quantity('20k')) == quantity('70k')", True),
        ("quantity('50k').add(20) == quantity('50020')", True),
        ("quantity('50k').sub(quantity('20k')) == quantity('30k')", True),
        ("quantity('50k').sub(20000) == quantity('30k')", True),
        ("quantity('50k').add(20).sub(quantity('100k')).sub(-50000) == quantity('20')", True),
        ("quantity('50k').add(20).sub(quantity('100k')).asInteger()", -49980),
        ("quantity('50k').add(quantity('20')) == quantity('50.02k')", True),
        ("quantity('50k').sub(quantity('20')) == quantity('49.98k')", True),
        # sign is a global function in the API server's declarations.
        ("sign(quantity('-1'))", -1),
        ("sign(quantity('0'))", 0),
        ("sign(quantity('2Gi'))", 1),
        # Equality is semantic, as on the API server.
        ("quantity('1') == quantity('1000m')", True),
        ("quantity('200M') == quantity('0.2G') && quantity('0.2G') == quantity('200M')", True),
        ("quantity('200M') == quantity('0.3G')", False),
        # ParseQuantity rounds up to nano precision and caps binary quantities at 2^63-1.
        ("quantity('0.1n') == quantity('1n')", True),
        ("quantity('-0.1n') == quantity('-1n')", True),
        ("quantity('100Ei').asInteger()", 9223372036854775807),
        ("quantity('1Ei').asInteger()", 2**60),
        ("quantity('1e3').asInteger()", 1000),
        ("quantity('1e-999999999').compareTo(quantity('1n'))", 0),
        ("quantity('9999999999999999999999999999999999999G').asApproximateFloat() > 1e45", True),
    ],
)
def test_quantity(expression: str, expected: object) -> None:
    assert value(expression) == expected


def test_quantity_value_is_a_marked_canonical_map() -> None:
    assert value("quantity('1.5Gi')") == {"@kubernetes.Quantity": "1610612736"}
    assert value("quantity('500m')") == {"@kubernetes.Quantity": "0.5"}
    assert value("quantity('-1.5')") == {"@kubernetes.Quantity": "-1.5"}


def test_quantity_errors() -> None:
    message = error("quantity('bogus')")
    assert message.startswith('quantity "bogus" is not a valid Kubernetes quantity')
    assert "500m" in message  # says what a quantity looks like
    assert "not a valid Kubernetes quantity" in error("quantity('200K')")
    assert "not a valid Kubernetes quantity" in error("quantity('')")
    assert error("quantity('9999999999999999999999999999999999999G').asInteger()").startswith(
        "cannot convert value to integer"
    )
    assert error("quantity('500m').asInteger()").startswith("cannot convert value to integer")
    assert "exponent too large" in error("quantity('1e99999999999')")
    assert "takes a quantity, not a semver" in error("quantity('1').compareTo(semver('1.0.0'))")
    assert "not a quantity made by quantity()" in error(
        "{'@kubernetes.Quantity': '1e999999999'}.isInteger()"
    )
    # The documented member form does not compile on the API server either.
    assert "sign" in compile_error("quantity('-1').sign()")
    assert "no matching overload" in compile_error("quantity('50k').add('20k')")


def test_quantity_error_is_absorbed_by_logical_operators() -> None:
    assert value("true || quantity('bogus').isInteger()") is True
    assert value("isQuantity('bogus') && quantity('bogus').isInteger()") is False


# --- url --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("url('/path').getScheme()", ""),
        ("url('https://example.com/').getScheme()", "https"),
        ("url('HTTPS://example.com/').getScheme()", "https"),
        ("url('https://example.com:80/').getHost()", "example.com:80"),
        ("url('https://example.com/').getHost()", "example.com"),
        ("url('https://[::1]:80/').getHost()", "[::1]:80"),
        ("url('https://[::1]/').getHost()", "[::1]"),
        ("url('/path').getHost()", ""),
        ("url('https://example.com:80/').getHostname()", "example.com"),
        ("url('https://127.0.0.1:80/').getHostname()", "127.0.0.1"),
        ("url('https://[::1]:80/').getHostname()", "::1"),
        ("url('/path').getHostname()", ""),
        ("url('https://example.com:80/').getPort()", "80"),
        ("url('https://example.com/').getPort()", ""),
        ("url('/path').getPort()", ""),
        ("url('https://example.com/path').getEscapedPath()", "/path"),
        ("url('https://example.com/path with spaces/').getEscapedPath()", "/path%20with%20spaces/"),
        ("url('https://example.com').getEscapedPath()", ""),
        ("url('https://example.com/a%2Fb').getEscapedPath()", "/a%2Fb"),
        (
            "url('https://example.com/path?k1=a&k2=b&k2=c').getQuery()",
            {"k1": ["a"], "k2": ["b", "c"]},
        ),
        (
            "url('https://example.com/path?key with spaces=value with spaces').getQuery()",
            {"key with spaces": ["value with spaces"]},
        ),
        ("url('https://example.com/path?').getQuery()", {}),
        ("url('https://example.com/path').getQuery()", {}),
        ("url('https://example.com/?a=1+2&b=%zz&c;d&&e').getQuery()", {"a": ["1 2"], "e": [""]}),
        (
            "url('https://user:pass@example.com:80/path?query=val#fragment').getHost()",
            "example.com:80",
        ),
        ("url('mailto:someone@example.com').getScheme()", "mailto"),
        ("url('https://example.com/p').getQuery().size() == 0", True),
        ("isURL('https://user:pass@example.com:80/path?query=val#fragment')", True),
        ("isURL('/absolute-path')", True),
        ("isURL('https://a:b:c/')", False),
        ("isURL('../relative-path')", False),
        ("isURL('')", False),
        ("url('https://example.com/') == url('https://example.com/')", True),
    ],
)
def test_url(expression: str, expected: object) -> None:
    assert value(expression) == expected


def test_url_errors() -> None:
    assert error("url('not a url')") == (
        'URL parse error during conversion from string: parse "not a url": invalid URI for request'
    )
    assert error("url('https://a:b:c/')").endswith('invalid port ":c" after host')
    assert error("url('../relative-path')").endswith("invalid URI for request")
    assert error("url('https://example.com/a%zz')").endswith('invalid URL escape "%zz"')
    assert error("url('https://ex ample.com/')").endswith('invalid character " " in host name')
    assert error("{'a': 1}.getHost()") == "no such overload: getHost() takes a URL, not a map"


# --- ip and cidr ------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("isIP('127.0.0.1')", True),
        ("isIP('::1')", True),
        ("isIP('127.0.0.256')", False),
        ("isIP(':::1')", False),
        ("isIP('::ffff:1.2.3.4')", False),
        ("isIP('fe80::1%eth0')", False),
        ("isIP('01.2.3.4')", False),
        ("ip.isCanonical('127.0.0.1')", True),
        ("ip.isCanonical('2001:db8::abcd')", True),
        ("ip.isCanonical('2001:DB8::ABCD')", False),
        ("ip.isCanonical('2001:db8::0:0:0:abcd')", False),
        ("ip('127.0.0.1').family()", 4),
        ("ip('::1').family()", 6),
        ("ip('0.0.0.0').isUnspecified()", True),
        ("ip('127.0.0.1').isUnspecified()", False),
        ("ip('::').isUnspecified()", True),
        ("ip('::1').isUnspecified()", False),
        ("ip('127.0.0.1').isLoopback()", True),
        ("ip('192.168.0.1').isLoopback()", False),
        ("ip('::1').isLoopback()", True),
        ("ip('2001:db8::abcd').isLoopback()", False),
        ("ip('224.0.0.1').isLinkLocalMulticast()", True),
        ("ip('224.0.1.1').isLinkLocalMulticast()", False),
        ("ip('ff02::1').isLinkLocalMulticast()", True),
        ("ip('fd00::1').isLinkLocalMulticast()", False),
        ("ip('169.254.169.254').isLinkLocalUnicast()", True),
        ("ip('192.168.0.1').isLinkLocalUnicast()", False),
        ("ip('fe80::1').isLinkLocalUnicast()", True),
        ("ip('fd80::1').isLinkLocalUnicast()", False),
        ("ip('192.168.0.1').isGlobalUnicast()", True),
        ("ip('255.255.255.255').isGlobalUnicast()", False),
        ("ip('2001:db8::abcd').isGlobalUnicast()", True),
        ("ip('ff00::1').isGlobalUnicast()", False),
        ("string(ip('2001:DB8::1'))", "2001:db8::1"),
        ("ip('::0:1') == ip('::1')", True),
        ("isCIDR('192.168.0.0/16')", True),
        ("isCIDR('::1/128')", True),
        ("isCIDR('192.168.0.0/33')", False),
        ("isCIDR('::1/129')", False),
        ("isCIDR('192.168.0.0/016')", False),
        ("cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))", True),
        ("cidr('192.168.0.0/24').containsIP(ip('192.168.1.1'))", False),
        ("cidr('192.168.0.0/16').containsIP(ip('192.168.1.1'))", True),
        ("cidr('192.168.0.0/24').containsIP('192.168.0.1')", True),
        ("cidr('192.168.0.0/24').containsIP('192.168.1.1')", False),
        ("cidr('192.168.0.0/24').containsIP('::1')", False),
        ("cidr('2001:db8::/32').containsIP(ip('2001:db8::1'))", True),
        ("cidr('2001:db8::/32').containsIP('2001:dc8::1')", False),
        # Non-equal network addresses, as fixed in Kubernetes 1.33 (kubernetes#130450).
        ("cidr('192.168.0.0/16').containsCIDR(cidr('192.168.10.0/24'))", True),
        ("cidr('192.168.1.0/24').containsCIDR(cidr('192.168.2.0/24'))", False),
        ("cidr('192.168.0.0/16').containsCIDR('192.168.10.0/24')", True),
        ("cidr('192.168.1.0/24').containsCIDR('192.168.2.0/24')", False),
        ("cidr('192.168.0.0/24').containsCIDR('192.168.0.0/23')", False),
        ("cidr('2001:db8::/32').containsCIDR('2001:db8::/33')", True),
        ("cidr('192.168.0.1/24').ip() == ip('192.168.0.1')", True),
        ("cidr('192.168.0.1/24').ip().family()", 4),
        ("cidr('::1/128').ip() == ip('::1')", True),
        ("cidr('::1/128').ip().family()", 6),
        ("cidr('192.168.0.0/24').masked() == cidr('192.168.0.0/24')", True),
        ("cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')", True),
        ("cidr('192.168.0.0/24') == cidr('192.168.0.0/24').masked()", True),
        ("cidr('192.168.0.1/24') == cidr('192.168.0.1/24').masked()", False),
        ("string(cidr('2001:db8:1::/32').masked())", "2001:db8::/32"),
        ("cidr('192.168.0.0/16').prefixLength()", 16),
        ("cidr('::1/128').prefixLength()", 128),
        ("string(cidr('192.168.0.0/24'))", "192.168.0.0/24"),
    ],
)
def test_ip_and_cidr(expression: str, expected: object) -> None:
    assert value(expression) == expected


def test_ip_and_cidr_errors() -> None:
    assert error("ip('127.0.0.256')").startswith(
        'IP Address "127.0.0.256" parse error during conversion from string'
    )
    assert error("ip('::ffff:1.2.3.4')") == (
        'IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed'
    )
    assert error("ip('fe80::1%eth0')") == 'IP address "fe80::1%eth0" with zone value is not allowed'
    assert error("ip.isCanonical('nope')").startswith('IP Address "nope" parse error')
    assert error("cidr('192.168.0.0/')").endswith('bad bits after slash: ""')
    assert error("cidr('::1/129')").endswith("prefix length out of range")
    assert "IPv4-mapped" in error("cidr('::ffff:1.2.3.4/120')")
    assert error("cidr('10.0.0.0/8').containsIP('nope')").startswith('IP Address "nope"')
    assert error("string({'a': 1})") == "no such overload: string() of a map"
    assert "no matching overload" in compile_error("cidr(192168)")


# --- semver -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("isSemver('1.0.0')", True),
        ("isSemver('0.1.0-alpha.1')", True),
        ("isSemver('hello')", False),
        ("isSemver('v1.0')", False),
        ("isSemver('v1.0', true)", True),
        ("isSemver('01.01.01')", False),
        ("isSemver('01.01.01', true)", True),
        ("isSemver('1.0', true)", True),
        ("isSemver('1.0-rc', true)", False),
        ("isSemver('1.0.0-01')", False),
        ("isSemver('1.0.0+build..1')", False),
        ("semver('1.2.3').major()", 1),
        ("semver('1.2.3').minor()", 2),
        ("semver('1.2.3').patch()", 3),
        ("semver('v1.0', true) == semver('1.0.0')", True),
        ("semver('01.01.01', true).minor()", 1),
        ("semver('1.2.3').compareTo(semver('1.2.3'))", 0),
        ("semver('1.2.3').compareTo(semver('2.0.0'))", -1),
        ("semver('1.2.3').compareTo(semver('0.1.2'))", 1),
        ("semver('1.2.3').isGreaterThan(semver('1.2.2'))", True),
        ("semver('1.2.3').isLessThan(semver('1.2.2'))", False),
        ("semver('1.0.0-alpha').isLessThan(semver('1.0.0'))", True),
        ("semver('1.0.0-alpha.1').isLessThan(semver('1.0.0-alpha.beta'))", True),
        ("semver('1.0.0-rc.2').isLessThan(semver('1.0.0-rc.10'))", True),
        ("semver('1.0.0-rc.1').isLessThan(semver('1.0.0-rc.1.1'))", True),
        # blang/semver ignores build metadata when comparing.
        ("semver('1.0.0+build.1') == semver('1.0.0+build.2')", True),
        ("semver('1.0.0+build.1').compareTo(semver('1.0.0'))", 0),
    ],
)
def test_semver(expression: str, expected: object) -> None:
    assert value(expression) == expected


def test_semver_errors() -> None:
    assert error("semver('Three')") == "No Major.Minor.Patch elements found"
    assert error("semver('200K')") == "No Major.Minor.Patch elements found"
    assert error("semver('1.0.x')") == 'Invalid character(s) found in patch number "x"'
    assert error("semver('01.0.0')") == 'Major number must not contain leading zeroes "01"'
    assert error("semver('1.0-rc', true)") == (
        "short version cannot contain PreRelease/Build meta data"
    )


# --- environment and evaluation ---------------------------------------------


DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
    "spec": {
        "replicas": 3,
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "registry.example.com/web:1.4.2",
                        "resources": {
                            "requests": {"cpu": "250m", "memory": "512Mi"},
                            "limits": {"cpu": "1", "memory": "2Gi"},
                        },
                    },
                    {"name": "sidecar", "image": "registry.example.com/proxy:2.0.0"},
                ]
            },
        },
    },
}

MEMORY_LIMIT = (
    "object.spec.template.spec.containers.all(c, !has(c.resources) || "
    "!has(c.resources.limits) || !('memory' in c.resources.limits) || "
    "quantity(c.resources.limits.memory).compareTo(quantity('4Gi')) <= 0)"
)


def test_validating_admission_policy_expression_on_a_deployment() -> None:
    assert value(MEMORY_LIMIT, {"object": DEPLOYMENT}) is True
    big = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "a", "resources": {"limits": {"memory": "8Gi"}}}]}
            }
        }
    }
    assert value(MEMORY_LIMIT, {"object": big}) is False
    bad = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "a", "resources": {"limits": {"memory": "8GB"}}}]}
            }
        }
    }
    result, message = run(MEMORY_LIMIT, {"object": bad})
    assert result is None
    assert message is not None and message.startswith('quantity "8GB" is not a valid')


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (
            "object.spec.template.spec.containers.all(c, "
            "semver(c.image.find('[0-9]+\\\\.[0-9]+\\\\.[0-9]+$'))"
            ".isGreaterThan(semver(params.minVersion)))",
            True,
        ),
        (
            "object.spec.template.spec.containers.filter(c, has(c.resources)).all(c, "
            "quantity(c.resources.requests.cpu).isLessThan(quantity(c.resources.limits.cpu)))",
            True,
        ),
        (
            "object.spec.template.spec.containers.map(c, c.image.findAll('[a-z]+')[0])",
            ["registry", "registry"],
        ),
        ("cel.bind(r, object.spec.replicas, r >= 2 && r <= 10)", True),
        ("object.metadata.name.upperAscii()", "WEB"),
        ("math.greatest(1, object.spec.replicas)", 3),
        ("base64.encode(b'hi')", "aGk="),
        ("optional.of(object.spec.replicas).orValue(0)", 3),
        ("object.?spec.?paused.orValue(false)", False),
    ],
)
def test_policy_expressions_with_standard_extensions(expression: str, expected: object) -> None:
    data = {"object": DEPLOYMENT, "params": {"minVersion": "1.0.0"}}
    assert value(expression, data) == expected


def test_new_environment_variables() -> None:
    from cel_expr_python import cel

    env = new_environment({"count": cel.Type.INT, "object": None})
    assert evaluate(env.compile("count + object.size()"), {"count": 2, "object": {"a": 1}}) == (
        3,
        None,
    )
    with pytest.raises(RuntimeError, match="no matching overload"):
        env.compile("count + 'x'")
    bare = new_environment()
    assert evaluate(bare.compile("quantity('1Ki').asInteger()"), {}) == (1024, None)
    with pytest.raises(TypeError):
        new_environment({"": None})


def test_extensions_are_built_once() -> None:
    first = cel_environment._all_extensions()
    new_environment({"object": None})
    assert cel_environment._all_extensions() is first


def test_evaluate_reports_errors_as_messages() -> None:
    assert evaluate(ENV.compile("object.missing"), {"object": {}, "params": {}}) == (
        None,
        'Key not found in map : "missing"',
    )
    result, message = evaluate(ENV.compile("1 / object.zero"), {"object": {"zero": 0}})
    assert result is None and message == "divide by zero"
    # An unbound variable raises inside cel-expr-python; evaluate() returns it.
    result, message = evaluate(ENV.compile("object.a"), {})
    assert result is None and message
    # A result without a Python form.
    result, message = evaluate(ENV.compile("optional.of(1)"), {"object": {}})
    assert result is None and message is not None and "no Python value" in message


def test_function_list() -> None:
    assert len(KUBERNETES_FUNCTIONS) == len(set(KUBERNETES_FUNCTIONS))
    for name in ("quantity", "find", "findAll", "url", "ip.isCanonical", "cidr", "semver"):
        assert name in KUBERNETES_FUNCTIONS


def test_missing_runtime_is_a_clear_import_error() -> None:
    code = (
        "import sys; sys.modules['cel_expr_python'] = None\n"
        "try:\n    import kubelint.cel\n"
        "except ImportError as exc:\n    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "Python 3.11" in result.stdout
    assert "cel-expr-python" in result.stdout
