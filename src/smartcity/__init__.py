"""smartcity: energy and mobility models for the CO2 impact of smart-city districts."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("smartcity")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

from smartcity.errors import InputError, SmartcityError  # noqa: E402

__all__ = ["__version__", "InputError", "SmartcityError"]
