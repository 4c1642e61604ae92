"""The URL library (Go's net/url: url.ParseRequestURI then url.Parse): ``url(s)``,
``isURL(s)``, ``getScheme()``, ``getHost()``, ``getHostname()``, ``getPort()``,
``getEscapedPath()``, ``getQuery()``; only absolute URIs and absolute paths are URLs."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from kubelint.cel.base import OPAQUE, URL, Declarations, FunctionError, T, quote, unwrap

_PATH, _USERINFO, _QUERY_COMPONENT, _FRAGMENT, _HOST, _ZONE = range(6)
_HEX = frozenset(b"0123456789abcdefABCDEF")
_ALNUM = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_HOST_EXTRA = frozenset(b"!$&'()*+,;=:[]<>\"")
_RESERVED = frozenset(b"$&+,/:;=?@")
_USERINFO_OK = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:~!$&'()*+,;=%@"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _should_escape(char: int, mode: int) -> bool:
    if char in _ALNUM:
        return False
    if mode in (_HOST, _ZONE) and char in _HOST_EXTRA:
        return False
    if char in b"-_.~":
        return False
    if char in _RESERVED:
        if mode == _PATH:
            return char == ord("?")
        if mode == _USERINFO:
            return char in b"@/?:"
        if mode == _QUERY_COMPONENT:
            return True
        if mode == _FRAGMENT:
            return False
    return not (mode == _FRAGMENT and char in b"!()*")


def _unescape(text: bytes, mode: int) -> bytes:
    size = len(text)
    i = 0
    while i < size:
        char = text[i]
        if char == 0x25:  # %
            if i + 2 >= size or text[i + 1] not in _HEX or text[i + 2] not in _HEX:
                bad = text[i : i + 3].decode("utf-8", "replace")
                raise FunctionError(f"invalid URL escape {quote(bad)}")
            byte = int(text[i + 1 : i + 3], 16)
            if mode == _HOST and byte < 0x80 and text[i : i + 3] != b"%25":
                raise FunctionError(f"invalid URL escape {quote(text[i : i + 3].decode())}")
            if (
                mode == _ZONE
                and text[i : i + 3] != b"%25"
                and byte != 0x20
                and _should_escape(byte, _HOST)
            ):
                raise FunctionError(f"invalid URL escape {quote(text[i : i + 3].decode())}")
            i += 3
        else:
            if mode in (_HOST, _ZONE) and char < 0x80 and _should_escape(char, mode):
                raise FunctionError(f"invalid character {quote(chr(char))} in host name")
            i += 1
    out = bytearray()
    i = 0
    while i < size:
        char = text[i]
        if char == 0x25:
            out.append(int(text[i + 1 : i + 3], 16))
            i += 3
        elif char == 0x2B and mode == _QUERY_COMPONENT:  # +
            out.append(0x20)
            i += 1
        else:
            out.append(char)
            i += 1
    return bytes(out)


def _escape_path(text: bytes) -> str:
    return "".join(f"%{char:02X}" if _should_escape(char, _PATH) else chr(char) for char in text)


def _valid_encoded_path(text: bytes) -> bool:
    for char in text:
        if char in b"!$&'()*+,;=:@[]%":
            continue
        if _should_escape(char, _PATH):
            return False
    return True


def _valid_optional_port(port: str) -> bool:
    return port == "" or (port[0] == ":" and all("0" <= c <= "9" for c in port[1:]))


def _parse_host(host: str) -> str:
    if host.startswith("["):
        close = host.rfind("]")
        if close < 0:
            raise FunctionError("missing ']' in host")
        port = host[close + 1 :]
        if not _valid_optional_port(port):
            raise FunctionError(f"invalid port {quote(port)} after host")
        zone = host.find("%25", 0, close)
        literal = host[1:close] if zone < 0 else host[1:zone]
        try:
            ipaddress.IPv6Address(literal)
        except ValueError:
            raise FunctionError(f"invalid IPv6 host {quote(literal)}") from None
        if zone >= 0:
            return (
                _unescape(host[:zone].encode(), _HOST)
                + _unescape(host[zone:close].encode(), _ZONE)
                + _unescape(host[close:].encode(), _HOST)
            ).decode("utf-8", "replace")
    else:
        colon = host.rfind(":")
        if colon >= 0 and not _valid_optional_port(host[colon:]):
            raise FunctionError(f"invalid port {quote(host[colon:])} after host")
    return _unescape(host.encode(), _HOST).decode("utf-8", "replace")


class _ParsedURL:
    __slots__ = ("host", "path", "raw_path", "raw_query", "scheme")

    def __init__(self) -> None:
        self.scheme = ""
        self.host = ""
        self.path = b""
        self.raw_path = b""
        self.raw_query = ""

    def set_path(self, text: str) -> None:
        raw = text.encode()
        self.path = _unescape(raw, _PATH)
        self.raw_path = b"" if _escape_path(self.path) == text else raw

    def escaped_path(self) -> str:
        if self.raw_path and _valid_encoded_path(self.raw_path):
            try:
                if _unescape(self.raw_path, _PATH) == self.path:
                    return self.raw_path.decode()
            except FunctionError:
                pass
        if self.path == b"*":
            return "*"
        return _escape_path(self.path)


def _go_parse(raw: str, via_request: bool) -> _ParsedURL:
    """Go's net/url parse(rawURL, viaRequest), without the fragment handling."""
    if _CONTROL.search(raw):
        raise FunctionError("net/url: invalid control character in URL")
    if raw == "" and via_request:
        raise FunctionError("empty url")
    url = _ParsedURL()
    if raw == "*":
        url.path = b"*"
        return url
    rest = raw
    scheme_match = re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", raw)
    if raw.startswith(":"):
        raise FunctionError("missing protocol scheme")
    if scheme_match:
        url.scheme = scheme_match.group()[:-1].lower()
        rest = raw[scheme_match.end() :]
    if rest.endswith("?") and rest.count("?") == 1:
        rest = rest[:-1]
    else:
        rest, _, url.raw_query = rest.partition("?")
    if not rest.startswith("/"):
        if url.scheme:
            return url  # an opaque URL such as mailto:someone
        if via_request:
            raise FunctionError("invalid URI for request")
        if ":" in rest.partition("/")[0]:
            raise FunctionError("first path segment in URL cannot contain colon")
    authority_allowed = url.scheme or (not via_request and not rest.startswith("///"))
    if authority_allowed and rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        rest = slash + path
        at = authority.rfind("@")
        url.host = _parse_host(authority[at + 1 :])
        if at >= 0:
            userinfo = authority[:at]
            if any(ord(c) >= 0x80 or ord(c) not in _USERINFO_OK for c in userinfo):
                raise FunctionError("net/url: invalid userinfo")
            for part in userinfo.split(":", 1):
                _unescape(part.encode(), _USERINFO)
    url.set_path(rest)
    return url


