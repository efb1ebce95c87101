"""Client identity (CS-REF-04): one normalised key for every spelling of the same client.

Reading (docs/program-rules.md): a client is named by its organisation name and, optionally, its
website. Each yields a key; two referrals are for the same client when any key matches.
- Names: Unicode compatibility form, accents removed, lower case; `&` read as `and`;
  punctuation dropped; a leading "the" and trailing legal-form words (Inc, Ltd, SAS, GmbH, ...)
  removed, repeatedly; what is left is kept as letters and digits only.
  "ACME, Inc.", "Acme Inc", "acme" and "ACME SAS" all give `acme`.
- Look-alike letters: a name that mixes Latin letters with others, or whose letters all look
  like Latin ones, is read as its Unicode TR39 skeleton (each character confusable with a Latin
  one replaced by it), word by word: "\u0410cme" (a Cyrillic A) and an all-Cyrillic
  "\u0410\u0421\u0415" give the keys of "Acme" and "Ace". Genuine non-Latin names keep their own
  letters: "Яндекс" and "阿里巴巴" are clients with their own keys.
- Websites: scheme, `www.`, user, port, path, query and fragment dropped (rules.partner_fields),
  then the label left of the public suffix, read from the Public Suffix List with its private
  section (the package's bundled snapshot, no network): `https://www.acme.com/fr`, `acme.com`
  and `acme.co.uk` all give `acme`; `alpha.myshopify.com` and `beta.myshopify.com` are two
  clients, `alpha` and `beta`. An internationalised label is read as its letters, so
  `яндекс.рф` (`xn--d1acpjx3f.xn--p1ai`) keys as the name "Яндекс", and a look-alike domain
  such as `\u0430cme.com` (a Cyrillic a) as `acme`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables  # type: ignore[import-untyped]
from publicsuffixlist import PublicSuffixList

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
_NON_WORD = re.compile(r"[\W_]+")
_SUFFIXES = PublicSuffixList()  # bundled snapshot, ICANN and private sections


@lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str:
    """The Latin character a non-Latin one is confusable with (TR39 data), else itself."""
    if _is_latin(char):
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    for item in found or []:
        for glyph in item["homoglyphs"]:
            target = str(glyph["c"])
            if len(target) == 1 and target.isascii() and target.isalnum():
                return target
    return char


def skeleton(text: str) -> str:
    """`text` with look-alike letters replaced by their Latin prototypes (Unicode TR39)."""
    return "".join(_latin_lookalike(c) for c in unicodedata.normalize("NFD", text))


def _is_latin(char: str) -> bool:
    return char.isascii() or unicodedata.name(char, "").startswith("LATIN")


def _unspoofed_word(word: str) -> str:
    mapped = skeleton(word)
    letters = [c for c in word if c.isalpha()]
    if any(_is_latin(c) for c in letters) or all(_is_latin(c) for c in mapped if c.isalpha()):
        return mapped
    return word


def _unspoofed(text: str) -> str:
    """Each word that mixes Latin with look-alikes, or is made only of look-alikes of Latin
    letters, read as its skeleton; a genuine non-Latin word as written."""
    return " ".join(_unspoofed_word(w) for w in text.split())


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", _unspoofed(text))
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
    registrable = _SUFFIXES.privatesuffix(domain)
    if registrable is None:  # the domain is itself a public suffix
        return None
    label = _unicode_label(registrable.split(".", 1)[0])
    return _NON_WORD.sub("", _fold(label)) or None


def _unicode_label(label: str) -> str:
    """An internationalised label (`xn--d1acpjx3f`) as its letters (`яндекс`), so a site keys
    like its name and a look-alike site like the Latin one; any other label as it is."""
    if not label.startswith("xn--"):
        return label
    try:
        return label.encode("ascii").decode("idna")
    except UnicodeError:
        return label


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
