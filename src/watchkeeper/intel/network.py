"""Network analysis of entities and links (networkx): centrality, communities, key facilitators.

The graph is undirected and unweighted: two entities are adjacent when at least one link joins them
(several links between the same pair count once; their number is kept as ``links`` on the edge). This
is the usual reading of a criminal network (Morselli, *Inside Criminal Networks*, 2009): who can
reach whom, and through whom.

* **degree** — ``networkx.degree_centrality``: neighbours / (n − 1).
* **betweenness** — ``networkx.betweenness_centrality`` (Brandes 2001), normalised by
  (n − 1)(n − 2)/2: the share of shortest paths between other pairs that pass through the node. A
  facilitator who connects the organisers with the boat suppliers and the drivers scores high even
  with few contacts.
* **eigenvector** — ``networkx.eigenvector_centrality_numpy`` (ARPACK; power iteration converges
  too slowly on networks of near-identical groups): contacts with well-connected contacts, computed
  per connected component and scaled so that the top entity of each separate network is 1 (the
  measure has no single answer on a disconnected graph).
* **communities** — Louvain (``networkx.community.louvain_communities``, Blondel et al. 2008) with a
  fixed seed, so the same graph always gives the same partition; ``greedy`` (Clauset–Newman–Moore)
  may be asked for instead. Each node gets the index of its community (largest first).
* **key facilitators** — the nodes with the highest betweenness (> 0), each with why: the
  communities its neighbours belong to (a broker between groups) and whether it is a cut vertex
  (``networkx.articulation_points``: removing it splits the network).

Pure: plain nodes and edges in, plain results out (``intel.service`` builds the graph from what the
user may see, so nothing hidden by releasability can influence a score).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

COMMUNITY_METHODS = ("louvain", "greedy")
LOUVAIN_SEED = 11


@dataclass(frozen=True, slots=True)
class NodeIn:
    id: int
    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class EdgeIn:
    id: int
    source: int
    target: int
    type: str


@dataclass(slots=True)
class NodeScore:
    id: int
    degree: float
    betweenness: float
    eigenvector: float
    community: int
    cut_vertex: bool


@dataclass(slots=True)
class Facilitator:
    id: int
    rank: int
    betweenness: float
    degree: float
    communities_reached: list[int]
    cut_vertex: bool
    reasons: list[str] = field(default_factory=list)


@dataclass(slots=True)
class NetworkAnalysis:
    nodes: dict[int, NodeScore]
    communities: list[list[int]]
    modularity: float
    facilitators: list[Facilitator]
    method: str


def build_graph(nodes: Iterable[NodeIn], edges: Iterable[EdgeIn]) -> nx.Graph:
    """The undirected simple graph; edges to unknown nodes and self-loops are left out."""
    graph = nx.Graph()
    for n in nodes:
        graph.add_node(n.id, kind=n.kind, name=n.name)
    for e in edges:
        if e.source == e.target or e.source not in graph or e.target not in graph:
            continue
        if graph.has_edge(e.source, e.target):
            graph[e.source][e.target]["links"] += 1
        else:
            graph.add_edge(e.source, e.target, links=1)
    return graph


def _eigenvector(graph: nx.Graph) -> dict[int, float]:
    """Eigenvector centrality per connected component, scaled so each component's top entity is 1.

    On a disconnected graph the measure is not defined as one vector (power iteration may not converge
    when components have close leading eigenvalues, and ARPACK's answer is not unique), so each
    separate network is scored on its own: 1 is the best-connected entity of its own network.
    """
    out: dict[int, float] = {}
    for component in nx.connected_components(graph):
        if len(component) <= 2:  # a lone entity scores 0; a pair is symmetric
            out.update(dict.fromkeys(component, 0.0 if len(component) == 1 else 1.0))
            continue
        values = nx.eigenvector_centrality_numpy(graph.subgraph(component))
        top = max(abs(v) for v in values.values()) or 1.0
        out.update({n: abs(float(v)) / top for n, v in values.items()})
    return out


def _communities(graph: nx.Graph, method: str) -> list[list[int]]:
    if graph.number_of_nodes() == 0:
        return []
    if method == "louvain":
        found = nx.community.louvain_communities(graph, seed=LOUVAIN_SEED)
    elif method == "greedy":
        found = nx.community.greedy_modularity_communities(graph)
    else:
        raise ValueError(f"community method {method!r}: one of {', '.join(COMMUNITY_METHODS)}")
    groups = [sorted(c) for c in found]
    groups.sort(key=lambda c: (-len(c), c[0]))
    return groups


def analyse(
    nodes: Iterable[NodeIn],
    edges: Iterable[EdgeIn],
    *,
    method: str = "louvain",
    top: int = 5,
) -> NetworkAnalysis:
    """Centrality, communities and the ``top`` key facilitators of the network."""
    graph = build_graph(nodes, edges)
    degree = nx.degree_centrality(graph) if graph.number_of_nodes() > 1 else dict.fromkeys(graph, 0.0)
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    eigen = _eigenvector(graph)
    groups = _communities(graph, method)
    community_of = {n: i for i, group in enumerate(groups) for n in group}
    cut = set(nx.articulation_points(graph))
    modularity = (
        float(nx.community.modularity(graph, [set(g) for g in groups])) if graph.number_of_edges() else 0.0
    )
    scores = {
        n: NodeScore(
            id=n,
            degree=float(degree[n]),
            betweenness=float(betweenness[n]),
            eigenvector=eigen[n],
            community=community_of[n],
            cut_vertex=n in cut,
        )
        for n in graph
    }
    ranked = sorted(
        (s for s in scores.values() if s.betweenness > 0),
        key=lambda s: (-s.betweenness, -s.degree, s.id),
    )
    facilitators = []
    for rank, s in enumerate(ranked[: max(top, 0)], start=1):
        reached = sorted({community_of[m] for m in graph.neighbors(s.id)} | {s.community})
        reasons = [f"on {s.betweenness:.0%} of the shortest paths between other entities"]
        if len(reached) > 1:
            reasons.append(f"links communities {', '.join(str(c) for c in reached)}")
        if s.cut_vertex:
            reasons.append("cut vertex: removing it splits the network")
        facilitators.append(Facilitator(s.id, rank, s.betweenness, s.degree, reached, s.cut_vertex, reasons))
    return NetworkAnalysis(scores, groups, modularity, facilitators, method)
