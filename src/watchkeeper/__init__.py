"""watchkeeper: the software of a cross-agency maritime command cell for the Strait of Dover."""

__version__ = "0.1.0"
