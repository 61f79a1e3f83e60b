"""Normalizing functions inside functions (a part of the normalizer, see normalize.py):
nested ``def``s are lifted to module level with the variables they capture as
parameters, and ``srcad.grad(g)(...)`` written inside a differentiated function becomes a
call of g's generated gradient, itself differentiated like any call of your own."""
import ast
import inspect

import gast

from .ir import assigned_names, keywords
from .rules import lookup
from .trees import attribute_root, clone, walk as walk_tree


class NestedFunctions:
    """Mixin of `Normalizer`: nested ``def``s and derivatives taken inside the function."""

    def lift_nested_functions(self, fn):
        """Nested defs become module-level functions taking what they capture as arguments."""
        outer_locals = assigned_names(fn)
        kept = [stmt for stmt in fn.body if not isinstance(stmt, gast.FunctionDef)]
        for node in walk_tree(gast.Module(body=kept, type_ignores=[])):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                self.assignments[node.id] = self.assignments.get(node.id, 0) + 1
        aliases = {node.targets[0].id: node.value for node in walk_tree(gast.Module(body=kept, type_ignores=[]))
                   if isinstance(node, gast.Assign) and len(node.targets) == 1   # slope = srcad.grad(g)
                   and isinstance(node.targets[0], gast.Name) and isinstance(node.value, gast.Call)
                   and self.assignments[node.targets[0].id] == 1 and self.is_transformation(node.value.func)}
        for stmt in fn.body:
            if isinstance(stmt, gast.FunctionDef):
                self.lift(stmt, outer_locals, aliases)
        for stmt in kept:
            for node in walk_tree(stmt):
                if isinstance(node, gast.FunctionDef):
                    self.unsupported(node, "a `def` inside a loop or branch",
                                     "Define the function at the top of the enclosing function.")
        fn.body = kept

    def lift(self, node, outer_locals, aliases):
        # `slope(y)` of a derivative function ``slope = srcad.grad(g)`` of the enclosing
        # function is ``srcad.grad(g)(y)`` in the nested function
        lifted = _CallAliases({a: (t, []) for a, t in aliases.items()}).visit(clone(node))
        own = assigned_names(lifted)
        captured = {n.id for n in walk_tree(lifted) if isinstance(n, gast.Name)
                    and isinstance(n.ctx, gast.Load) and n.id in outer_locals and n.id not in own}
        for call in walk_tree(lifted):  # what the nested functions it calls capture, too
            called = _called_function(call, self.lifted, self.is_transformation)
            if called is not None:
                captured |= set(self.lifted[called][1])
        captured = sorted(captured - set(self.lifted) - own)
        # captured variables become keyword-only parameters (callers pass them by name), so
        # the nested function's own defaults stay where they were
        lifted.args.kwonlyargs = list(lifted.args.kwonlyargs) + [
            gast.Name(c, gast.Param(), None, None) for c in captured]
        lifted.args.kw_defaults = list(lifted.args.kw_defaults) + [None] * len(captured)
        self.lifted[node.name] = (lifted, captured)
        _PassCaptured(self.lifted, self.is_transformation).visit(lifted)

    def is_transformation(self, node):
        """`node` (a call's function) names srcad.grad, value_and_grad, vjp or jvp."""
        if _root_id(node) in assigned_names(self.node):   # x.sum(): a method of a local value
            return False
        return _transformation_name(self.parsed.resolve(node)) is not None

    def lifted_call(self, node):
        lifted, captured = self.lifted[node.func.id]
        args = [self.atom(a) for a in node.args]
        kwargs = {k.arg: self.atom(k.value) for k in node.keywords}
        kwargs.update({c: self.atom(gast.Name(c, gast.Load(), None, None)) for c in captured})
        expr = gast.Call(func=node.func, args=args, keywords=keywords(kwargs))
        return {"kind": "usercall", "expr": expr, "callee": LiftedFunction(lifted, self.parsed, self.lifted),
                "args": args, "kwargs": kwargs}

    def derivative_call(self, node, binding=None):
        """``srcad.grad(g, wrt)(args)`` inside the function: a call of g's generated gradient,
        itself differentiated like any user function (each level has its own names, so
        derivatives of different levels never mix: no perturbation confusion)."""
        callee, captured = self.derivative_of(node.func, binding)
        args = [self.atom(a) for a in node.args]
        kwargs = {k.arg: self.atom(k.value) for k in node.keywords}
        kwargs.update({c: self.atom(gast.Name(c, gast.Load(), None, None)) for c in captured})
        expr = gast.Call(func=gast.Name(callee.__name__, gast.Load(), None, None), args=args,
                         keywords=keywords(kwargs))
        return {"kind": "usercall", "expr": expr, "callee": callee, "args": args, "kwargs": kwargs}

    def derivative_of(self, transform, binding=None):
        """The generated function ``srcad.grad(g, wrt)`` stands for, bound once per file as
        ``g_grad = derivative_of(g, 'grad', wrt, as_tuple)`` (or under `binding`), and the
        variables g captures."""
        function, key, captured = self.derivative_target(transform)
        if key not in self.derivatives:
            function_name, mode, indices, as_tuple = key
            binding = binding or self.fresh(f"{function_name}_{mode}")
            self.derivative_bindings.append((binding, function_name, mode, indices, as_tuple))
            self.derivatives[key] = DerivativeOf(function, mode, indices, binding, as_tuple)
        return self.derivatives[key], captured

    def derivative_target(self, transform):
        """What ``srcad.grad(g, wrt)`` differentiates: (g, (g's name, mode, wrt, as_tuple),
        the variables g captures)."""
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
        captured = []
        if function_name in self.lifted:
            lifted, captured = self.lifted[function_name]
            function = LiftedFunction(lifted, self.parsed, self.lifted)
        elif function_name in self.derivative_aliases:
            inner = _dotted_args(self.derivative_aliases[function_name])
            self.unsupported(transform, f"srcad.{mode} of `{function_name}`, a derivative held in a "
                             "variable", "Differentiate a `def` that calls the inner derivative, "
                             f"e.g. `def inner(y): return srcad.grad({inner})(y)`.")
        else:
            function = self.parsed.resolve(transform.args[0])
            if not is_user_function(function):
                self.unsupported(transform, f"srcad.{mode} of {function_name}",
                                 "Pass a Python function defined with `def`.")
        return function, (function_name, mode, indices, as_tuple), captured

    def derivative_alias(self, target, value):
        """``slope = srcad.grad(g)``: `slope` names g's derivative function, whose calls are
        calls of that function (returns True); nothing is computed here."""
        if not (isinstance(value, gast.Call) and self.is_transformation(value.func)):
            return False
        user_name = target.id
        if user_name in [a.id for a in self.node.args.args + self.node.args.kwonlyargs]:
            self.unsupported(target, f"assigning a derivative function to the parameter `{user_name}`",
                             "Give the derivative function a name of its own.")
        if user_name in self.lifted:
            self.unsupported(target, f"assigning a derivative function to `{user_name}`, the name of "
                             "a nested def", "Give the derivative function a name of its own.")
        if self.assignments.get(user_name, 0) > 1:
            self.unsupported(target, f"assigning `{user_name}` more than once when it holds a "
                             "derivative function", "Give each derivative function a name of its own.")
        self.derivative_target(value)   # its errors belong to this line
        self.derivative_aliases[user_name] = value
        return True

    def alias_call(self, node):
        """``slope(x)`` where ``slope = srcad.grad(g)``: ``srcad.grad(g)(x)``, whose generated
        function the file binds under the name `slope`."""
        transform = self.derivative_aliases[node.func.id]
        return self.derivative_call(gast.copy_location(
            gast.Call(func=transform, args=node.args, keywords=node.keywords), node), node.func.id)

    def alias_calls(self, node):
        """For `_CallAliases` in `node`: ``slope(x)`` calls the generated function bound for it."""
        calls = {}
        for call in walk_tree(node):
            if isinstance(call, gast.Call) and isinstance(call.func, gast.Name) \
                    and call.func.id in self.derivative_aliases:
                alias = call.func.id
                callee, captured = self.derivative_of(self.derivative_aliases[alias], alias)
                function = gast.Name(callee.__name__, gast.Load(), None, None)
                function.derivative_binding = True   # a name of the generated file, not a local
                calls[alias] = (function, captured)
        return calls

    def dynamic_call(self, node, callee, method=None):
        """A call of a function known only at run time (`callee`, an atom: a parameter, a
        variable, an object; with `method`, the receiver of ``callee.method(...)``): a call of
        a user function whose derivative generated code looks up when it runs (dynamic.py).
        The called value is its argument 0."""
        from .normalize_syntax import plain_args
        args, kwargs = self.call_arguments(node)
        func = gast.Attribute(value=callee, attr=method, ctx=gast.Load()) if method else callee
        expr = gast.Call(func=func, args=args, keywords=keywords(kwargs))
        label = method or (self.user_of.get(callee.id, callee.id) if isinstance(callee, gast.Name)
                           else getattr(callee, "attr", "call"))
        return {"kind": "usercall", "expr": expr, "args": [callee] + plain_args(args), "kwargs": kwargs,
                "callee": DynamicCallee(label, method, self.where(node))}



