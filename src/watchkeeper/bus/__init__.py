"""The Bus: publish/subscribe by subject, in-process by default, NATS JetStream when configured.

Subjects (see docs/design.md): ``obs.ais``, ``obs.radar.<site>``, ``obs.drone.<id>``, ``obs.report``,
``track.update``, ``picture.update``, ``alert.*``, ``incident.*``, ``tasking.*``.
Payloads are bytes (JSON of the pydantic/dataclass message), identical on both implementations.
"""

from watchkeeper.bus.base import Bus, Handler, Resume, Subscription, subject_matches
from watchkeeper.bus.inprocess import InProcessBus

__all__ = ["Bus", "Handler", "InProcessBus", "Resume", "Subscription", "connect_bus", "subject_matches"]


async def connect_bus(url: str | None, namespace: str = "", replicas: int = 1) -> Bus:
    """The bus for ``url``: in-process when unset, NATS JetStream for ``nats://`` (a cluster: URLs
    separated by commas; subjects and streams prefixed with ``namespace``; ``replicas`` per stream)."""
    if not url:
        return InProcessBus()
    if url.startswith(("nats://", "tls://")):
        from watchkeeper.bus.nats import NatsBus

        return await NatsBus.connect(url, namespace=namespace, replicas=replicas)
    from watchkeeper.core.errors import ConfigError

    raise ConfigError(f"unsupported bus URL {url!r}: expected nats://host:port or nothing")
