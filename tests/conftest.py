"""Shared pytest set-up: hypothesis profiles.

Profiles (pick one with HYPOTHESIS_PROFILE=name; CI=true selects "ci"):
    dev   fast feedback while editing (the default on a workstation)
    ci    the budget the CI run must meet: >= 2,000 property examples in total
    slow  a long soak for before a release
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# --import-mode=importlib does not put tests/ on sys.path; helper modules such as
# tests/strategies.py are imported by name, so add it once here.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

settings.register_profile("dev", max_examples=40, deadline=None)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    # CI machines are shared and slow: time-based health checks would be noise.
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "slow", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

_default_profile = "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev"
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", _default_profile)
settings.load_profile(PROFILE)


def pytest_report_header() -> str:
    return (
        f"hypothesis profile: {PROFILE!r} "
        f"(max_examples={settings().max_examples}; set HYPOTHESIS_PROFILE=dev|ci|slow)"
    )
