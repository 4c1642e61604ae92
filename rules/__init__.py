"""kubelint's built-in rules, one module per rule; the module docstring is the rule's
documentation (``kubelint explain RULE``)."""
