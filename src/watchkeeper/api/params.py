"""Parameter types shared by the routes.

``Int64`` is a whole number the store can hold (SQLite INTEGER, PostgreSQL BIGINT): ids, offsets, MMSIs
and track numbers from a client are bounded to it, so a larger one is refused with 422 and its reason
instead of reaching the database driver (``OverflowError: Python int too large to convert to SQLite
INTEGER``, a 500 — found by schemathesis, tests/api/test_schemathesis.py).
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

Int64 = Annotated[int, Interval(ge=INT64_MIN, le=INT64_MAX)]
