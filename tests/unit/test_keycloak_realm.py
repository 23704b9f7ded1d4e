"""The Keycloak realm that compose imports (deploy/keycloak/dvt-realm.json) must give DVT the tokens it verifies:
`aud` holding DVT's audience (and no other client's), the tenant claim from a user attribute that Keycloak's
user profile declares (since Keycloak 24 an undeclared attribute never reaches a token), and the groups claim."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from dvt.config import Settings
from dvt.domain.tenancy import check_slug

REALM: dict[str, Any] = json.loads((Path(__file__).resolve().parents[2] / "deploy/keycloak/dvt-realm.json").read_text())
# What DVT expects by default (compose sets no other): the defaults, not whatever this process's environment says.
SETTINGS = Settings.model_construct()


def _spa_mappers() -> list[dict[str, Any]]:
    """The protocol mappers of every scope the SPA's client gets by default, and the client's own."""
    [client] = [c for c in REALM["clients"] if c["clientId"] == SETTINGS.oidc_client_id]
    scopes = [s for s in REALM["clientScopes"] if s["name"] in client["defaultClientScopes"]]
    return [m for scope in scopes for m in scope.get("protocolMappers", [])] + client.get("protocolMappers", [])


def _profile() -> dict[str, Any]:
    [provider] = REALM["components"]["org.keycloak.userprofile.UserProfileProvider"]
    profile: dict[str, Any] = json.loads(provider["config"]["kc.user.profile.config"][0])
    return profile


def test_access_tokens_carry_dvts_audience_and_no_other() -> None:
    audiences = [m["config"] for m in _spa_mappers() if m["protocolMapper"] == "oidc-audience-mapper"]
    assert audiences, "no audience mapper: tokens would not name DVT"
    assert all(a.get("access.token.claim") == "true" for a in audiences)
    assert {a.get("included.custom.audience") for a in audiences} == {SETTINGS.oidc_audience}
    assert not any(a.get("included.client.audience") for a in audiences)  # Keycloak would put that client in aud


def test_access_tokens_carry_the_tenant_and_the_groups_claims() -> None:
    by_claim = {m["config"].get("claim.name"): m for m in _spa_mappers()}
    tenant = by_claim[SETTINGS.oidc_tenant_claim]
    assert tenant["protocolMapper"] == "oidc-usermodel-attribute-mapper"
    assert tenant["config"]["user.attribute"] == SETTINGS.oidc_tenant_claim
    assert tenant["config"]["access.token.claim"] == "true"
    groups = by_claim[SETTINGS.oidc_groups_claim]
    assert groups["protocolMapper"] == "oidc-group-membership-mapper"
    assert (groups["config"]["access.token.claim"], groups["config"]["full.path"]) == ("true", "false")


def test_the_user_profile_declares_the_tenant_attribute_and_only_admins_set_it() -> None:
    [declared] = [a for a in _profile()["attributes"] if a["name"] == SETTINGS.oidc_tenant_claim]
    assert declared["permissions"]["edit"] == ["admin"]  # a user choosing their own tenant would be an escalation
    pattern = re.compile(declared["validations"]["pattern"]["pattern"])
    for user in REALM["users"]:
        [slug] = user["attributes"][SETTINGS.oidc_tenant_claim]
        assert pattern.match(slug) and check_slug("tenant", slug) == slug
    assert not pattern.match("Acme Corp") and not pattern.match("-acme")
    names = {a["name"] for a in _profile()["attributes"]}
    assert {"username", "email", "firstName", "lastName"} <= names  # the profile replaces Keycloak's default one


def test_the_spa_client_may_renew_its_session_and_sign_out_at_the_provider() -> None:
    """The SPA (frontend/src/lib/oidc.ts) renews with the refresh token before the 900 s access token ends, calls the
    token endpoint from its own origin, and returns to /login after the provider's logout."""
    [client] = [c for c in REALM["clients"] if c["clientId"] == SETTINGS.oidc_client_id]
    attributes = client["attributes"]
    assert client["publicClient"] and client["standardFlowEnabled"]
    assert attributes["pkce.code.challenge.method"] == "S256"
    assert attributes["use.refresh.tokens"] == "true"
    # "+": the redirect URIs, whose pattern holds /login; the token endpoint answers CORS for these origins.
    assert attributes["post.logout.redirect.uris"] == "+"
    assert {uri.removesuffix("/*") for uri in client["redirectUris"]} == set(client["webOrigins"])
    # A refresh token outlives the access token, so renewals keep the session going while the user is active.
    assert REALM["ssoSessionIdleTimeout"] > REALM["accessTokenLifespan"]
