"""searoute's maritime network (Eurostat MARNET) as a graph, and each port's ways onto it.

The network's nodes and links come from the ``searoute`` package (``searoute.setup_M``), as
distances in metres. A port joins the network through an :class:`Approach`: the cheapest sea-grid
paths from its berth to every network node within reach, so a route can enter the network at
whichever node makes the whole voyage shortest rather than at the node nearest the berth.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import dijkstra

from shadowtrace.geo.land import BoolArray
from shadowtrace.geo.seagrid import PIXEL_M, GridSearch, SeaGrid
from shadowtrace.geo.sphere import FloatArray, haversine_m, lon_step

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Network:
    """The maritime network: node positions and a symmetric graph of link lengths in metres.

    Long links are cut into pieces by extra nodes along them (``original`` is False for those), so
    a port can join a link near itself rather than at the link's far ends.
    """

    lat: FloatArray
    lon: FloatArray
    original: BoolArray
    links: coo_matrix

    @property
    def size(self) -> int:
        """Number of nodes."""
        return int(self.lat.size)


@functools.cache
def marnet(avoid_passages: tuple[str, ...], link_step_km: float) -> Network:
    """searoute's network without the links of the named passages, links cut every ``link_step_km``.

    Passages are searoute's names: ``"northwest"``, ``"suez"``, ``"panama"``, ``"bering"``, ...
    """
    import searoute

    graph = searoute.setup_M()
    nodes = list(graph.nodes)
    index = {node: k for k, node in enumerate(nodes)}
    lon = np.array([float(n[0]) for n in nodes])
    lat = np.array([float(n[1]) for n in nodes])
    pairs = [(index[a], index[b]) for a, b, data in graph.edges(data=True) if data.get("passage") not in avoid_passages]
    ua, va = (np.array(x, dtype=np.int64) for x in zip(*pairs, strict=True))
    pieces = np.maximum(np.ceil(haversine_m(lat[ua], lon[ua], lat[va], lon[va]) / (link_step_km * 1000.0)), 1)
    pieces = pieces.astype(np.int64)
    link = np.repeat(np.arange(ua.size), pieces - 1)
    k = np.arange(link.size) - np.repeat(np.cumsum(pieces - 1) - (pieces - 1), pieces - 1) + 1
    frac = k / pieces[link]
    new_lat = lat[ua][link] + frac * (lat[va] - lat[ua])[link]
    new_lon = lon[ua][link] + frac * lon_step(lon[ua], lon[va])[link]
    new_ids = lat.size + np.arange(link.size)
    # each link becomes a chain: u, its extra nodes in order, v
    first = np.cumsum(pieces) - pieces
    chain_ids = np.empty(int(pieces.sum()) + ua.size, dtype=np.int64)
    starts = first + np.arange(ua.size)
    chain_ids[starts] = ua
    chain_ids[starts + pieces] = va
    inner = np.ones(chain_ids.size, dtype=bool)
    inner[starts] = False
    inner[starts + pieces] = False
    chain_ids[inner] = new_ids
    step_from = np.delete(chain_ids, starts + pieces)
    step_to = np.delete(chain_ids, starts)
    all_lat = np.concatenate([lat, new_lat])
    all_lon = np.concatenate([lon, new_lon])
    length = haversine_m(all_lat[step_from], all_lon[step_from], all_lat[step_to], all_lon[step_to])
    length = np.maximum(length, 1.0)  # links across the antimeridian seam have length 0
    original = np.concatenate([np.ones(lat.size, dtype=bool), np.zeros(new_lat.size, dtype=bool)])
    links = coo_matrix((length, (step_from, step_to)), shape=(all_lat.size, all_lat.size))
    return Network(all_lat, all_lon, original, links)


@dataclass(frozen=True, eq=False)
class Approach:
    """A port's ways onto the network: sea-grid paths from its berth and the network costs beyond.

    ``gates`` are the network nodes reached from the berth by sea inside the search window, at
    ``gate_cost``; ``cost`` and ``pred`` give, for every node, the cheapest cost from the berth
    through the best gate and the previous node on that path (the berth itself is node ``size``).
    """

    search: GridSearch
    gates: IntArray
    gate_cost: FloatArray
    cost: FloatArray
    pred: npt.NDArray[np.int32]
    _paths: dict[int, tuple[FloatArray, FloatArray] | None] = field(default_factory=dict, repr=False)

    def path_to_node(self, net: Network, node: int) -> tuple[FloatArray, FloatArray] | None:
        """The sea-grid path from the berth to a network node (remembered once found)."""
        if node not in self._paths:
            berth_lon = self.search.start[1]
            lon = berth_lon + float(lon_step(berth_lon, net.lon[node]))
            self._paths[node] = self.search.path_to((float(net.lat[node]), lon))
        return self._paths[node]


def approach(
    net: Network,
    berth: tuple[float, float],
    radius_km: float,
    coast_clearance_m: float,
    coast_penalty: float,
    max_grid_cells: int,
) -> Approach | None:
    """How a berth reaches the network, searching a box of ``radius_km`` and then 3x and 9x that."""
    for scale in (1.0, 3.0, 9.0):
        r_km = radius_km * scale
        dlat = r_km / 111.2
        dlon = r_km / (111.2 * max(math.cos(math.radians(berth[0])), 0.05))
        cells = (2 * dlat) * (2 * dlon) * (1000.0 * 111.2 / PIXEL_M) ** 2
        factor = max(1, math.ceil(math.sqrt(cells / max_grid_cells)))
        grid = SeaGrid.around(
            max(berth[0] - dlat, -89.9), min(berth[0] + dlat, 89.9), berth[1] - dlon, berth[1] + dlon, factor
        )
        search = GridSearch(grid, berth, coast_clearance_m, coast_penalty)
        near = np.flatnonzero((np.abs(net.lat - berth[0]) <= dlat) & (np.abs(lon_step(berth[1], net.lon)) <= dlon))
        gate_cost = search.cost_at(net.lat[near], berth[1] + lon_step(berth[1], net.lon[near]))
        reached = np.isfinite(gate_cost)
        if reached.any():
            gates, gate_cost = near[reached], gate_cost[reached]
            n = net.size
            rows = np.concatenate([net.links.row, np.full(gates.size, n)])
            cols = np.concatenate([net.links.col, gates])
            data = np.concatenate([net.links.data, gate_cost])
            graph = csr_matrix((data, (rows, cols)), shape=(n + 1, n + 1))
            cost, pred = dijkstra(graph, directed=False, indices=n, return_predecessors=True)
            return Approach(search, gates, gate_cost, np.asarray(cost), np.asarray(pred, dtype=np.int32))
    return None


def join(a: Approach, b: Approach, net: Network) -> tuple[FloatArray, FloatArray, float] | None:
    """The cheapest berth-to-berth polyline through the network and its cost, or None if none joins.

    Longitudes may jump at the antimeridian; the cost counts network links in metres and the grid
    paths at their coast-penalised cost.
    """
    total = a.cost[b.gates] + b.gate_cost
    if not np.isfinite(total).any():
        return None
    k = int(np.argmin(total))
    chain = [int(b.gates[k])]
    while a.pred[chain[-1]] != net.size:
        chain.append(int(a.pred[chain[-1]]))
    chain.reverse()
    head = a.path_to_node(net, chain[0])
    tail = b.path_to_node(net, chain[-1])
    if head is None or tail is None:
        return None
    mid = np.array(chain[1:-1], dtype=np.int64)
    mid = mid[net.original[mid]]
    lat = np.concatenate([head[0], net.lat[mid], tail[0][::-1]])
    lon = np.concatenate([head[1], net.lon[mid], tail[1][::-1]])
    return lat, lon, float(total[k])
