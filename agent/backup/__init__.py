"""Nightly per-tenant backups (dumps + file snapshots), verification, retention and restore."""
