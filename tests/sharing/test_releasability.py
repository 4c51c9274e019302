"""Releasability rules and the per-client filtering of the live feed."""

from __future__ import annotations

import json

import pytest
from sharing_helpers import run_async

from watchkeeper.api.live import LiveHub
from watchkeeper.sharing.releasability import HIDDEN, filter_json, inherit, leaks, release_refusal


def test_inheritance_takes_the_most_restrictive_source() -> None:
    assert inherit(["PUBLIC", "UK-FR"]).value == "UK-FR"
    assert inherit(["UK-FR", "UK-ONLY", "PUBLIC"]).value == "UK-ONLY"
    assert inherit([]).value == "UK-ONLY"  # nobody said: the safe side


@pytest.mark.parametrize(
    ("roles", "clearance", "current", "target", "reason", "refused"),
    [
        (["watch_officer"], "UK-ONLY", "UK-ONLY", "UK-FR", "agreed with the CROSS", None),
        (["analyst"], "UK-ONLY", "UK-FR", "UK-ONLY", "source protection", None),  # re-restrict
        (["partner_liaison"], "UK-FR", "UK-FR", "PUBLIC", "for the press", "roles"),
        (["admin"], "UK-ONLY", "UK-ONLY", "UK-FR", "because I can", "roles"),
        (["watch_officer"], "UK-FR", "UK-ONLY", "UK-FR", "cannot see it", "not cleared"),
        (["watch_officer"], "UK-FR", "UK-FR", "UK-ONLY", "above my clearance", "your clearance"),
        (["watch_officer"], "UK-ONLY", "UK-FR", "UK-FR", "no change at all", "already"),
        (["watch_officer"], "UK-ONLY", "UK-ONLY", "UK-FR", "ok", "reason"),
        (["watch_officer"], "UK-ONLY", "UK-ONLY", "NATO", "a marking we lack", "unknown marking"),
    ],
)
def test_release_rules(
    roles: list[str], clearance: str, current: str, target: str, reason: str, refused: str | None
) -> None:
    why = release_refusal(roles, clearance, current, target, reason)
    if refused is None:
        assert why is None
    else:
        assert why is not None and refused in why


MESSAGE = {
    "kind": "vessels",
    "clock": "2026-11-26T05:40:00Z",
    "vessels": [
        {"mmsi": 1, "marking": "UK-ONLY"},
        {"mmsi": 2, "marking": "UK-FR"},
        {"mmsi": 3, "marking": "PUBLIC"},
        {"mmsi": 4},  # no marking of its own: inherits (here: none, so the message's default)
    ],
}


def test_filter_removes_records_above_the_clearance_wherever_they_are() -> None:
    out, changed = filter_json(MESSAGE, "UK-FR")
    assert changed and [v["mmsi"] for v in out["vessels"]] == [2, 3, 4]
    assert leaks(out, "UK-FR") == []
    assert leaks(MESSAGE, "UK-FR") == ["$.vessels[0] (UK-ONLY)"]
    out, changed = filter_json(MESSAGE, "UK-ONLY")
    assert not changed and out == MESSAGE
    # a record holding a hidden record is hidden whole
    nested = {"kind": "incident", "incident": {"id": 7, "marking": "UK-FR", "track": {"marking": "UK-ONLY"}}}
    assert filter_json(nested, "UK-FR") == (HIDDEN, True)
    # the message's own marking covers items without one
    assert filter_json({"kind": "assets", "marking": "UK-ONLY", "items": [{"id": 1}]}, "UK-FR")[0] is HIDDEN
    # nothing marked anywhere: UK-ONLY
    assert filter_json({"kind": "alert", "text": "x"}, "UK-FR")[0] is HIDDEN
    assert filter_json({"kind": "alert", "text": "x"}, "UK-ONLY")[0] == {"kind": "alert", "text": "x"}
    # an unknown marking is above every clearance
    assert filter_json({"kind": "x", "marking": "COSMIC"}, "UK-ONLY")[0] is HIDDEN


def test_live_hub_gives_each_client_what_its_clearance_allows_and_resolves_released_vessels() -> None:
    released = {2: "PUBLIC"}

    def resolver(item: dict[str, object]) -> str | None:
        mmsi = item.get("mmsi")
        return released.get(mmsi, "UK-ONLY") if isinstance(mmsi, int) else None

    async def main() -> dict[str, list[dict[str, object]]]:
        hub = LiveHub(resolver=resolver)
        clients = {c: hub.connect(c, c) for c in ("UK-ONLY", "UK-FR", "PUBLIC")}
        await hub.handle("picture.update", json.dumps(MESSAGE).encode())
        await hub.handle("picture.update", json.dumps({"kind": "alert", "marking": "UK-FR"}).encode())
        await hub.handle("picture.update", b"not json")
        out: dict[str, list[dict[str, object]]] = {}
        for name, client in clients.items():
            out[name] = []
            while not client.queue.empty():
                out[name].append(json.loads(client.queue.get_nowait()))
        assert hub.withheld == 1  # the alert, for the PUBLIC client
        return out

    got = run_async(main())
    uk = got["UK-ONLY"][0]["vessels"]
    assert [(v["mmsi"], v["marking"]) for v in uk] == [
        (1, "UK-ONLY"),
        (2, "PUBLIC"),
        (3, "UK-ONLY"),
        (4, "UK-ONLY"),
    ]
    assert [v["mmsi"] for v in got["UK-FR"][0]["vessels"]] == [2]
    assert [v["mmsi"] for v in got["PUBLIC"][0]["vessels"]] == [2]
    assert [m["kind"] for m in got["UK-FR"]] == ["vessels", "alert"]
    assert [m["kind"] for m in got["PUBLIC"]] == ["vessels"]


def test_a_client_connected_without_a_clearance_sees_only_public() -> None:
    async def main() -> int:
        hub = LiveHub()
        client = hub.connect("someone")
        await hub.handle("picture.update", json.dumps({"kind": "x", "marking": "UK-FR"}).encode())
        await hub.handle("picture.update", json.dumps({"kind": "y", "marking": "PUBLIC"}).encode())
        return client.queue.qsize()

    assert run_async(main()) == 1
