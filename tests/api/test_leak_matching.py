"""The sweep's leak matcher: a victim's number is found as a word of its own only, so that the attacker's own uuids,
hashes and timestamps cannot fail the isolation suite by chance (CI once failed on an attacker's token id
holding …c1092e…, the id of one of the victim's audit events)."""

from tests.api.schema_walk import Secrets


def test_a_number_counts_as_a_whole_word_only() -> None:
    secrets = Secrets({"1092"})
    assert secrets.found("audit event 1092 of tenant b") == {"1092"}
    assert secrets.found('{"id": "1092"}') == {"1092"}
    assert secrets.found("2026-12-06T00:13:44.821092+00:00") == set()
    assert secrets.found("api-token:5f0c1092e-4d1a") == set()
    assert secrets.found("prevHash 9ab1092ff0") == set()
    assert secrets.found("5f0c1d2e-1092-4d1a-8b2c-0123456789ab") == set()  # a uuid's segment (CI, once more)
    assert secrets.found("2026-12-06T02:31:13.1092+00:00") == set()  # microseconds with their zeros trimmed


def test_other_markers_count_anywhere() -> None:
    secrets = Secrets({"tenant-b-mark"})
    assert secrets.found("https://git.example/tenant-b-mark.git") == {"tenant-b-mark"}
