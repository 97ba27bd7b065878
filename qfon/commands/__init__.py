"""Commands of the foundation: config, tenant, demo."""
