"""How each system computes a workload's gradient. Each peer compiles the source of
workloads.py with ``np`` bound to its own array module, so every system computes exactly
the same functions; everything is float64."""
import inspect
import math

import numpy as np

from . import workloads
from .reference import WORKLOADS

SOURCE = inspect.getsource(workloads)
FUNCTIONAL = {"item_assignment": "item_assignment_functional"}   # for immutable arrays


def _compile(np_module, extra=None):
    namespace = {"np": np_module, **(extra or {})}
    exec(compile(SOURCE.replace("import numpy as np\n", ""), workloads.__file__, "exec"), namespace)
    return namespace


def _function(namespace, workload, functional):
    name = FUNCTIONAL.get(workload.name, workload.name) if functional else workload.name
    return namespace[name]


class System:
    """make(workload) -> (primal(), gradient()) closures over the workload's inputs, plus
    `to_numpy` to check the gradient against the reference."""

    name = ""

    def make(self, workload, args):
        raise NotImplementedError

    def to_numpy(self, value):
        return tuple(np.asarray(v, dtype=np.float64) for v in (value if isinstance(value, tuple) else (value,)))


class Hand(System):
    name = "hand-written NumPy"

    def make(self, workload, args):
        if workload.cotangent is not None:
            return (lambda: workload.function(*args)), (lambda: workload.gradient(*args, workload.cotangent))
        return (lambda: workload.function(*args)), (lambda: workload.gradient(*args))


class Srcad(System):
    name = "srcad"
    options: dict = {}

    def make(self, workload, args):
        import srcad
        if workload.cotangent is not None:
            pull = srcad.vjp(workload.function, wrt=workload.wrt[0], **self.options)
            return (lambda: workload.function(*args)), (lambda: pull(*args, workload.cotangent)[1])
        wrt = workload.wrt if len(workload.wrt) > 1 else workload.wrt[0]
        gradient = srcad.grad(workload.function, wrt=wrt, **self.options)
        return (lambda: workload.function(*args)), (lambda: gradient(*args))


class SrcadNumba(Srcad):
    """srcad's derivative compiled with numba (an error where it does not compile: no
    fallback, so the table shows what compiles)."""
    name = "srcad (numba)"
    options = {"compile": "numba"}

    def prepare(self):
        """numba's own start-up (its import, and its compiler made ready by a first trivial
        function) is not part of the first gradient; the worker reports it apart."""
        import numba
        from ..compiled import numba_target  # noqa: F401
        numba.njit(lambda x: x + 1.0)(1.0)


class SrcadNumbaParallel(SrcadNumba):
    """srcad's derivative compiled with numba, its fused loops run on every core."""
    name = "srcad (numba, parallel)"
    options = {"compile": "numba-parallel"}


class NumbaHand(System):
    """Hand-written numba gradients (bench/numba_reference.py), where the workload has one."""
    name = "hand-written numba"

    def make(self, workload, args):
        from .numba_reference import GRADIENTS
        if workload.name not in GRADIENTS:
            raise NotImplementedError("no hand-written numba gradient for this workload")
        primal, gradient = GRADIENTS[workload.name]
        return (lambda: primal(*args)), (lambda: gradient(*args))


class Autograd(System):
    name = "autograd"

    def make(self, workload, args):
        import autograd
        import autograd.numpy as anp
        f = _function(_compile(anp), workload, True)
        rest = [a for i, a in enumerate(args) if i not in workload.wrt]

        def merged(params):
            full, params, others = [], list(params), list(rest)
            for i in range(len(args)):
                full.append(params.pop(0) if i in workload.wrt else others.pop(0))
            return f(*full)
        params = tuple(args[i] for i in workload.wrt)
        if workload.cotangent is not None:
            return (lambda: f(*args)), (lambda: autograd.make_vjp(merged)(params)[0](workload.cotangent)[0])
        gradient = autograd.grad(merged)
        return (lambda: f(*args)), (lambda: gradient(params))


class Jax(System):
    name = "JAX (eager)"
    jit = False

    def make(self, workload, args):
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        f = _function(_compile(jnp), workload, True)
        inputs = tuple(jnp.asarray(a) if isinstance(a, np.ndarray) else a for a in args)
        if workload.cotangent is not None:
            def pull(*xs):
                return jax.vjp(lambda x: f(x, *xs[1:]), xs[0])[1](jnp.asarray(workload.cotangent))[0]
            gradient = jax.jit(pull) if self.jit else pull
        else:
            gradient = jax.grad(f, argnums=workload.wrt if len(workload.wrt) > 1 else workload.wrt[0])
            gradient = jax.jit(gradient) if self.jit else gradient
        primal = jax.jit(f) if self.jit else f

        def block(value):
            return jax.block_until_ready(value)
        return (lambda: block(primal(*inputs))), (lambda: block(gradient(*inputs)))


class JaxJit(Jax):
    name = "JAX (jit)"
    jit = True


class _TorchNumpy:
    """The NumPy names the workloads use, as torch functions (float64 tensors)."""

    def __init__(self, torch):
        self.torch = torch
        self.pi = math.pi
        self.stack = torch.stack
        for name in ("sin", "cos", "exp", "log", "tanh"):
            setattr(self, name, self._either(getattr(torch, name), getattr(math, name)))

    def _either(self, tensor_function, float_function):
        torch = self.torch
        return lambda x: tensor_function(x) if isinstance(x, torch.Tensor) else float_function(x)

    def maximum(self, a, b):
        return self.torch.clamp(a, min=b) if isinstance(b, float) else self.torch.maximum(a, b)

    def zeros(self, shape):
        return self.torch.zeros(shape, dtype=self.torch.float64)

    def sum(self, a, axis=None, keepdims=False):
        return self.torch.sum(a) if axis is None else self.torch.sum(a, dim=axis, keepdim=keepdims)

    def mean(self, a):
        return self.torch.mean(a)

    def max(self, a, axis=None, keepdims=False):
        return self.torch.amax(a, dim=axis, keepdim=keepdims)


class Torch(System):
    name = "PyTorch (eager)"

    def make(self, workload, args):
        import torch
        torch.set_num_threads(2)
        f = _function(_compile(_TorchNumpy(torch)), workload, False)
        inputs = [torch.tensor(a, dtype=torch.float64) for a in args]
        for i in workload.wrt:
            inputs[i].requires_grad_(True)
        wrt = [inputs[i] for i in workload.wrt]

        def gradient():
            out = f(*inputs)
            seed = None if workload.cotangent is None else torch.tensor(workload.cotangent)
            grads = torch.autograd.grad(out, wrt, grad_outputs=seed)
            return tuple(g.numpy() for g in grads)

        def primal():
            with torch.no_grad():
                return f(*inputs)
        return primal, gradient

    def to_numpy(self, value):
        return tuple(np.asarray(v, dtype=np.float64) for v in value)


SYSTEMS = {"hand": Hand, "srcad": Srcad, "autograd": Autograd, "jax": Jax, "jax-jit": JaxJit, "torch": Torch,
           "srcad-numba": SrcadNumba, "srcad-numba-parallel": SrcadNumbaParallel, "numba-hand": NumbaHand}
PEERS = ("autograd", "jax", "jax-jit", "torch", "srcad-numba", "srcad-numba-parallel", "numba-hand")
MODULES = {"autograd": "autograd", "jax": "jax", "jax-jit": "jax", "torch": "torch",
           "srcad-numba": "numba", "srcad-numba-parallel": "numba", "numba-hand": "numba"}


def workload_named(name):
    return next(w for w in WORKLOADS if w.name == name)
