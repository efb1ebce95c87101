"""Read ahead for a page of partners (issue 14): what the selected fields of its partners
need, loaded in this round of batches, so those fields answer without awaiting."""

from __future__ import annotations

from collections.abc import Sequence

from models.partners.records import AnyPartner
from schema.context import Info
from schema.lookahead import CONNECTION_NODES, Path, arguments_at, selects, under
from schema.partners.activity import read_referral_pages
from schema.referrals.types import read_ahead as referrals_read_ahead


async def read_ahead(info: Info, rows: Sequence[AnyPartner], at: Sequence[Path]) -> None:
    """Memberships (with their tiers), agreements, and the programs for agreement statuses;
    each `referrals` page the selection asks, with what its referrals' fields need: the
    statements the fields would run anyway, run before them."""
    if not rows:
        return
    loaders = info.context.loaders
    ids = [r.id for r in rows]
    if selects(info, *under(at, ("memberships",))):
        await loaders.memberships_of_partner.read_ahead(ids)
    if selects(info, *under(at, ("agreements",))):
        agreements = await loaders.agreements_of_partner.read_ahead(ids)
        if any(agreements) and selects(info, *under(at, ("agreements", "status"))):
            await loaders.all_programs()
    for path in under(at, ("referrals",)):
        for arguments in arguments_at(info, path):
            referrals = await read_referral_pages(info, ids, **arguments)
            await referrals_read_ahead(info, referrals, under([path], *CONNECTION_NODES))
