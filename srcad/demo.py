"""The built-in example behind ``srcad demo``: seed example 1, y = x1² + x2² + x1·x2."""
import timeit

import srcad


def f(x1, x2):
    y = x1**2 + x2**2 + x1 * x2
    return y


def _per_call(function, *args):
    runs, seconds = timeit.Timer(lambda: function(*args)).autorange()
    best = min(timeit.repeat(lambda: function(*args), number=runs, repeat=3))
    return best / runs


def run(out=print):
    x1, x2 = 3.0, 1.0
    gradient = srcad.grad(f, wrt=(0, 1))
    out("Function: y = x1**2 + x2**2 + x1*x2, at x1 = 3, x2 = 1")
    out(f"Gradient (reverse mode): dy/dx1 = {gradient(x1, x2)[0]:g}, dy/dx2 = {gradient(x1, x2)[1]:g}"
        "   (expected 7 and 5)")
    out("\nGenerated reverse-mode (gradient) code:\n")
    out(srcad.source(gradient))
    forward = srcad.jvp(f, wrt=(0, 1))
    out("Generated forward-mode (JVP) code:\n")
    out(srcad.source(forward))
    by_forward = (forward(x1, x2, 1.0, 0.0)[1], forward(x1, x2, 0.0, 1.0)[1])
    out(f"Gradient from forward mode, one JVP per input: {by_forward[0]:g}, {by_forward[1]:g}")
    primal = _per_call(f, x1, x2)
    reverse_time = _per_call(gradient, x1, x2)
    forward_time = _per_call(lambda a, b: (forward(a, b, 1.0, 0.0), forward(a, b, 0.0, 1.0)), x1, x2)
    out("\nForward vs reverse for the full gradient (n = 2 inputs, m = 1 output):")
    out(f"  {'':24}{'time':>12}{'/ primal':>10}")
    out(f"  {'primal f(x1, x2)':24}{primal * 1e6:10.2f} µs{1:10.1f}")
    out(f"  {'reverse: 1 VJP':24}{reverse_time * 1e6:10.2f} µs{reverse_time / primal:10.1f}")
    out(f"  {'forward: 2 JVPs':24}{forward_time * 1e6:10.2f} µs{forward_time / primal:10.1f}")
    out("Reverse mode needs one sweep per output, forward mode one per input: for a scalar "
        "output of n inputs, reverse wins as n grows.")
