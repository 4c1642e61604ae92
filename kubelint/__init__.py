"""kubelint: a fast, offline Kubernetes manifest linter that points at the exact line.

``kubelint.lint_text(text, filename=..., config=...)`` lints one buffer; importing this
package stays cheap (the engine loads on first use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "lint_text"]

if TYPE_CHECKING:
    from kubelint.report import Finding


def lint_text(text: str, filename: str = "<stdin>", config: Any = None) -> list[Finding]:
    """Lint one YAML/JSON buffer; see ``kubelint.lint.lint_text``."""
    from kubelint.lint import lint_text as _lint_text

    return _lint_text(text, filename=filename, config=config)
