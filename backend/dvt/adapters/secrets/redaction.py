"""Keeping secret values out of logs: a process-wide registry of values and the patterns of common tokens.

Every plaintext the envelope seals or opens is registered here, so whatever this process later logs (its own
records, a dbt run log through `redact`) has those values replaced with `[redacted]`. Patterns catch what
was never registered: bearer tokens, `password=...`-style pairs, credentials in URLs, AWS access key ids.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

REDACTED = "[redacted]"
# Shorter values would redact ordinary words and digits all over the logs while hiding almost nothing.
MIN_LENGTH = 4

_SECRET_KEYS = (
    r"password|passwd|pwd|passphrase|secret|client_secret|token|access_token|refresh_token|api_key|apikey"
    r"|private_key|private_key_passphrase|aws_secret_access_key|aws_session_token"
)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {REDACTED}"),
    # key=value, key: value, "key": "value" (JSON, YAML, DSNs, CLI flags)
    (
        re.compile(
            rf"(?i)([\"']?\b(?:[a-z0-9]+_)*(?:{_SECRET_KEYS})[\"']?\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&\"'}}]+)"
        ),
        rf"\1{REDACTED}",
    ),
    # scheme://user:password@host
    (re.compile(r"([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@"), rf"\1{REDACTED}@"),
    (re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"), REDACTED),
)


# Every pattern at once, case-insensitively: it matches wherever any of them could, and more, so a text it
# does not match needs none of the substitutions.
_ANY_PATTERN = re.compile(
    "|".join(f"(?:{token.pattern.removeprefix('(?i)')})" for token, _ in _PATTERNS), re.IGNORECASE
)


# Every pattern needs one of these words, in any case: a text holding none of them matches none of the patterns.
# Looking for words is ~20x cheaper than the patterns' search, and a dbt run's log is tens of thousands of lines.
_WORDS = ("bearer", "basic", *_SECRET_KEYS.split("|"), "://", "akia", "asia", "abia", "acca")
_HINTS = tuple(word for word in _WORDS if not any(other != word and other in word for other in _WORDS))
# The non-ASCII characters a case-insensitive pattern takes for an ASCII letter (all of them: `(?i)[a-z]` over
# every code point): folded before looking, so "prİvate_key" is looked at as the pattern sees it.
_AS_ASCII_LETTER = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def may_hold_token(text: str) -> bool:
    """False only for a text none of the token patterns can match."""
    folded = (text if text.isascii() else text.translate(_AS_ASCII_LETTER)).lower()
    return any(hint in folded for hint in _HINTS)


class SecretValueRegistry:
    """The values to redact. One alternation regex, rebuilt on change, scans each text once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def register(self, *values: str) -> None:
        fresh = {v for v in values if len(v) >= MIN_LENGTH} - self._values
        if not fresh:
            return
        with self._lock:
            self._values |= fresh
            self._pattern = None

    def forget(self, *values: str) -> None:
        with self._lock:
            self._values -= set(values)
            self._pattern = None

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._pattern = None

    def __len__(self) -> int:
        return len(self._values)

    def _compiled(self) -> re.Pattern[str] | None:
        pattern = self._pattern
        if pattern is None and self._values:
            with self._lock:
                # Longest first, so a value containing another is replaced whole.
                ordered = sorted(self._values, key=len, reverse=True)
                pattern = self._pattern = re.compile("|".join(map(re.escape, ordered)))
        return pattern

    def redact(self, text: str) -> str:
        pattern = self._compiled()
        if pattern is not None:
            text = pattern.sub(REDACTED, text)
        if not may_hold_token(text) or _ANY_PATTERN.search(text) is None:  # most lines (a dbt run's log) hold none
            return text
        for token, replacement in _PATTERNS:
            text = token.sub(replacement, text)
        return text


REGISTRY = SecretValueRegistry()


def register(*values: str) -> None:
    REGISTRY.register(*values)


def redact(text: str) -> str:
    """The text with every registered value and every known token pattern replaced by `[redacted]`."""
    return REGISTRY.redact(text)


def _redact_argument(value: object) -> object:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int | float | bool | type(None)):
        return value  # keeps %d and %.2f working; numbers are never registered (too short or not text)
    text = str(value)
    cleaned = redact(text)
    return value if cleaned == text else cleaned


def redact_record(record: logging.LogRecord) -> None:
    """Redact a record in place: its message, its arguments, and any exception or stack text."""
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    elif record.msg is not None:
        text = str(record.msg)
        cleaned = redact(text)
        if cleaned != text:
            record.msg = cleaned
    args = record.args
    if isinstance(args, Mapping):
        record.args = {key: _redact_argument(value) for key, value in args.items()}
    elif isinstance(args, tuple):
        record.args = tuple(_redact_argument(value) for value in args)
    if record.exc_info and not record.exc_text:
        # Drivers put DSNs and values in exception messages; format the traceback now to scrub it.
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


class SecretRedactionFilter(logging.Filter):
    """Attach to a handler (or logger) to redact every record passing through; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


_installed = threading.Lock()
_factory_installed = False


def install_log_redaction(handlers: Iterable[logging.Handler] | None = None) -> None:
    """Redact every log record this process creates, whatever logger or handler it goes to.

    Wraps the log record factory (a handler filter would miss handlers added later, a logger filter misses
    records propagated from child loggers). Optional `handlers` also get the filter. Safe to call twice.
    """
    global _factory_installed
    with _installed:
        if not _factory_installed:
            previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                redact_record(record)
                return record

            logging.setLogRecordFactory(factory)
            _factory_installed = True
    for handler in handlers or ():
        if not any(isinstance(f, SecretRedactionFilter) for f in handler.filters):
            handler.addFilter(SecretRedactionFilter())
