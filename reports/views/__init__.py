"""One blueprint per report area."""
