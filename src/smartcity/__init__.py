"""smartcity: energy and mobility models for the CO2 impact of smart-city districts."""

#: The package version (the one place it is written; pyproject.toml reads it from here).
__version__ = "0.1.0"

from smartcity.errors import InputError, SmartcityError  # noqa: E402

__all__ = ["__version__", "InputError", "SmartcityError"]
