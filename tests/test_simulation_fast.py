"""What makes the simulation fast changes none of its figures: it runs with one BLAS thread and leaves the
process's BLAS threads as it found them, also when a caller runs simulations side by side in worker threads
under its own limit (the Weekly page)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import threadpool_info

from salesdash import simulation


def blas_threads() -> set[int]:
    """Threads of numpy's BLAS (the one the simulation's products run on; scipy may load another)."""
    return {int(lib["num_threads"]) for lib in threadpool_info() if lib["user_api"] == "blas" and "numpy" in lib["filepath"]}


def test_one_thread_inside_and_restored_after():
    before = blas_threads()
    with simulation.one_blas_thread():
        assert blas_threads() == {1}
    assert blas_threads() == before


def test_side_by_side_under_the_callers_limit():
    rng = np.random.default_rng(3)
    amounts, chances = rng.uniform(10, 1_000, 3_000), rng.uniform(0, 1, 3_000)
    before = blas_threads()
    runs = simulation.simulate_runs(amounts, chances, runs=2_000, seed=5)
    assert blas_threads() == before

    def run(_: int) -> tuple[np.ndarray, set[int]]:
        out = simulation.simulate_runs(amounts, chances, runs=2_000, seed=5)
        return out, blas_threads()

    with simulation.one_blas_thread(), ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, range(2)))
    # the same figures, one BLAS thread throughout, and the process as it was
    assert all(np.array_equal(runs, other) and seen == {1} for other, seen in results)
    assert blas_threads() == before
