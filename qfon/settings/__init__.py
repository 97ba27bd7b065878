"""The one settings model of qfon-ops and its loader (TOML + QFON_<SECTION>_<KEY> overrides)."""

from qfon.settings.load import load_settings, resolve_config_path
from qfon.settings.model import Settings

__all__ = ["Settings", "load_settings", "resolve_config_path"]
