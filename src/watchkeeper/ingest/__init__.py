"""Ingest: transports (file, UDP, TCP), the input log, the rejects ledger, and decoders per wire format."""
