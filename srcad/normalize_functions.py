"""Normalizing functions inside functions (a part of the normalizer, see normalize.py):
nested ``def``s are lifted to module level with the variables they capture as
parameters, and ``srcad.grad(g)(...)`` written inside a differentiated function becomes a
call of g's generated gradient, itself differentiated like any call of your own."""
import ast
import inspect

import gast

from .ir import assigned_names, keywords
from .rules import lookup
from .trees import clone, walk as walk_tree


class NestedFunctions:
    """Mixin of `Normalizer`: nested ``def``s and derivatives taken inside the function."""

    def lift_nested_functions(self, fn):
        """Nested defs become module-level functions taking what they capture as arguments."""
        outer_locals = assigned_names(fn)
        kept = []
        for stmt in fn.body:
            if isinstance(stmt, gast.FunctionDef):
                self.lift(stmt, outer_locals)
            else:
                kept.append(stmt)
        for stmt in kept:
            for node in walk_tree(stmt):
                if isinstance(node, gast.FunctionDef):
                    self.unsupported(node, "a `def` inside a loop or branch",
                                     "Define the function at the top of the enclosing function.")
        fn.body = kept

    def lift(self, node, outer_locals):
        own = assigned_names(node)
        captured = {n.id for n in walk_tree(node) if isinstance(n, gast.Name)
                    and isinstance(n.ctx, gast.Load) and n.id in outer_locals and n.id not in own}
        for call in walk_tree(node):  # what the nested functions it calls capture, too
            if isinstance(call, gast.Call) and isinstance(call.func, gast.Name) \
                    and call.func.id in self.lifted:
                captured |= set(self.lifted[call.func.id][1])
        captured = sorted(captured - set(self.lifted) - own)
        lifted = clone(node)
        # captured variables become keyword-only parameters (callers pass them by name), so
        # the nested function's own defaults stay where they were
        lifted.args.kwonlyargs = list(lifted.args.kwonlyargs) + [
            gast.Name(c, gast.Param(), None, None) for c in captured]
        lifted.args.kw_defaults = list(lifted.args.kw_defaults) + [None] * len(captured)
        self.lifted[node.name] = (lifted, captured)
        _PassCaptured(self.lifted).visit(lifted)

    def lifted_call(self, node):
        lifted, captured = self.lifted[node.func.id]
        args = [self.atom(a) for a in node.args]
        kwargs = {k.arg: self.atom(k.value) for k in node.keywords}
        kwargs.update({c: self.atom(gast.Name(c, gast.Load(), None, None)) for c in captured})
        expr = gast.Call(func=node.func, args=args, keywords=keywords(kwargs))
        return {"kind": "usercall", "expr": expr, "callee": LiftedFunction(lifted, self.parsed),
                "args": args, "kwargs": kwargs}

    def derivative_call(self, node):
        """``srcad.grad(g, wrt)(args)`` inside the function: a call of g's generated gradient,
        itself differentiated like any user function (each level has its own names, so
        derivatives of different levels never mix: no perturbation confusion)."""
        transform = node.func
        mode = _transformation_name(self.parsed.resolve(transform.func))
        if not transform.args or not isinstance(transform.args[0], gast.Name):
            self.unsupported(transform, f"srcad.{mode} of something other than a function name",
                             "Pass a nested `def` or a module-level function by name.")
        wrt_node = transform.args[1] if len(transform.args) > 1 else next(
            (k.value for k in transform.keywords if k.arg == "wrt"), gast.Constant(0, None))
        try:
            wrt = ast.literal_eval(gast.gast_to_ast(wrt_node))
        except ValueError:
            self.unsupported(wrt_node, "a computed `wrt`", "Write wrt as a literal int or tuple.")
        indices, as_tuple = ((wrt,), False) if isinstance(wrt, int) else (tuple(wrt), True)
        function_name = transform.args[0].id
        args = [self.atom(a) for a in node.args]
        kwargs = {k.arg: self.atom(k.value) for k in node.keywords}
        if function_name in self.lifted:
            lifted, captured = self.lifted[function_name]
            kwargs.update({c: self.atom(gast.Name(c, gast.Load(), None, None)) for c in captured})
            function = LiftedFunction(lifted, self.parsed)
        else:
            function = self.parsed.resolve(transform.args[0])
            if not is_user_function(function):
                self.unsupported(transform, f"srcad.{mode} of {function_name}",
                                 "Pass a Python function defined with `def`.")
        binding = self.fresh(f"{function_name}_{mode}")
        self.derivative_bindings.append((binding, function_name, mode, indices, as_tuple))
        expr = gast.Call(func=gast.Name(binding, gast.Load(), None, None), args=args,
                         keywords=keywords(kwargs))
        callee = DerivativeOf(function, mode, indices, binding)
        return {"kind": "usercall", "expr": expr, "callee": callee, "args": args, "kwargs": kwargs}

    # -- inert expressions -----------------------------------------------------------------


def is_user_function(callee):
    """A plain Python function without a rule, outside NumPy/SciPy/srcad: srcad transforms it."""
    if lookup(callee) is not None or not inspect.isfunction(callee):
        return False
    module = getattr(callee, "__module__", "") or ""
    return not module.split(".")[0] in ("numpy", "scipy", "srcad")


TRANSFORMATIONS = ("grad", "value_and_grad", "vjp", "jvp")


def _transformation_name(obj):
    """"grad" for srcad.grad (and so on), else None."""
    if getattr(obj, "__module__", None) == "srcad.api" and getattr(obj, "__name__", None) in TRANSFORMATIONS:
        return obj.__name__
    return None


class DerivativeOf:
    """``srcad.grad(g)`` (or value_and_grad, vjp, jvp) called inside a differentiated function."""

    def __init__(self, function, mode, wrt, binding):
        self.function, self.mode, self.wrt = function, mode, wrt
        self.__name__ = self.__qualname__ = binding

    def parameters(self, function_parameters):
        extra = {"vjp": ["cotangent"], "jvp": [f"tangent_{i}" for i in self.wrt]}.get(self.mode, [])
        return function_parameters + extra


class LiftedFunction:
    """A nested ``def``, lifted to module level: its captured variables are parameters."""

    def __init__(self, node, parsed):
        self.node, self.parsed = node, parsed
        self.__name__ = self.__qualname__ = node.name

    def __repr__(self):
        return f"<nested function {self.__name__}>"


class _PassCaptured(gast.NodeTransformer):
    """Calls of nested functions pass the variables the function captures."""

    def __init__(self, lifted):
        self.lifted = lifted

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, gast.Name) and node.func.id in self.lifted:
            passed = {k.arg for k in node.keywords}
            node.keywords = list(node.keywords) + [
                gast.keyword(arg=c, value=gast.Name(c, gast.Load(), None, None))
                for c in self.lifted[node.func.id][1] if c not in passed]
        return node


