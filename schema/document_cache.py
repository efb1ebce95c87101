"""Parse and validate a query text once (issue 14): clients send the same few documents (and
persisted queries by hash), so each text is parsed and checked against the schema's rules once
per schema, not on every request.

What depends on the request is still done on every request: the variables are checked (string
checks, cost with the real page sizes) and the operation runs. Only documents that passed
validation are kept, and only their own answer is reused: a document with errors is parsed and
validated again every time (its errors are then built fresh, as without the cache). The
validation rules are the schema's own (limits fixed when the schema is built), so the text and
parse options are the whole key.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions.base_extension import SchemaExtension

CAPACITY = 512


@dataclass
class Entry:
    """A parsed document and whether it passed validation."""

    document: DocumentNode
    valid: bool = False


@dataclass
class Documents:
    """The kept documents of one schema, least recently used out first."""

    capacity: int = CAPACITY
    entries: OrderedDict[tuple[str, int | None], Entry] = field(default_factory=OrderedDict)

    def entry(self, query: str, max_tokens: int | None) -> Entry | None:
        """The entry of a text, parsed now if new; None when it does not parse."""
        key = (query, max_tokens)
        found = self.entries.get(key)
        if found is None:
            try:
                document = parse(query, max_tokens=max_tokens)
            except (GraphQLError, RecursionError):
                return None  # strawberry parses it again and reports the error as usual
            found = self.entries[key] = Entry(document)
            while len(self.entries) > self.capacity:
                self.entries.popitem(last=False)
        self.entries.move_to_end(key)
        return found


class DocumentCache(SchemaExtension):
    """Reuse a query text's parsed document and its successful validation.

    Listed after the extensions whose `on_validate` checks the request (cost, strings): they
    run first, and validation is skipped only when they found nothing and the document has
    passed validation before.
    """

    def __init__(self, documents: Documents) -> None:
        self.documents = documents
        self.entry: Entry | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            max_tokens = context.parse_options.get("max_tokens")
            self.entry = self.documents.entry(context.query, max_tokens)
            if self.entry is not None:
                context.graphql_document = self.entry.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        entry = self.entry
        runs = context.pre_execution_errors is None and context.validation_rules != ()
        if runs and entry is not None and entry.valid:
            context.pre_execution_errors = []  # validated before: strawberry skips it
            runs = False
        yield
        if runs and entry is not None and context.pre_execution_errors == []:
            entry.valid = True
