"""Network analysis on small graphs whose answers are known by hand (and one from the literature)."""

from __future__ import annotations

import networkx as nx
import pytest

from watchkeeper.intel.network import EdgeIn, NodeIn, analyse


def _graph(
    edges: list[tuple[int, int]], extra_nodes: tuple[int, ...] = ()
) -> tuple[list[NodeIn], list[EdgeIn]]:
    ids = sorted({n for e in edges for n in e} | set(extra_nodes))
    nodes = [NodeIn(i, "person", f"P{i}") for i in ids]
    return nodes, [EdgeIn(k, a, b, "associate_of") for k, (a, b) in enumerate(edges, start=1)]


def _barbell() -> tuple[list[NodeIn], list[EdgeIn]]:
    """Two cliques of four (organisers 1-4, boat crew 6-9) joined only through 5, via 4 and 6."""
    left, right = [1, 2, 3, 4], [6, 7, 8, 9]
    edges = [(a, b) for g in (left, right) for i, a in enumerate(g) for b in g[i + 1 :]]
    edges += [(4, 5), (5, 6)]
    return _graph(edges)


def test_barbell_betweenness_degree_and_the_broker_found_by_hand() -> None:
    result = analyse(*_barbell())
    n = result.nodes
    # Normalised by (n-1)(n-2)/2 = 28 pairs of other nodes. Node 5 is on every path between the 4
    # left and the 4 right nodes (16 pairs); node 4 on the paths from 1, 2, 3 to 5..9 (15 pairs).
    assert n[5].betweenness == pytest.approx(16 / 28)
    assert n[4].betweenness == pytest.approx(15 / 28)
    assert n[6].betweenness == pytest.approx(15 / 28)
    assert all(n[i].betweenness == 0 for i in (1, 2, 3, 7, 8, 9))
    assert n[4].degree == pytest.approx(4 / 8) and n[5].degree == pytest.approx(2 / 8)
    assert n[1].degree == pytest.approx(3 / 8)
    assert {i for i, s in n.items() if s.cut_vertex} == {4, 5, 6}
    # Key facilitators: 5 first (highest betweenness despite the lowest degree), then 4 and 6.
    assert [f.id for f in result.facilitators] == [5, 4, 6]
    assert result.facilitators[0].rank == 1 and result.facilitators[0].cut_vertex
    assert "cut vertex" in " ".join(result.facilitators[0].reasons)


def test_barbell_communities_are_the_two_cliques() -> None:
    for method in ("louvain", "greedy"):
        result = analyse(*_barbell(), method=method)
        c = {i: s.community for i, s in result.nodes.items()}
        assert len({c[i] for i in (1, 2, 3, 4)}) == 1, method
        assert len({c[i] for i in (6, 7, 8, 9)}) == 1, method
        assert c[1] != c[6], method
        assert len(result.communities) == 2
        assert result.modularity > 0.3
        # the broker reaches both groups
        assert result.facilitators[0].communities_reached == [0, 1]


def test_barbell_eigenvector_is_symmetric_and_highest_at_the_clique_gateways() -> None:
    n = analyse(*_barbell()).nodes
    assert n[4].eigenvector == pytest.approx(n[6].eigenvector, rel=1e-6)
    assert n[1].eigenvector == pytest.approx(n[9].eigenvector, rel=1e-6)
    assert max(n.values(), key=lambda s: s.eigenvector).id in (4, 6)
    assert n[4].eigenvector == pytest.approx(1.0)  # scaled: the top of its network is 1
    assert n[5].eigenvector < n[1].eigenvector  # the broker is not well connected itself


def test_star_hub_has_betweenness_one_and_leaves_zero() -> None:
    result = analyse(*_graph([(1, k) for k in range(2, 8)]))
    assert result.nodes[1].betweenness == pytest.approx(1.0)
    assert result.nodes[1].degree == pytest.approx(1.0)
    assert all(result.nodes[k].betweenness == 0 for k in range(2, 8))
    assert [f.id for f in result.facilitators] == [1]


def test_zachary_karate_club_matches_the_published_betweenness_ranking() -> None:
    """Zachary (1977) club: members 1 and 34 (0 and 33 here) are the brokers; the normalised
    betweenness of member 1 is 0.4376 (e.g. Newman, Networks, 2010)."""
    g = nx.karate_club_graph()
    nodes = [NodeIn(i + 1, "person", str(i)) for i in g.nodes]
    edges = [EdgeIn(k, a + 1, b + 1, "associate_of") for k, (a, b) in enumerate(g.edges)]
    result = analyse(nodes, edges, top=5)
    assert [f.id - 1 for f in result.facilitators] == [0, 33, 32, 2, 31]
    assert result.nodes[1].betweenness == pytest.approx(0.4376, abs=1e-4)
    assert result.nodes[34].betweenness == pytest.approx(0.3041, abs=1e-4)


def test_parallel_links_self_loops_and_dangling_edges_do_not_change_the_graph() -> None:
    nodes, edges = _graph([(1, 2), (2, 3)])
    noisy = [*edges, EdgeIn(10, 1, 2, "called"), EdgeIn(11, 2, 2, "seen_with"), EdgeIn(12, 2, 99, "called")]
    a, b = analyse(nodes, edges), analyse(nodes, noisy)
    assert {k: v.betweenness for k, v in a.nodes.items()} == {k: v.betweenness for k, v in b.nodes.items()}


def test_empty_isolated_and_disconnected_graphs_are_answered() -> None:
    empty = analyse([], [])
    assert empty.nodes == {} and empty.communities == [] and empty.facilitators == []
    lone = analyse([NodeIn(1, "boat", "RIB")], [])
    assert lone.nodes[1].degree == 0 and lone.facilitators == []
    two = analyse(*_graph([(1, 2), (2, 3), (4, 5)], extra_nodes=(6,)))
    assert two.nodes[2].betweenness > 0 and two.nodes[6].degree == 0
    assert len(two.communities) == 3
    assert [f.id for f in two.facilitators] == [2]
    # eigenvector per separate network: the top of each is 1, a lone entity 0
    assert two.nodes[2].eigenvector == pytest.approx(1.0) and two.nodes[4].eigenvector == pytest.approx(1.0)
    assert two.nodes[6].eigenvector == 0.0


def test_identical_separate_groups_do_not_break_eigenvector_centrality() -> None:
    """Found by the benchmark: on this disconnected graph power iteration does not converge and
    networkx's ARPACK variant refuses it (AmbiguousSolution); each separate network is scored alone."""
    g = nx.relaxed_caveman_graph(6, 6, 0.05, seed=10)  # 36 people, three separate networks
    assert nx.number_connected_components(g) > 1
    result = analyse(
        [NodeIn(n, "person", str(n)) for n in g.nodes],
        [EdgeIn(i, a, b, "associate_of") for i, (a, b) in enumerate(g.edges)],
    )
    for component in nx.connected_components(g):
        if len(component) > 1:
            assert max(result.nodes[n].eigenvector for n in component) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="community method"):
        analyse(*_graph([(1, 2)]), method="spectral")