def _dotted_args(transform):
    """The source of a transformation's arguments, ``g, wrt=1``."""
    return ", ".join([ast.unparse(gast.gast_to_ast(a)) for a in transform.args] + [
        f"{k.arg}={ast.unparse(gast.gast_to_ast(k.value))}" for k in transform.keywords])


def is_user_function(callee):
    """A plain Python function without a rule, outside NumPy/SciPy/srcad: srcad transforms it."""
    if lookup(callee) is not None or not inspect.isfunction(callee):
        return False
    module = getattr(callee, "__module__", "") or ""
    return module == "srcad.written_out" or not module.split(".")[0] in ("numpy", "scipy", "srcad")


TRANSFORMATIONS = ("grad", "value_and_grad", "vjp", "jvp")


def _transformation_name(obj):
    """"grad" for srcad.grad (and so on), else None."""
    if getattr(obj, "__module__", None) == "srcad.api" and getattr(obj, "__name__", None) in TRANSFORMATIONS:
        return obj.__name__
    return None


class DerivativeOf:
    """``srcad.grad(g)`` (or value_and_grad, vjp, jvp) called inside a differentiated function."""

    def __init__(self, function, mode, wrt, binding, as_tuple=False):
        self.function, self.mode, self.wrt, self.as_tuple = function, mode, wrt, as_tuple
        self.__name__ = self.__qualname__ = binding

    def parameters(self, function_parameters):
        """The generated function's parameters: the cotangent (vjp) or the tangents (jvp)
        come after the positional ones, before the keyword-only ones (what a nested def
        captures)."""
        extra = {"vjp": ["cotangent"], "jvp": [f"tangent_{i}" for i in self.wrt]}.get(self.mode, [])
        function = self.function
        positional = len(function.node.args.args) if isinstance(function, LiftedFunction) \
            else function.__code__.co_argcount
        return function_parameters[:positional] + extra + function_parameters[positional:]


