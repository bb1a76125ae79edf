"""Measurement and verification: measured data, weather-normalised baselines, savings and progress against the plan.

Modules: :mod:`~smartcity.monitoring.readers` (readers of measured data),
:mod:`~smartcity.monitoring.quality` (data-quality reports and checks),
:mod:`~smartcity.monitoring.parsing` (times, periods and cells of the tables),
:mod:`~smartcity.monitoring.aggregation` (daily use and billing periods for baselines),
:mod:`~smartcity.monitoring.levels` (silent unit switches found and corrected),
:mod:`~smartcity.monitoring.periods` (baseline and reporting periods of each meter),
:mod:`~smartcity.monitoring.baseline` (change-point baselines),
:mod:`~smartcity.monitoring.statistics` (Guideline 14 statistics, GEH),
:mod:`~smartcity.monitoring.savings` (avoided energy, normalised savings, totals, CO2),
:mod:`~smartcity.monitoring.progress` (planned against measured, counts, ridership),
:mod:`~smartcity.monitoring.report` (tables and the HTML report),
:mod:`~smartcity.monitoring.demo` (synthetic data with known truth) and
:mod:`~smartcity.monitoring.realistic` (harder synthetic meters with known savings).
"""
