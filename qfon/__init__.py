"""qfon."""
