"""Read ahead for a page of partners (issue 14): what the selected fields of its partners
need, loaded in this round of batches, so those fields answer without awaiting."""

from __future__ import annotations

from collections.abc import Sequence

from models.partners.records import AnyPartner
from schema.context import Info
from schema.lookahead import Path, selects, under


async def read_ahead(info: Info, rows: Sequence[AnyPartner], at: Sequence[Path]) -> None:
    """Memberships (with their tiers), agreements, and the programs for agreement statuses:
    the statements the fields would run anyway, run before them."""
    if not rows:
        return
    loaders = info.context.loaders
    ids = [r.id for r in rows]
    if selects(info, *under(at, ("memberships",))):
        await loaders.memberships_of_partner.load_many(ids)
    if selects(info, *under(at, ("agreements",))):
        agreements = await loaders.agreements_of_partner.load_many(ids)
        if any(agreements) and selects(info, *under(at, ("agreements", "status"))):
            await loaders.all_programs()
