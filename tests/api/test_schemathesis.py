"""Schemathesis against our own OpenAPI: every operation, with requests generated from its schema.

* As a user of each role (and one holding them all): no 500, every response conforms to the schema the
  operation declares, and every refusal (4xx, or 503 for a capability not configured here) is the API's
  one error shape with a message saying why.
* Unauthenticated, with the same generated requests: every operation but login and token answers 401.

The app is the one the API tests build (``tests/api/conftest.py``: the migrated temp SQLite store, a
fixed wall clock, the lifespan run by the TestClient); schemathesis generates the cases (its stateless,
positive and negative modes) and checks the responses, and the requests go through that client. Bounded
for CI: a few examples per operation and role (``EXAMPLES``), well under 90 s in all.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_helpers import FAST_HASHER, PASSWORD, WALL_START
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from watchkeeper.api import Runtime, create_app
from watchkeeper.core.clock import FixedClock
from watchkeeper.core.settings import Settings
from watchkeeper.store.db import make_engine, upgrade
from watchkeeper.store.users import Role

# per operation and role (1 unauthenticated): 85 operations x 8 identities stay bounded in CI; a long run
# sets WATCHKEEPER_SCHEMATHESIS_EXAMPLES (docs/reliability.md)
EXAMPLES = int(os.environ.get("WATCHKEEPER_SCHEMATHESIS_EXAMPLES", "3"))
# a valid request to these runs a model (an OpenDrift ensemble, a time-to-reach grid): seconds each
HEAVY = {("POST", "/api/sar/drifts"), ("GET", "/api/assets/reach"), ("GET", "/api/stats/effect")}
PUBLIC = {("POST", "/api/auth/login"), ("POST", "/api/auth/token")}
IDENTITIES = [r.value for r in Role] + ["all_roles", None]  # None: no credentials at all
CHECKS = [response_schema_conformance, content_type_conformance]


class Harness:
    def __init__(self, client: TestClient, schema: Any) -> None:
        self.client = client
        self.schema = schema
        self.operations = [result.ok() for result in schema.get_all_operations()]
        self.tokens: dict[str, str] = {}

    def headers(self, identity: str | None) -> dict[str, str]:
        if identity is None:
            return {}
        if identity not in self.tokens:
            resp = self.client.post(
                "/api/auth/login", json={"username": f"fuzz_{identity}", "password": PASSWORD}
            )
            assert resp.status_code == 200, resp.text
            self.tokens[identity] = resp.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[identity]}"}

    def send(self, case: Any, headers: dict[str, str]) -> Any:
        kw = case.as_transport_kwargs(base_url="http://testserver")
        kw["headers"] = {k: v for k, v in kw["headers"].items() if k.lower() != "authorization"} | headers
        if "data" in kw:  # requests' name for a raw body; httpx calls it content
            data = kw.pop("data")
            kw["content" if isinstance(data, bytes | str) else "data"] = data
        kw.pop("cookies", None)
        return self.client.request(**kw)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    root: Path = tmp_path_factory.mktemp("schemathesis")
    engine = make_engine(f"sqlite:///{root / 'watchkeeper.db'}")
    upgrade(engine)
    settings_ = Settings(data_dir=root, secret_key="test-secret-" + "x" * 40, token_ttl_s=3600)
    runtime = Runtime(
        settings_, engine=engine, wall_clock=FixedClock(WALL_START), password_hasher=FAST_HASHER
    )
    for role in Role:
        runtime.users.add(f"fuzz_{role.value}", PASSWORD, (role.value,), "UK-ONLY", WALL_START)
    runtime.users.add("fuzz_all_roles", PASSWORD, tuple(r.value for r in Role), "UK-ONLY", WALL_START)
    app = create_app(settings_, runtime)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # schemathesis' notes on the schema (e.g. no examples) are not failures
        schema = schemathesis.openapi.from_dict(app.openapi())
    with TestClient(app) as client:
        yield Harness(client, schema)
    engine.dispose()


def _error_shape(resp: Any) -> None:
    """A refusal says why: ``{"error": {"code": ..., "message": ...}}`` with a message."""
    body = resp.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"].get("message"), str) and body["error"]["message"], body
    assert isinstance(body["error"].get("code"), str) and body["error"]["code"], body


def _check_response(case: Any, resp: Any, identity: str | None) -> None:
    key = (case.operation.method.upper(), case.operation.path)
    label = f"{key[0]} {key[1]} as {identity}: {resp.status_code} {resp.text[:300]}"
    # 503 is a stated "not configured here" (e.g. no past weather for /stats/effect), with its reason
    assert resp.status_code < 500 or resp.status_code == 503, label
    if identity is None and key not in PUBLIC:
        assert resp.status_code == 401, label
    if resp.status_code >= 400:
        assert resp.headers.get("content-type", "").startswith("application/json"), label
        _error_shape(resp)
    else:
        case.validate_response(resp, checks=CHECKS)


def _fuzz_operation(harness: Harness, operation: Any, identity: str | None, statuses: Counter[str]) -> None:
    key = (operation.method.upper(), operation.path)
    headers = harness.headers(identity)
    positive = operation.as_strategy(schemathesis.GenerationMode.POSITIVE)
    negative = operation.as_strategy(schemathesis.GenerationMode.NEGATIVE)
    if key in HEAVY and identity != "all_roles":  # a valid request runs the model: once, by one user
        strategy, examples = negative, 1
    elif key in HEAVY:
        strategy, examples = st.one_of(positive, negative), 2
    else:
        strategy, examples = st.one_of(positive, negative), EXAMPLES if identity else 1

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=EXAMPLES <= 3,  # the CI run is the same every time; a long run explores
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def check(case: Any) -> None:
        resp = harness.send(case, headers)
        statuses[f"{resp.status_code // 100}xx"] += 1
        _check_response(case, resp, identity)

    check()


@pytest.mark.parametrize("identity", IDENTITIES, ids=[i or "unauthenticated" for i in IDENTITIES])
def test_every_operation_as(harness: Harness, identity: str | None) -> None:
    statuses: Counter[str] = Counter()
    for operation in harness.operations:
        _fuzz_operation(harness, operation, identity, statuses)
    if "WATCHKEEPER_SCHEMATHESIS_EXAMPLES" in os.environ:  # the long run reports its request counts
        who = identity or "unauthenticated"
        sys.stderr.write(f"\nschemathesis {who}: {dict(sorted(statuses.items()))}\n")
    assert sum(statuses.values()) >= len(harness.operations), statuses  # every operation was called
    if identity is None:
        assert set(statuses) <= {"2xx", "4xx"} and statuses.get("4xx", 0) > 0
    assert "5xx" not in statuses or identity is not None


def test_the_schema_covers_the_api(harness: Harness) -> None:
    """The operations fuzzed are every documented route (a route left out of the schema is not fuzzed
    here; the route table test in test_auth.py covers those for authentication)."""
    assert len(harness.operations) >= 80
    assert {(op.method.upper(), op.path) for op in harness.operations} >= PUBLIC


# -- found by schemathesis and the report fuzzing (kept as regression cases) ------------------------------


def test_found_a_body_that_is_not_json_is_401_before_it_is_422(harness: Harness) -> None:
    """``POST /api/sar/drifts`` with body ``{`` and no token answered 422 with what the route expects:
    FastAPI parses the body before the route's authentication runs. Now 401; with a token, 422."""
    resp = harness.client.post("/api/sar/drifts", content=b"{", headers={"Content-Type": "application/json"})
    assert resp.status_code == 401, resp.text
    _error_shape(resp)
    resp = harness.client.post(
        "/api/sar/drifts",
        content=b"{",
        headers={"Content-Type": "application/json"} | harness.headers("all_roles"),
    )
    assert resp.status_code == 422, resp.text
    _error_shape(resp)
    resp = harness.client.post("/api/auth/login", content=b"{", headers={"Content-Type": "application/json"})
    assert resp.status_code == 422, resp.text  # the public routes still say what is wrong


@pytest.mark.parametrize(
    "url",
    [
        "/api/incidents?offset=99999999999999999999",
        "/api/alerts?track_id=-99999999999999999999",
        "/api/intel/reports/99999999999999999999",
        "/api/vessels/99999999999999999999/track",
        "/api/audit?after_id=99999999999999999999",
    ],
)
def test_found_a_number_past_64_bits_is_422_not_500(harness: Harness, url: str) -> None:
    """``GET /api/incidents?offset=<20 digits>`` reached SQLite (``OverflowError: Python int too large to
    convert to SQLite INTEGER``), a 500. Ids, offsets, MMSIs are now bounded to 64 bits (``api/params``)."""
    resp = harness.client.get(url, headers=harness.headers("all_roles"))
    assert resp.status_code == 422, resp.text
    _error_shape(resp)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,
        b'{"lat": ' + b"1" * 5000 + b', "lon": 1}',
        b'{"lat": 50, "lon": 1, "time": "9999-12-31T23:59:59-01:00"}',
    ],
    ids=["deep_nesting", "5000_digit_number", "time_past_9999_in_utc"],
)
def test_found_report_bodies_are_422_with_their_reason(harness: Harness, body: bytes) -> None:
    """Bodies that made ``parse_report`` raise (tests/ingest/test_fuzz_cot.py): ``POST /api/reports`` now
    answers 422 with the reason, and the body is in the rejects ledger."""
    resp = harness.client.post(
        "/api/reports",
        content=body,
        headers={"Content-Type": "application/json"} | harness.headers("watch_officer"),
    )
    assert resp.status_code == 422, resp.text
    _error_shape(resp)
