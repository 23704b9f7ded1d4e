"""Who is asking, in which tenant, with which per-request loaders.

The HTTP layer (`api/app.py`) authenticates the request and loads the caller's grants before GraphQL
runs; resolvers read only `access` and never see tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from dvt.api.loaders import Loaders
from dvt.application.access import Access
from dvt.application.credentials import StandingCredential
from dvt.application.services import Services


@dataclass
class Context:
    services: Services
    access: Access
    request: Request | WebSocket | None = None
    connection_params: dict[str, object] | None = None  # a WebSocket's connection_init payload
    credential: StandingCredential | None = None  # a WebSocket's, re-checked before each operation
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.services, self.access)

    def admit(self, access: Access) -> None:
        """A WebSocket's caller, once its connection_init authenticated it, and again with each operation
        (its access as just re-checked, and fresh loaders: an operation sees no other's cached reads)."""
        self.access = access
        self.loaders = Loaders(self.services, access)


Info = StrawberryInfo[Context, None]
