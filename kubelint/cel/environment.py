"""The CEL environment kubelint compiles policies in, the standard extensions plus the
Kubernetes libraries, and the evaluation of its programs."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from kubelint.cel import cidr, compare, ip, lists, quantity, regex, semver, url
from kubelint.cel.base import FunctionError, T, cel, ext_optional, strip_status

#: The libraries, in the order their functions are declared.
_LIBRARIES = (regex, lists, quantity, compare, url, ip, cidr, semver)

#: The names of the Kubernetes functions kubelint provides.
KUBERNETES_FUNCTIONS: tuple[str, ...] = tuple(
    dict.fromkeys(name for library in _LIBRARIES for name in (*library.GLOBALS, *library.MEMBERS))
)


def _guard(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``function`` so that whatever goes wrong becomes a CEL error with a message."""

    def call(*args: Any) -> Any:
        try:
            return function(*args)
        except FunctionError:
            raise
        except RecursionError:
            raise FunctionError(f"{name}: value nested too deeply") from None
        except Exception as exc:  # every failure must become a CEL error
            raise FunctionError(f"{name}: {type(exc).__name__}: {exc}") from None

    call.__name__ = f"kubelint_cel_{name}"
    return call


def _overload(
    name: str,
    overload_id: str,
    result: Any,
    parameters: list[Any],
    impl: Callable[..., Any],
    *,
    member: bool,
) -> Any:
    return cel.Overload(overload_id, result, parameters, is_member=member, impl=_guard(name, impl))


def _declarations() -> list[Any]:
    overloads: dict[str, list[Any]] = {}
    for member in (True, False):
        for library in _LIBRARIES:
            for name, entries in (library.MEMBERS if member else library.GLOBALS).items():
                for overload_id, result, parameters, impl in entries:
                    overloads.setdefault(name, []).append(
                        _overload(name, overload_id, result, parameters, impl, member=member)
                    )
    return [cel.FunctionDecl(name, entries) for name, entries in overloads.items()]


#: The extension objects, built once per process: the whole list, and the minimal one
#: (see ``_all_extensions``), by ``minimal``.
_extensions: dict[bool, list[Any]] = {}
_extensions_lock = threading.Lock()


def _all_extensions(minimal: bool = False) -> list[Any]:
    """The extensions of an environment, in the order they are declared.

    Each extension module is a copy of cel-cpp of its own: strings, math, encoders and
    bindings together keep about 10 MB resident, so they are imported only when an
    expression needs them (``minimal`` leaves them out). The optional extension is in
    every environment: it also types indexing (``self[0]``), so that leaving it out would
    change how expressions that never name it are checked."""
    found = _extensions.get(minimal)
    if found is None:
        with _extensions_lock:
            if True not in _extensions:
                _extensions[True] = [
                    ext_optional.ExtOptional(),
                    cel.CelExtension("kubernetes", _declarations()),
                ]
            if not minimal and False not in _extensions:
                from cel_expr_python.ext import ext_bindings, ext_encoders, ext_math, ext_strings

                optional, kubernetes = _extensions[True]
                _extensions[False] = [
                    ext_strings.ExtStrings(),
                    optional,
                    ext_math.ExtMath(),
                    ext_encoders.ExtEncoders(),
                    ext_bindings.ExtBindings(),
                    kubernetes,
                ]
            found = _extensions[minimal]
    return found


#: The variables of the evaluation running on this thread, for ``__kubelint_variable__``.
_current = threading.local()
#: ``__kubelint_variable__(name)``: a variable given per evaluation while the others stay
#: in a reused activation (``evaluate_bound``). Declared only in environments built with
#: ``bound_variables=True``, which compile kubelint's own wrapping of an expression.
BOUND_VARIABLE = "__kubelint_variable__"
_bound_extension: Any = None


def _bound_variable(name: str) -> Any:
    return _current.data[name]


def new_environment(
    variables: Mapping[str, Any] | None = None,
    *,
    bound_variables: bool = False,
    minimal: bool = False,
) -> Any:
    """A ``cel.Env`` with kubelint's standard extensions and the Kubernetes library.

    ``variables`` maps each variable name to its ``cel.Type``; a name mapped to
    ``None`` is ``dyn``, as the admission variables (``object``, ``request``...) are.
    ``minimal``: without the strings, math, encoders and bindings extensions, which
    declare only names of their own but ``indexOf`` and ``lastIndexOf``: an expression
    that compiles in it and names neither is checked as in the whole environment
    (``kubelint.policies.expressions`` compiles there first).
    """
    global _bound_extension
    declared: dict[str, Any] = {}
    for name, kind in (variables or {}).items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"CEL variable names are strings, not {name!r}")
        declared[name] = T.DYN if kind is None else kind
    extensions = list(_all_extensions(minimal))
    if bound_variables:
        if _bound_extension is None:
            _bound_extension = cel.CelExtension(
                "kubelint_bound",
                [
                    cel.FunctionDecl(
                        BOUND_VARIABLE,
                        [
                            cel.Overload(
                                f"{BOUND_VARIABLE}_string", T.DYN, [T.STRING], impl=_bound_variable
                            )
                        ],
                    )
                ],
            )
        extensions.append(_bound_extension)
    return cel.NewEnv(variables=declared, extensions=extensions)


def evaluate(program: Any, data: dict[str, Any]) -> tuple[object, str | None]:
    """Evaluate a compiled program: ``(plain value, None)`` or ``(None, error message)``."""
    try:
        value = program.eval(data=data)
    except Exception as exc:  # the caller reports every failure alike
        return None, strip_status(str(exc)) or type(exc).__name__
    return _plain(value)


def evaluate_bound(
    program: Any, activation: Any, data: dict[str, Any]
) -> tuple[object, str | None]:
    """Evaluate a program compiled with ``bound_variables`` in a reused ``activation``
    (whose values cel-cpp converts once), ``data`` giving ``__kubelint_variable__``."""
    _current.data = data
    try:
        value = program.eval(activation)
    except Exception as exc:
        return None, strip_status(str(exc)) or type(exc).__name__
    finally:
        _current.data = None
    return _plain(value)


def _plain(value: Any) -> tuple[object, str | None]:
    try:
        kind = value.type().name()
        if kind == "ERROR":
            return None, strip_status(str(value.plain_value())) or "evaluation error"
        return value.plain_value(), None
    except Exception:  # an optional, or another value cel-expr-python cannot convert
        return None, "the expression's result has no Python value (is it an optional?)"
