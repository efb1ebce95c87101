"""The rule ids a program file section cites (issue 12): `rule_ids`, and `cites` naming the
ids each of its figures comes from."""

from __future__ import annotations

from pydantic import Field, field_validator

from services.programs.sections.fields import RuleId, Strict

# What `cites` may name besides the section's fields: conditions no figure stands for.
TOPICS = frozenset(
    {
        "paid_in_full",
        "through_reseller",
        "paid_under_other_program",
        "active_opportunity",
        "set_off",
        "contacts",
        "entry_tier",
        "rollover",
    }
)


def check_cites(model: type[Strict], cites: dict[str, list[str]]) -> dict[str, list[str]]:
    """`cites` names fields of its own section (or one of `TOPICS`): each figure's rule ids
    (issue 12)."""
    unknown = sorted(set(cites) - set(model.model_fields) - {"rule_ids", "cites"} - TOPICS)
    if unknown:
        raise ValueError(f"cites names no field of this section: {', '.join(unknown)}")
    return cites


CITES_DESCRIPTION = (
    "the rule ids each field's figure comes from, cited by the messages and explanations that "
    "apply it (issue 12); a field not listed is cited by no rule id"
)


class Citing(Strict):
    """A section whose figures cite rule ids: its `rule_ids` and its `cites`."""

    rule_ids: list[RuleId] = []
    cites: dict[str, list[RuleId]] = Field(default={}, description=CITES_DESCRIPTION)

    @field_validator("cites")
    @classmethod
    def _cites(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return check_cites(cls, value)
