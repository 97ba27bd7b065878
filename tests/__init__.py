"""qfon-ops tests."""
