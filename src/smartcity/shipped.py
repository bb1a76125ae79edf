"""Where the scenarios shipped with the project are: the default of the commands that run."""

from __future__ import annotations

from pathlib import Path

from smartcity.errors import SmartcityError

__all__ = ["default_scenarios"]


def default_scenarios() -> list[Path]:
    """The shipped Aalborg East baseline and lighthouse scenario files."""
    here = Path(__file__).resolve()
    candidates = [Path.cwd() / "scenarios" / "aalborg-east"] + [
        parent / "scenarios" / "aalborg-east" for parent in here.parents
    ]
    for folder in candidates:
        if (folder / "baseline.toml").exists() and (folder / "lighthouse.toml").exists():
            return [folder / "baseline.toml", folder / "lighthouse.toml"]
    raise SmartcityError(
        "the default scenarios (scenarios/aalborg-east/baseline.toml and lighthouse.toml) were not found; "
        "run from the project folder or name scenario files"
    )
