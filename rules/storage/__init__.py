"""Rules about persistent storage."""
