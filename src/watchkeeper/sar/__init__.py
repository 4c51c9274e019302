"""Drift prediction and search areas for people and small boats adrift in the Dover Strait.

``drift`` runs OpenDrift's Leeway model (``objects`` maps our object types to its categories) with
wind and current readers from ``readers`` (constant, the documented tidal-stream approximation of
``tidal``, CF NetCDF files); ``areas`` turns the particle cloud into containment polygons, a
probability grid and stranding clusters; ``search`` plans a pattern over the 90% area and its
probability of success (IAMSAR: POS = POC x POD); ``geojson`` writes what the page draws.
"""
