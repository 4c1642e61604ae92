"""The semver library (blang/semver v4 Parse, as the API server uses it): ``semver(s)``,
``semver(s, normalize)``, ``isSemver(s)``, ``isSemver(s, normalize)``, ``major()``,
``minor()``, ``patch()`` (the comparisons, shared with quantity, are in
``kubelint.cel.compare``)."""

from __future__ import annotations

import re
from typing import Any

from kubelint.cel.base import OPAQUE, SEMVER, Declarations, FunctionError, T, quote, unwrap

_SEMVER_ALPHANUM = re.compile(r"[0-9A-Za-z-]*")
_SEMVER_NUMBER = re.compile(r"[0-9]*")


def _semver_number(part: str, name: str) -> int:
    if not _SEMVER_NUMBER.fullmatch(part):
        raise FunctionError(f"Invalid character(s) found in {name} number {quote(part)}")
    if len(part) > 1 and part[0] == "0":
        raise FunctionError(
            f"{name.capitalize()} number must not contain leading zeroes {quote(part)}"
        )
    if not part:
        raise FunctionError(f"strconv.ParseUint: parsing {quote(part)}: invalid syntax")
    if len(part) > 20 or int(part) >= 2**64:
        raise FunctionError(f"strconv.ParseUint: parsing {quote(part)}: value out of range")
    return int(part)


def _parse_semver(text: str) -> tuple[int, int, int, list[int | str]]:
    if not text:
        raise FunctionError("Version string empty")
    parts = text.split(".", 2)
    if len(parts) != 3:
        raise FunctionError("No Major.Minor.Patch elements found")
    major = _semver_number(parts[0], "major")
    minor = _semver_number(parts[1], "minor")
    rest = parts[2]
    build: list[str] = []
    if "+" in rest:
        rest, _, meta = rest.partition("+")
        build = meta.split(".")
    prerelease: list[str] = []
    if "-" in rest:
        rest, _, pre = rest.partition("-")
        prerelease = pre.split(".")
    patch = _semver_number(rest, "patch")
    identifiers: list[int | str] = []
    for identifier in prerelease:
        if not identifier:
            raise FunctionError("Prerelease is empty")
        if _SEMVER_NUMBER.fullmatch(identifier):
            if len(identifier) > 1 and identifier[0] == "0":
                raise FunctionError(
                    "Numeric PreRelease version must not contain leading zeroes "
                    f"{quote(identifier)}"
                )
            identifiers.append(int(identifier))
        elif _SEMVER_ALPHANUM.fullmatch(identifier):
            identifiers.append(identifier)
        else:
            raise FunctionError(f"Invalid character(s) found in prerelease {quote(identifier)}")
    for meta in build:
        if not meta:
            raise FunctionError("Build meta data is empty")
        if not _SEMVER_ALPHANUM.fullmatch(meta):
            raise FunctionError(f"Invalid character(s) found in build meta data {quote(meta)}")
    return major, minor, patch, identifiers


def _normalize_semver(text: str) -> str:
    """The API server's normalizeAndParse: no 'v', no leading zeros, x -> x.0.0."""
    if text.startswith("v"):
        text = text[1:]
    parts = text.split(".", 2)
    for index, part in enumerate(parts):
        if len(part) > 1:
            part = part.lstrip("0")
            if not part or part[0] not in "0123456789":
                part = "0" + part
            parts[index] = part
    if len(parts) < 3:
        if "+" in parts[-1] or "-" in parts[-1]:
            raise FunctionError("short version cannot contain PreRelease/Build meta data")
        parts.extend(["0"] * (3 - len(parts)))
    return ".".join(parts)


def _semver_text(version: tuple[int, int, int, list[int | str]]) -> str:
    major, minor, patch, prerelease = version
    text = f"{major}.{minor}.{patch}"
    if prerelease:
        text += "-" + ".".join(str(p) for p in prerelease)
    return text


def _semver(text: str) -> dict[str, str]:
    return {SEMVER: _semver_text(_parse_semver(text))}


def _semver_normalize(text: str, normalize: bool) -> dict[str, str]:
    return _semver(_normalize_semver(text) if normalize else text)


def _is_semver(text: str) -> bool:
    try:
        _parse_semver(text)
    except FunctionError:
        return False
    return True


def _is_semver_normalize(text: str, normalize: bool) -> bool:
    try:
        _parse_semver(_normalize_semver(text) if normalize else text)
    except FunctionError:
        return False
    return True


def semver_of(value: Any, function: str) -> tuple[int, int, int, list[int | str]]:
    return _parse_semver(unwrap(value, SEMVER, function))


def _wrap_int64(value: int) -> int:
    """Go's int64(uint64) conversion."""
    return (value + 2**63) % 2**64 - 2**63


def _semver_major(value: Any) -> int:
    return _wrap_int64(semver_of(value, "major")[0])


def _semver_minor(value: Any) -> int:
    return _wrap_int64(semver_of(value, "minor")[1])


def _semver_patch(value: Any) -> int:
    return _wrap_int64(semver_of(value, "patch")[2])


def semver_compare(
    left: tuple[int, int, int, list[int | str]], right: tuple[int, int, int, list[int | str]]
) -> int:
    for a, b in zip(left[:3], right[:3], strict=True):
        if a != b:
            return 1 if a > b else -1
    left_pre, right_pre = left[3], right[3]
    if not left_pre or not right_pre:
        return (not left_pre) - (not right_pre)
    for mine, theirs in zip(left_pre, right_pre, strict=False):
        if mine == theirs:
            continue
        if isinstance(mine, int) and isinstance(theirs, int):
            return 1 if mine > theirs else -1
        if isinstance(mine, int):
            return -1  # numeric identifiers sort before alphanumeric ones
        if isinstance(theirs, int):
            return 1
        return 1 if mine.encode() > theirs.encode() else -1
    return (len(left_pre) > len(right_pre)) - (len(left_pre) < len(right_pre))


MEMBERS: Declarations = {
    "major": [("semver_major", T.INT, [OPAQUE], _semver_major)],
    "minor": [("semver_minor", T.INT, [OPAQUE], _semver_minor)],
    "patch": [("semver_patch", T.INT, [OPAQUE], _semver_patch)],
}
GLOBALS: Declarations = {
    "semver": [
        ("string_to_semver", OPAQUE, [T.STRING], _semver),
        ("string_bool_to_semver", OPAQUE, [T.STRING, T.BOOL], _semver_normalize),
    ],
    "isSemver": [
        ("is_semver_string", T.BOOL, [T.STRING], _is_semver),
        ("is_semver_string_bool", T.BOOL, [T.STRING, T.BOOL], _is_semver_normalize),
    ],
}
