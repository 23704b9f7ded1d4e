"""Errors the domain names. Each carries what a user needs to fix the input, never a stack trace."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every expected failure; the API maps these to typed GraphQL errors."""

    code = "VALIDATION"


class ValidationError(DomainError):
    code = "VALIDATION"


class NotFoundError(DomainError):
    code = "NOT_FOUND"


class ConflictError(DomainError):
    code = "CONFLICT"


class PermissionDeniedError(DomainError):
    """The caller is known but may not do this. Another tenant's objects are NotFound instead."""

    code = "PERMISSION_DENIED"


class QuotaExceededError(DomainError):
    code = "QUOTA_EXCEEDED"

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ArtifactError(ValidationError):
    """A dbt artifact DVT refuses: names the file, the kind and schema version found, and what is wrong."""

    def __init__(self, file: str, problem: str, *, kind: str | None = None, schema_version: str | None = None) -> None:
        self.file = file
        self.kind = kind
        self.schema_version = schema_version
        self.problem = problem
        found = ", ".join(p for p in (kind, f"schema {schema_version}" if schema_version else None) if p)
        super().__init__(f"{file}{f' ({found})' if found else ''}: {problem}")


class DatabaseUnavailableError(Exception):
    """The database cannot be reached now (down, restarting, or no connection free in time).

    Not a DomainError: nothing is wrong with the request, and the same request may succeed in a moment.
    The API answers it as `UNAVAILABLE` (HTTP 503); the cause stays in the server's log.
    """

    code = "UNAVAILABLE"

    def __init__(self, cause: str = "") -> None:
        super().__init__("the database is unavailable: try again shortly")
        self.cause = cause


class ArtifactStoreError(Exception):
    """A kept artifact file could not be read or written as it should. Not a DomainError: nothing is wrong with
    the request. Messages name the artifact by its sha256, never the store's address or credentials."""

    code = "INTERNAL"


class StoredArtifactMissingError(ArtifactStoreError):
    def __init__(self, sha256: str) -> None:
        super().__init__(f"artifact {sha256[:12]} is missing from the artifact store")
        self.sha256 = sha256


class StoredArtifactCorruptError(ArtifactStoreError):
    """The store holds other bytes than the ones written: what was read is never served."""

    def __init__(self, sha256: str) -> None:
        super().__init__(f"artifact {sha256[:12]} in the artifact store does not match its sha256: it is corrupt")
        self.sha256 = sha256


class ArtifactStoreUnavailableError(ArtifactStoreError):
    """The store cannot be reached now; the same request may succeed in a moment. The cause stays in the log."""

    code = "UNAVAILABLE"

    def __init__(self, cause: str = "", message: str = "the artifact store is unavailable: try again shortly") -> None:
        super().__init__(message)
        self.cause = cause
