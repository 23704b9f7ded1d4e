"""The redaction's cheap look for words never skips a text one of its token patterns would match."""

from __future__ import annotations

import random

import pytest

from dvt.adapters.secrets import redaction

SAMPLES = [
    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig",
    "connect password=Sup3rS3cret host=db",
    '{"client_secret": "abc123def456", "user": "me"}',
    "aws key AKIAIOSFODNN7EXAMPLE used",
    "postgresql://dvt:pa55word@db:5432/dvt",
    "basic dXNlcjpwYXNzd29yZA==",
    "my_private_key_passphrase: 'hunter22'",
    "API_KEY=0123456789",
    "refresh_token = xyz987",
    "aws_session_token: FwoGZXIvYXdzE",
    "PWD=s3cr3t!",
]
# What a case-insensitive pattern takes for an ASCII letter: the look must fold them as the patterns do.
LOOKALIKES = {"i": ["I", "\u0130", "\u0131"], "s": ["S", "\u017f"], "k": ["K", "\u212a"]}


def _variants(text: str, rng: random.Random) -> list[str]:
    out = [text, text.upper(), text.lower(), text.swapcase()]
    for _ in range(30):
        out.append("".join(rng.choice([c, *LOOKALIKES.get(c.lower(), []), c.swapcase()]) for c in text))
    return out


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_text_a_pattern_matches_is_looked_at(sample: str) -> None:
    rng = random.Random(sample)
    variants = _variants(sample, rng)
    matched = [text for text in variants if redaction._ANY_PATTERN.search(text)]
    assert len(matched) >= len(variants) // 2  # the variants mostly still match: the check below has teeth
    assert [text for text in matched if not redaction.may_hold_token(text)] == []


def test_a_line_of_sql_is_not_looked_at_and_comes_back_as_it_was() -> None:
    line = 'create view "gen"."main"."int_domain_3_model_42__dbt_tmp" as (select id, value from a)'
    assert not redaction.may_hold_token(line)
    assert redaction.redact(line) == line
