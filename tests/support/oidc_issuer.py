"""A real OIDC issuer on loopback: discovery + JWKS over HTTP, served by uvicorn in a background thread.

Tests mint tokens with it (RS256, any claims or header), rotate its keys and count JWKS fetches, so the
verifier under test runs its production path: HTTP discovery, JWKS download, signature and claim checks.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from typing import Any

import uvicorn
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

AUDIENCE = "dvt-test"


class OidcIssuer:
    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.issuer = f"{self.url}/realms/dvt"
        self.audience = AUDIENCE
        self.key = self._new_key()
        self.published: list[RSAKey] = [self.key]
        self.jwks_fetches = 0
        self.discovery_fetches = 0
        self.discovery_issuer: str | None = None  # set to serve a discovery document naming another issuer
        self._lock = threading.Lock()
        app = Starlette(
            routes=[
                Route("/realms/dvt/.well-known/openid-configuration", self._discovery),
                Route("/realms/dvt/protocol/openid-connect/certs", self._jwks),
            ]
        )
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    @staticmethod
    def _new_key() -> RSAKey:
        key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"})
        key.ensure_kid()
        return key

    def start(self) -> OidcIssuer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test OIDC issuer did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    async def _discovery(self, request: Request) -> JSONResponse:
        with self._lock:
            self.discovery_fetches += 1
        return JSONResponse(
            {
                "issuer": self.discovery_issuer or self.issuer,
                "jwks_uri": f"{self.issuer}/protocol/openid-connect/certs",
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    async def _jwks(self, request: Request) -> JSONResponse:
        with self._lock:
            self.jwks_fetches += 1
            keys = list(self.published)
        return JSONResponse({"keys": [k.as_dict(private=False) for k in keys]})

    def rotate(self) -> RSAKey:
        """A new signing key is published and the old one withdrawn, as an issuer does on rotation."""
        with self._lock:
            self.key = self._new_key()
            self.published = [self.key]
        return self.key

    def claims(self, **overrides: Any) -> dict[str, Any]:
        """Claims DVT accepts, with `overrides` applied."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": "user-123",
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "email": "ada@example.com",
            "name": "Ada Lovelace",
            "dvt_tenant": "default",
            "groups": ["analysts"],
        }
        claims.update(overrides)
        return claims

    def mint(
        self,
        *,
        key: RSAKey | None = None,
        header: dict[str, Any] | None = None,
        drop: tuple[str, ...] = (),
        **claims: Any,
    ) -> str:
        """An RS256 token signed by the issuer's current key (or `key`), with any claim or header changed.

        It signs the bytes itself rather than through a JOSE library, so a header may hold anything,
        including values a library would refuse to produce.
        """
        signing_key = key or self.key
        payload = self.claims(**claims)
        for name in drop:
            payload.pop(name, None)
        head = {"alg": "RS256", "typ": "JWT", "kid": signing_key.kid, **(header or {})}
        signing_input = f"{_b64(json.dumps(head).encode())}.{_b64(json.dumps(payload).encode())}"
        private = signing_key.private_key
        assert isinstance(private, rsa.RSAPrivateKey)
        signature = private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{_b64(signature)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
