"""The GraphQL schema: one Query and one Mutation composed from each area's fields, with limits."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import cache

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from dvt.api import permissions
from dvt.api.access.schema import AccessMutation, AccessQuery
from dvt.api.canvas.schema import CanvasMutation, CanvasQuery
from dvt.api.context import Info
from dvt.api.errors import (
    AuditDenials,
    IntrospectionSwitch,
    MaskUnexpectedErrors,
    RefuseNul,
    SubscriptionsOverWebSocket,
    log_errors,
)
from dvt.api.graph.schema import GraphMutation, GraphQuery
from dvt.api.graph.types import ArtifactType, GraphNodeType, GraphVersionType, InvocationType
from dvt.api.jobs.schema import JobMutation, JobQuery
from dvt.api.jobs.types import JobType
from dvt.api.plans.diff import DiffQuery
from dvt.api.plans.schema import PlanMutation, PlanQuery
from dvt.api.plans.types import PlanType
from dvt.api.runs.schema import RunMutation, RunQueryFields, RunSubscription
from dvt.api.runs.types import RunType
from dvt.api.scalars import SCALAR_OVERRIDES
from dvt.api.tenancy.schema import TenancyMutation, TenancyQuery
from dvt.api.tenancy.types import EnvironmentType, OrganizationType, ProjectType, TenantType
from dvt.domain.authorization import Permission

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5_000


@strawberry.type
class Query(TenancyQuery, GraphQuery, AccessQuery, PlanQuery, DiffQuery, RunQueryFields, CanvasQuery, JobQuery):
    @permissions.field(Permission.VIEW, description="Any object by its global id, if you may see it")
    async def node(self, info: Info, id: relay.GlobalID) -> relay.Node | None:
        try:
            found: relay.Node | None = await id.resolve_node(info)
        except (ValueError, TypeError, KeyError):
            return None  # an id of no Node type, or malformed: it finds nothing, like another tenant's
        return found


@strawberry.type
class Mutation(TenancyMutation, GraphMutation, AccessMutation, PlanMutation, RunMutation, CanvasMutation, JobMutation):
    pass


@strawberry.type
class Subscription(RunSubscription):
    pass


# The limits' validation rules, made once: the validation cache is keyed by the rules, so rules made anew for
# every request would never hit it.
LIMITS = (
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
)
# Documents a client sends again and again (the SPA's, a CI script's) are parsed and validated once per process:
# both are pure functions of the text, the schema and the rules, and cost more than most resolvers. Bounded, so
# unique texts only churn the caches.
DOCUMENTS_CACHED = 256


class CachedParsing(ParserCache):
    """strawberry's parser cache, leaving a document that does not parse to strawberry's own parse: it reports
    the syntax error as the request's error on every transport (raised here, it would end a WebSocket)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None:
            with contextlib.suppress(GraphQLError):
                context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        yield


class CachedValidation(ValidationCache):
    """strawberry's validation cache, handing each request its own list of the cached errors (a request's
    error handling must not edit the list the next request gets)."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        schema, document, rules = context.schema._schema, context.graphql_document, context.validation_rules
        errors = self.cached_validate_document(schema, document, rules)
        context.pre_execution_errors = list(errors)
        yield


# Factories, so every request gets fresh extension state.
EXTENSIONS: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
    lambda: AddValidationRules(list(LIMITS)),
    lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    lambda: CachedParsing(maxsize=DOCUMENTS_CACHED),
    lambda: CachedValidation(maxsize=DOCUMENTS_CACHED),
    MaskUnexpectedErrors,
    AuditDenials,
    IntrospectionSwitch,
    SubscriptionsOverWebSocket,
    RefuseNul,
]


class DvtSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Strawberry logs every error with its traceback; DVT logs refusals as one line (`log_errors`)."""
        log_errors(errors)


@cache  # strawberry binds field extensions once per class: build the schema once per process
def create_schema() -> strawberry.Schema:
    """The one schema of the process; introspection is switched per request (`IntrospectionSwitch`)."""
    return DvtSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[
            TenantType,
            OrganizationType,
            ProjectType,
            EnvironmentType,
            GraphVersionType,
            GraphNodeType,
            ArtifactType,
            InvocationType,
            PlanType,
            RunType,
            JobType,
        ],
        extensions=EXTENSIONS,
        scalar_overrides=SCALAR_OVERRIDES,
    )
