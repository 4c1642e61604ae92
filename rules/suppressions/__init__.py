"""Rules about suppressions themselves: comments, annotations and config exemptions that
expired, silence nothing, give no reason or cannot be read (``kubelint.decisions``)."""
