"""Quality benchmark: how well each recommender finds what simulated people like.

    python -m bench.quality [--per-kind 2] [--seed 1]

For each simulated person (bench/people.py: several kinds of taste, noisy 1-5
stars, own star habits) and after 10, 25, 50 and 100 ratings, it reports the
mean true-utility percentile of the top 20 among random themes, the share of
the top 20 in the person's own top 5%, and the variety of the 20 (mean
pairwise OKLab distance x100), for:

- themehub: next themes chosen by the recommender (promising or uncertain,
  20% random), personal ensemble blended with a community model;
- themehub-random: the same models, but the person rates random themes (as in the demo);
- demo: the original brain.js network (bench/demo_net.py) on random themes;
- random: 20 random themes.

The community model is trained on a separate crowd of simulated people.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

from bench.demo_net import DemoNet
from bench.people import Person, population
from ratings.themes import draw
from recommender import ranking
from recommender.candidates import Batch, batch_draw
from recommender.training import model_fit

CHECKPOINTS = (10, 25, 50, 100)
MIN_RATINGS = 3


def _metrics(person: Person, batch: Batch, chosen: np.ndarray) -> tuple[float, float, float]:
    percentiles = person.percentile(batch.themes[chosen])
    return (
        float(percentiles.mean()),
        float((percentiles >= 0.95).mean()),
        ranking.variety(batch.embedding[chosen]),
    )


def community_model(rng: np.random.Generator, reference: np.ndarray, ratings_each: int = 30):
    crowd = population(reference, rng, per_kind=3)
    themes = draw(len(crowd) * ratings_each, rng)
    chunks = [themes[i * ratings_each : (i + 1) * ratings_each] for i in range(len(crowd))]
    stars = np.concatenate([p.rate(chunk, rng) for p, chunk in zip(crowd, chunks, strict=True)])
    return model_fit(themes, stars, seed=0)


def run_themehub(
    person: Person, evaluation: Batch, community, rng: np.random.Generator, *, active: bool
) -> dict[int, tuple[float, float, float]]:
    selection = batch_draw(20_000, rng=rng)
    chosen_themes: list[np.ndarray] = []
    chosen_indices: list[int] = []
    stars: list[int] = []
    model = None
    results = {}
    for n in range(1, max(CHECKPOINTS) + 1):
        scorer = ranking.Scorer(model, community)
        if active:
            rated = selection.embedding[chosen_indices]
            index = ranking.next_index(scorer=scorer, batch=selection, rng=rng, rated=rated)
        else:
            index = int(rng.integers(len(selection)))
        theme = selection.themes[index]
        chosen_indices.append(index)
        chosen_themes.append(theme)
        stars.append(int(person.rate(theme[None], rng)[0]))
        # The site retrains after every rating; here after each of the first 10, then every 5.
        if n >= MIN_RATINGS and (n <= 10 or n % 5 == 0):
            model = model_fit(np.array(chosen_themes), np.array(stars), seed=n)
        if n in CHECKPOINTS:
            picks, _ = ranking.recommend_indices(
                scorer=ranking.Scorer(model, community), batch=evaluation
            )
            results[n] = _metrics(person, evaluation, picks)
    return results


def run_demo(
    person: Person, evaluation: Batch, rng: np.random.Generator
) -> dict[int, tuple[float, float, float]]:
    themes = draw(max(CHECKPOINTS), rng)
    stars = person.rate(themes, rng)
    results = {}
    for n in CHECKPOINTS:
        net = DemoNet(rng).train(themes[:n], stars[:n])
        scores = net.run(evaluation.themes)
        top = np.argsort(-scores, kind="stable")[:20]
        results[n] = _metrics(person, evaluation, top)
    return results


def run_random(person: Person, evaluation: Batch, rng: np.random.Generator):
    return {
        n: _metrics(person, evaluation, rng.choice(len(evaluation), 20, replace=False))
        for n in CHECKPOINTS
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=2, help="people of each kind of taste")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--methods", default="themehub,themehub-random,demo,random", help="comma-separated"
    )
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    reference = draw(100_000, rng)
    people = population(reference, rng, per_kind=args.per_kind)
    community = community_model(np.random.default_rng(args.seed + 1000), reference)
    evaluation = batch_draw(100_000, rng=np.random.default_rng(args.seed + 2000))
    methods = args.methods.split(",")
    table: dict[str, dict[int, list[tuple[float, float, float]]]] = {
        m: {n: [] for n in CHECKPOINTS} for m in methods
    }
    for number, person in enumerate(people):
        for method in methods:
            person_rng = np.random.default_rng([args.seed, number, methods.index(method)])
            if method == "themehub":
                result = run_themehub(person, evaluation, community, person_rng, active=True)
            elif method == "themehub-random":
                result = run_themehub(person, evaluation, community, person_rng, active=False)
            elif method == "demo":
                result = run_demo(person, evaluation, person_rng)
            else:
                result = run_random(person, evaluation, person_rng)
            for n, values in result.items():
                table[method][n].append(values)
    print(f"{len(people)} simulated people, {args.per_kind} of each of 9 kinds; seed {args.seed}")
    header = ("method", "ratings", "mean pct", "in top 5%", "variety", "worst pct")
    print("{:<17}{:>8}{:>10}{:>11}{:>9}{:>11}".format(*header))
    summary = {}
    for method in methods:
        for n in CHECKPOINTS:
            values = np.array(table[method][n])
            mean = values.mean(axis=0)
            summary[(method, n)] = mean
            print(
                f"{method:<17}{n:>8}{mean[0]:>10.3f}{mean[1]:>11.2f}{mean[2]:>9.1f}"
                f"{values[:, 0].min():>11.2f}"
            )
    print(f"({time.perf_counter() - started:.0f} s)")
    return summary


if __name__ == "__main__":
    with threadpool_limits(limits=1):
        main()
