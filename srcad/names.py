"""Names in generated code: derived from the user's (``x_dot``, ``x_bar``), never clashing."""


class Namer:
    """Hands out names that no user variable, free name or helper already uses."""

    def __init__(self, taken):
        self.taken = set(taken)
        self.derived_names = {}
        self._last_suffix = {}   # base -> the last k tried, so names come in linear time

    def fresh(self, base):
        name, k = base, self._last_suffix.get(base, 0)
        if k:
            name = f"{base}_{k}"
        while name in self.taken:
            k += 1
            name = f"{base}_{k}"
        self._last_suffix[base] = k
        self.taken.add(name)
        return name

    def derived(self, name, suffix):
        """The tangent (``_dot``) or adjoint (``_bar``) name of a variable, the same each time."""
        key = (name, suffix)
        if key not in self.derived_names:
            self.derived_names[key] = self.fresh(f"{name}{suffix}")
        return self.derived_names[key]
