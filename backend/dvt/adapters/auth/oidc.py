"""Bearer JWT verification: one code path for an external OIDC issuer and for DVT's own local issuer.

The verifier decides everything that matters for security before it touches a key: the token's size, its
shape, and its `alg` against an allow-list of asymmetric algorithms (so `none` and HS* signed with a public
key never reach joserfc). Keys come from a pluggable `KeySource`: HTTP discovery + JWKS for OIDC, the
database for the local issuer.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
from joserfc import jws
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyCurveError,
    InvalidKeyTypeError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import JWKRegistry, Key
from joserfc.jwt import JWTClaimsRegistry

from dvt.domain.authentication import (
    PASSWORD_CHANGE_CLAIM,
    AuthenticationError,
    Claims,
    ClaimsMapping,
    IdentityProviderUnavailable,
)

# Asymmetric algorithms only: with a symmetric one a verifier holding public keys could be fooled by a
# token "signed" with the public key itself.
ASYMMETRIC_ALGS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})
DEFAULT_ALGS = ("RS256", "ES256", "PS256")
MAX_TOKEN_BYTES = 16 * 1024
MAX_DOCUMENT_BYTES = 1024 * 1024  # discovery documents and JWKS are a few KiB; refuse a flood
_MAX_HEADER_BYTES = 2048
_MAX_SHOWN = 64  # longest piece of a hostile token echoed in an error message


class KeySource(Protocol):
    """Where the issuer's public keys come from: returns a JWKS document (`{"keys": [...]}`)."""

    async def fetch(self) -> Mapping[str, Any]: ...


def _shown(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "...")


class HttpDiscovery:
    """An OIDC issuer's keys, found through `{issuer}/.well-known/openid-configuration` and its `jwks_uri`.

    `reached_at`: where the issuer answers this process when that is not the issuer URL itself (a container
    network); the document found there must still name `issuer`."""

    def __init__(self, issuer: str, http: httpx.AsyncClient, *, reached_at: str | None = None) -> None:
        self._issuer = issuer
        self._reached_at = reached_at or issuer
        self._http = http
        self._jwks_uri: str | None = None

    async def fetch(self) -> Mapping[str, Any]:
        if self._jwks_uri is None:
            self._jwks_uri = await self._discover()
        return await self._get_json(self._jwks_uri, "JWKS")

    async def _discover(self) -> str:
        url = self._reached_at.rstrip("/") + "/.well-known/openid-configuration"
        document = await self._get_json(url, "discovery document")
        # OIDC Discovery 4.3: the document must name exactly the issuer we asked, or anyone serving a
        # document at that URL could vouch for another issuer's tokens.
        if document.get("issuer") != self._issuer:
            raise IdentityProviderUnavailable(
                f"the discovery document at {url} names issuer {_shown(document.get('issuer'))}, "
                f"not the configured {self._issuer!r}"
            )
        jwks_uri = document.get("jwks_uri")
        if not isinstance(jwks_uri, str) or not jwks_uri.startswith(("https://", "http://")):
            raise IdentityProviderUnavailable(f"the discovery document at {url} has no usable jwks_uri")
        return jwks_uri

    async def _get_json(self, url: str, what: str) -> dict[str, Any]:
        body = bytearray()
        try:
            async with self._http.stream("GET", url, headers={"Accept": "application/json"}) as response:
                if response.status_code != 200:
                    raise IdentityProviderUnavailable(f"{what} at {url} answered HTTP {response.status_code}")
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_DOCUMENT_BYTES:
                        raise IdentityProviderUnavailable(f"{what} at {url} is larger than 1 MiB")
        except httpx.HTTPError as error:
            raise IdentityProviderUnavailable(f"cannot read the {what} at {url}: {type(error).__name__}") from None
        try:
            document = json.loads(body)
        except ValueError:
            raise IdentityProviderUnavailable(f"the {what} at {url} is not JSON") from None
        if not isinstance(document, dict):
            raise IdentityProviderUnavailable(f"the {what} at {url} is not a JSON object")
        return document


