"""Drones, TAK clients and observers in: Cursor-on-Target (XML, TAK protobuf) and observer reports."""
