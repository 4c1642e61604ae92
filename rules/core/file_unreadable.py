"""## What it does
Reports a file that kubelint was asked to check but could not read (permission denied,
a broken symbolic link, a device).

## Why is this bad?
A gate that skips a file it cannot read passes changes nobody checked.

## Example
A manifest file without read permission for the user running kubelint, or a symbolic
link whose target was deleted.

## Use instead
Make the file readable, or exclude it with `exclude:` in `.kubelint.yaml`.
"""

from kubelint.api import engine_rule

rule = engine_rule(
    id="file-unreadable", severity="error", summary="a file could not be read", doc=__doc__
)
