"""## What it does
Checks a CronJob's `spec.schedule` as Kubernetes parses it (the standard parser of
robfig/cron v3), and its `spec.timeZone`:

- the schedule has exactly five fields: minute (0-59), hour (0-23), day of month
  (1-31), month (1-12 or `JAN`-`DEC`) and day of week (0-6 or `SUN`-`SAT`; 7 is not
  Sunday here); names are case-insensitive. Each field is a comma-separated list of `*`,
  `?`, values, ranges `a-b` (with `a <= b`) and steps `*/n`, `a-b/n`, `a/n` (`n >= 1`);
- or it is one of the macros `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
  `@midnight`, `@hourly`, or `@every <duration>` with a Go duration such as `1h30m`;
- it has no `TZ=` or `CRON_TZ=` prefix (nor `TZ` anywhere): since Kubernetes 1.27 the
  API server rejects it; the time zone belongs in `spec.timeZone`;
- it is not empty or missing;
- `spec.timeZone`, when set, is an IANA time zone name such as `Europe/Berlin` (checked
  against the time zone database of the machine running kubelint; when it has none,
  the time zone is not checked), not empty and not `Local`.

The first error of a schedule is reported, with the field and the value, e.g.
`day-of-week value 7 is out of range 0-6`. A schedule that is not a string (a Helm
template left unrendered is usually one) is left to schema validation.

## Why is this bad?
The API server parses the schedule when the CronJob is created and rejects one it cannot
parse (`spec.schedule: Invalid value: "0 0 * * 7": end of range (7) above maximum (6)`),
so the deployment fails; and a six-field expression copied from another cron dialect
(seconds or years) or a Quartz-style `L` or `#` never works here. A `CRON_TZ=` prefix
was accepted by older clusters but is rejected since 1.27 (`cannot use TZ or CRON_TZ in
schedule, use timeZone field instead`), and an unknown `timeZone` is rejected too. The
source notes (004, "CronJob") describe the CronJob as the controller for periodic tasks
such as backups and reports: a schedule that does not parse means the task never runs.

## Example
```yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: weekly-report
spec:
  schedule: "CRON_TZ=Europe/Berlin 0 6 * * 7"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.example.com/report:1.4
```

## Use instead
```yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: weekly-report
spec:
  schedule: "0 6 * * SUN"
  timeZone: Europe/Berlin
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.example.com/report:1.4
```

## References
- https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
- https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones
- https://pkg.go.dev/github.com/robfig/cron/v3#hdr-CRON_Expression_Format
- https://pkg.go.dev/time#ParseDuration
- Source notes 004 (CronJob): the controller for periodic tasks, like Unix cron
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import NamedTuple

from kubelint.api import Manifest, RuleContext, Violation, did_you_mean, lazy_compile, rule

SCHEDULE: tuple[str, ...] = ("spec", "schedule")
TIME_ZONE: tuple[str, ...] = ("spec", "timeZone")

MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
DAYS = {
    name: number for number, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))
}


class Field(NamedTuple):
    name: str
    low: int
    high: int
    names: Mapping[str, int] | None = None
    hint: str = ""


FIELDS = (
    Field("minute", 0, 59),
    Field("hour", 0, 23),
    Field("day-of-month", 1, 31),
    Field("month", 1, 12, MONTHS, "JAN-DEC"),
    Field("day-of-week", 0, 6, DAYS, "SUN-SAT"),
)
MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
EVERY = "@every "

#: strconv.Atoi: an optional sign and ASCII digits.
_ATOI = lazy_compile(r"[+-]?[0-9]+")
_INT64_MAX = 2**63 - 1

#: Go's time.ParseDuration units, in nanoseconds.
UNITS = {
    "ns": 1,
    "us": 10**3,
    "\u00b5s": 10**3,
    "\u03bcs": 10**3,
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}

#: What the API server allows in each "/"-separated part of a time zone name.
_ZONE_PART = lazy_compile(r"[A-Za-z.\-_0-9+]{1,14}")


class _Bad(Exception):
    """A schedule the parser rejects; the message says why."""


def _atoi(text: str) -> int | None:
    if not _ATOI.fullmatch(text):
        return None
    number = int(text)
    return number if -_INT64_MAX - 1 <= number <= _INT64_MAX else None


def _value(text: str, field: Field, expr: str) -> int:
    """A value of a field: a number, or a name for months and days of the week."""
    if field.names is not None and text.lower() in field.names:
        return field.names[text.lower()]
    number = _atoi(text)
    if number is None:
        names = f" or a name ({field.hint})" if field.hint else ""
        where = f" in {expr!r}" if expr != text else ""
        shown = repr(text) if text else "an empty value"
        raise _Bad(f"{field.name} value {shown}{where} is not a number{names}")
    if number < 0:
        raise _Bad(f"{field.name} value {number} in {expr!r} is negative")
    return number


def _check_range(expr: str, field: Field) -> None:
    """One comma-separated part of a field, as robfig/cron's getRange parses it."""
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    if low_and_high[0] in ("*", "?"):
        start, end = field.low, field.high
    else:
        start = _value(low_and_high[0], field, expr)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _value(low_and_high[1], field, expr)
        else:
            raise _Bad(f"{field.name} {expr!r} has too many hyphens")
    step = 1
    if len(range_and_step) == 2:
        step_text = range_and_step[1]
        number = _atoi(step_text)
        if number is None:
            raise _Bad(f"{field.name} step {step_text!r} in {expr!r} is not a number")
        if number < 0:
            raise _Bad(f"{field.name} step {number} in {expr!r} is negative")
        step = number
        if len(low_and_high) == 1:
            end = field.high  # "a/n" means "a-max/n"
    elif len(range_and_step) > 2:
        raise _Bad(f"{field.name} {expr!r} has too many slashes")
    for value in (start, end):
        if not field.low <= value <= field.high:
            where = f" in {expr!r}" if expr != str(value) else ""
            hint = " (Sunday is 0)" if field.name == "day-of-week" and value == 7 else ""
            raise _Bad(
                f"{field.name} value {value}{where} is out of range {field.low}-{field.high}{hint}"
            )
    if start > end:
        raise _Bad(f"{field.name} range {expr!r} runs backwards: {start} is after {end}")
    if step == 0:
        raise _Bad(f"{field.name} step in {expr!r} must be at least 1")


