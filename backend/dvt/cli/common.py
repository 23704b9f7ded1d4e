"""What every `dvt` command shares: the Typer apps, JSON output, the system actor, clean failures.

The CLI imports the server stack (settings, bootstrap, database drivers, the application services) only when a
command runs, never at import: `dvt --help` and a typo's error must not pay seconds of imports
(`tests/unit/test_cli_imports.py` holds it).
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from dvt.domain.errors import ArtifactStoreError, ArtifactStoreUnavailableError, DatabaseUnavailableError, DomainError
from dvt.domain.tenancy import TenantScope

if TYPE_CHECKING:
    from dvt.application.access import Access
    from dvt.application.services import Services
    from dvt.config import Settings

T = TypeVar("T")

# Plain click help and tracebacks: Rich's rendering costs more than the rest of `dvt --help` together.
app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="DVT: the control plane for dbt.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON")]
TenantOption = Annotated[str, typer.Option("--tenant", help="Tenant slug")]
OrgOption = Annotated[str, typer.Option("--org", help="Organization slug")]


def group(name: str, help: str) -> typer.Typer:
    sub = typer.Typer(no_args_is_help=True, help=help, rich_markup_mode=None)
    app.add_typer(sub, name=name)
    return sub


def plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (uuid.UUID, datetime, Path)):
        return str(value)
    return value


def show(value: Any, as_json: bool, line: Callable[[Any], str]) -> None:
    if as_json:
        typer.echo(json.dumps(plain(value), indent=2, sort_keys=True))
    elif isinstance(value, list):
        for item in value:
            typer.echo(line(item))
    else:
        typer.echo(line(value))


def load_settings() -> Settings:
    """The DVT_* settings; a malformed one stops the command with one line per problem (values not repeated). In the
    remote mode (DVT_URL/DVT_TOKEN or `dvt login`), the command that asks for them needs the database and has no
    remote path: it says so and exits, unless DVT_DATABASE_URL is set too."""
    from pydantic import ValidationError

    from dvt.cli.remote import refuse_database
    from dvt.config import Settings

    refuse_database(_command_name())
    try:
        return Settings()
    except ValidationError as error:
        for problem in error.errors(include_input=False, include_url=False):
            name = "DVT_" + "_".join(str(part) for part in problem["loc"]).upper()
            typer.echo(f"error: {name}: {problem['msg']}", err=True)
        raise typer.Exit(2) from None


def _command_name() -> str | None:
    """The command this process runs, as typed (`migrate`, `secrets rotate`), for messages."""
    import sys

    words = [w for w in sys.argv[1:3] if not w.startswith("-")]
    if not words:
        return None
    groups = {g.name for g in app.registered_groups}
    return " ".join(words[:2]) if words[0] in groups and len(words) > 1 else words[0]


@asynccontextmanager
async def services(settings: Settings | None = None) -> AsyncIterator[Services]:
    """The wired services of this process (settings from the environment unless given)."""
    from dvt.bootstrap import services as wired

    async with wired(settings or load_settings()) as built:
        yield built


@asynccontextmanager
async def scoped(tenant: str) -> AsyncIterator[tuple[Services, Access]]:
    """The CLI talks to the database directly, so it acts as DVT itself (audited as the system actor)."""
    from dvt.application.access import Access

    async with services() as built:
        found = await built.tenancy.tenant(tenant)
        yield built, Access.system(TenantScope(found.id))


def run(work: Callable[[], Awaitable[T]]) -> T:
    """Run a command; an expected failure is one line on stderr and exit code 1, never a traceback."""
    import asyncio

    try:
        return asyncio.run(work())  # type: ignore[arg-type]
    except (DomainError, OSError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    except (DatabaseUnavailableError, ArtifactStoreUnavailableError) as error:  # the operator may see why
        typer.echo(f"error: {error} ({error.cause})", err=True)
        raise typer.Exit(1) from None
    except ArtifactStoreError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


def settings_pairs(pairs: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise DomainError(f"--set takes KEY=VALUE, got {pair!r}")
        out[key] = value
    return out
