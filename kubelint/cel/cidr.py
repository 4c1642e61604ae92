"""The CIDR library (Go's net/netip, with the API server's extra rules): ``cidr(s)``,
``isCIDR(s)``, ``containsIP(ip|string)``, ``containsCIDR(cidr|string)``, ``ip()``,
``masked()``, ``prefixLength()``; and ``string()`` of an IP address or a CIDR."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from kubelint.cel.base import (
    CIDR,
    IP,
    OPAQUE,
    Declarations,
    FunctionError,
    T,
    kind_of,
    quote,
    unwrap,
)
from kubelint.cel.ip import Address, ip_of, ip_text, parse_ip


def _parse_cidr(text: str) -> tuple[Address, int]:
    def fail(reason: str) -> FunctionError:
        return FunctionError(
            "network address parse error during conversion from string: "
            f"network address parse error during conversion from string: "
            f"netip.ParsePrefix({quote(text)}): {reason}"
        )

    address_text, slash, bits_text = text.rpartition("/")
    if not slash:
        raise fail("no '/'")
    if "%" in address_text:
        raise fail("IPv6 zones cannot be present in a prefix")
    try:
        address: Address
        if ":" in address_text:
            address = ipaddress.IPv6Address(address_text)
        else:
            address = ipaddress.IPv4Address(address_text)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if not re.fullmatch(r"0|[1-9][0-9]{0,2}", bits_text):
        raise fail(f"bad bits after slash: {quote(bits_text)}")
    bits = int(bits_text)
    if bits > address.max_prefixlen:
        raise fail("prefix length out of range")
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        raise FunctionError(
            "network address parse error during conversion from string: "
            f"IPv4-mapped IPv6 address {quote(text)} is not allowed"
        )
    return address, bits


def _cidr_text(address: Address, bits: int) -> str:
    return f"{ip_text(address)}/{bits}"


def _cidr(text: str) -> dict[str, str]:
    return {CIDR: _cidr_text(*_parse_cidr(text))}


def _is_cidr(text: str) -> bool:
    try:
        _parse_cidr(text)
    except FunctionError:
        return False
    return True


def _cidr_of(value: Any, function: str) -> tuple[Address, int]:
    return _parse_cidr(unwrap(value, CIDR, function))


def _masked(address: Address, bits: int) -> int:
    width = address.max_prefixlen
    return int(address) >> (width - bits) << (width - bits) if bits else 0


def _contains_ip(network: tuple[Address, int], address: Address) -> bool:
    base, bits = network
    if base.version != address.version:
        return False
    return _masked(base, bits) == _masked(address, bits)


def _contains_cidr(network: tuple[Address, int], other: tuple[Address, int]) -> bool:
    # As fixed in Kubernetes 1.33 (kubernetes#130450): compare both addresses masked.
    base, bits = network
    address, other_bits = other
    if base.version != address.version or other_bits < bits:
        return False
    return _masked(base, bits) == _masked(address, bits)


def _cidr_contains_ip(value: Any, other: Any) -> bool:
    return _contains_ip(_cidr_of(value, "containsIP"), ip_of(other, "containsIP"))


def _cidr_contains_ip_string(value: Any, other: str) -> bool:
    return _contains_ip(_cidr_of(value, "containsIP"), parse_ip(other))


def _cidr_contains_cidr(value: Any, other: Any) -> bool:
    return _contains_cidr(_cidr_of(value, "containsCIDR"), _cidr_of(other, "containsCIDR"))


def _cidr_contains_cidr_string(value: Any, other: str) -> bool:
    return _contains_cidr(_cidr_of(value, "containsCIDR"), _parse_cidr(other))


def _cidr_ip(value: Any) -> dict[str, str]:
    return {IP: ip_text(_cidr_of(value, "ip")[0])}


def _cidr_masked(value: Any) -> dict[str, str]:
    address, bits = _cidr_of(value, "masked")
    network = type(address)(_masked(address, bits))
    return {CIDR: _cidr_text(network, bits)}


def _cidr_prefix_length(value: Any) -> int:
    return _cidr_of(value, "prefixLength")[1]


def _opaque_to_string(value: Any) -> str:
    if isinstance(value, dict) and len(value) == 1:
        if IP in value:
            return ip_text(ip_of(value, "string"))
        if CIDR in value:
            return _cidr_text(*_cidr_of(value, "string"))
    raise FunctionError(f"no such overload: string() of a {kind_of(value)}")


MEMBERS: Declarations = {
    "containsIP": [
        ("cidr_contains_ip_string", T.BOOL, [OPAQUE, T.STRING], _cidr_contains_ip_string),
        ("cidr_contains_ip_ip", T.BOOL, [OPAQUE, OPAQUE], _cidr_contains_ip),
    ],
    "containsCIDR": [
        ("cidr_contains_cidr_string", T.BOOL, [OPAQUE, T.STRING], _cidr_contains_cidr_string),
        ("cidr_contains_cidr", T.BOOL, [OPAQUE, OPAQUE], _cidr_contains_cidr),
    ],
    "ip": [("cidr_ip", OPAQUE, [OPAQUE], _cidr_ip)],
    "masked": [("cidr_masked", OPAQUE, [OPAQUE], _cidr_masked)],
    "prefixLength": [("cidr_prefix_length", T.INT, [OPAQUE], _cidr_prefix_length)],
}
GLOBALS: Declarations = {
    "cidr": [("string_to_cidr", OPAQUE, [T.STRING], _cidr)],
    "isCIDR": [("is_cidr", T.BOOL, [T.STRING], _is_cidr)],
    "string": [("k8s_opaque_to_string", T.STRING, [OPAQUE], _opaque_to_string)],
}
