"""Rules about RBAC: roles and bindings that grant too much."""
