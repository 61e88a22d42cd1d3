import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# One profile for the whole suite: deterministic (derandomize) so CI is reproducible, no deadline
# (2-core CI machines are noisy). Property tests ask for their own max_examples (>= 200).
settings.register_profile("ci", derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def E3():
    """Unit simplex ETF of K = 3 in R^2 with rows (cos 2πk/3, sin 2πk/3) (classic.md §4 "E")."""
    k = np.arange(3)
    return np.stack([np.cos(2 * np.pi * k / 3), np.sin(2 * np.pi * k / 3)], axis=1)


@pytest.fixture(scope="session")
def claims_ctx():
    """The one Context of the default claim run: memoised trajectories are shared by every test module."""
    from proofs_check import registry
    return registry.Context(seed=0)


@pytest.fixture(scope="session")
def default_report(claims_ctx):
    """Every default (fast and medium) claim run once, check and control, for the whole test session,
    in one worker process per CPU as ``ncbounds check`` does (so ``claims_ctx.cache`` stays empty)."""
    from proofs_check import registry
    return registry.run(registry.select(deep=False), claims_ctx, jobs=os.cpu_count() or 1)
