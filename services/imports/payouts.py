"""Imported payouts: checked against the ledger recomputed from the imported facts, then
recorded as paid (CS-REF-07/14, CS-AGR-11)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Commission, ExternalId, Payout, TaxDocument
from models.base import utcnow
from rules import ledger
from rules.citations import citing
from rules.money import round_money
from services.commissions.facts import load_facts, terms_of
from services.commissions.ledger import line_json
from services.commissions.settlement import adjustment_rows, settled_facts, settlement
from services.errors import ImportErrorCode as Code
from services.imports.checks_commissions import qualified_of
from services.imports.checks_evidence import check_amount
from services.imports.plan import Plan
from services.imports.reading import ParsedFile, Row
from services.referrals.policy import referral_policy


async def check_payouts(
    session: AsyncSession, plan: Plan, parsed: ParsedFile, rows: list[Row]
) -> None:
    """What a payout row says on its own: dated between the signing and today, its amounts
    consistent (due = gross + adjustments, withholding = due x rate, net = due - withholding -
    setOff, the set-off no more than due - withholding, as recordPayout refuses it)."""
    for row in rows:
        v = row.values
        q = plan.ref(parsed, row, "qualifiedAgreement", "qualified_agreements")
        ok = plan.not_after_today(parsed, row, "paidOn")
        ok = check_amount(parsed, row, "gross", v["gross"]) and ok
        for column in ("withholding", "setOff", "withholdingRate"):
            ok = check_amount(parsed, row, column, v[column], zero=True) and ok
        if not ok or q is None:
            continue
        currency = plan.program.currency
        due = v["gross"] + _adjustments(row)
        if v["withholding"] != round_money(due * v["withholdingRate"], currency):
            parsed.error(
                row,
                "withholding",
                Code.AMOUNTS_DISAGREE,
                "withholding is not (gross + adjustments) x rate",
            )
            continue
        if v["setOff"] > due - v["withholding"]:
            parsed.error(row, "setOff", Code.SET_OFF_TOO_LARGE, "the set-off exceeds what is due")
            continue
        if v["net"] != due - v["withholding"] - v["setOff"]:
            parsed.error(
                row,
                "net",
                Code.AMOUNTS_DISAGREE,
                "net is not gross + adjustments - withholding - setOff",
            )
            continue
        if v["setOff"] > 0 and not v["setOffReason"]:
            parsed.error(row, "setOffReason", Code.REQUIRED, "say what the set-off is for")
            continue
        qualified = await qualified_of(session, plan, q)
        if v["paidOn"] < qualified["signed_on"]:
            parsed.error(row, "paidOn", Code.OUT_OF_ORDER, "paidOn is before the signing")
            continue
        plan.ledger_partners.add(qualified["partner_id"])
        plan.payouts.append((row, q))


def _adjustments(row: Row) -> Decimal:
    """The adjustments a payout row says it carries (none when the column is absent or empty)."""
    value = row.values.get("adjustments")
    return Decimal(0) if value is None else Decimal(value)


async def record_payouts(session: AsyncSession, plan: Plan, parsed: ParsedFile) -> set[uuid.UUID]:
    """Pay each commission on its date, once the ledger holds the imported facts: payable then
    (the client paid in full), the gross equal to the ledger's amount on that day and the
    adjustments the ones `recordPayout` would settle then (issue 11), each payout then read back
    into the partner's facts so the next one sees it.

    Returns the partners paid."""
    by_partner: dict[uuid.UUID, list[tuple[Row, uuid.UUID]]] = defaultdict(list)
    for row, q in plan.payouts:
        by_partner[(await qualified_of(session, plan, q))["partner_id"]].append((row, q))
    terms = terms_of(referral_policy(plan.program))
    partners = sorted(by_partner)
    commissions: dict[uuid.UUID, Commission] = {}
    for i in range(0, len(partners), 2000):
        for c in await session.scalars(
            select(Commission).where(
                Commission.partner_id.in_(partners[i : i + 2000]),
                Commission.program_id == plan.program.id,
            )
        ):
            commissions[c.qualified_agreement_id] = c
    ids = {str(q): c.id for q, c in commissions.items()}
    documents = await _tax_documents(session, partners)
    required = referral_policy(plan.program).tax_documentation_required
    tax_rules = referral_policy(plan.program).rules_of("tax_documentation_required")
    for partner in partners:
        items = by_partner[partner]
        facts = plan.facts.get(partner) or await load_facts(session, plan.program, partner)
        items.sort(key=lambda item: (item[0].values["paidOn"], item[0].external_id))
        for row, q in items:
            if not _taxed(parsed, row, documents.get(partner, []), required, tax_rules):
                continue
            state = ledger.ledger_on(facts, terms, row.values["paidOn"])
            paid = _pay(session, plan, parsed, commissions.get(q), state, str(q), row)
            if paid is not None:
                fact, settled = paid
                session.add_all(adjustment_rows(uuid.UUID(fact.key), settled, ids))
                facts = replace(facts, payouts=(*facts.payouts, fact))
    await session.flush()
    return set(by_partner)


async def _tax_documents(
    session: AsyncSession, partners: list[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[date, Decimal]]]:
    """The partners' tax documents (recorded or imported now), by partner, oldest first."""
    found: dict[uuid.UUID, list[tuple[date, Decimal]]] = defaultdict(list)
    for i in range(0, len(partners), 2000):
        rows = await session.execute(
            select(TaxDocument.partner_id, TaxDocument.received_on, TaxDocument.withholding_rate)
            .where(TaxDocument.partner_id.in_(partners[i : i + 2000]))
            .order_by(TaxDocument.received_on, TaxDocument.created_at)
        )
        for partner, received, rate in rows:
            found[partner].append((received, Decimal(rate)))
    return found