def _parse_url(text: str) -> _ParsedURL:
    """The API server's url(): ParseRequestURI must accept it, Parse gives the parts."""
    try:
        _go_parse(text, via_request=True)
        without_fragment, hash_sign, fragment = text.partition("#")
        url = _go_parse(without_fragment, via_request=False)
        if hash_sign and fragment:
            _unescape(fragment.encode(), _FRAGMENT)
    except FunctionError as exc:
        raise FunctionError(
            f"URL parse error during conversion from string: parse {quote(text)}: {exc}"
        ) from None
    return url


def _url(text: str) -> dict[str, str]:
    _parse_url(text)
    return {URL: text}


def _is_url(text: str) -> bool:
    try:
        _go_parse(text, via_request=True)
    except FunctionError:
        return False
    return True


def _url_of(value: Any, function: str) -> _ParsedURL:
    return _parse_url(unwrap(value, URL, function))


def _split_host_port(host: str) -> tuple[str, str]:
    port = ""
    colon = host.rfind(":")
    if colon >= 0 and _valid_optional_port(host[colon:]):
        host, port = host[:colon], host[colon + 1 :]
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, port


def _url_scheme(value: Any) -> str:
    return _url_of(value, "getScheme").scheme


def _url_host(value: Any) -> str:
    return _url_of(value, "getHost").host


def _url_hostname(value: Any) -> str:
    return _split_host_port(_url_of(value, "getHostname").host)[0]


def _url_port(value: Any) -> str:
    return _split_host_port(_url_of(value, "getPort").host)[1]


def _url_escaped_path(value: Any) -> str:
    return _url_of(value, "getEscapedPath").escaped_path()


def _url_query(value: Any) -> dict[str, list[str]]:
    """Go's url.Values: repeated keys collect values; malformed pairs are dropped."""
    result: dict[str, list[str]] = {}
    for pair in _url_of(value, "getQuery").raw_query.split("&"):
        if ";" in pair or not pair:
            continue
        key, _, item = pair.partition("=")
        try:
            key_text = _unescape(key.encode(), _QUERY_COMPONENT).decode("utf-8", "replace")
            item_text = _unescape(item.encode(), _QUERY_COMPONENT).decode("utf-8", "replace")
        except FunctionError:
            continue
        result.setdefault(key_text, []).append(item_text)
    return result


MEMBERS: Declarations = {
    "getScheme": [("url_get_scheme", T.STRING, [OPAQUE], _url_scheme)],
    "getHost": [("url_get_host", T.STRING, [OPAQUE], _url_host)],
    "getHostname": [("url_get_hostname", T.STRING, [OPAQUE], _url_hostname)],
    "getPort": [("url_get_port", T.STRING, [OPAQUE], _url_port)],
    "getEscapedPath": [("url_get_escaped_path", T.STRING, [OPAQUE], _url_escaped_path)],
    "getQuery": [("url_get_query", T.Map(T.STRING, T.List(T.STRING)), [OPAQUE], _url_query)],
}
GLOBALS: Declarations = {
    "url": [("string_to_url", OPAQUE, [T.STRING], _url)],
    "isURL": [("is_url_string", T.BOOL, [T.STRING], _is_url)],
}
