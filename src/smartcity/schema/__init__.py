"""The scenario language's leaf: numbers with units and sources, distributions, files.

Everything a scenario, a data file or a table is written in, and nothing that simulates:

* :mod:`~smartcity.schema.units` — dimensions, their units and conversion to canonical units;
* :mod:`~smartcity.schema.quantities` — the strict base model, sourced quantities,
  trajectories over the years and file paths;
* :mod:`~smartcity.schema.distributions` — distributions on uncertain quantities;
* :mod:`~smartcity.schema.files` — TOML and data-file readers, and the one converter of
  validation errors into a one-line :class:`~smartcity.errors.InputError`;
* :mod:`~smartcity.schema.tables` — tables (CSV, Parquet) read against declared schemas;
* :mod:`~smartcity.schema.vocabulary` — names shared with the models (modes).

The package imports no model of :mod:`smartcity` and no heavy library (no pvlib, SciPy,
numba, xarray or matplotlib): the section models (:mod:`smartcity.scenario.sections`) and
the models (:mod:`smartcity.energy`, :mod:`smartcity.transport`, :mod:`smartcity.monitoring`)
both build on it.
"""