def _check_duration(text: str) -> None:
    """Go's time.ParseDuration: signed decimal numbers with units, e.g. 1h30m, 1.5h."""
    bad = _Bad(f"@every needs a Go duration such as 1h30m or 90s, not {text!r}")
    rest = text[1:] if text[:1] in ("+", "-") else text
    if rest == "0":
        return
    if not rest:
        raise bad
    total = Fraction(0)
    while rest:
        match = re.match(r"([0-9]*)(?:\.([0-9]*))?", rest)
        assert match is not None  # the pattern matches the empty string
        whole, fraction = match.group(1), match.group(2)
        if not whole and not fraction:
            raise bad
        rest = rest[match.end() :]
        end = 0
        while end < len(rest) and rest[end] not in ".0123456789":
            end += 1
        unit = rest[:end]
        if unit not in UNITS:
            which = f"unknown unit {unit!r}" if unit else "a number without a unit"
            raise _Bad(f"@every duration {text!r} has {which}: use h, m, s, ms, us or ns")
        rest = rest[end:]
        total += Fraction(f"{whole or 0}.{fraction or 0}") * UNITS[unit]
    if total > _INT64_MAX + 1:
        raise _Bad(f"@every duration {text!r} is too long")


def schedule_error(schedule: str) -> str | None:
    """Why the API server rejects ``schedule`` (without a time zone prefix), or None."""
    try:
        _check_schedule(schedule)
    except _Bad as error:
        return str(error)
    return None


