"""AIS ingest: NMEA 0183 / 4.x lines → typed ``AisReport``s (decoded with pyais), rejects with reasons."""
