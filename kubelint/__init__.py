"""kubelint: a fast, offline Kubernetes manifest linter that points at the exact line.

``kubelint.lint_text(text, filename=..., config=...)`` lints one buffer; importing this
package stays cheap (the engine loads on first use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "lint_text"]


def _checkout_path(package: str) -> list[str]:
    """This package's search path, and in a source checkout the checkout itself.

    An install maps the checkout's ``rules/`` and ``schemas/`` into this package
    (pyproject's ``package-dir``); ``python -m kubelint`` run at a checkout's root imports
    the package from there instead, where they sit beside it."""
    import os

    root = os.path.dirname(package)
    if not os.path.isdir(os.path.join(package, "schemas")) and all(
        os.path.isdir(os.path.join(root, name)) for name in ("rules", "schemas")
    ):
        return [package, root]
    return [package]


__path__ = _checkout_path(__path__[0])

if TYPE_CHECKING:
    from kubelint.report import Finding


def lint_text(text: str, filename: str = "<stdin>", config: Any = None) -> list[Finding]:
    """Lint one YAML/JSON buffer; see ``kubelint.lint.lint_text``."""
    from kubelint.lint import lint_text as _lint_text

    return _lint_text(text, filename=filename, config=config)
