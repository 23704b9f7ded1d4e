"""DVT's own token issuer for the embedded default (no OIDC provider configured).

It signs ES256 JWTs carrying the same claims an OIDC provider would, with EC P-256 keys kept in the
database so every API replica signs and verifies with the same keys. Its tokens are verified by the same
`OidcVerifier` as an external issuer's, fed from the database instead of HTTP.

The private keys are sealed at rest as secrets are (envelope encryption under DVT_SECRET_KEYS, bound to the key's
id); a key stored in the clear by an earlier DVT is sealed on the next start. Without a cipher (no keys configured
with a shared database) they are stored in the clear, and bootstrap says so.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey

from dvt.adapters.auth.oidc import OidcVerifier
from dvt.application.identity_ports import IdentityUnitOfWorkFactory, IssuedToken, SigningKey
from dvt.application.secret_ports import SecretCipher
from dvt.domain.authentication import PASSWORD_CHANGE_CLAIM, Claims, ClaimsMapping
from dvt.domain.secrets import SealedSecret, SecretBinding

LOCAL_ISSUER = "dvt-local"
LOCAL_AUDIENCE = "dvt"
ALGORITHM = "ES256"
TOKEN_LIFETIME = timedelta(hours=12)
# Another replica may rotate the key; re-reading the newest key this often keeps everyone signing with it.
_SIGNING_KEY_TTL_S = 300.0


_SEALED = "sealed:v1:"  # the stored form of a sealed key; a PEM starts with "-----BEGIN"
_PLATFORM = uuid.UUID(int=0)  # the issuer's keys belong to no tenant nor environment


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _binding(kid: str) -> SecretBinding:
    """The sealed key's associated data: a sealed key copied onto another key's row does not open."""
    return SecretBinding(_PLATFORM, _PLATFORM, f"dvt-local-issuer/{kid}", 1)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class SealedKeyError(RuntimeError):
    """A sealed signing key that cannot be opened with the configured keys."""


class LocalIssuer:
    def __init__(
        self,
        units: IdentityUnitOfWorkFactory,
        *,
        lifetime: timedelta = TOKEN_LIFETIME,
        mapping: ClaimsMapping | None = None,
        now: Callable[[], datetime] = _utcnow,
        cipher: SecretCipher | None = None,
    ) -> None:
        self._units = units
        self._cipher = cipher
        self._lifetime = lifetime
        self.mapping = mapping or ClaimsMapping()
        self._now = now
        self._signing: tuple[ECKey, float] | None = None

    def verifier(self, *, leeway_s: int = 30) -> OidcVerifier:
        """The verifier of this issuer's tokens: the production OIDC code path, keys from the database."""
        return OidcVerifier(
            LOCAL_ISSUER,
            LOCAL_AUDIENCE,
            self.mapping,
            allowed_algs=(ALGORITHM,),
            leeway_s=leeway_s,
            key_source=self,
        )

    async def ensure_signing_key(self) -> str:
        """The kid of the key tokens are signed with, creating the first one on first start."""
        async with self._units() as uow:
            keys = await uow.identity.signing_keys(self._now() - self._lifetime)
            clear = [k for k in keys if not k.private_pem.startswith(_SEALED)]
            if self._cipher is not None and clear:  # stored in the clear by an earlier DVT: sealed now
                for key in clear:
                    await uow.identity.replace_signing_key_material(key.kid, self._stored(key.kid, key.private_pem))
                await uow.commit()
        active = [k for k in keys if k.retired_at is None]
        if active:
            return active[0].kid
        return await self.rotate()

    def _stored(self, kid: str, pem: str) -> str:
        """The key as the database keeps it: sealed when a cipher is configured."""
        if self._cipher is None:
            return pem
        sealed = self._cipher.seal(_binding(kid), pem)
        parts = [sealed.key_version, _b64(sealed.wrapped_key), _b64(sealed.key_nonce), _b64(sealed.nonce)]
        return _SEALED + json.dumps([*parts, _b64(sealed.ciphertext)])

    def _pem(self, stored: SigningKey) -> str:
        if not stored.private_pem.startswith(_SEALED):
            return stored.private_pem
        if self._cipher is None:
            raise SealedKeyError(
                f"the local issuer's key {stored.kid} is sealed: set DVT_SECRET_KEYS to the keys it was sealed with"
            )
        version, wrapped, key_nonce, nonce, ciphertext = json.loads(stored.private_pem.removeprefix(_SEALED))
        raw = [base64.b64decode(part) for part in (wrapped, key_nonce, nonce, ciphertext)]
        return self._cipher.open(_binding(stored.kid), SealedSecret(version, *raw))

    async def rotate(self) -> str:
        """Start signing with a new key. Older keys stay published until their last tokens expire."""
        key = ECKey.generate_key("P-256", parameters={"alg": ALGORITHM, "use": "sig"})
        key.ensure_kid()  # RFC 7638 thumbprint
        kid = str(key.kid)
        async with self._units() as uow:
            pem = key.as_pem(private=True).decode("ascii")
            await uow.identity.add_signing_key(SigningKey(kid, ALGORITHM, self._stored(kid, pem)))
            await uow.identity.retire_signing_keys(kid, self._now())
            await uow.commit()
        self._signing = (key, time.monotonic())
        return kid

    async def fetch(self) -> Mapping[str, Any]:
        """The public JWKS: active keys and keys retired less than a token lifetime ago."""
        async with self._units() as uow:
            keys = await uow.identity.signing_keys(self._now() - self._lifetime)
        return {"keys": [self._public(k) for k in keys]}

    async def issue(self, claims: Claims) -> IssuedToken:
        key = await self._signing_key()
        now = self._now()
        expires = now + self._lifetime
        m = self.mapping
        groups = list(claims.groups)
        if claims.platform_admin and m.platform_admin_group not in groups:
            groups.append(m.platform_admin_group)
        payload: dict[str, Any] = {
            "iss": LOCAL_ISSUER,
            "aud": LOCAL_AUDIENCE,
            "sub": claims.subject,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": uuid.uuid4().hex,
            m.name: claims.name,
            m.groups: groups,
        }
        if claims.email is not None:
            payload[m.email] = claims.email
        if claims.tenant is not None:
            payload[m.tenant] = claims.tenant
        if claims.password_change_pending:
            payload[PASSWORD_CHANGE_CLAIM] = True
        token = jwt.encode({"alg": ALGORITHM, "kid": key.kid}, payload, key, algorithms=[ALGORITHM])
        return IssuedToken(token, datetime.fromtimestamp(int(expires.timestamp()), UTC))

    async def _signing_key(self) -> ECKey:
        if self._signing is not None and time.monotonic() - self._signing[1] < _SIGNING_KEY_TTL_S:
            return self._signing[0]
        async with self._units() as uow:
            keys = await uow.identity.signing_keys(self._now())
        active = [k for k in keys if k.retired_at is None]
        if not active:
            await self.rotate()
            assert self._signing is not None
            return self._signing[0]
        newest = active[0]
        key = ECKey.import_key(self._pem(newest), parameters={"alg": ALGORITHM, "use": "sig", "kid": newest.kid})
        self._signing = (key, time.monotonic())
        return key

    def _public(self, stored: SigningKey) -> dict[str, Any]:
        key = ECKey.import_key(self._pem(stored), parameters={"alg": stored.algorithm, "use": "sig", "kid": stored.kid})
        return dict(key.as_dict(private=False))
