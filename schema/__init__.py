"""The GraphQL schema of PartnerGraph."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.extensions.base_extension import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.agreements.mutations import AgreementMutations
from schema.agreements.receipts import ReceiptMutations
from schema.agreements.termination import TerminationMutations
from schema.agreements.types import Acceptance, Agreement
from schema.apikeys.mutations import ApiKeyMutations
from schema.commissions.corrections import LedgerMutations
from schema.commissions.mutations import CommissionMutations, StatementMutations
from schema.commissions.types import Commission, QualifiedAgreement
from schema.cost import MAX_COST, QueryCost
from schema.document_cache import DocumentCache, Documents
from schema.documents.mutations import TemplateMutations
from schema.documents.types import Document
from schema.errors import ErrorCodes
from schema.imports.mutations import ImportMutations
from schema.lean import LeanExecutionContext, lean_resolvers
from schema.partners.membership_mutations import MembershipMutations
from schema.partners.mutations import PartnerMutations
from schema.partners.types import Membership, Partner, TierChange
from schema.programs.types import Benefit, Program, Requirement, Tier
from schema.queries import Query
from schema.referrals.mutations import ActiveOpportunityMutations, ReferralMutations
from schema.referrals.types import Referral
from schema.scalars import SCALAR_MAP, StringChecks
from schema.support.mutations.incidents import IncidentMutations
from schema.support.mutations.profiles import SupportProfileMutations
from schema.support.types import Incident
from schema.tiers.mutations.engagement_plans import EngagementPlanMutations
from schema.tiers.mutations.evidence import EvidenceMutations
from schema.tiers.mutations.invitations import InvitationMutations
from schema.tiers.mutations.mdf import MdfMutations
from schema.tiers.mutations.obligations import ObligationMutations
from schema.webhooks.events import WebhookEventMutations
from schema.webhooks.mutations import WebhookMutations

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5_000


@strawberry.type
class Mutation(
    PartnerMutations,
    MembershipMutations,
    AgreementMutations,
    TerminationMutations,
    ReceiptMutations,
    TemplateMutations,
    ReferralMutations,
    CommissionMutations,
    LedgerMutations,
    ActiveOpportunityMutations,
    StatementMutations,
    SupportProfileMutations,
    IncidentMutations,
    EvidenceMutations,
    EngagementPlanMutations,
    InvitationMutations,
    MdfMutations,
    ObligationMutations,
    WebhookMutations,
    WebhookEventMutations,
    ImportMutations,
    ApiKeyMutations,
):
    """Every mutation takes one `input` and returns a payload with `userErrors`."""


class PartnerGraphSchema(strawberry.Schema):
    """Strawberry's schema, leaving error logging to ErrorCodes (unexpected errors only)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def build_schema(
    *, introspection: bool = True, max_cost: int = MAX_COST, max_tokens: int = MAX_TOKENS
) -> strawberry.Schema:
    """The schema, with limits and error codes; introspection and field suggestions follow
    the environment (both off in production)."""
    # The limits' validation rules are classes made once here: each limiter makes a new class
    # whenever it is built, and one per request cost its making and a class for the cyclic
    # garbage collector every time (issue 14).
    limits = [
        *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    ]
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        lambda: AddValidationRules(limits),
        lambda: QueryCost(max_cost),
        StringChecks,
        lambda: ErrorCodes(suggestions=introspection),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    documents = Documents()
    extensions.append(lambda: DocumentCache(documents))  # last: after the request's checks
    schema = PartnerGraphSchema(
        query=Query,
        mutation=Mutation,
        types=[
            Program,
            Tier,
            Benefit,
            Requirement,
            Partner,
            Membership,
            TierChange,
            Agreement,
            Referral,
            QualifiedAgreement,
            Commission,
            Incident,
            Acceptance,
            Document,
        ],
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True, scalar_map=SCALAR_MAP),
        execution_context_class=LeanExecutionContext,
    )
    lean_resolvers(schema)
    return schema
