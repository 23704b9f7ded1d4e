"""A small graphql-transport-ws client, to an ASGI app in this process or to a real server.

In process, the app runs on the test's own event loop (Starlette's TestClient would run it in a thread of its
own, away from the database pool the test's services hold), fed through two queues as a server would.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import websockets

PROTOCOL = "graphql-transport-ws"
REPLY_SECONDS = 60


class Closed(Exception):
    """The server closed the socket (or refused it), with this code and reason."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"closed {code}: {reason}")
        self.code = code
        self.reason = reason


class Frames(Protocol):
    async def send(self, text: str) -> None: ...
    async def recv(self) -> str: ...
    async def close(self) -> None: ...


ASGIApp = Callable[..., Any]


class AsgiFrames:
    """Text frames to and from an ASGI app's WebSocket endpoint; an exception escaping the app is re-raised."""

    def __init__(self, app: ASGIApp, path: str = "/graphql") -> None:
        self._app = app
        self._path = path
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    async def open(self) -> AsgiFrames:
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "http_version": "1.1",
            "path": self._path,
            "raw_path": self._path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"dvt.test"), (b"sec-websocket-protocol", PROTOCOL.encode())],
            "client": ("127.0.0.1", 50000),
            "server": ("dvt.test", 80),
            "subprotocols": [PROTOCOL],
        }
        self._task = asyncio.create_task(self._app(scope, self._to_app.get, self._from_app.put))
        await self._to_app.put({"type": "websocket.connect"})
        accepted = await self._next()
        if accepted["type"] == "websocket.close":
            self._closed = True
            raise Closed(accepted.get("code", 1000), accepted.get("reason") or "")
        assert accepted["type"] == "websocket.accept", accepted
        return self

    async def _next(self) -> dict[str, Any]:
        assert self._task is not None
        getter = asyncio.ensure_future(self._from_app.get())
        await asyncio.wait({getter, self._task}, timeout=REPLY_SECONDS, return_when=asyncio.FIRST_COMPLETED)
        if getter.done():
            return getter.result()
        getter.cancel()
        if self._task.done():
            self._task.result()  # the app's exception, if it raised one
            raise Closed(1006, "the app ended without closing")
        raise TimeoutError(f"no frame within {REPLY_SECONDS} s")

    async def send(self, text: str) -> None:
        if self._closed:
            raise Closed(1006, "already closed")
        await self._to_app.put({"type": "websocket.receive", "text": text})

    async def recv(self) -> str:
        message = await self._next()
        if message["type"] == "websocket.send":
            return message.get("text") or message["bytes"].decode()
        if message["type"] == "websocket.close":
            self._closed = True
            await self._to_app.put({"type": "websocket.disconnect", "code": message.get("code", 1000)})
            raise Closed(message.get("code", 1000), message.get("reason") or "")
        raise AssertionError(f"unexpected ASGI message {message}")

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            await self._to_app.put({"type": "websocket.disconnect", "code": 1000})
        if self._task is not None:
            # The app's failure was reported by recv already, or is not this test's subject.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, REPLY_SECONDS)


class ServerFrames:
    """Text frames over a real socket to a running server."""

    def __init__(self, base_url: str, path: str = "/graphql") -> None:
        self._url = base_url.replace("http://", "ws://") + path
        self._ws: websockets.ClientConnection | None = None

    async def open(self) -> ServerFrames:
        self._ws = await websockets.connect(self._url, subprotocols=[websockets.Subprotocol(PROTOCOL)], max_size=None)
        return self

    async def send(self, text: str) -> None:
        assert self._ws is not None
        try:
            await self._ws.send(text)
        except websockets.ConnectionClosed as error:
            raise _closed(error) from None

    async def recv(self) -> str:
        assert self._ws is not None
        try:
            raw = await asyncio.wait_for(self._ws.recv(), REPLY_SECONDS)
        except websockets.ConnectionClosed as error:
            raise _closed(error) from None
        return raw if isinstance(raw, str) else raw.decode()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()


def _closed(error: websockets.ConnectionClosed) -> Closed:
    frame = error.rcvd
    return Closed(frame.code, frame.reason) if frame is not None else Closed(1006, "no close frame")


@dataclass(frozen=True)
class Reply:
    """The answer to one operation: `next` with its result, or `error` with its errors."""

    kind: str
    payload: Any


class GraphQLSocket:
    """One graphql-transport-ws connection: init with a payload, then operations by id."""

    def __init__(self, frames: Frames) -> None:
        self.frames = frames
        self._ids = itertools.count(1)

    async def init(self, payload: Mapping[str, Any]) -> None:
        """connection_init; Closed when the server refuses it."""
        await self.frames.send(json.dumps({"type": "connection_init", "payload": dict(payload)}))
        ack = json.loads(await self.frames.recv())
        assert ack["type"] == "connection_ack", ack

    async def start(self, query: str, variables: Mapping[str, Any] | None = None, **extra: Any) -> str:
        operation_id = str(next(self._ids))
        payload = {"query": query, "variables": dict(variables or {}), **extra}
        await self.frames.send(json.dumps({"id": operation_id, "type": "subscribe", "payload": payload}))
        return operation_id

    async def replies(self, operation_id: str) -> AsyncIterator[Reply]:
        """The operation's `next` and `error` messages until it completes (pings are answered)."""
        while True:
            message = json.loads(await self.frames.recv())
            if message["type"] == "ping":
                await self.frames.send(json.dumps({"type": "pong"}))
                continue
            if message.get("id") != operation_id:
                continue
            if message["type"] == "complete":
                return
            yield Reply(message["type"], message.get("payload"))
            if message["type"] == "error":
                return

    async def execute(self, query: str, variables: Mapping[str, Any] | None = None, **extra: Any) -> Reply:
        """A query or mutation: its one reply."""
        operation_id = await self.start(query, variables, **extra)
        found = [reply async for reply in self.replies(operation_id)]
        assert found, "the operation completed without a reply"
        return found[0]


def bearer_payload(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def graphql_socket(target: ASGIApp | str, init: Mapping[str, Any] | None = None) -> AsyncIterator[GraphQLSocket]:
    """A connection to an ASGI app (in process) or a server's base URL, initialised with `init` when given."""
    frames: AsgiFrames | ServerFrames = ServerFrames(target) if isinstance(target, str) else AsgiFrames(target)
    await frames.open()
    try:
        socket = GraphQLSocket(frames)
        if init is not None:
            await socket.init(init)
        yield socket
    finally:
        await frames.close()
