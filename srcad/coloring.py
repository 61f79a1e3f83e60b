"""Graph colorings of sparsity patterns: the fewest derivative sweeps that recover a sparse
Jacobian or Hessian.

- `column_coloring` (forward mode): columns that share no row may share a color, so one
  JVP along the sum of a color's unit vectors gives all of their entries (greedy
  distance-2 coloring of the bipartite graph, i.e. coloring of the column intersection graph).
- `row_coloring` (reverse mode): the same for rows, one VJP per color.
- `star_coloring` (symmetric Hessians): a proper coloring in which every path on four
  vertices uses at least three colors; with symmetry, each entry is read directly from
  one Hessian-vector product (`star_decompress`).

Vertices are visited in "largest_first" order (by degree), "smallest_last" order
(Matula and Beck's degeneracy order, fewer colors on irregular graphs) or "saturation"
order (Brélaz's DSATUR: next the vertex whose neighbors already have the most distinct
colors; 5 colors for a 2-D 5-point stencil, where the static orders need 9).
"""
import heapq

import numpy as np

ORDERS = ("saturation", "largest_first", "smallest_last")


def _sparse():
    from .dependencies import _sparse
    return _sparse()


def _adjacency(graph):
    """Neighbor lists (as Python lists) of a symmetric Boolean matrix, without self-loops."""
    sparse = _sparse()
    graph = sparse.coo_array(graph)
    keep = (graph.row != graph.col) & (graph.data != 0)
    graph = sparse.csr_array((np.ones(keep.sum(), bool), (graph.row[keep], graph.col[keep])),
                             shape=graph.shape)
    indptr, indices = graph.indptr.tolist(), graph.indices.tolist()
    return [indices[indptr[v]:indptr[v + 1]] for v in range(graph.shape[0])]


def ordering(neighbors, order="largest_first"):
    """The order in which greedy coloring visits the vertices."""
    degree = np.array([len(n) for n in neighbors])
    if order == "largest_first":
        return np.argsort(-degree, kind="stable").tolist()
    if order != "smallest_last":
        raise ValueError(f"a static order is 'largest_first' or 'smallest_last', not {order!r}")
    degree = degree.tolist()
    buckets = [set() for _ in range(max(degree, default=0) + 1)]
    for v, d in enumerate(degree):
        buckets[d].add(v)
    removed, reverse, low = [False] * len(neighbors), [], 0
    for _ in range(len(neighbors)):
        low = max(low - 1, 0)
        while not buckets[low]:
            low += 1
        v = buckets[low].pop()
        removed[v] = True
        reverse.append(v)
        for w in neighbors[v]:
            if not removed[w]:
                buckets[degree[w]].discard(w)
                degree[w] -= 1
                buckets[degree[w]].add(w)
    return reverse[::-1]


def greedy_coloring(neighbors, order="saturation"):
    """Colors 0, 1, ... of a distance-1 coloring: each vertex the smallest color none of
    its colored neighbors has."""
    if order == "saturation":
        return saturation_coloring(neighbors)
    colors = [-1] * len(neighbors)
    forbidden = []   # forbidden[c] == v: color c is taken around vertex v
    for v in ordering(neighbors, order):
        for w in neighbors[v]:
            if colors[w] >= 0:
                forbidden[colors[w]] = v
        colors[v] = _first_free(forbidden, v)
    return np.array(colors, dtype=np.int64)


def saturation_coloring(neighbors):
    """DSATUR: color next the uncolored vertex with the most distinct colors around it
    (ties: the larger degree, then the smaller index), with the smallest free color."""
    n = len(neighbors)
    degrees = [len(around) for around in neighbors]
    span = max(degrees, default=0) + 1

    def key(v, saturation):   # one int per queue entry: compared faster than tuples
        return -(saturation * span + degrees[v]) * n + v
    colors = [-1] * n
    seen = [set() for _ in neighbors]   # colors around each vertex
    queue = [key(v, 0) for v in range(n)]
    heapq.heapify(queue)
    while queue:
        entry = heapq.heappop(queue)
        v = entry % n
        if colors[v] >= 0 or entry != key(v, len(seen[v])):
            continue   # colored already, or an outdated entry
        c = 0
        while c in seen[v]:
            c += 1
        colors[v] = c
        for w in neighbors[v]:
            if colors[w] < 0 and c not in seen[w]:
                seen[w].add(c)
                heapq.heappush(queue, key(w, len(seen[w])))
    return np.array(colors, dtype=np.int64)


def _first_free(forbidden, v):
    for c, mark in enumerate(forbidden):
        if mark != v:
            return c
    forbidden.append(-1)
    return len(forbidden) - 1


