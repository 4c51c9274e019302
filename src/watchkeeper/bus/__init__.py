"""The Bus: publish/subscribe by subject, in-process by default, NATS JetStream when configured.

Subjects (see docs/design.md): ``obs.ais``, ``obs.radar.<site>``, ``obs.drone.<id>``, ``obs.report``,
``track.update``, ``picture.update``, ``alert.*``, ``incident.*``, ``tasking.*``.
Payloads are bytes (JSON of the pydantic/dataclass message), identical on both implementations.
"""

from watchkeeper.bus.base import Bus, Handler, Subscription, subject_matches
from watchkeeper.bus.inprocess import InProcessBus

__all__ = ["Bus", "Handler", "InProcessBus", "Subscription", "subject_matches"]
