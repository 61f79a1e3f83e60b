"""Gradient of a tanh RNN's loss with respect to its weights (backpropagation through time).

    python examples/rnn_gradient.py

The loop over time steps is ordinary Python; srcad's reverse mode runs it backwards,
saving on its tape only the hidden states the adjoint reads.
"""
import numpy as np

import srcad


def rnn_loss(W_hh, W_xh, xs, target):
    h = np.zeros(W_hh.shape[0])
    for x in xs:
        h = np.tanh(W_hh @ h + W_xh @ x)
    return np.sum((h - target) ** 2)


def main(steps=20, hidden=8, inputs=3, seed=0):
    rng = np.random.default_rng(seed)
    W_hh = rng.normal(0, 0.4, (hidden, hidden))
    W_xh = rng.normal(0, 0.4, (hidden, inputs))
    xs = rng.normal(0, 1, (steps, inputs))
    target = rng.normal(0, 0.5, hidden)
    loss, (g_hh, g_xh) = srcad.value_and_grad(rnn_loss, wrt=(0, 1))(W_hh, W_xh, xs, target)
    direction = rng.normal(size=W_hh.shape)
    eps = 1e-6
    numeric = (rnn_loss(W_hh + eps * direction, W_xh, xs, target)
               - rnn_loss(W_hh - eps * direction, W_xh, xs, target)) / (2 * eps)
    print(f"loss {loss:.6f}; |dL/dW_hh| = {np.linalg.norm(g_hh):.6f}, |dL/dW_xh| = {np.linalg.norm(g_xh):.6f}")
    print(f"directional derivative: srcad {np.sum(g_hh * direction):.10f}, finite differences {numeric:.10f}")
    return np.sum(g_hh * direction), numeric


if __name__ == "__main__":
    main()
