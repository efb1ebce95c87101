"""Client identity (CS-REF-04): one normalised key for every spelling of the same client.

Reading (docs/program-rules.md): a client is named by its organisation name and, optionally, its
website. Each yields a key; two referrals are for the same client when any key matches.
- Names: Unicode compatibility form, accents removed, lower case; `&` read as `and`;
  punctuation dropped; a leading "the" and trailing legal-form words (Inc, Ltd, SAS, GmbH, ...)
  removed, repeatedly; what is left is kept as letters and digits only.
  "ACME, Inc.", "Acme Inc", "acme" and "ACME SAS" all give `acme`.
- Websites: scheme, `www.`, user, port, path, query and fragment dropped (rules.partner_fields),
  then the registrable name without its public suffix: `https://www.acme.com/fr`, `acme.com`
  and `acme.co.uk` all give `acme`.
"""

from __future__ import annotations

import re
import unicodedata

from rules.partner_fields import normalize_domain

LEGAL_FORMS = frozenset(
    {
        "ab",
        "ag",
        "aps",
        "as",
        "asa",
        "bhd",
        "bv",
        "co",
        "company",
        "corp",
        "corporation",
        "cv",
        "eurl",
        "gbr",
        "gmbh",
        "inc",
        "incorporated",
        "kft",
        "kg",
        "kk",
        "limited",
        "llc",
        "llp",
        "lp",
        "ltd",
        "ltda",
        "nv",
        "oy",
        "oyj",
        "plc",
        "pte",
        "pty",
        "pvt",
        "sa",
        "sarl",
        "sas",
        "sasu",
        "sca",
        "scs",
        "sdn",
        "se",
        "sl",
        "slu",
        "snc",
        "spa",
        "sprl",
        "srl",
        "ug",
        "vof",
    }
)
SECOND_LEVEL = frozenset(
    {"ac", "co", "com", "edu", "gob", "gouv", "gov", "ltd", "ne", "net", "or", "org", "plc"}
)
_NON_WORD = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def looks_like_website(text: str) -> bool:
    """Whether a client reference is a URL or a bare domain rather than a name."""
    value = text.strip()
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I)) or (
        " " not in value and "." in value and normalize_domain(value) is not None
    )


def name_key(name: str) -> str:
    """The key of an organisation name; empty when nothing distinctive is left."""
    words = _NON_WORD.sub(" ", _fold(name).replace("&", " and ")).split()
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1:
        if words[-1] in LEGAL_FORMS:
            words.pop()
            continue
        # Dotted abbreviations split into letters ("S.A.R.L." -> s a r l): fold them back.
        run = 0
        while run < len(words) - 1 and len(words[-1 - run]) == 1:
            run += 1
        size = next((n for n in range(run, 1, -1) if "".join(words[-n:]) in LEGAL_FORMS), 0)
        if not size:
            break
        del words[-size:]
    return "".join(words)


def website_key(website: str) -> str | None:
    """The key of a website or domain; None when it is not one."""
    domain = normalize_domain(website)
    if domain is None:
        return None
    labels = domain.split(".")
    if len(labels) >= 3 and labels[-2] in SECOND_LEVEL and len(labels[-1]) == 2:
        label = labels[-3]
    else:
        label = labels[-2]
    return _NON_WORD.sub("", _fold(label)) or None


def client_keys(name: str, website: str | None = None) -> frozenset[str]:
    """Every key a referral claims for its client (a name given as a URL counts as a site)."""
    keys = set()
    for value in (name, website or ""):
        if not value.strip():
            continue
        key = website_key(value) if looks_like_website(value) else name_key(value)
        if key:
            keys.add(key)
    return frozenset(keys)