def _taxed(
    parsed: ParsedFile,
    row: Row,
    documents: list[tuple[date, Decimal]],
    required: bool,
    cites: tuple[str, ...] = (),
) -> bool:
    """Whether a payout agrees with the tax documentation on file on its day, as recordPayout
    reads it (CS-REF-08): present where the program requires it; its withholding rate."""
    paid: date = row.values["paidOn"]
    on_file = [rate for received, rate in documents if received <= paid]
    if required and not on_file:
        parsed.error(
            row,
            "paidOn",
            Code.TAX_DOCUMENTATION_MISSING,
            citing(cites, f"no tax documentation on file on {paid} (tax_documents.csv)"),
        )
        return False
    rate = on_file[-1] if on_file else Decimal(0)
    if row.values["withholdingRate"] != rate:
        parsed.error(
            row,
            "withholdingRate",
            Code.AMOUNTS_DISAGREE,
            f"the tax documentation on file on {paid} sets a withholding rate of {rate}",
        )
        return False
    return True


def _pay(
    session: AsyncSession,
    plan: Plan,
    parsed: ParsedFile,
    commission: Commission | None,
    state: ledger.Ledger,
    qualified: str,
    row: Row,
) -> tuple[ledger.PayoutFact, list[ledger.Adjustment]] | None:
    """Record one payout as `recordPayout` would on its date; the payout as the ledger reads it
    and the adjustments it settles, or None (the row's error reported)."""
    v = row.values
    entry = state.entries.get(qualified)
    if commission is not None and commission.paid_on is not None:
        parsed.error(row, "qualifiedAgreement", Code.ALREADY_PAID, f"paid on {commission.paid_on}")
        return None
    if commission is None or entry is None or entry.payable_on is None:
        parsed.error(
            row,
            "paidOn",
            Code.NOT_PAYABLE,
            citing(
                referral_policy(plan.program).rules_of("paid_in_full"),
                "on that day the program had not received the client's full payment",
            ),
        )
        return None
    gross = Decimal(v["gross"])
    if gross != entry.amount:
        parsed.error(
            row,
            "gross",
            Code.AMOUNTS_DISAGREE,
            f"the commission from the imported facts was {entry.amount} on {v['paidOn']}",
        )
        return None
    figures = settlement(state, entry, Decimal(v["withholdingRate"]), commission.currency)
    if _adjustments(row) != figures.carried:
        parsed.error(
            row,
            "adjustments",
            Code.AMOUNTS_DISAGREE,
            f"the adjustments carried to this payout on {v['paidOn']} were {figures.carried}",
        )
        return None
    recorded = utcnow()
    payout = Payout(
        id=uuid.uuid4(),
        commission_id=commission.id,
        paid_on=v["paidOn"],
        currency=commission.currency,
        gross=gross,
        adjustments=figures.carried,
        withholding=v["withholding"],
        withholding_rate=v["withholdingRate"],
        set_off=v["setOff"],
        set_off_reason=v["setOffReason"],
        net=v["net"],
        reference=v["reference"] or "",
        created_at=recorded,
    )
    session.add(payout)
    target = ("Commission", commission.id)
    plan.mark("payouts", row, "paidOn", "recordPayout", target, commission.partner_id)
    commission.paid_on = v["paidOn"]
    commission.amount = gross
    commission.ncr = entry.ncr
    commission.lines = [line_json(line, commission.currency) for line in entry.lines]
    session.add(
        ExternalId(
            program_id=plan.program.id,
            kind="payouts",
            external_id=row.external_id,
            entity_id=payout.id,
        )
    )
    settled = settled_facts(figures.settled)
    fact = ledger.PayoutFact(str(payout.id), qualified, v["paidOn"], gross, recorded, settled)
    return fact, figures.settled
