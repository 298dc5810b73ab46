"""A faithful Python reproduction of the original demo's brain.js network.

brain.js `NeuralNetwork({hiddenLayers: [6], activation: "leaky-relu"})` with its
defaults: 12 inputs (the four colours' RGB / 255), one hidden layer of 6, one
output; weights and biases drawn uniformly from [-0.2, 0.2); leaky ReLU
(alpha 0.01) on the hidden *and* output layers, as brain.js applies it; plain
per-sample backpropagation with learning rate 0.3 and momentum 0.1 (biases
without momentum); training error the mean over samples of the output's mean
squared error, checked every iteration; stop at 20,000 iterations or error
<= 0.005. The target is the demo's score, (stars - 1) / 4.

The per-sample loop is compiled with numba when it is installed (`pip install
-e ".[bench]"`), which runs it at about the speed of the JavaScript original;
without numba it runs in plain Python, far slower.
"""

from __future__ import annotations

import numpy as np

try:
    from numba import njit
except ImportError:  # pragma: no cover - the bench extra installs numba

    def njit(*args, **kwargs):
        def wrap(function):
            return function

        return wrap if not args or not callable(args[0]) else args[0]


ITERATIONS = 20_000
ERROR_THRESHOLD = 0.005
LEARNING_RATE = 0.3
MOMENTUM = 0.1
ALPHA = 0.01
HIDDEN = 6


@njit(cache=True)
def _train(inputs, targets, w1, b1, w2, b2, iterations, threshold, rate, momentum, alpha):
    n, n_in = inputs.shape
    hidden = w1.shape[0]
    c1 = np.zeros_like(w1)
    c2 = np.zeros_like(w2)
    h = np.zeros(hidden)
    d1 = np.zeros(hidden)
    error = 1.0
    done = 0
    for iteration in range(iterations):
        if error <= threshold:
            break
        total = 0.0
        for s in range(n):
            x = inputs[s]
            # forward: leaky relu on every layer, as brain.js does
            for j in range(hidden):
                acc = b1[j]
                for k in range(n_in):
                    acc += w1[j, k] * x[k]
                h[j] = acc if acc > alpha * acc else alpha * acc
            acc = b2[0]
            for j in range(hidden):
                acc += w2[0, j] * h[j]
            out = acc if acc > alpha * acc else alpha * acc
            # backward
            err = targets[s] - out
            total += err * err
            d2 = err if out > 0 else alpha * err
            for j in range(hidden):
                e = d2 * w2[0, j]
                d1[j] = e if h[j] > 0 else alpha * e
            # adjust weights (all deltas were computed first, as in brain.js)
            for j in range(hidden):
                for k in range(n_in):
                    change = rate * d1[j] * x[k] + momentum * c1[j, k]
                    c1[j, k] = change
                    w1[j, k] += change
                b1[j] += rate * d1[j]
            for j in range(hidden):
                change = rate * d2 * h[j] + momentum * c2[0, j]
                c2[0, j] = change
                w2[0, j] += change
            b2[0] += rate * d2
        error = total / n
        done = iteration + 1
    return done, error


@njit(cache=True)
def _run(inputs, w1, b1, w2, b2, alpha):
    n, n_in = inputs.shape
    hidden = w1.shape[0]
    out = np.empty(n)
    h = np.zeros(hidden)
    for s in range(n):
        for j in range(hidden):
            acc = b1[j]
            for k in range(n_in):
                acc += w1[j, k] * inputs[s, k]
            h[j] = acc if acc > alpha * acc else alpha * acc
        acc = b2[0]
        for j in range(hidden):
            acc += w2[0, j] * h[j]
        out[s] = acc if acc > alpha * acc else alpha * acc
    return out


class DemoNet:
    """brain.js NeuralNetwork as the demo configured it."""

    def __init__(self, rng: np.random.Generator | None = None) -> None:
        rng = rng if rng is not None else np.random.default_rng()
        self.w1 = rng.random((HIDDEN, 12)) * 0.4 - 0.2
        self.b1 = rng.random(HIDDEN) * 0.4 - 0.2
        self.w2 = rng.random((1, HIDDEN)) * 0.4 - 0.2
        self.b2 = rng.random(1) * 0.4 - 0.2
        self.iterations = 0
        self.error = 1.0

    @staticmethod
    def inputs(themes: np.ndarray) -> np.ndarray:
        """`(n, 4, 3) uint8 -> (n, 12)` the demo's inputs."""
        return np.asarray(themes, dtype=np.float64).reshape(len(themes), 12) / 255.0

    def train(self, themes: np.ndarray, stars: np.ndarray) -> DemoNet:
        targets = (np.asarray(stars, dtype=np.float64) - 1.0) / 4.0
        self.iterations, self.error = _train(
            self.inputs(themes), targets, self.w1, self.b1, self.w2, self.b2,
            ITERATIONS, ERROR_THRESHOLD, LEARNING_RATE, MOMENTUM, ALPHA,
        )  # fmt: skip
        return self

    def run(self, themes: np.ndarray) -> np.ndarray:
        """Scores 0..1-ish, one theme at a time as the demo does (compiled loop)."""
        return _run(self.inputs(themes), self.w1, self.b1, self.w2, self.b2, ALPHA)
