"""CanvasState documents as the SPA saves them: a few positioned nodes, a group, a focused view."""

from __future__ import annotations

from typing import Any


def layout(*, without: tuple[str, ...] = (), **changes: Any) -> dict[str, Any]:
    """A valid CanvasState v1 document; `changes` replace top-level members, `without` removes some."""
    document: dict[str, Any] = {
        "version": 1,
        "viewport": {"x": -120.5, "y": 40, "zoom": 0.75},
        "positions": {
            "model.jaffle_shop.customers": {"x": 0, "y": 0, "pinned": True},
            "model.jaffle_shop.orders": {"x": 320.25, "y": -80, "pinned": False},
            "folder:models/staging": {"x": -400, "y": 12.5, "pinned": False},
        },
        "groups": {
            "folder:models/staging": {
                "label": "staging",
                "members": ["model.jaffle_shop.stg_customers", "model.jaffle_shop.stg_orders"],
            }
        },
        "collapsed": ["folder:models/staging"],
        "mode": "focused",
        "groupBy": "folder",
        "focus": "model.jaffle_shop.customers",
        "depth": 2,
    }
    document.update(changes)
    for key in without:
        del document[key]
    return document
