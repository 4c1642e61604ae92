"""Rules about the input itself, reported by the loader and the engine."""