def _check_schedule(schedule: str) -> None:
    if not schedule:
        raise _Bad("the schedule is empty")
    if schedule.startswith("@"):
        if schedule in MACROS:
            return
        if schedule.startswith(EVERY):
            _check_duration(schedule[len(EVERY) :])
            return
        macro = schedule.split()[0] if schedule.split() else schedule
        if schedule.strip() in MACROS or schedule.lower() in MACROS:
            raise _Bad(
                f"macro {schedule!r} must be written exactly, in lower case and without spaces"
            )
        raise _Bad(f"unknown macro {macro!r}; use one of {', '.join(MACROS)} or @every <duration>")
    fields = schedule.split()
    if len(fields) != len(FIELDS):
        extra = " (there is no seconds or year field)" if len(fields) == 6 else ""
        raise _Bad(
            f"it has {len(fields)} field{'s' if len(fields) != 1 else ''}, expected"
            " exactly 5: minute, hour, day-of-month, month, day-of-week" + extra
        )
    for text, field in zip(fields, FIELDS, strict=True):
        for expr in text.split(","):
            if expr:  # robfig/cron skips empty list items
                _check_range(expr, field)


@functools.lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    try:
        import zoneinfo

        return frozenset(zoneinfo.available_timezones())
    except Exception:  # no tz database: the check is skipped
        return frozenset()


def _zone_error(zone: str) -> str | None:
    if zone == "":
        return "is empty: leave it out (the controller's time zone) or name an IANA time zone"
    if zone.lower() == "local":
        return "must be an explicit IANA time zone such as Europe/Berlin, not Local"
    zones = _zones()
    if not all(
        part not in (".", "..") and not part.startswith("-") and _ZONE_PART.fullmatch(part)
        for part in zone.split("/")
    ):
        return "is not a time zone name (IANA names look like Europe/Berlin or UTC)"
    if not zones or zone in zones:
        return None
    lowered = {name.lower(): name for name in zones}
    if zone.lower() in lowered:
        return f"is not a known time zone; names are case-sensitive: {lowered[zone.lower()]}"
    hint = did_you_mean(zone, sorted(zones), form="; did you mean {}?")
    return f"is not a known IANA time zone{hint}"


@rule(
    id="cronjob-schedule",
    severity="error",
    kinds=("CronJob",),
    summary="a CronJob schedule or time zone does not parse",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not obj.is_kind("CronJob"):
        return
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    owner = f"CronJob {obj.display_name or '?'!r}"
    schedule = spec.get("schedule")
    if schedule is None:
        yield ctx.violation(SCHEDULE, f"{owner} has no spec.schedule; the API server requires one")
    elif isinstance(schedule, str):
        yield from _schedule_findings(owner, schedule, ctx)
    zone = spec.get("timeZone")
    if isinstance(zone, str):
        problem = _zone_error(zone)
        if problem is not None:
            yield ctx.violation(TIME_ZONE, f"{owner} spec.timeZone {zone!r} {problem}")


def _schedule_findings(owner: str, schedule: str, ctx: RuleContext) -> Iterator[Violation]:
    rest = schedule
    prefix = re.match(r"(CRON_)?TZ=(\S*)\s*", schedule)
    if prefix is not None:
        rest = schedule[prefix.end() :]
        zone = prefix.group(2)
        yield ctx.violation(
            SCHEDULE,
            f"{owner} spec.schedule {schedule!r} has a time zone"
            f" prefix ({prefix.group(0).strip()}), which the API"
            " server rejects since Kubernetes 1.27: use"
            f" spec.timeZone: {zone or '<zone>'} and spec.schedule:"
            f" {rest!r}",
        )
    elif "TZ" in schedule:
        yield ctx.violation(
            SCHEDULE,
            f"{owner} spec.schedule {schedule!r} mentions TZ: a"
            " time zone belongs in spec.timeZone, and the API server"
            " rejects TZ or CRON_TZ in the schedule",
        )
        return
    problem = schedule_error(rest)
    if problem is not None:
        yield ctx.violation(
            SCHEDULE, f"{owner} spec.schedule {rest!r} is not a valid cron schedule: {problem}"
        )
