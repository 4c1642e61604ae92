"""## What it does
Reports a document or file that kubelint refuses to read because it exceeds a safety
limit: aliases that would expand to more than 100,000 nodes (a "billion laughs" file), an
alias that refers to the node containing it, nesting deeper than 200 levels, a file
larger than 64 MiB, or a file of more than 4,000,000 YAML nodes (kubelint's memory
budget: about 1 GiB per file; the documents before the one crossing it are checked). The
rest of the file is still checked where it can be.

## Why is this bad?
Neither YAML library bounds alias expansion: a 324-byte file can expand to millions of
nodes and exhaust the memory of every tool that reads it, the API server's clients
included. Real manifests stay far below these limits (the deepest of 3,272 public
manifests nests 35 levels).

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: laughs
data: &a
  a: *a
```

## Use instead
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: laughs
data:
  a: lol
```
"""

from kubelint.api import engine_rule

rule = engine_rule(
    id="yaml-limits",
    severity="error",
    summary="a document exceeds kubelint's safety limits",
    doc=__doc__,
)
