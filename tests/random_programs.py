"""Random numerical programs, to hunt for wrong derivatives (used by test_random_programs.py).

`program(draw)` builds the source of a module defining ``f(x, y)`` (and helpers it calls)
from the constructs srcad supports: arithmetic, NumPy calls from the rule table, branches
on values, loops (also over lists of arrays whose shapes change from one iteration to the
next), lists, tuples, dicts, item assignment, user functions, closures and comprehensions.
Every program returns a scalar. Values stay in ranges where the functions are smooth, so
central differences are a trustworthy reference.
"""
import hypothesis.strategies as st

N = 4                                   # the length of x and of every vector value
SMOOTH = ["np.sin({})", "np.cos({})", "np.tanh({})", "({} * {})", "np.exp(np.tanh({}))",
          "np.log(1.0 + {} ** 2)", "np.sqrt(1.0 + {} ** 2)", "({} / (1.0 + {} ** 2))",
          "np.arctan({})", "({} ** 3)", "np.square({})", "np.sinh(np.tanh({}))"]
BINARY = ["{} + {}", "{} - {}", "{} * {}", "{} * 0.5 + {}", "{} / (2.0 + {} ** 2)"]
REDUCE = ["np.sum({})", "np.mean({})", "np.max({})", "np.dot({}, {})", "np.sum({} ** 2)",
          "np.prod(np.tanh({}) + 2.0)", "np.linalg.norm({})"]


