"""The measure base: dating, ramp, costs, and the stage of the model chain a measure acts in.

Every measure of a scenario's ``[measures.<id>]`` tables derives from :class:`MeasureBase`
and declares its ``stage``:

=============  =============================================================  ==========================================
stage          what the measures of the stage change                          the hook
=============  =============================================================  ==========================================
``stock``      the building stock: envelope, ventilation, heating system,     ``apply(treated)`` on a copy of the
               thermostats, feedback, PV, batteries (a share of the eligible  eligible rows (the stock model splits rows
               rows, :mod:`smartcity.energy.stock`)                           into treated and untreated parts)
``demand``     travel demand: lines, road capacity, cycling times, parking    ``apply(travel, share)`` on the year's
               costs, car ownership (:class:`smartcity.transport.effects.     travel effects
               TravelEffects`)
``transport``  vehicles: electric cars among new cars, electric buses         ``apply(fleet, share)`` on the year's
               (:class:`smartcity.transport.effects.FleetEffects`)            fleet effects
``charging``   when vehicles charge (:class:`smartcity.transport.charging.    ``apply(charging, share)``
               ChargingEffects`)
``supply``     the energy supply of the year (:class:`smartcity.energy.       ``apply(supply, share)``
               district_heating.SupplyYear`)
=============  =============================================================  ==========================================

The orchestrator (:mod:`smartcity.run`) applies the measures of each stage in scenario order
where the stage's model runs, with the year's ramp share (:meth:`MeasureBase.share`); the
hooks only call the documented methods of the object they receive, so the section models
need no model module. A new measure is one class (a ``type`` literal, its parameters, its
``stage`` and its hook) and one line registering it in :mod:`smartcity.scenario.sections.measures`.

Ramp
----
A ramp gives the share of the eligible stock treated (or of the full effect reached) by the
end of a year, written as a quantity so that a variant replaces it whole:

* ``ramp = { value = 25, unit = "%/a" }`` (also ``{ share_per_year = ... }``): the share
  grows by the rate each year from ``start_year`` on, capped at 1:
  ``share(y) = min(1, (y - start_year + 1) × rate)``;
* ``ramp = { value = 100, unit = "%", by_year = 2020 }`` (also ``{ target_share = 1.0,
  by_year = 2020 }``): the share grows linearly from ``start_year`` and reaches the target
  in ``by_year``: ``share(y) = target × min(1, (y - start_year + 1) / (by_year - start_year + 1))``.

Before ``start_year`` the share is 0.

Costs
-----
``investment`` is paid per unit installed; its unit says the unit (m2 of heated floor area,
building, kW, kWp, kWh, or the whole measure). :mod:`smartcity.economics` turns the units in
service each year into investment, reinvestment after ``lifetime_years``, operation and
maintenance and the annualised cost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from smartcity.schema.quantities import Quantity, StrictModel, quantity
from smartcity.schema.units import UNITS

__all__ = ["STAGES", "MeasureBase", "Ramp", "RampField", "MeasureId", "treated_share", "one_of"]

#: The stages of the model chain, in the order the orchestrator reaches them in a year.
STAGES: tuple[str, ...] = ("stock", "demand", "transport", "charging", "supply")


def one_of(values: Iterable[str]) -> str:
    return "one of " + ", ".join(repr(v) for v in values)


class Ramp(Quantity):
    """How fast a measure reaches its eligible stock: a share per year, or a target share by a year.

    Written as a quantity, ``{ value = 25, unit = "%/a" }`` or ``{ value = 100, unit = "%",
    by_year = 2020 }``; the forms ``{ share_per_year = ... }`` and ``{ target_share = ...,
    by_year = ... }`` are read as the same.
    """

    by_year: int | None = Field(
        default=None, ge=1900, le=2100,
        description="Year in which the target share is reached (target form only; not with a unit per year). [a]",
    )

    @property
    def is_rate(self) -> bool:
        """True for a share per year, False for a target share by ``by_year``."""
        return self.dimension == "share_per_year"

    @model_validator(mode="after")
    def _form(self) -> "Ramp":
        x = self.canonical
        if self.is_rate:
            if self.by_year is not None:
                raise PydanticCustomError(
                    "ramp_form", "by_year belongs to a target share, not to a share per year",
                    {"key": "by_year", "value": self.by_year,
                     "allowed": "a share per year without by_year, or a target share (unit '1' or '%') with by_year"},
                )
            if not 0.0 < x <= 1.0:
                raise PydanticCustomError("out_of_range", "value out of range",
                                          {"value": self.value,
                                           "allowed": "a share per year > 0 and <= 1 [1/a] (100 %/a)"})
        else:
            if self.by_year is None:
                raise PydanticCustomError(
                    "ramp_form", "a target share needs by_year",
                    {"key": "by_year", "allowed": "the year in which the target share is reached, e.g. by_year = 2020"},
                )
            if not 0.0 <= x <= 1.0:
                raise PydanticCustomError("out_of_range", "target share out of range",
                                          {"value": self.value, "allowed": "a share >= 0 and <= 1 [1] (100 %)"})
        return self


_RAMP_UNITS = ({u: "share_per_year" for u in UNITS["share_per_year"]}
               | {u: "dimensionless" for u in UNITS["dimensionless"]})
_RAMP_ALLOWED = ("{ value = ..., unit = '%/a' or '1/a' } for a share per year, or "
                 "{ value = ..., unit = '%' or '1', by_year = ... } for a target share by a year")


def _ramp_before(v: Any) -> Any:
    if not isinstance(v, dict):
        return v  # let pydantic reject it
    v = dict(v)
    if "dimension" in v:
        raise PydanticCustomError("unknown_quantity_key", "unknown key in a ramp",
                                  {"value": "dimension", "allowed": "value, unit, by_year, source, assumption, reason"})
    nested = [k for k in ("share_per_year", "target_share") if k in v]
    if nested:
        if len(nested) == 2 or "value" in v or "unit" in v:
            raise PydanticCustomError(
                "ramp_form", "a ramp has two forms at once (a variant cannot remove its parent's ramp keys; "
                "write ramps as { value = ..., unit = ... }, which a variant replaces whole)",
                {"value": ", ".join(sorted(k for k in v if k in ("share_per_year", "target_share", "value", "unit"))),
                 "allowed": _RAMP_ALLOWED},
            )
        key = nested[0]
        inner = v.pop(key)
        default_unit = "1/a" if key == "share_per_year" else "1"
        if isinstance(inner, dict):
            inner = {"unit": default_unit, **inner}
        elif isinstance(inner, (int, float)) and not isinstance(inner, bool):
            inner = {"value": inner, "unit": default_unit}
        else:
            raise PydanticCustomError("ramp_form", f"{key} must be a number or a quantity",
                                      {"key": key, "value": inner, "allowed": _RAMP_ALLOWED})
        if _RAMP_UNITS.get(inner.get("unit")) != ("share_per_year" if key == "share_per_year" else "dimensionless"):
            units = UNITS["share_per_year"] if key == "share_per_year" else UNITS["dimensionless"]
            raise PydanticCustomError("unknown_unit", "unknown unit for this key",
                                      {"key": key, "value": inner.get("unit"), "allowed": one_of(units)})
        v.update(inner)
    if "unit" not in v:
        raise PydanticCustomError("ramp_form", "a ramp needs a unit", {"allowed": _RAMP_ALLOWED})
    unit = v["unit"]
    if not isinstance(unit, str) or unit not in _RAMP_UNITS:
        raise PydanticCustomError("unknown_unit", "unknown unit for a ramp",
                                  {"value": unit, "allowed": one_of(_RAMP_UNITS)})
    return {**v, "dimension": _RAMP_UNITS[unit]}


RampField = Annotated[Ramp, BeforeValidator(_ramp_before)]


class MeasureBase(StrictModel):
    """Fields and hooks every measure has: dating, ramp, service life, operation and maintenance.

    Subclasses add a ``type`` literal, their parameters and an ``investment`` quantity, set
    :attr:`stage`, and implement the stage's ``apply`` hook (see the module documentation).
    """

    description: str = Field(default="", description="What the measure is, for people.")
    enabled: bool = Field(default=True,
                          description="False switches the measure off (a variant can disable a parent's measure).")
    start_year: int = Field(ge=1900, le=2100, description="First year in which the measure acts. [a]")
    ramp: RampField = Field(
        description="Share of the eligible stock treated, or of the full effect reached: per year "
                    "({ value, unit = '%/a' }) or a target by a year ({ value, unit = '%', by_year }). [1/a or 1]",
    )
    lifetime_years: int = Field(ge=1, le=100, description="Service life; the investment recurs after it. [a]")
    om_share_per_year: quantity("share_per_year", ge=0.0, le=1.0) | None = Field(  # type: ignore[valid-type]
        default=None, description="Operation and maintenance per year as a share of the investment in service. [1/a]",
    )

    #: The stage of the model chain the measure acts in (one of :data:`STAGES`).
    stage: ClassVar[str] = ""
    #: dimension of a cost quantity -> what is installed ('m2', 'building', 'kW', 'kWp', 'kWh', 'measure').
    _basis_of: ClassVar[dict[str, str]] = {"currency_eur": "measure"}

    @model_validator(mode="after")
    def _consistent(self) -> "MeasureBase":
        if not self.ramp.is_rate and self.ramp.by_year < self.start_year:
            raise PydanticCustomError(
                "ramp_years", "ramp.by_year is before start_year",
                {"key": "ramp", "value": self.ramp.by_year, "allowed": f"a year >= start_year ({self.start_year})"},
            )
        if self.om_share_per_year is not None and getattr(self, "om_cost_per_year", None) is not None:
            raise PydanticCustomError(
                "om_twice", "give operation and maintenance once",
                {"key": "om_cost_per_year", "allowed": "om_share_per_year or om_cost_per_year, not both"},
            )
        return self

    def share(self, year: int) -> float:
        """Share of the eligible stock treated (or of the full effect reached) by the end of ``year``.

        Returns
        -------
        float
            In [0, 1]; 0 before ``start_year`` and for a disabled measure.
        """
        if not self.enabled or year < self.start_year:
            return 0.0
        ramp = self.ramp
        done = int(year) - self.start_year + 1
        if ramp.is_rate:
            return float(min(1.0, done * ramp.canonical))
        span = ramp.by_year - self.start_year + 1
        return float(ramp.canonical * min(1.0, done / span))

    def check(self, key: str, inputs: Any) -> None:
        """Check the measure against the scenario's inputs; raise an ``InputError`` naming ``key``.

        ``inputs`` has the attributes ``buildings`` (the buildings table as read) and
        ``zone_system`` (the transport zone system, or None). The default checks nothing.
        """

    # -- costs ---------------------------------------------------------------------------
    @property
    def investment_basis(self) -> str:
        """What the investment is paid per: 'm2' (heated floor area), 'building', 'kW', 'kWp', 'kWh' or 'measure'."""
        return self._basis_of[self.investment.dimension]

    @property
    def om_basis(self) -> str | None:
        """What ``om_cost_per_year`` is paid per, or None if it is not given."""
        om = getattr(self, "om_cost_per_year", None)
        return None if om is None else self._basis_of[om.dimension]


def treated_share(measure: MeasureBase, year: int) -> float:
    """:meth:`MeasureBase.share` of ``measure`` in ``year`` (a function, for array code).

    Examples
    --------
    >>> from smartcity.scenario.sections.measures import EnvelopeRenovation
    >>> m = EnvelopeRenovation.model_validate({
    ...     "type": "envelope_renovation", "start_year": 2017, "ramp": {"value": 25, "unit": "%/a"},
    ...     "u_wall_w_m2k": 0.15, "investment": 100.0, "lifetime_years": 40})
    >>> [treated_share(m, y) for y in (2016, 2017, 2018, 2020, 2030)]
    [0.0, 0.25, 0.5, 1.0, 1.0]
    """
    return measure.share(year)


def _check_id(v: Any) -> Any:
    if isinstance(v, str) and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", v):
        raise PydanticCustomError("measure_id", "invalid measure id",
                                  {"value": v, "allowed": "up to 64 letters, digits, '_', '.', '-', "
                                                          "starting with a letter or digit"})
    return v


#: A measure's id (the key of its table): letters, digits, '_', '.', '-'.
MeasureId = Annotated[str, AfterValidator(_check_id)]
