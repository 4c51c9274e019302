"""PostGIS on PostgreSQL: the extension, checked and created by migration ``0011``.

Spatial history (``picture/area.py``) asks "which positions and track points lay inside this area during
this window". On PostgreSQL each of ``positions`` and ``track_points`` carries a generated column ``geom``
(``geometry(Point, 4326)`` made from ``lon``/``lat``, so every writer fills it without knowing it exists)
with a GiST index; SQLite has a plain ``(lat, lon)`` index and the exact test is done by shapely.

``geometry`` in lon/lat rather than ``geography``: shapely (the SQLite path) is planar in lon/lat, and so
is PostGIS ``geometry``; ``geography`` draws polygon edges as great circles, which would make the two
stores disagree on points near an edge. Over the strait (~200 km) the difference is small, but the answer
must be the same on both stores.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from watchkeeper.core.errors import ConfigError

log = logging.getLogger(__name__)

POSTGIS = "postgis"
SRID = 4326
SPATIAL_TABLES = ("positions", "track_points")  # tables with a ``geom`` column on PostgreSQL


def postgis_package(conn: Connection) -> str:
    """The Debian package that brings PostGIS 3 to this server's PostgreSQL major version."""
    version = int(conn.execute(text("SHOW server_version_num")).scalar_one())
    return f"postgresql-{version // 10000}-postgis-3"


def ensure_extension(conn: Connection, name: str = POSTGIS) -> None:
    """Create extension ``name`` unless it exists; ``ConfigError`` saying what to do when it cannot be.

    Installed-but-not-created needs a role allowed to create it (PostGIS is not a trusted extension):
    the error then says which statement a superuser must run. Not installed on the server at all: the
    error names the package.
    """
    if conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = :n"), {"n": name}).first():
        return
    available = conn.execute(
        text("SELECT default_version FROM pg_available_extensions WHERE name = :n"), {"n": name}
    ).first()
    if available is None:
        raise ConfigError(
            f"the PostgreSQL server has no {name} extension: install the package {postgis_package(conn)} "
            "on the database server (scripts/services.sh does it on Debian), then run the migration again"
        )
    try:
        with conn.begin_nested():
            conn.execute(text(f'CREATE EXTENSION IF NOT EXISTS "{name}"'))
    except DBAPIError as exc:
        database = conn.execute(text("SELECT current_database()")).scalar_one()
        raise ConfigError(
            f"could not create the {name} extension ({exc.orig}): have a superuser run "
            f'CREATE EXTENSION {name}; in database "{database}", then run the migration again'
        ) from exc


def drop_extension_if_unused(conn: Connection, name: str = POSTGIS) -> bool:
    """Drop extension ``name`` when nothing else in the database uses it and this role owns it.

    A downgrade gives back what the upgrade made; an extension still used by other objects, or owned
    by another role (a DBA created it), is left in place. True when it was dropped.
    """
    if not conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = :n"), {"n": name}).first():
        return False
    try:
        with conn.begin_nested():
            conn.execute(text(f'DROP EXTENSION "{name}" RESTRICT'))
    except DBAPIError as exc:
        log.info("extension %s left in place: %s", name, exc.orig)
        return False
    return True
