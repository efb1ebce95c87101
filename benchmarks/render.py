"""Benchmark: render N agreement acceptances, against a bare docxtpl render of the same template.

Usage: `make bench` (N=1000) or `python -m benchmarks.render --count 200`. Prints milliseconds
per document. Goal: <= 5 ms per document (templates compiled once per version).
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from typing import Any

from docxtpl import DocxTemplate

from benchmarks.common import load_average
from contract_templates.compiled import compiled
from tests.helpers.documents import agreement_document, newest

TEMPLATE_ID = "segment-program-agreement"


def _time(count: int, make: Callable[[int], bytes]) -> float:
    started = time.perf_counter()
    for i in range(count):
        make(i)
    return (time.perf_counter() - started) * 1000 / count


GOAL_MS = 5.0


def _renderers() -> tuple[Callable[[int], bytes], Callable[[int], bytes], int]:
    """Our compiled render and a bare docxtpl render of the same template and context."""
    entry, data = newest(TEMPLATE_ID, "segment-technology")
    _, sample = agreement_document("segment-technology", TEMPLATE_ID)
    context: dict[str, Any] = {**sample, "document": {**sample["document"], "id": "bench"}}
    template_once = compiled(data)  # compiled once per version, as the service does

    def ours(i: int) -> bytes:
        return template_once.render(context)

    def bare(i: int) -> bytes:
        template = DocxTemplate(io.BytesIO(data))
        template.render(context, autoescape=True)
        out = io.BytesIO()
        template.save(out)
        return out.getvalue()

    ours(0), bare(0)  # warm up imports and caches
    return ours, bare, entry.version


def render_ms(count: int) -> float:
    """Milliseconds per document of our compiled render."""
    ours, _, _ = _renderers()
    return _time(count, ours)


def main() -> int:
    """Run the benchmark and print a small table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000, help="documents per run")
    args = parser.parse_args()
    ours, bare, version = _renderers()
    bare_ms = _time(args.count, bare)
    ours_ms = _time(args.count, ours)
    print(f"{args.count} acceptances of {TEMPLATE_ID} v{version} (load average {load_average()})")
    print(f"  bare docxtpl render           {bare_ms:8.2f} ms/document")
    print(
        f"  PartnerGraph compiled render  {ours_ms:8.2f} ms/document "
        f"({ours_ms / bare_ms:.2f}x bare, {ours_ms / GOAL_MS:.2f}x goal)"
    )
    print(f"  goal                          <= {GOAL_MS:.2f} ms/document")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
