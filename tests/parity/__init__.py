"""Parity of DVT with the real dbt: the same questions, the same answers."""
