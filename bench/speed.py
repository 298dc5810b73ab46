"""Speed benchmark: training and one recommendation, ThemeHub against the demo's network.

    python -m bench.speed [--runs 5]

Each figure is the median of `--runs` runs (at least 5) and the peak traced
memory of one more run (tracemalloc: Python and numpy allocations). BLAS is limited to one
thread, as in the web and worker processes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "themehub.settings")
    os.environ["THEMEHUB_MODEL_ROOT"] = tempfile.mkdtemp(prefix="themehub-bench-")
    import django

    django.setup()


def measure(function: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median milliseconds of `runs` calls, peak MiB of one more call).

    The first call warms up and is not counted. Memory is traced in a separate call:
    tracemalloc slows allocation-heavy code several times over.
    """
    function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    runs = max(args.runs, 5)
    _django()

    from bench.demo_net import DemoNet
    from bench.people import population
    from ratings.themes import draw
    from recommender import ranking, store
    from recommender.candidates import batch_draw
    from recommender.training import model_fit

    rng = np.random.default_rng(3)
    person = population(draw(20_000, rng), rng)[0]
    themes = draw(1000, rng)
    stars = person.rate(themes, rng)
    pools = threadpool_info()
    blas = ", ".join(f"{pool['internal_api']} {pool.get('num_threads')} thread" for pool in pools)
    print(f"runs per figure: {runs} (median), BLAS: {blas}")

    rows: list[tuple[str, float, float]] = []
    for n in (10, 50, 200, 1000):
        ms, mib = measure(lambda n=n: model_fit(themes[:n], stars[:n], seed=n), runs)
        rows.append((f"ThemeHub training, {n} ratings", ms, mib))

    model = model_fit(themes[:200], stars[:200], seed=1)
    name, digest = store.model_save(owner="bench", model=model)
    versions = store.current_versions()
    shared = batch_draw(rng=rng)

    def recommend_cold() -> None:
        store.cache_clear()
        loaded = store.model_load(name=name, digest=digest, versions=versions)
        batch = batch_draw(rng=rng)
        ranking.recommend_indices(scorer=ranking.Scorer(loaded, None), batch=batch)

    def recommend_warm() -> None:
        store.cache_clear()  # the model file is read, checked and unpickled every time
        loaded = store.model_load(name=name, digest=digest, versions=versions)
        ranking.recommend_indices(scorer=ranking.Scorer(loaded, None), batch=shared)

    cold = measure(recommend_cold, runs)
    warm = measure(recommend_warm, runs)
    rows.append(("ThemeHub recommendation, 200 ratings: load file, draw 100k, features, "
                 "predict, top 20, re-rank", *cold))  # fmt: skip
    rows.append(("ThemeHub recommendation, 200 ratings, shared batch: load file, predict, "
                 "top 20, re-rank", *warm))  # fmt: skip

    demo_runs = []

    def demo_train() -> None:
        net = DemoNet(np.random.default_rng(len(demo_runs))).train(themes[:200], stars[:200])
        demo_runs.append(net.iterations)

    demo_train_figure = measure(demo_train, runs)
    net = DemoNet(np.random.default_rng(0)).train(themes[:200], stars[:200])

    def demo_recommend() -> None:
        candidates = draw(100_000, rng)
        scores = net.run(candidates)
        np.argsort(-scores)[:20]

    demo_recommend_figure = measure(demo_recommend, runs)
    rows.append(("Demo network training, 200 ratings", *demo_train_figure))
    rows.append(("Demo recommendation: draw 100k, score one by one, sort, top 20",
                 *demo_recommend_figure))  # fmt: skip

    width = max(len(label) for label, _, _ in rows)
    print(f"{'':<{width}}  {'median ms':>10}  {'peak MiB':>9}")
    for label, ms, mib in rows:
        print(f"{label:<{width}}  {ms:>10.1f}  {mib:>9.1f}")
    themehub_train = next(ms for label, ms, _ in rows if label.endswith(", 200 ratings"))
    print()
    print("Side by side (demo / ThemeHub):")
    print(f"  training at 200 ratings: {demo_train_figure[0]:.1f} ms / {themehub_train:.1f} ms"
          f" = {demo_train_figure[0] / themehub_train:.1f}x"
          f" (demo ran {statistics.median(demo_runs):.0f} iterations)")  # fmt: skip
    print(f"  one recommendation:      {demo_recommend_figure[0]:.1f} ms / {cold[0]:.1f} ms"
          f" = {demo_recommend_figure[0] / cold[0]:.1f}x (ThemeHub cold path);"
          f" {demo_recommend_figure[0] / warm[0]:.1f}x with the shared batch")  # fmt: skip


if __name__ == "__main__":
    with threadpool_limits(limits=1):
        main()
