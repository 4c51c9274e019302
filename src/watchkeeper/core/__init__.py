"""Typed domain types, the clock and the error tree shared by every capability."""