def column_coloring(pattern, order="saturation"):
    """A color per column of `pattern` (m, n), no two columns with an entry in the same
    row sharing one."""
    pattern = _sparse().csr_array(pattern, dtype=bool)
    return greedy_coloring(_adjacency(pattern.T @ pattern), order)


def row_coloring(pattern, order="saturation"):
    """A color per row of `pattern`, no two rows with an entry in the same column sharing one."""
    pattern = _sparse().csr_array(pattern, dtype=bool)
    return greedy_coloring(_adjacency(pattern @ pattern.T), order)


def star_coloring(pattern, order="smallest_last"):
    """A star coloring of the graph of the symmetric `pattern` (n, n): a proper coloring
    in which no path on four vertices alternates two colors."""
    neighbors = _adjacency(pattern)
    colors = [-1] * len(neighbors)
    around = [dict() for _ in neighbors]   # around[v][c]: how many neighbors of v have color c
    forbidden = []
    for v in ordering(neighbors, order):
        for w in neighbors[v]:
            cw = colors[w]
            if cw < 0:
                continue
            forbidden[cw] = v
            twice_at_v = around[v].get(cw, 0) >= 2           # a - v - w - x with a, w alike
            for x in neighbors[w]:
                cx = colors[x]
                if x != v and cx >= 0 and (twice_at_v or around[x].get(cw, 0) >= 2):
                    forbidden[cx] = v                        # ... or v - w - x - y with w, y alike
        c = _first_free(forbidden, v)
        colors[v] = c
        for w in neighbors[v]:
            around[w][c] = around[w].get(c, 0) + 1
    return np.array(colors, dtype=np.int64)


def seeds(colors, count=None):
    """The seed matrix (count, n): row c sums the unit vectors of color c."""
    count = int(colors.max()) + 1 if count is None else count
    matrix = np.zeros((count, colors.size))
    matrix[colors, np.arange(colors.size)] = 1.0
    return matrix


def decompress_columns(pattern, colors, compressed):
    """J from ``compressed[c] = J @ seed_c`` (one row per color): J[i, j] = compressed[colors[j], i]."""
    pattern = _sparse().coo_array(pattern)
    values = compressed[colors[pattern.col], pattern.row]
    return _sparse().csr_array((values, (pattern.row, pattern.col)), shape=pattern.shape)


def decompress_rows(pattern, colors, compressed):
    """J from ``compressed[c] = seed_c @ J``: J[i, j] = compressed[colors[i], j]."""
    pattern = _sparse().coo_array(pattern)
    values = compressed[colors[pattern.row], pattern.col]
    return _sparse().csr_array((values, (pattern.row, pattern.col)), shape=pattern.shape)


def star_decompress(pattern, colors, compressed):
    """A symmetric H from ``compressed[c] = H @ seed_c`` and a star coloring: H[i, j] is
    compressed[colors[j], i] when j is the only neighbor of i with its color, else
    compressed[colors[i], j] (one of the two holds in a star coloring)."""
    sparse = _sparse()
    pattern = sparse.coo_array(pattern)
    rows, cols = pattern.row, pattern.col
    off = rows != cols
    graph = sparse.csr_array((np.ones(off.sum()), (rows[off], cols[off])), shape=pattern.shape)
    count = int(colors.max()) + 1 if colors.size else 0
    per_color = (graph @ sparse.csr_array((np.ones(colors.size), (np.arange(colors.size), colors)),
                                          shape=(colors.size, count))).toarray()
    direct = per_color[rows, colors[cols]] <= 1   # i sees color(j) only at j (or i == j)
    values = np.where(direct, compressed[colors[cols], rows], compressed[colors[rows], cols])
    return sparse.csr_array((values, (rows, cols)), shape=pattern.shape)


def is_column_coloring(pattern, colors):
    """No two columns with an entry in the same row share a color."""
    pattern = _sparse().csr_array(pattern, dtype=bool)
    for i in range(pattern.shape[0]):
        seen = colors[pattern.indices[pattern.indptr[i]:pattern.indptr[i + 1]]]
        if np.unique(seen).size != seen.size:
            return False
    return True


def is_star_coloring(pattern, colors):
    """A proper coloring of `pattern`'s graph in which every path on four vertices uses at
    least three colors (checked path by path: for tests, on small graphs)."""
    neighbors = _adjacency(pattern)
    for a, around in enumerate(neighbors):
        for b in around:
            if colors[a] == colors[b]:
                return False
            for c in neighbors[b]:
                if c == a or colors[c] != colors[a]:
                    continue
                if any(d not in (a, b) and colors[d] == colors[b] for d in neighbors[c]):
                    return False
    return True
