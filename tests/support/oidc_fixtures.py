"""The `oidc_issuer` fixture: a fresh real OIDC issuer on loopback per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.oidc_issuer import OidcIssuer


@pytest.fixture
def oidc_issuer() -> Iterator[OidcIssuer]:
    issuer = OidcIssuer().start()
    try:
        yield issuer
    finally:
        issuer.stop()
