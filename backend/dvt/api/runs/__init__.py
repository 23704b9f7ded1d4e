"""Runs in GraphQL: trigger, cancel, retry, read, and follow live."""
