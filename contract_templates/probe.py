"""A trial render before a template is published (issue 13): every variable is a stand-in value
that answers any attribute, item, loop or call, so a template that the sandbox would refuse at
render time, whatever the data (`{{ ''|attr('__class__') }}` once passed the static check and
then failed every render), is refused at upload instead."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from contract_templates.compiled import compiled
from contract_templates.renderer import TemplateError, TemplateInfo

# Refusals that cannot depend on the data: the sandbox, a range over its limit, markup left
# behind. Others (a filter given a stand-in instead of a date) are the data's, not the template's.
DATA_INDEPENDENT = frozenset({"SANDBOX_VIOLATION", "UNRENDERED_MARKUP"})
_PASSED: set[str] = set()  # SHA-256 of templates that passed (a template never changes)


class Sample:
    """A stand-in for any value a template may read."""

    def __str__(self) -> str:
        return "sample"

    def __html__(self) -> str:
        return "sample"

    def __getattr__(self, name: str) -> Sample:
        if name.startswith("_"):
            raise AttributeError(name)
        return Sample()

    def __getitem__(self, _key: Any) -> Sample:
        return Sample()

    def __iter__(self) -> Iterator[Sample]:
        return iter((Sample(),))

    def __len__(self) -> int:
        return 1

    def __call__(self, *_args: Any, **_kwargs: Any) -> Sample:
        return Sample()


def trial_render(data: bytes, info: TemplateInfo) -> None:
    """Render the template once on stand-in values; raise TemplateError when it cannot be
    rendered whatever the data."""
    digest = hashlib.sha256(data).hexdigest()
    if digest in _PASSED:
        return
    template = compiled(data)  # compiled once per content, reused by later renders
    try:
        template.render({name: Sample() for name in info.variables})
    except TemplateError as exc:
        if exc.code in DATA_INDEPENDENT:
            raise
    except OverflowError as exc:  # the sandbox's range limit
        raise TemplateError("SANDBOX_VIOLATION", f"the template cannot render: {exc}") from exc
    except Exception:  # noqa: S110 (a stand-in is not real data: see DATA_INDEPENDENT)
        pass
