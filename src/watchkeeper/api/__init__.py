"""The HTTP API: FastAPI app, authentication, routers per capability, the live WebSocket feed."""

from watchkeeper.api.app import create_app
from watchkeeper.api.runtime import Runtime

__all__ = ["Runtime", "create_app"]
