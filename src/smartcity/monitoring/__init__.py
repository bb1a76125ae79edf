"""Measurement and verification: measured data, weather-normalised baselines, savings and progress against the plan."""
