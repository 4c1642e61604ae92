"""JSON Schemas shipped with kubelint (package data)."""