class DynamicCallee:
    """The callee of a call srcad resolves at run time (see dynamic.py): `label` names its
    derivative helpers, `method` the method called on the receiver (argument 0)."""

    def __init__(self, label, method, where):
        self.method, self.where = method, where
        self.__name__ = self.__qualname__ = label if label.isidentifier() else "call"

    def parameters(self, arity):
        return ["callee"] + [f"*{i}" for i in range(arity or 0)]

    def __repr__(self):
        return f"<function known at run time, {self.__name__}>"


def is_dynamic_callable(value):
    """A value srcad calls through dynamic.py: a bound method of your class, an object
    whose class defines ``__call__``, a ``functools.partial``, a derivative helper."""
    import functools
    import types
    from .dynamic import DynamicPart
    if isinstance(value, (functools.partial, DynamicPart)):
        return True
    if isinstance(value, types.MethodType):
        return is_user_function(value.__func__)
    if isinstance(value, type) or lookup(value) is not None:
        return False
    call = inspect.getattr_static(type(value), "__call__", None)
    return isinstance(call, types.FunctionType) and is_user_function(call)


class LiftedFunction:
    """A nested ``def``, lifted to module level: its captured variables are parameters."""

    def __init__(self, node, parsed, siblings=None):
        self.node, self.parsed = node, parsed
        self.siblings = siblings or {}   # name -> (lifted def, captured): the nested defs beside it
        self.__name__ = self.__qualname__ = node.name

    def __repr__(self):
        return f"<nested function {self.__name__}>"


def _called_function(call, lifted, is_transformation):
    """The nested function `call` calls, ``g(x)`` or ``srcad.grad(g)(x)``, if any."""
    if not isinstance(call, gast.Call):
        return None
    func = call.func
    if isinstance(func, gast.Call) and func.args and is_transformation(func.func):
        func = func.args[0]   # its derivative takes what g captures, too
    return func.id if isinstance(func, gast.Name) and func.id in lifted else None


class _PassCaptured(gast.NodeTransformer):
    """Calls of nested functions (and of their derivatives) pass the variables the function
    captures."""

    def __init__(self, lifted, is_transformation):
        self.lifted, self.is_transformation = lifted, is_transformation

    def visit_Call(self, node):
        self.generic_visit(node)
        called = _called_function(node, self.lifted, self.is_transformation)
        if called is not None:
            passed = {k.arg for k in node.keywords}
            node.keywords = list(node.keywords) + [
                gast.keyword(arg=c, value=gast.Name(c, gast.Load(), None, None))
                for c in self.lifted[called][1] if c not in passed]
        return node


class _CallAliases(gast.NodeTransformer):
    """``slope(y)`` -> ``<function>(y, <captured>=...)``, for each ``slope`` in `calls`:
    {slope: (the function to call instead, the names to pass it by keyword)}."""

    def __init__(self, calls):
        self.calls = calls

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, gast.Name) and node.func.id in self.calls:
            function, captured = self.calls[node.func.id]
            node.func = clone(function)
            node.keywords = list(node.keywords) + [
                gast.keyword(arg=c, value=gast.Name(c, gast.Load(), None, None)) for c in captured]
        return node




def _root_id(node):
    """The name an attribute chain starts from (``x`` of ``x.sum``), or None."""
    root = attribute_root(node)
    return root.id if isinstance(root, gast.Name) else None
