"""Measurement and verification: measured data, weather-normalised baselines, savings and progress against the plan.

Modules: :mod:`~smartcity.monitoring.data` (readers and data-quality reports),
:mod:`~smartcity.monitoring.baseline` (change-point baselines),
:mod:`~smartcity.monitoring.statistics` (Guideline 14 statistics, GEH),
:mod:`~smartcity.monitoring.savings` (avoided energy, normalised savings, totals, CO2),
:mod:`~smartcity.monitoring.progress` (planned against measured, counts, ridership),
:mod:`~smartcity.monitoring.report` (tables and the HTML report) and
:mod:`~smartcity.monitoring.demo` (synthetic data with known truth).
"""
