"""DVT's own token issuer for the embedded default (no OIDC provider configured).

It signs ES256 JWTs carrying the same claims an OIDC provider would, with EC P-256 keys kept in the
database so every API replica signs and verifies with the same keys. Its tokens are verified by the same
`OidcVerifier` as an external issuer's, fed from the database instead of HTTP.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey

from dvt.adapters.auth.oidc import OidcVerifier
from dvt.application.identity_ports import IdentityUnitOfWorkFactory, IssuedToken, SigningKey
from dvt.domain.authentication import PASSWORD_CHANGE_CLAIM, Claims, ClaimsMapping

LOCAL_ISSUER = "dvt-local"
LOCAL_AUDIENCE = "dvt"
ALGORITHM = "ES256"
TOKEN_LIFETIME = timedelta(hours=12)
# Another replica may rotate the key; re-reading the newest key this often keeps everyone signing with it.
_SIGNING_KEY_TTL_S = 300.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


class LocalIssuer:
    def __init__(
        self,
        units: IdentityUnitOfWorkFactory,
        *,
        lifetime: timedelta = TOKEN_LIFETIME,
        mapping: ClaimsMapping | None = None,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._units = units
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
            keys = await uow.identity.signing_keys(self._now())
        active = [k for k in keys if k.retired_at is None]
        if active:
            return active[0].kid
        return await self.rotate()

    async def rotate(self) -> str:
        """Start signing with a new key. Older keys stay published until their last tokens expire."""
        key = ECKey.generate_key("P-256", parameters={"alg": ALGORITHM, "use": "sig"})
        key.ensure_kid()  # RFC 7638 thumbprint
        kid = str(key.kid)
        async with self._units() as uow:
            await uow.identity.add_signing_key(SigningKey(kid, ALGORITHM, key.as_pem(private=True).decode("ascii")))
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
        key = ECKey.import_key(newest.private_pem, parameters={"alg": ALGORITHM, "use": "sig", "kid": newest.kid})
        self._signing = (key, time.monotonic())
        return key

    @staticmethod
    def _public(stored: SigningKey) -> dict[str, Any]:
        key = ECKey.import_key(
            stored.private_pem, parameters={"alg": stored.algorithm, "use": "sig", "kid": stored.kid}
        )
        return dict(key.as_dict(private=False))
