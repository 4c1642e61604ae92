"""Rules about API versions: removed, deprecated and unknown apiVersions."""