def _b64_json(segment: str) -> object:
    padded = segment + "=" * (-len(segment) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


def _signing_keys(document: Mapping[str, Any]) -> list[Key]:
    """The usable signature keys of a JWKS; a key DVT cannot read is skipped, not fatal (RFC 7517 5)."""
    entries = document.get("keys")
    if not isinstance(entries, list):
        raise IdentityProviderUnavailable("the JWKS has no 'keys' list")
    keys: list[Key] = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
            continue
        if entry.get("kty") == "oct":  # a shared secret never belongs in a public key set
            continue
        try:
            key = JWKRegistry.import_key(entry)
            key.ensure_kid()
        except (JoseError, ValueError, TypeError):
            continue
        keys.append(key)
    return keys


def _claim(payload: Mapping[str, Any], path: str) -> object:
    if path in payload:
        return payload[path]
    value: object = payload
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


class OidcVerifier:
    """Verifies bearer JWTs of one issuer for one audience and maps their claims to `Claims`.

    Keys are cached. A token naming an unknown `kid` refreshes the key set once (the issuer may have
    rotated), at most once per `refresh_interval_s`, so a stream of forged kids cannot hammer the issuer.
    """

    def __init__(
        self,
        issuer: str,
        audience: str,
        mapping: ClaimsMapping | None = None,
        http: httpx.AsyncClient | None = None,
        *,
        allowed_algs: Sequence[str] = DEFAULT_ALGS,
        leeway_s: int = 30,
        key_source: KeySource | None = None,
        refresh_interval_s: float = 30.0,
        retry_after_failure_s: float = 5.0,
        max_token_bytes: int = MAX_TOKEN_BYTES,
        clock: Callable[[], float] = time.monotonic,
        reached_at: str | None = None,
    ) -> None:
        unsafe = set(allowed_algs) - ASYMMETRIC_ALGS
        if unsafe or not allowed_algs:
            raise ValueError(f"allowed_algs must be asymmetric JWS algorithms; refused {sorted(unsafe)}")
        self.issuer = issuer
        self.audience = audience
        self.mapping = mapping or ClaimsMapping()
        self._allowed = tuple(allowed_algs)
        self._leeway = leeway_s
        self._own_http: httpx.AsyncClient | None = None
        if key_source is None:
            if http is None:
                http = self._own_http = httpx.AsyncClient(timeout=httpx.Timeout(5.0))
            key_source = HttpDiscovery(issuer, http, reached_at=reached_at)
        self._source = key_source
        self._refresh_interval = refresh_interval_s
        self._retry_after_failure = retry_after_failure_s
        self._max_bytes = max_token_bytes
        self._clock = clock
        self._keys: list[Key] | None = None
        self._next_fetch = float("-inf")
        self._lock = asyncio.Lock()

    async def aclose(self) -> None:
        if self._own_http is not None:
            await self._own_http.aclose()

    async def verify(self, token: str) -> Claims:
        header = self._header(token)
        alg = header.get("alg")
        if not isinstance(alg, str):
            raise AuthenticationError("malformed token: the header has no 'alg'")
        if alg not in self._allowed:
            raise AuthenticationError(
                f"algorithm {_shown(alg)} is not allowed; expected one of {', '.join(self._allowed)}"
            )
        if "crit" in header or "b64" in header:
            raise AuthenticationError("malformed token: unsupported critical header")
        kid = header.get("kid")
        if kid is not None and (not isinstance(kid, str) or len(kid) > 256):
            raise AuthenticationError("malformed token: 'kid' must be a short string")
        key = await self._key(kid, alg)
        payload = self._verified_payload(token, key, alg, kid)
        self._check_registered_claims(payload)
        return self._map(payload)

    def _header(self, token: object) -> dict[str, Any]:
        if not isinstance(token, str) or not token:
            raise AuthenticationError("malformed token: empty")
        if len(token) > self._max_bytes:
            raise AuthenticationError(f"token too large: more than {self._max_bytes} bytes")
        if not token.isascii():
            raise AuthenticationError("malformed token: not base64url text")
        parts = token.split(".")
        if len(parts) != 3:
            raise AuthenticationError(f"malformed token: expected 3 dot-separated parts, found {len(parts)}")
        if len(parts[0]) > _MAX_HEADER_BYTES:
            raise AuthenticationError("malformed token: header too large")
        try:
            header = _b64_json(parts[0])
        except (ValueError, binascii.Error, RecursionError):
            raise AuthenticationError("malformed token: the header is not base64url JSON") from None
        if not isinstance(header, dict):
            raise AuthenticationError("malformed token: the header is not a JSON object")
        return header

    async def _key(self, kid: str | None, alg: str) -> Key:
        async with self._lock:
            if self._keys is None:
                await self._load(refresh=False)
            elif self._find(kid) is None and self._clock() >= self._next_fetch:
                await self._load(refresh=True)
        assert self._keys is not None
        key = self._find(kid)
        if key is None:
            if kid is None:
                raise AuthenticationError("token has no 'kid' and the issuer publishes several keys")
            raise AuthenticationError(f"unknown signing key id {_shown(kid)}")
        key_alg = key.get("alg")
        if key_alg is not None and key_alg != alg:
            raise AuthenticationError(f"signing key {_shown(kid)} is for {_shown(key_alg)}, not {alg}")
        return key

    async def _load(self, *, refresh: bool) -> None:
        now = self._clock()
        if now < self._next_fetch:
            raise IdentityProviderUnavailable("the issuer's keys could not be read; retrying shortly")
        # Gate the next fetch before this one runs, so a failing issuer is not asked again at once.
        self._next_fetch = now + self._retry_after_failure
        keys = _signing_keys(await self._source.fetch())
        self._keys = keys
        # The first load may be followed by a refresh at once (keys rotated just after start);
        # refreshes themselves are rate limited.
        self._next_fetch = now + self._refresh_interval if refresh else now

    def _find(self, kid: str | None) -> Key | None:
        keys = self._keys or []
        if kid is None:
            return keys[0] if len(keys) == 1 else None
        return next((k for k in keys if k.kid == kid), None)

    def _verified_payload(self, token: str, key: Key, alg: str, kid: str | None) -> dict[str, Any]:
        registry = jws.JWSRegistry(algorithms=[alg], strict_check_header=False)
        registry.max_header_length = _MAX_HEADER_BYTES
        registry.max_payload_length = self._max_bytes
        try:
            signed = jws.deserialize_compact(token, key, algorithms=[alg], registry=registry)
        except BadSignatureError:
            raise AuthenticationError("invalid signature") from None
        except (InvalidKeyTypeError, InvalidKeyCurveError):
            raise AuthenticationError(f"signing key {_shown(kid)} does not fit algorithm {alg}") from None
        except (JoseError, ValueError, TypeError, OverflowError):
            raise AuthenticationError("malformed token: cannot be read as a signed JWT") from None
        try:
            payload = json.loads(signed.payload or b"")
        except (ValueError, RecursionError):
            raise AuthenticationError("malformed token: the payload is not JSON") from None
        if not isinstance(payload, dict):
            raise AuthenticationError("malformed token: the payload is not a JSON object")
        return payload

    def _check_registered_claims(self, payload: dict[str, Any]) -> None:
        registry = JWTClaimsRegistry(
            leeway=self._leeway,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.audience},
            exp={"essential": True},
            sub={"essential": True},
        )
        try:
            registry.validate(payload)
        except ExpiredTokenError:
            raise AuthenticationError("token expired") from None
        except MissingClaimError as error:
            raise AuthenticationError(f"token lacks required claim(s): {error.claim}") from None
        except ClaimError as error:
            raise AuthenticationError(self._claim_problem(error.claim, payload)) from None
        except (OverflowError, TypeError, ValueError):
            raise AuthenticationError("malformed token: a time claim is not a number") from None

    def _claim_problem(self, claim: str, payload: Mapping[str, Any]) -> str:
        if claim == "iss":
            return f"wrong issuer {_shown(payload.get('iss'))}; expected {self.issuer!r}"
        if claim == "aud":
            return f"wrong audience {_shown(payload.get('aud'))}; expected {self.audience!r}"
        if claim == "nbf":
            return "token not yet valid (nbf is in the future)"
        if claim == "iat":
            return "token issued in the future (iat)"
        return f"invalid claim {_shown(claim)}"

    def _map(self, payload: Mapping[str, Any]) -> Claims:
        m = self.mapping
        subject = payload["sub"]
        if len(subject) > 255:
            raise AuthenticationError("invalid claim 'sub': longer than 255 characters")
        tenant = _claim(payload, m.tenant)
        if tenant is not None and not isinstance(tenant, str):
            raise AuthenticationError(f"invalid claim {m.tenant!r}: must be a string")
        raw_groups = _claim(payload, m.groups)
        if raw_groups is None:
            groups: tuple[str, ...] = ()
        elif isinstance(raw_groups, str):
            groups = (raw_groups,)
        elif isinstance(raw_groups, list) and all(isinstance(g, str) for g in raw_groups):
            groups = tuple(raw_groups)
        else:
            raise AuthenticationError(f"invalid claim {m.groups!r}: must be a list of strings")
        email = _claim(payload, m.email)
        name = _claim(payload, m.name)
        return Claims(
            subject=subject,
            email=email if isinstance(email, str) and email else None,
            name=name if isinstance(name, str) else "",
            tenant=tenant or None,
            groups=groups,
            platform_admin=m.platform_admin_group in groups,
            password_change_pending=payload.get(PASSWORD_CHANGE_CLAIM) is True,
            # `exp` was checked above: a number. The leeway applies later as it applies here.
            expires_at=datetime.fromtimestamp(float(payload["exp"]) + self._leeway, UTC),
        )
