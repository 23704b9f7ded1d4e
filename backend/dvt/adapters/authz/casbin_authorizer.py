"""Authorization decisions by Casbin: RBAC with domains (the tenant), over one actor's grants.

The model is built once per process; each request gets an enforcer holding only the grants of its
actor's principals in its tenant (a handful of rows, loaded in one statement), so no replica ever decides
on a stale copy of the policy.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import cache

import casbin
from casbin.model import Model

from dvt.domain.authorization import ROLE_PERMISSIONS, Grant, Permission, covers

MODEL = """
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, role

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.sub == p.sub && r.dom == p.dom && scopeCovers(p.obj, r.obj) && g(r.act, p.role)
"""


@cache
def _role_rules() -> tuple[tuple[str, str], ...]:
    """`g, permission, role` for every permission a role holds: the table in the domain is the source."""
    return tuple((p.value, r.value) for r, held in ROLE_PERMISSIONS.items() for p in sorted(held))


class CasbinAuthorizer:
    def __init__(self, tenant_id: uuid.UUID, principals: Iterable[str], grants: Iterable[Grant]) -> None:
        self._domain = str(tenant_id)
        self._principals = tuple(principals)
        model = Model()
        model.load_model_from_text(MODEL)
        self._enforcer = casbin.Enforcer(model)
        self._enforcer.add_function("scopeCovers", covers)
        self._enforcer.add_named_grouping_policies("g", [list(rule) for rule in _role_rules()])
        rules = [[g.principal, str(g.tenant_id), g.scope, g.role.value] for g in grants]
        if rules:
            self._enforcer.add_policies(rules)
        self._decided: dict[tuple[Permission, str], bool] = {}
        self._held = {(g.role, g.scope) for g in grants if g.tenant_id == tenant_id}

    def can(self, permission: Permission, scope: str) -> bool:
        key = (permission, scope)
        if key not in self._decided:
            self._decided[key] = any(
                self._enforcer.enforce(principal, self._domain, scope, permission.value)
                for principal in self._principals
            )
        return self._decided[key]

    def reaches(self, permission: Permission, scope: str) -> bool:
        """Whether the permission holds on this scope or on something inside it (to show the way there)."""
        return self.can(permission, scope) or any(
            permission in ROLE_PERMISSIONS[role] and covers(scope, held) for role, held in self._held
        )

    def holds_anywhere(self, permission: Permission) -> bool:
        """Whether any grant gives this permission on some scope (the cheap gate before a field runs)."""
        return any(permission in ROLE_PERMISSIONS[role] for role, _ in self._held)
