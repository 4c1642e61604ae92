"""Rules that check objects against the Kubernetes API: schemas and kinds."""
