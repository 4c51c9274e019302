"""The live picture (latest state per vessel and track) and its history in the store."""
