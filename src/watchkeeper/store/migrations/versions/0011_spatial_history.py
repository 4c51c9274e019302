"""Spatial history: PostGIS points with a GiST index on PostgreSQL, a (lat, lon) index on SQLite.

On PostgreSQL: the ``postgis`` extension (created when missing; a clear error naming the package when
the server has none), and on ``positions`` and ``track_points`` a generated column
``geom geometry(Point, 4326)`` from ``lon``/``lat`` — filled for existing rows by the ALTER (a table
rewrite) and by the database on every insert — with a GiST index ``ix_<table>_geom``. On SQLite: a
plain B-tree index ``ix_<table>_lat_lon``; the area test itself is done with shapely
(``picture/area.py``). Downgrade removes them, and drops the extension when nothing else uses it.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02
"""

from alembic import op

from watchkeeper.store.spatial import SPATIAL_TABLES, SRID, drop_extension_if_unused, ensure_extension

revision = "0011"
down_revision = "0010"  # the lead re-chains revisions when merging
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        ensure_extension(bind)
        for table in SPATIAL_TABLES:
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN geom geometry(Point, {SRID}) "
                f"GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), {SRID})) STORED"
            )
            op.execute(f"CREATE INDEX ix_{table}_geom ON {table} USING gist (geom)")
    else:
        for table in SPATIAL_TABLES:
            op.create_index(f"ix_{table}_lat_lon", table, ["lat", "lon"])


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in SPATIAL_TABLES:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_geom")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS geom")
        drop_extension_if_unused(bind)
    else:
        for table in SPATIAL_TABLES:
            op.drop_index(f"ix_{table}_lat_lon", table_name=table)
