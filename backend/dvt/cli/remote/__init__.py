"""The CLI's remote mode: with `DVT_URL` and a token (`DVT_TOKEN`, or the one `dvt login` stored) a command talks to
the GraphQL API through `dvt.client` instead of the database, so a CI pipeline holds a token, not database
credentials and secret keys.

Which mode a command runs in is decided here, from the environment and the stored credentials only (no network,
no server imports): `dvt --help` pays nothing for it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import stat
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from dvt.client import DvtClient

T = TypeVar("T")

CREDENTIALS_FILE = "credentials.json"
TIMEOUT_SECONDS = 60.0


class RemoteError(Exception):
    """An expected failure of a remote command: printed as one line on stderr, exit code 1."""


@dataclass(frozen=True)
class Target:
    """The API a remote command talks to, and its credential (never printed)."""

    url: str  # http(s)://host[:port], no trailing slash
    token: str

    def __repr__(self) -> str:  # a token must not reach a log or a traceback through repr()
        return f"Target(url={self.url!r}, token=...)"

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    @property
    def ws_url(self) -> str:
        scheme, rest = self.url.split("://", 1)
        return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/graphql"


def config_dir() -> Path:
    """The user's DVT config folder (XDG_CONFIG_HOME/dvt on Linux, its platform's equivalent elsewhere)."""
    import platformdirs

    return Path(platformdirs.user_config_dir("dvt", appauthor=False))


def credentials_path() -> Path:
    return config_dir() / CREDENTIALS_FILE


def normalized_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if url.endswith("/graphql"):
        url = url.removesuffix("/graphql")
    if not url.startswith(("http://", "https://")):
        raise RemoteError(f"DVT_URL must start with http:// or https://, got {url!r}")
    return url


def stored() -> Target | None:
    """The credentials `dvt login` stored, if any (an unreadable file is none)."""
    path = credentials_path()
    try:
        data = json.loads(path.read_text())
        return Target(normalized_url(str(data["url"])), str(data["token"]))
    except (OSError, ValueError, KeyError, TypeError, RemoteError):
        return None


def store(target: Target) -> Path:
    """Write the credentials readable by the user alone: the folder 0700, the file 0600 from its creation."""
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    path = folder / CREDENTIALS_FILE
    temporary = path.with_suffix(".tmp")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(descriptor, "w") as out:
        json.dump({"url": target.url, "token": target.token}, out)
    temporary.replace(path)
    return path


def target() -> Target | None:
    """The remote target of this process, or None for the local (database) mode.

    `DVT_URL` with `DVT_TOKEN`; else `DVT_TOKEN` with the stored URL, or `DVT_URL` with the token stored for that
    URL; else what `dvt login` stored. A URL without any token is an error, not a silent fall back to the database.
    """
    url, token = os.environ.get("DVT_URL", "").strip(), os.environ.get("DVT_TOKEN", "").strip()
    saved = stored() if not (url and token) else None
    if url and token:
        return Target(normalized_url(url), token)
    if token:
        if saved is None:
            raise RemoteError("DVT_TOKEN is set but DVT_URL is not: set DVT_URL too (or run `dvt login`)")
        return Target(saved.url, token)
    if url:
        if saved is None or saved.url != normalized_url(url):
            raise RemoteError(f"DVT_URL is set but no token: set DVT_TOKEN or run `dvt login --url {url}`")
        return saved
    return saved


def remote_mode() -> Target | None:
    """`target()`, a misconfiguration reported as one line and exit code 1."""
    try:
        return target()
    except RemoteError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


def refuse_database(command: str | None = None) -> None:
    """In remote mode, a command that needs the database says so, unless a database is configured too."""
    if os.environ.get("DVT_DATABASE_URL"):
        return
    try:
        found = target()
    except RemoteError:
        found = None
    if found is None:
        return
    what = f"`dvt {command}`" if command else "this command"
    typer.echo(
        f"error: {what} needs the database (DVT_DATABASE_URL) and has no remote mode; DVT_URL/DVT_TOKEN or"
        f" `dvt login` ({found.url}) only reach the API",
        err=True,
    )
    raise typer.Exit(1)


def client(found: Target) -> DvtClient:
    import httpx

    from dvt.client import DvtClient

    bearer = f"Bearer {found.token}"
    http = httpx.AsyncClient(headers={"Authorization": bearer}, timeout=TIMEOUT_SECONDS, trust_env=False)
    return DvtClient(
        url=found.graphql_url,
        http_client=http,  # type: ignore[arg-type]  # httpx's client; the generated Protocol is narrower
        ws_url=found.ws_url,
        ws_connection_init_payload={"Authorization": bearer},
    )


@asynccontextmanager
async def connected(found: Target | None = None) -> AsyncIterator[DvtClient]:
    async with client(found or _required()) as api:
        yield api


def _required() -> Target:
    found = target()
    if found is None:
        raise RemoteError("not signed in: set DVT_URL and DVT_TOKEN, or run `dvt login`")
    return found


def run(work: Callable[[], Awaitable[T]], found: Target | None = None) -> T:
    """Run a remote command; an expected failure is one line on stderr and exit code 1, never a traceback (and
    never the token)."""
    import asyncio

    try:
        return asyncio.run(work())  # type: ignore[arg-type]
    except typer.Exit:
        raise
    except Exception as error:
        typer.echo(f"error: {explain(error, found)}", err=True)
        raise typer.Exit(1) from None


def explain(error: BaseException, found: Target | None = None) -> str:
    import httpx

    from dvt.client.exceptions import (
        GraphQLClientGraphQLMultiError,
        GraphQLClientHttpError,
        GraphQLClientInvalidResponseError,
    )

    known = found or _safe_target()
    where = known.url if known else "DVT"
    if isinstance(error, RemoteError):
        return str(error)
    if isinstance(error, GraphQLClientHttpError):
        detail = _http_detail(error)
        if error.status_code == 401:
            return f"{where} refused the token (401{': ' + detail if detail else ''}): run `dvt login` or set DVT_TOKEN"
        if error.status_code == 403:
            return f"{where} refused the request (403{': ' + detail if detail else ''})"
        return f"{where} answered HTTP {error.status_code}{': ' + detail if detail else ''}"
    if isinstance(error, GraphQLClientGraphQLMultiError):
        return "; ".join(e.message for e in error.errors)
    if isinstance(error, GraphQLClientInvalidResponseError):
        return f"{where} did not answer as a DVT API (is DVT_URL right?)"
    if isinstance(error, httpx.TimeoutException):
        return f"{where} did not answer in time"
    if isinstance(error, (httpx.TransportError, OSError)):
        return f"cannot reach {where}: {_reason(error)}"
    return f"{type(error).__name__}: {error}"


def _safe_target() -> Target | None:
    try:
        return target()
    except RemoteError:
        return None


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0]


def _http_detail(error: Any) -> str:
    try:
        body = error.response.json()
        return "; ".join(str(e.get("message", "")) for e in body.get("errors") or []) or ""
    except Exception:
        return ""


def checked(result: T) -> T:
    """The result of a mutation, or its error member (`interface Error`) raised as one line."""
    message, code = getattr(result, "message", None), getattr(result, "code", None)
    if message is not None and code is not None and not hasattr(result, "id"):
        problem = getattr(result, "problem", None)
        file = getattr(result, "file", None)
        raise RemoteError(f"{file}: {problem}" if file and problem else str(message))
    return result


# -- global ids and values as the local mode prints them ----------------------------------------------------------


def local_id(global_id: str | None) -> str | None:
    """The UUID inside a global id (base64 of `Type:uuid`): what the local mode prints for the same object."""
    if global_id is None:
        return None
    try:
        decoded = base64.b64decode(global_id, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return global_id
    _, sep, node_id = decoded.partition(":")
    return node_id if sep else global_id


def global_id(type_name: str, local: str) -> str:
    return base64.b64encode(f"{type_name}:{local}".encode()).decode()


def word(value: Any) -> str | None:
    """An enum value as the local mode prints it (the domain's lower-case word)."""
    if value is None:
        return None
    return str(getattr(value, "value", value)).lower()


def utc(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def environment_id(api: DvtClient, project: str, environment: str) -> str:
    found = (await api.environment(project=project, slug=environment)).environment
    if found is None:
        raise RemoteError(f"environment {project}/{environment} not found")
    return found.id


async def check_tenant(api: DvtClient, tenant: str) -> None:
    """A token acts in its own tenant: a --tenant naming another is refused, never silently ignored."""
    from dvt.domain.tenancy import DEFAULT_TENANT

    if tenant == DEFAULT_TENANT:
        return
    found = (await api.viewer()).tenant
    if found is None or found.slug != tenant:
        acting = found.slug if found else "none"
        raise RemoteError(f"the token acts in tenant {acting!r}, not {tenant!r}")


def remotely(found: Target, tenant: str, call: Callable[[DvtClient], Awaitable[T]]) -> T:
    """Connect, check --tenant against the token's, make the call: a command's whole remote work."""

    async def work() -> T:
        async with connected(found) as api:
            await check_tenant(api, tenant)
            return await call(api)

    return run(work, found)
