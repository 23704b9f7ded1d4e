"""A real OIDC issuer on loopback: discovery + JWKS over HTTP, served by uvicorn in a background thread.

Tests mint tokens with it (RS256, any claims or header), rotate its keys and count JWKS fetches, so the
verifier under test runs its production path: HTTP discovery, JWKS download, signature and claim checks.
For the browser it also runs the authorization code flow with PKCE (RFC 7636) for public clients: the
authorization endpoint signs in `login_claims`' user at once (no form) and redirects back with a code;
the token endpoint gives tokens only for the verifier whose S256 challenge came with that code. Its answer
holds an access token living `access_token_seconds`, an ID token for the client, and a refresh token; the
`refresh_token` grant trades a refresh token for new tokens and a new refresh token, the old one then
refused (rotation, as Keycloak does with "revoke refresh token"). The end-session endpoint (RP-initiated
logout) ends the user's refresh tokens and redirects back. `grants` and `logouts` record what was asked.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
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
from starlette.responses import JSONResponse, RedirectResponse, Response
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
        self.login_claims: dict[str, Any] = {}  # who the authorization endpoint signs in (over claims())
        self.codes: dict[str, dict[str, str]] = {}  # code -> client, redirect, challenge, nonce
        self.access_token_seconds = 300  # the lifetime of the tokens the token endpoint gives
        self.refresh_tokens: dict[str, dict[str, str]] = {}  # refresh token -> client, sub
        self.grants: list[str] = []  # grant_type of every successful token request, in order
        self.logouts: list[dict[str, str]] = []  # the query of every end-session request
        self._lock = threading.Lock()
        app = Starlette(
            routes=[
                Route("/realms/dvt/.well-known/openid-configuration", self._discovery),
                Route("/realms/dvt/protocol/openid-connect/certs", self._jwks),
                Route("/realms/dvt/protocol/openid-connect/auth", self._authorize),
                Route("/realms/dvt/protocol/openid-connect/token", self._token, methods=["POST", "OPTIONS"]),
                Route("/realms/dvt/protocol/openid-connect/logout", self._logout),
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
                "authorization_endpoint": f"{self.issuer}/protocol/openid-connect/auth",
                "token_endpoint": f"{self.issuer}/protocol/openid-connect/token",
                "end_session_endpoint": f"{self.issuer}/protocol/openid-connect/logout",
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "code_challenge_methods_supported": ["S256"],
                "id_token_signing_alg_values_supported": ["RS256"],
            },
            headers=_CORS,
        )

    async def _authorize(self, request: Request) -> Response:
        query = request.query_params
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
            return JSONResponse({"error": "invalid_request", "error_description": "code flow with S256 only"}, 400)
        redirect, challenge = query.get("redirect_uri", ""), query.get("code_challenge", "")
        if not redirect.startswith("http://127.0.0.1:") or not challenge:
            return JSONResponse({"error": "invalid_request", "error_description": "redirect_uri, challenge"}, 400)
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.codes[code] = {
                "client": query.get("client_id", ""),
                "redirect": redirect,
                "challenge": challenge,
                "nonce": query.get("nonce", ""),
            }
        state = query.get("state", "")
        return RedirectResponse(f"{redirect}?code={code}&state={state}", status_code=302)

    async def _token(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=_CORS)
        form = await request.form()
        grant_type = str(form.get("grant_type", ""))
        if grant_type == "refresh_token":
            with self._lock:
                held = self.refresh_tokens.pop(str(form.get("refresh_token", "")), None)  # good once: rotated
            if held is None or form.get("client_id") != held["client"]:
                return JSONResponse(
                    {"error": "invalid_grant", "error_description": "Invalid refresh token"}, 400, _CORS
                )
            return self._tokens(grant_type, held["client"], "")
        with self._lock:
            grant = self.codes.pop(str(form.get("code", "")), None)  # a code is good once
        verifier = str(form.get("code_verifier", ""))
        derived = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if (
            grant is None
            or grant_type != "authorization_code"
            or form.get("redirect_uri") != grant["redirect"]
            or form.get("client_id") != grant["client"]
            or derived != grant["challenge"]
        ):
            return JSONResponse({"error": "invalid_grant"}, status_code=400, headers=_CORS)
        return self._tokens(grant_type, grant["client"], grant["nonce"])

    def _tokens(self, grant_type: str, client: str, nonce: str) -> JSONResponse:
        """A token response for `login_claims`' user: access, ID and a new refresh token."""
        lifetime = self.access_token_seconds
        now = int(time.time())
        # A jti makes each token unlike the one before, even within the same second.
        times = {"iat": now, "nbf": now, "exp": now + lifetime, "jti": secrets.token_hex(8)}
        access = self.mint(**{**times, **self.login_claims})
        sub = str(self.claims(**self.login_claims)["sub"])
        id_claims = {"aud": client, "azp": client, "iat": now, "nbf": now, "exp": now + lifetime, "nonce": nonce}
        id_token = self.mint(**{**self.login_claims, **id_claims}, drop=() if nonce else ("nonce",))
        refresh = secrets.token_urlsafe(32)
        with self._lock:
            self.refresh_tokens[refresh] = {"client": client, "sub": sub}
            self.grants.append(grant_type)
        body = {
            "access_token": access,
            "id_token": id_token,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": lifetime,
            "scope": "openid profile email",
        }
        return JSONResponse(body, headers={**_CORS, "Cache-Control": "no-store"})

    async def _logout(self, request: Request) -> Response:
        """RP-initiated logout: the user's refresh tokens end; back to `post_logout_redirect_uri` with `state`."""
        query = dict(request.query_params)
        with self._lock:
            self.logouts.append(query)
            sub = str(self.claims(**self.login_claims)["sub"])
            self.refresh_tokens = {t: held for t, held in self.refresh_tokens.items() if held["sub"] != sub}
        back = query.get("post_logout_redirect_uri", "")
        if not back.startswith("http://127.0.0.1:"):
            return JSONResponse({"signed_out": True})
        state = query.get("state")
        return RedirectResponse(f"{back}?state={state}" if state else back, status_code=302)

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


# A browser app on another origin calls discovery and the token endpoint, as with Keycloak's web origins.
_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "content-type"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
