"""Performance of large heat pumps of a district-heating network from their temperatures.

The domestic COP regressions of :func:`smartcity.energy.supply.heat_pump_cop` stop at a
temperature lift of 60 K; a network heat pump lifts seawater, air or treated wastewater to
the supply temperature (70-90 °C), and both of its streams change temperature across the
machine. Its COP is estimated as a share of the ideal (Lorenz) COP of a cycle between the
two gliding streams, the screening method of Reinholdt et al. [1]_::

    T_lm = (T_out − T_in) / ln(T_out / T_in)        (kelvin; T_in when they are equal)
    COP_Lorenz = T_lm,sink / (T_lm,sink − T_lm,source)
    COP = η_Lorenz · COP_Lorenz

with the sink heated from the network's return to its supply temperature and the source
cooled from its inlet temperature by its design cooling. ``η_Lorenz`` (the Lorenz
efficiency) bundles the losses of the compressor and the heat exchangers; it is an input,
with a source in the scenario that uses it.

References
----------
.. [1] Reinholdt, L., Kristófersson, J., Zühlsdorf, B., Elmegaard, B., Jensen, J., Ommen,
   T., Jørgensen, P. H. (2018). Heat pump COP, part 1: Generalized method for screening of
   system integration potentials. Proceedings of the 13th IIR Gustav Lorentzen Conference
   on Natural Refrigerants, 1097-1104. https://doi.org/10.18462/iir.gl.2018.1380
"""

from __future__ import annotations

import numpy as np

from smartcity.checks import first_bad, number, number_array

__all__ = ["log_mean_temperature_k", "lorenz_cop", "large_heat_pump_cop"]

#: 0 °C in kelvin. [K]
KELVIN = 273.15


def log_mean_temperature_k(inlet_c, outlet_c) -> np.ndarray:
    """Logarithmic mean temperature of a stream between its inlet and outlet. [K]

    Examples
    --------
    >>> round(float(log_mean_temperature_k(40.0, 80.0)), 4)
    332.7494
    >>> float(log_mean_temperature_k(10.0, 10.0))
    283.15
    """
    t_in = np.asarray(inlet_c, dtype=np.float64) + KELVIN
    t_out = np.asarray(outlet_c, dtype=np.float64) + KELVIN
    glide = t_out - t_in
    same = np.abs(glide) < 1e-12 * t_in
    # log1p keeps the logarithm of a ratio near 1 exact (a glide of 1e-5 K would lose 7 digits in log(t_out / t_in))
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(same, t_in, glide / np.log1p(np.where(same, 1.0, glide / t_in)))
    return mean


def lorenz_cop(sink_in_c, sink_out_c, source_in_c, source_out_c) -> np.ndarray:
    """Ideal heating COP of a cycle between a gliding sink and a gliding source. [1]

    Parameters
    ----------
    sink_in_c, sink_out_c : float or array_like
        Temperature of the heated stream before and after the heat pump (network return and
        supply), sink_out >= sink_in. [°C]
    source_in_c, source_out_c : float or array_like
        Temperature of the cooled stream before and after, source_out <= source_in. [°C]

    Returns
    -------
    numpy.ndarray
        COP_Lorenz, broadcast shape of the inputs. [1]

    Raises
    ------
    ValueError
        The sink's mean temperature is not above the source's, or a stream flows the wrong way.
    """
    sink_in = number_array("sink_in_c", sink_in_c, low=-50.0, high=200.0, unit="°C")
    sink_out = number_array("sink_out_c", sink_out_c, low=-50.0, high=200.0, unit="°C")
    source_in = number_array("source_in_c", source_in_c, low=-50.0, high=200.0, unit="°C")
    source_out = number_array("source_out_c", source_out_c, low=-60.0, high=200.0, unit="°C")
    sink_in, sink_out, source_in, source_out = np.broadcast_arrays(sink_in, sink_out, source_in, source_out)
    first_bad("sink_out_c", sink_out, sink_out < sink_in, "must be >= sink_in_c: the sink is heated [°C]")
    first_bad("source_out_c", source_out, source_out > source_in, "must be <= source_in_c: the source is cooled [°C]")
    sink = log_mean_temperature_k(sink_in, sink_out)
    source = log_mean_temperature_k(source_in, source_out)
    first_bad("source_in_c", source_in, source >= sink,
              "the source's mean temperature must be below the sink's: no lift, no heat pump [°C]")
    return sink / (sink - source)


def large_heat_pump_cop(supply_c, return_c, source_c, source_cooling_k: float, lorenz_efficiency: float
                        ) -> np.ndarray:
    """Hourly heating COP of a network heat pump. [1]

    Parameters
    ----------
    supply_c, return_c : float or (n_h,) array_like
        Network supply and return temperature (the heat pump heats return to supply). [°C]
    source_c : float or (n_h,) array_like
        Temperature of the heat source at the inlet (seawater, air, treated wastewater). [°C]
    source_cooling_k : float
        How much the source is cooled across the evaporator, >= 0. [K]
    lorenz_efficiency : float
        Real COP over the Lorenz COP, in (0, 1]. [1]

    Returns
    -------
    numpy.ndarray
        COP, >= 1. [1]

    Raises
    ------
    ValueError
        As :func:`lorenz_cop`, and where the COP would fall below 1 (the efficiency is too
        low for the lift: a heat pump always gives at least its electricity as heat).

    Examples
    --------
    A seawater heat pump lifting 4 °C water (cooled by 3 K) to a 45/80 °C network, Lorenz
    efficiency 0.5:

    >>> round(float(large_heat_pump_cop(80.0, 45.0, 4.0, 3.0, 0.5)), 3)
    2.809
    """
    cooling = number("source_cooling_k", source_cooling_k, low=0.0, unit="K")
    eta = number("lorenz_efficiency", lorenz_efficiency, low=0.0, low_open=True, high=1.0, unit="1")
    source = number_array("source_c", source_c, low=-50.0, high=200.0, unit="°C")
    cop = eta * lorenz_cop(return_c, supply_c, source, source - cooling)
    first_bad("lorenz_efficiency x COP_Lorenz", cop, cop < 1.0,
              "below 1: the heat pump would give less heat than electricity; raise the efficiency or lower the lift")
    return cop
