"""Which names a block of generated statements reads before assigning them, and which it
certainly assigns (the split form's residuals, a checkpointed loop's state)."""
import gast

from .ir import loaded_names
from .trees import walk as walk_tree


def assigned_on_every_path(nodes, assigned):
    """Names certainly bound after `nodes` run."""
    assigned = set(assigned)
    for node in nodes:
        if isinstance(node, gast.If):
            assigned |= assigned_on_every_path(node.body, assigned) & assigned_on_every_path(
                node.orelse, assigned)
        elif not isinstance(node, (gast.For, gast.While)):
            assigned |= {n.id for n in walk_tree(node) if isinstance(n, gast.Name)
                         and isinstance(n.ctx, gast.Store)}
    return assigned


def live_in(nodes, assigned):
    """Names `nodes` may read before assigning them."""
    live = set()
    for node in nodes:
        if isinstance(node, gast.If):
            live |= loaded_names(node.test) - assigned
            live |= live_in(node.body, assigned) | live_in(node.orelse, assigned)
            assigned = assigned | (assigned_on_every_path(node.body, assigned)
                                   & assigned_on_every_path(node.orelse, assigned))
        elif isinstance(node, (gast.For, gast.While)):
            header = node.iter if isinstance(node, gast.For) else node.test
            live |= loaded_names(header) - assigned
            inner = set(assigned)
            if isinstance(node, gast.For):
                inner |= {n.id for n in walk_tree(node.target) if isinstance(n, gast.Name)}
            live |= live_in(node.body, inner)
        else:
            value = node.value if isinstance(node, (gast.Assign, gast.AugAssign, gast.Expr)) else node
            live |= loaded_names(value) - assigned
            if isinstance(node, gast.AugAssign):
                live |= {n.id for n in walk_tree(node.target) if isinstance(n, gast.Name)} - assigned
            elif isinstance(node, gast.Assign):   # y[i] = v reads y (a, b = v reads neither)
                live |= {n.id for t in node.targets for part in _unpacked(t)
                         if not isinstance(part, gast.Name)
                         for n in walk_tree(part) if isinstance(n, gast.Name)} - assigned
            assigned = assigned | {n.id for n in walk_tree(node) if isinstance(n, gast.Name)
                                   and isinstance(n.ctx, gast.Store)}
    return live


def _unpacked(target):
    """The parts of an assignment target: ``a, (b, y[i])`` -> a, b, y[i]."""
    if isinstance(target, (gast.Tuple, gast.List)):
        return [part for element in target.elts for part in _unpacked(element)]
    return [target]
