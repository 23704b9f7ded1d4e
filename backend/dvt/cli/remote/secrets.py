"""`dvt secrets set|list|retire` through the API. The value goes in `setSecret` and nowhere else: no field of the API
returns it, and nothing here prints or logs it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from dvt.cli.remote import RemoteError, checked, local_id

if TYPE_CHECKING:
    from dvt.client import DvtClient
    from dvt.domain.secrets import SecretMetadata


async def _environment(api: DvtClient, project: str, environment: str) -> str:
    from dvt.cli.remote import environment_id

    return await environment_id(api, project, environment)


async def put(api: DvtClient, project: str, environment: str, name: str, value: str) -> SecretMetadata:
    from dvt.client.input_types import SetSecretInput

    env = await _environment(api, project, environment)
    stored = checked((await api.set_secret(input=SetSecretInput(environmentId=env, name=name, value=value))).set_secret)
    return _secret(stored, env)


async def listed(api: DvtClient, project: str, environment: str) -> list[SecretMetadata]:
    found = (await api.secrets(project=project, slug=environment)).environment
    if found is None:
        raise RemoteError(f"environment {project}/{environment} not found")
    return [_secret(s, found.id) for s in found.secrets]


async def retire(api: DvtClient, project: str, environment: str, name: str) -> SecretMetadata:
    from dvt.client.input_types import RetireSecretInput

    env = await _environment(api, project, environment)
    retired = checked((await api.retire_secret(input=RetireSecretInput(environmentId=env, name=name))).retire_secret)
    return _secret(retired, env)


def _secret(s: Any, environment: str) -> SecretMetadata:
    """A secret's metadata as the local mode's object. The API lists current versions only: none is retired."""
    from dvt.domain.secrets import SecretMetadata

    return SecretMetadata(
        environment_id=uuid.UUID(local_id(environment)), name=s.name, version=s.version, key_version=s.key_version,
        created_at=s.created_at, rotated_at=s.rotated_at, retired_at=None,
    )  # fmt: skip
