"""A seeded generator of a Contentsquare program history as import files (docs/import.md).

`history(partners=..., referrals=..., seed=..., until=...)` returns the files by name (CSV
files in canonical spelling, rows in externalId order, and the attached acceptance documents).
Every partner is active, has accepted the membership agreement and the Referrer Schedule, and
refers clients over three years; a third of the approved referrals are signed, with revenue
kept in the first commission bracket (10%), the client's payment in full, and half of those
commissions paid; every unpaid commission's first revenue line is corrected (every second one
then voided), a quarter of the partners cured a breach notice, and every partner has its tax
documentation on file (a third of them with 10% withholding).
`python -m benchmarks.history FOLDER --partners 100 --referrals 1000` writes them to a folder.
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from services.imports.columns import filename
from services.imports.reading import render_file

MEMBERSHIP = "contentsquare-membership-agreement"
REFERRER = "contentsquare-referrer-schedule"


def _ext(prefix: str, n: int) -> str:
    return f"{prefix}{n:07d}"


def history(
    partners: int, referrals: int, seed: int = 11, until: date | None = None, generated: int = 0
) -> dict[str, bytes]:
    """A program history: `partners` partners sharing `referrals` referrals, every fact dated
    on or before `until` (default: 30 days ago). The first `generated` partners' acceptance
    documents are left to the import to generate; the others are attached files."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible benchmark, not a secret)
    until = until or date.today() - timedelta(days=30)
    start = until - timedelta(days=3 * 365)
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in _KINDS}
    files: dict[str, bytes] = {}
    for i in range(partners):
        p = _ext("P", i)
        joined = start - timedelta(days=rng.randint(30, 400))
        rows["partners"].append(
            {
                "externalId": p,
                "legalName": f"Partner {i} SAS",
                "displayName": f"Partner {i}",
                "country": rng.choice(["FR", "DE", "GB", "US"]),
                "noticeAddress": f"{i} rue de la Paix, Paris",
                "websiteDomain": f"partner{i}.example",
                "capacities": ("referrer",),
            }
        )
        rows["memberships"].append(
            {
                "externalId": _ext("M", i),
                "partner": p,
                "status": "active",
                "joinedOn": joined,
                "tier": "member",
                "effectiveOn": joined,
                "reason": "imported from the previous system",
            }
        )
        for j, kind in enumerate((MEMBERSHIP, REFERRER)):
            document = None
            if i >= generated:
                document = f"acceptance-{p}-{j}.pdf"
                # the click-accepted document of a template version is the same file for
                # every partner (stored once: blobs are content-addressed)
                files[document] = f"%PDF-1.4\n% {kind} v2 as accepted\n".encode()
            rows["agreements"].append(
                {
                    "externalId": _ext(f"A{j}", i),
                    "partner": p,
                    "kind": kind,
                    "appliedOn": joined if kind == REFERRER else None,
                    "effectiveOn": joined,
                    "acceptedAt": datetime.combine(joined, time(9, 30), UTC),
                    "signerName": f"Signer {i}",
                    "signerTitle": "CEO",
                    "signerEmail": f"ceo@partner{i}.example",
                    "templateVersion": 2,
                    "documentFile": document,
                }
            )
        if i % 4 == 1:
            # a breach of the referrer schedule, notified by the operator and cured in time
            rows["agreement_notices"].append(
                {
                    "externalId": _ext("N", i),
                    "partner": p,
                    "agreementKind": REFERRER,
                    "kind": "breach",
                    "reason": "breach",
                    "party": "operator",
                    "cause": "late referral reports",
                    "dispatchedOn": joined + timedelta(days=100),
                    "curedOn": joined + timedelta(days=105),
                }
            )
        rows["tax_documents"].append(
            {
                "externalId": _ext("T", i),
                "partner": p,
                "receivedOn": joined + timedelta(days=5),
                "withholdingRate": _rate(i),
                "reference": f"W-8BEN-{i}",
            }
        )
        rows["evidence"].append(
            {
                "externalId": _ext("E", i),
                "partner": p,
                "kind": "training",
                "title": "Referral training",
                "occurredOn": joined + timedelta(days=10),
                "expiresOn": joined + timedelta(days=375),
            }
        )
    span = (until - start).days - 120
    for n in range(referrals):
        on = start + timedelta(days=rng.randint(0, span))
        _referral(rng, rows, n, n % partners, on)
    for kind, kind_rows in rows.items():
        files[filename(kind)] = render_file(kind, sorted(kind_rows, key=lambda r: r["externalId"]))
    return files