class Builder:
    """Draws statements into a function body, tracking which names hold vectors (shape
    (N,)) and scalars."""

    def __init__(self, draw, indent="    "):
        self.draw, self.indent = draw, indent
        self.lines, self.helpers = [], []
        self.vectors, self.scalars = ["x"], ["y"]
        self.count = 0

    def fresh(self, prefix="v"):
        self.count += 1
        return f"{prefix}{self.count}"

    def emit(self, line, depth=0):
        self.lines.append(self.indent * (1 + depth) + line)

    def pick_vector(self):
        return self.draw(st.sampled_from(self.vectors))

    def pick_scalar(self):
        return self.draw(st.sampled_from(self.scalars))

    def any_value(self):
        return self.draw(st.sampled_from(self.vectors + self.scalars))

    def smooth(self, value):
        template = self.draw(st.sampled_from(SMOOTH))
        return template.format(*[value] * template.count("{}"))

    def expression(self, depth=0):
        """A vector expression."""
        kind = self.draw(st.integers(0, 3 if depth < 2 else 1))
        if kind == 0:
            return self.smooth(self.pick_vector())
        if kind == 1:
            template = self.draw(st.sampled_from(BINARY))
            return template.format(self.pick_vector(), self.any_value())
        if kind == 2:
            return self.smooth(f"({self.expression(depth + 1)})")
        return self.draw(st.sampled_from(BINARY)).format(f"({self.expression(depth + 1)})",
                                                         self.any_value())

    def reduction(self):
        template = self.draw(st.sampled_from(REDUCE))
        return template.format(*[self.pick_vector() for _ in range(template.count("{}"))])

    def statement(self, depth=0):
        choice = self.draw(st.sampled_from(
            ["vector", "vector", "scalar", "if", "for", "list", "item", "tuple", "dict", "helper",
             "closure", "comprehension", "augmented", "while", "slice", "matrix_loop"]
            if depth == 0 else ["vector", "scalar", "augmented"]))
        getattr(self, "s_" + choice)(depth)

    # -- statements ------------------------------------------------------------------------
    def s_vector(self, depth):
        name = self.fresh()
        self.emit(f"{name} = {self.expression()}", depth)
        if depth == 0:
            self.vectors.append(name)

    def s_scalar(self, depth):
        name = self.fresh("s")
        self.emit(f"{name} = {self.reduction()} * 0.5 + {self.smooth(self.pick_scalar())}", depth)
        if depth == 0:
            self.scalars.append(name)

    def s_augmented(self, depth):
        target = self.draw(st.sampled_from([v for v in self.vectors if v != "x"] or ["x"]))
        if target == "x":
            return self.s_vector(depth)
        operator = self.draw(st.sampled_from(["+=", "-=", "*="]))
        value = self.smooth(self.pick_vector()) if operator != "*=" else f"np.tanh({self.pick_vector()})"
        self.emit(f"{target} {operator} {value}", depth)

    def s_if(self, depth):
        name = self.fresh()
        condition = self.draw(st.sampled_from(["{} > 0.3", "{} < -0.2", "{} > 0.0 and {} < 2.0"]))
        test = condition.format(*[self.reduction()] * condition.count("{}"))
        self.emit(f"if {test}:", depth)
        self.emit(f"{name} = {self.expression()}", depth + 1)
        if self.draw(st.booleans()):
            self.emit(f"elif {self.pick_scalar()} > 0.5:", depth)
            self.emit(f"{name} = {self.expression()}", depth + 1)
        self.emit("else:", depth)
        self.emit(f"{name} = {self.expression()}", depth + 1)
        self.vectors.append(name)

    def s_for(self, depth):
        carried = self.fresh("h")
        steps = self.draw(st.integers(1, 4))
        self.emit(f"{carried} = {self.pick_vector()} * 1.0", depth)
        loop = self.draw(st.sampled_from(["range", "rows", "enumerate", "break"]))
        if loop == "range":
            self.emit(f"for i in range({steps}):", depth)
        elif loop == "rows":
            self.emit(f"for row in np.stack([{self.pick_vector()}, {self.pick_vector()}]):", depth)
        elif loop == "enumerate":
            self.emit(f"for i, item in enumerate({self.pick_vector()}):", depth)
        else:
            self.emit(f"for i in range({steps + 2}):", depth)
            self.emit(f"if np.sum({carried}) > 50.0:", depth + 1)
            self.emit("break", depth + 2)
        update = {"range": f"{carried} * 0.9 + {self.smooth(carried)} * 0.3",
                  "rows": f"{carried} * 0.5 + np.tanh(row * {carried})",
                  "enumerate": f"{carried} + item * np.sin({carried})",
                  "break": f"{carried} * 1.1 + np.cos({carried}) * 0.2"}[loop]
        self.emit(f"{carried} = {update}", depth + 1)
        self.vectors.append(carried)

    def s_while(self, depth):
        carried, counter = self.fresh("w"), self.fresh("k")
        self.emit(f"{carried} = {self.pick_vector()} * 1.0", depth)
        self.emit(f"{counter} = 0", depth)
        self.emit(f"while {counter} < {self.draw(st.integers(1, 3))}:", depth)
        self.emit(f"{carried} = np.sin({carried}) + {carried} * 0.5", depth + 1)
        self.emit(f"{counter} += 1", depth + 1)
        self.vectors.append(carried)

    def s_list(self, depth):
        items = self.fresh("items")
        self.emit(f"{items} = []", depth)
        self.emit(f"for i in range({self.draw(st.integers(1, 3))}):", depth)
        self.emit(f"{items}.append({self.smooth(self.pick_vector())} * (i + 1.0))", depth + 1)
        name = self.fresh()
        combine = self.draw(st.sampled_from(["np.sum(np.stack({}), axis=0)", "{}[-1]", "{}[0] * {}[-1]",
                                             "np.mean(np.array({}), axis=0)"]))
        self.emit(f"{name} = {combine.format(*[items] * combine.count('{}'))}", depth)
        self.vectors.append(name)

    def s_item(self, depth):
        name = self.fresh("y")
        self.emit(f"{name} = {self.pick_vector()} * 1.0", depth)
        index = self.draw(st.sampled_from(["0", "-1", "1:3", ":2", "::2", "i"]))
        if index == "i":
            self.emit(f"for i in range({N} - 1):", depth)
            self.emit(f"{name}[i + 1] = np.sin({name}[i]) * {name}[i + 1]", depth + 1)
        else:
            self.emit(f"{name}[{index}] = {self.smooth(f'{self.pick_vector()}[{index}]')}", depth)
        self.vectors.append(name)

    def s_tuple(self, depth):
        a, b = self.fresh(), self.fresh()
        self.emit(f"{a}, {b} = {self.expression()}, {self.expression()}", depth)
        if self.draw(st.booleans()):
            self.emit(f"{a}, {b} = {b}, {a}", depth)
        self.vectors += [a, b]

    def s_dict(self, depth):
        params, name = self.fresh("p"), self.fresh()
        self.emit(f'{params} = {{"w": {self.pick_vector()}, "b": {self.pick_scalar()}}}', depth)
        self.emit(f'{name} = np.tanh({params}["w"] * {self.pick_vector()} + {params}["b"])', depth)
        self.vectors.append(name)

    def s_helper(self, depth):
        helper = f"helper{len(self.helpers)}"
        body = self.smooth("a")
        self.helpers.append(f"def {helper}(a, b, scale=0.5):\n    c = {body} * scale\n"
                            f"    return c + np.tanh(b) * a\n")
        name = self.fresh()
        call = self.draw(st.sampled_from([f"{helper}({self.pick_vector()}, {self.any_value()})",
                                          f"{helper}({self.pick_vector()}, {self.any_value()}, scale=1.5)"]))
        self.emit(f"{name} = {call}", depth)
        self.vectors.append(name)

    def s_closure(self, depth):
        inner, name = self.fresh("inner"), self.fresh()
        # the nested def goes at the top of f, so it captures a parameter
        self.lines.insert(0, f"    def {inner}(a):\n        return {self.smooth('a')} * x + y")
        self.emit(f"{name} = {inner}({self.pick_vector()})", depth)
        self.vectors.append(name)

    def s_comprehension(self, depth):
        name = self.fresh()
        self.emit(f"{name} = np.array([{self.smooth('v')} for v in {self.pick_vector()}])", depth)
        self.vectors.append(name)

    def s_slice(self, depth):
        name = self.fresh()
        self.emit(f"{name} = np.concatenate([{self.pick_vector()}[1:], {self.pick_vector()}[:1]]) * "
                  f"{self.pick_vector()}[::-1]", depth)
        self.vectors.append(name)

    def s_matrix_loop(self, depth):
        """A loop whose carried value changes shape: an MLP over layers of widths N -> 3 -> 2."""
        carried = self.fresh("layer")
        self.emit(f"{carried} = {self.pick_vector()}", depth)
        self.emit("for w in WEIGHTS:", depth)
        self.emit(f"{carried} = np.tanh({carried} @ w)", depth + 1)
        name = self.fresh("s")
        self.emit(f"{name} = np.sum({carried} ** 2)", depth)
        self.scalars.append(name)


def program(draw):
    """Module source defining f(x, y) -> scalar."""
    builder = Builder(draw)
    for _ in range(draw(st.integers(1, 6))):
        builder.statement()
    result = " + ".join([f"np.sum({v})" for v in builder.vectors[-2:]] + [builder.scalars[-1]])
    builder.emit(f"return {result}")
    header = ("import numpy as np\n\n"
              "WEIGHTS = [np.linspace(-0.5, 0.5, 12).reshape(4, 3), np.linspace(0.3, -0.4, 6).reshape(3, 2)]\n\n\n")
    helpers = "\n\n".join(builder.helpers)
    return header + (helpers + "\n\n" if helpers else "") + "def f(x, y):\n" + "\n".join(builder.lines) + "\n"
