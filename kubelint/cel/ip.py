"""The IP library (Go's net/netip, with the API server's extra rules): ``ip(s)``, ``isIP(s)``,
``ip.isCanonical(s)``, ``family()``, ``isUnspecified()``, ``isLoopback()``,
``isLinkLocalMulticast()``, ``isLinkLocalUnicast()``, ``isGlobalUnicast()``; IPv4-mapped
IPv6 addresses and zones are rejected."""

from __future__ import annotations

import ipaddress
from typing import Any

from kubelint.cel.base import IP, OPAQUE, Declarations, FunctionError, T, quote, unwrap

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_ip(text: str) -> Address:
    address: Address
    try:
        address = ipaddress.IPv6Address(text) if ":" in text else ipaddress.IPv4Address(text)
    except ValueError as exc:
        raise FunctionError(
            f"IP Address {quote(text)} parse error during conversion from string: {exc}"
        ) from None
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id is not None:
            raise FunctionError(f"IP address {quote(text)} with zone value is not allowed")
        if address.ipv4_mapped is not None:
            raise FunctionError(f"IPv4-mapped IPv6 address {quote(text)} is not allowed")
    return address


def ip_text(address: Address) -> str:
    return address.compressed


def _ip(text: str) -> dict[str, str]:
    return {IP: ip_text(parse_ip(text))}


def _is_ip(text: str) -> bool:
    try:
        parse_ip(text)
    except FunctionError:
        return False
    return True


def _ip_is_canonical(text: str) -> bool:
    return ip_text(parse_ip(text)) == text


def ip_of(value: Any, function: str) -> Address:
    return parse_ip(unwrap(value, IP, function))


def _ip_family(value: Any) -> int:
    return ip_of(value, "family").version


def _ip_is_unspecified(value: Any) -> bool:
    return int(ip_of(value, "isUnspecified")) == 0


def _is_loopback(address: Address) -> bool:
    if address.version == 4:
        return int(address) >> 24 == 127
    return int(address) == 1


def _is_multicast(address: Address) -> bool:
    if address.version == 4:
        return int(address) >> 28 == 0xE
    return int(address) >> 120 == 0xFF


def _is_link_local_unicast(address: Address) -> bool:
    if address.version == 4:
        return int(address) >> 16 == 0xA9FE
    return int(address) >> 118 == 0xFE80 >> 6


def _ip_is_loopback(value: Any) -> bool:
    return _is_loopback(ip_of(value, "isLoopback"))


def _ip_is_link_local_multicast(value: Any) -> bool:
    address = ip_of(value, "isLinkLocalMulticast")
    if address.version == 4:
        return int(address) >> 8 == 0xE00000
    return (int(address) >> 112) & 0xFF0F == 0xFF02


def _ip_is_link_local_unicast(value: Any) -> bool:
    return _is_link_local_unicast(ip_of(value, "isLinkLocalUnicast"))


def _ip_is_global_unicast(value: Any) -> bool:
    address = ip_of(value, "isGlobalUnicast")
    if address.version == 4 and int(address) in (0, 0xFFFFFFFF):
        return False
    return not (
        int(address) == 0
        or _is_loopback(address)
        or _is_multicast(address)
        or _is_link_local_unicast(address)
    )


MEMBERS: Declarations = {
    "family": [("ip_family", T.INT, [OPAQUE], _ip_family)],
    "isUnspecified": [("ip_is_unspecified", T.BOOL, [OPAQUE], _ip_is_unspecified)],
    "isLoopback": [("ip_is_loopback", T.BOOL, [OPAQUE], _ip_is_loopback)],
    "isLinkLocalMulticast": [
        ("ip_is_link_local_multicast", T.BOOL, [OPAQUE], _ip_is_link_local_multicast)
    ],
    "isLinkLocalUnicast": [
        ("ip_is_link_local_unicast", T.BOOL, [OPAQUE], _ip_is_link_local_unicast)
    ],
    "isGlobalUnicast": [("ip_is_global_unicast", T.BOOL, [OPAQUE], _ip_is_global_unicast)],
}
GLOBALS: Declarations = {
    "ip": [("string_to_ip", OPAQUE, [T.STRING], _ip)],
    "isIP": [("is_ip", T.BOOL, [T.STRING], _is_ip)],
    "ip.isCanonical": [("ip_is_canonical", T.BOOL, [T.STRING], _ip_is_canonical)],
}