_KINDS = (
    "partners",
    "memberships",
    "agreements",
    "referrals",
    "qualified_agreements",
    "revenue_lines",
    "client_payments",
    "payouts",
    "evidence",
    "revenue_corrections",
    "tax_documents",
    "agreement_notices",
)


def _rate(i: int) -> Decimal:
    """The withholding rate the tax documentation of partner `i` sets (CS-REF-08)."""
    return Decimal("0.1") if i % 3 == 1 else Decimal(0)


def _referral(
    rng: random.Random, rows: dict[str, list[dict[str, Any]]], n: int, i: int, on: date
) -> None:
    partner = _ext("P", i)
    r = _ext("R", n)
    fate = rng.random()
    approved = on + timedelta(days=1) if fate < 0.8 else None
    rows["referrals"].append(
        {
            "externalId": r,
            "partner": partner,
            "clientName": f"Client {n} Group",
            "clientWebsite": f"https://client{n}.example",
            "contactName": f"Contact {n}",
            "contactRole": "CFO",
            "contactEmail": f"cfo@client{n}.example",
            "contactPhone": "+33 1 00 00 00 00",
            "description": "Referred by a partner in the previous system.",
            "submittedOn": on,
            "approvedOn": approved,
            "rejectedOn": on + timedelta(days=2) if approved is None else None,
            "decisionReason": "not a fit" if approved is None else None,
            "meetingOn": approved + timedelta(days=5) if approved else None,
        }
    )
    if approved is None or fate > 0.3:
        return
    signed = approved + timedelta(days=20)
    q = _ext("Q", n)
    rows["qualified_agreements"].append(
        {
            "externalId": q,
            "referral": r,
            "signedOn": signed,
            "products": ("Experience Analytics",),
            "throughReseller": False,
            "paidUnderOtherProgram": False,
            "orderReference": f"SO-{n}",
        }
    )
    fees = [Decimal(rng.randint(10, 200) * 100) for _ in range(rng.randint(1, 2))]
    for k, fee in enumerate(fees):
        rows["revenue_lines"].append(
            {
                "externalId": _ext(f"L{k}", n),
                "qualifiedAgreement": q,
                "kind": "invoiced_fee",
                "amount": fee,
                "occurredOn": signed + timedelta(days=15),
                "description": "annual subscription",
            }
        )
    received = signed + timedelta(days=35)
    rows["client_payments"].append(
        {
            "externalId": _ext("C", n),
            "qualifiedAgreement": q,
            "receivedOn": received,
            "amount": sum(fees),
            "reference": f"WIRE-{n}",
        }
    )
    if fate >= 0.15:
        _corrections(rows, n, signed, fees[0])
    if fate < 0.15:
        gross = sum(fees) * Decimal("0.10")
        withholding = (gross * _rate(i)).quantize(Decimal("0.01"))
        rows["payouts"].append(
            {
                "externalId": _ext("Y", n),
                "qualifiedAgreement": q,
                "paidOn": received + timedelta(days=10),
                "gross": gross,
                "adjustments": Decimal(0),
                "withholdingRate": _rate(i),
                "withholding": withholding,
                "setOff": Decimal(0),
                "net": gross - withholding,
                "reference": f"PAY-{n}",
            }
        )


def _corrections(rows: dict[str, list[dict[str, Any]]], n: int, signed: date, fee: Decimal) -> None:
    """An unpaid commission's first line corrected two months after the signing; every
    second one then voided a month later (a chain of two superseding lines)."""
    rows["revenue_corrections"].append(
        {
            "externalId": _ext("K", n),
            "revenueLine": _ext("L0", n),
            "action": "correct",
            "effectiveOn": signed + timedelta(days=60),
            "kind": "invoiced_fee",
            "amount": fee + 500,
            "occurredOn": signed + timedelta(days=15),
            "description": "price corrected",
        }
    )
    if n % 2 == 0:
        rows["revenue_corrections"].append(
            {
                "externalId": _ext("V", n),
                "revenueLine": _ext("L0", n),
                "action": "void",
                "effectiveOn": signed + timedelta(days=90),
                "description": "subscription cancelled",
            }
        )


def write(files: dict[str, bytes], folder: Path) -> None:
    """Write generated files to a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def main() -> int:
    """Write a generated history to a folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--partners", type=int, default=100)
    parser.add_argument("--referrals", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    write(history(args.partners, args.referrals, args.seed), args.folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
