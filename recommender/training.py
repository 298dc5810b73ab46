"""Fit a person's taste model from their ratings.

The model is a small ensemble of scikit-learn pipelines (standardise ->
`MLPRegressor`), each fitted on the same ratings from a different start. The
ensemble's mean ranks themes; its spread says where the model is unsure,
which is where the next rating teaches the most. Settings were chosen by the
quality benchmark (`bench/quality.py`), not by taste.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from recommender.features import N_FEATURES, featurise

# Bumped whenever `featurise` changes meaning: stored models of another version are rebuilt.
FEATURE_VERSION = 1

MEMBERS = 3
HIDDEN_UNITS = 16
ALPHA = 3.0
MAX_ITER = 200
# Stars are centred on the person's mean and divided by this before fitting.
_STAR_SCALE = 1.25


@dataclass
class TasteModel:
    """A fitted taste: predicts stars for feature rows."""

    members: list[Pipeline]
    n_ratings: int
    mean_stars: float
    feature_version: int = FEATURE_VERSION
    n_features: int = N_FEATURES
    extra: dict = field(default_factory=dict)

    def _folded(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The ensemble as one float32 network: scalers folded into the first layers.

        Member m computes tanh(((x - mu_m) / sigma_m) @ W1_m + b1_m) @ W2_m + b2_m; the
        same is tanh(x @ (W1_m / sigma_m) + (b1_m - (mu_m / sigma_m) @ W1_m)) @ W2_m + b2_m.
        Stacking the members' hidden layers side by side (and their output weights
        block-diagonally) scores every member with one matrix product per layer.
        """
        cached = self.__dict__.get("_folded_weights")
        if cached is not None:
            return cached
        first, first_bias, blocks, output_bias = [], [], [], []
        for member in self.members:
            scaler, mlp = member[0], member[-1]
            w1, w2 = mlp.coefs_
            first.append(w1 / scaler.scale_[:, None])
            first_bias.append(mlp.intercepts_[0] - (scaler.mean_ / scaler.scale_) @ w1)
            blocks.append(w2)
            output_bias.append(mlp.intercepts_[1][0])
        hidden = sum(block.shape[0] for block in blocks)
        second = np.zeros((hidden, len(blocks)))
        row = 0
        for index, block in enumerate(blocks):
            second[row : row + block.shape[0], index] = block[:, 0]
            row += block.shape[0]
        weights = tuple(
            np.ascontiguousarray(array, dtype=np.float32)
            for array in (np.hstack(first), np.concatenate(first_bias), second, output_bias)
        )
        self.__dict__["_folded_weights"] = weights
        return weights

    def predict_members(self, features: np.ndarray) -> np.ndarray:
        """`(n, F) -> (members, n)` predicted stars of each member, in float32."""
        w1, b1, w2, b2 = self._folded()
        hidden = np.asarray(features, dtype=np.float32) @ w1
        hidden += b1
        np.tanh(hidden, out=hidden)
        out = hidden @ w2
        out += b2
        out *= np.float32(_STAR_SCALE)
        out += np.float32(self.mean_stars)
        return out.T

    def predict(self, features: np.ndarray) -> np.ndarray:
        """`(n, F) -> (n,)` predicted stars (the ensemble's mean, not clipped)."""
        return self.predict_members(features).mean(axis=0)

    def predict_themes(self, themes: np.ndarray) -> np.ndarray:
        """`(n, 4, 3) uint8 -> (n,)` predicted stars."""
        return self.predict(featurise(themes))


def _member(seed: int, *, alpha: float, hidden: int, max_iter: int) -> Pipeline:
    # scikit-learn 1.9: MLPRegressor's first positional parameter is `loss`; pass all by keyword.
    return make_pipeline(
        StandardScaler(),
        MLPRegressor(
            hidden_layer_sizes=(hidden,),
            activation="tanh",
            solver="lbfgs",
            alpha=alpha,
            max_iter=max_iter,
            random_state=seed,
        ),
    )


def model_fit(
    themes: np.ndarray,
    stars: np.ndarray,
    *,
    seed: int = 0,
    members: int = MEMBERS,
    alpha: float = ALPHA,
    hidden: int = HIDDEN_UNITS,
    max_iter: int = MAX_ITER,
) -> TasteModel:
    """Fit a taste model: `(n, 4, 3) uint8` themes and `(n,)` stars 1..5 -> TasteModel.

    Raises ValueError for fewer than 2 ratings or mismatched lengths.
    """
    themes = np.asarray(themes, dtype=np.uint8)
    stars = np.asarray(stars, dtype=np.float64)
    if len(themes) != len(stars):
        raise ValueError("themes and stars differ in length")
    if len(stars) < 2:
        raise ValueError("a taste model needs at least 2 ratings")
    features = featurise(themes)
    mean = float(stars.mean())
    target = (stars - mean) / _STAR_SCALE
    fitted = []
    # One BLAS thread: tiny matrices gain nothing from more, and on a busy machine
    # threads of several workers spinning against each other make a fit 10-20x slower.
    with threadpool_limits(limits=1), warnings.catch_warnings():
        # lbfgs stopping at max_iter is expected and harmless on tiny data.
        warnings.simplefilter("ignore", ConvergenceWarning)
        for index in range(members):
            member = _member(seed * 101 + index, alpha=alpha, hidden=hidden, max_iter=max_iter)
            member.fit(features, target)
            fitted.append(member)
    return TasteModel(members=fitted, n_ratings=len(stars), mean_stars=mean)
