"""The public API module: what importing it costs, and its lazily imported names."""

from __future__ import annotations

import subprocess
import sys

import kubelint.api
from kubelint.policies import expressions


def test_importing_the_api_loads_neither_the_policies_nor_the_loader() -> None:
    code = (
        "import sys, kubelint.api; print(sorted(m for m in sys.modules"
        " if m.startswith(('kubelint.policies', 'kubelint.loader'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out == "[]\n"


def test_the_cel_helpers_are_the_expression_module_s() -> None:
    assert kubelint.api.CelError is expressions.ExpressionError
    assert kubelint.api.compile_cel is expressions.compile_expression
    assert kubelint.api.evaluate_cel is expressions.evaluate
    assert kubelint.api.cel_first_field is expressions.first_field
    assert kubelint.api.parse_field_path is expressions.parse_field_path


def test_every_public_name_is_there() -> None:
    assert [name for name in kubelint.api.__all__ if not hasattr(kubelint.api, name)] == []
