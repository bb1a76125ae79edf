"""``[uncertainty.<name>]``: scale factors on trajectories and quantities of a scenario.

A factor names a trajectory or a quantity by its dotted key and carries a factor on it,
optionally only from a year on, e.g.::

    [uncertainty.grid_factor_after_2020]
    key = "supply.electricity.emission_factor"
    from_year = 2021
    scale = { value = 1.0, unit = "1", distribution = "triangular", low = 0.6, mode = 1.0, high = 1.5,
              assumption = true, reason = "..." }

The factor's nominal ``value`` (usually 1) is used in ordinary runs; its distribution makes it
an uncertain input (``uncertainty.grid_factor_after_2020.scale``) that sweeps and Monte Carlo
runs sample. :func:`smartcity.scenario.overrides.apply_scale_factors` applies them.
"""

from __future__ import annotations

from pydantic import Field

from smartcity.schema.distributions import uncertain_quantity
from smartcity.schema.quantities import StrictModel

__all__ = ["ScaleFactor"]


class ScaleFactor(StrictModel):
    """``[uncertainty.<name>]``: a factor on a trajectory or quantity of the scenario.

    The factor's nominal value is applied in every run; with a distribution it is an
    uncertain input of sweeps and Monte Carlo runs (key ``uncertainty.<name>.scale``).
    """

    key: str = Field(description="Dotted key of the trajectory or quantity, e.g. "
                                 "'supply.electricity.emission_factor'.")
    from_year: int | None = Field(default=None, ge=1990, le=2100,
                                  description="Scale a trajectory only from this year on [a] (default: every year).")
    scale: uncertain_quantity("dimensionless", gt=0.0) = Field(  # type: ignore[valid-type]
        description="The factor [1]: nominal value (usually 1), unit, source, and optionally a distribution.")
    description: str = Field(default="", description="What the factor stands for.")
