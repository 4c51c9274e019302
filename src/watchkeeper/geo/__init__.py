"""Geodesy and the strait's geography: projections (pyproj) and zone layers and queries (shapely)."""
