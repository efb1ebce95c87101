"""CS-REF-04: one client, many spellings."""

from __future__ import annotations

import pytest

from rules.client_identity import client_keys, name_key, website_key

SAME_CLIENT = [
    "ACME, Inc.",
    "Acme Inc",
    "acme",
    "ACME SAS",
    "https://www.acme.com/fr",
    "acme.com",
    "Acme Ltd.",
    "ACME GmbH",
    "acme.co.uk",
    "A.C.M.E. S.A.S.",
    "The Acme Company",
    "ÀCMÉ S.A.R.L.",
    "http://user@shop.acme.com:8080/x?y#z",
]


@pytest.mark.parametrize("spelling", SAME_CLIENT)
def test_spellings_of_one_client_share_a_key(spelling: str) -> None:
    assert client_keys(spelling) == {"acme"}


def test_distinct_clients_stay_distinct() -> None:
    assert name_key("Acme Analytics") == "acmeanalytics"
    assert name_key("Acme Analytics") != name_key("Acme")
    assert name_key("Procter & Gamble Co.") == "procterandgamble"
    assert name_key("Société Générale S.A.") == "societegenerale"


def test_a_name_and_a_website_give_two_keys() -> None:
    assert client_keys("Acme Analytics Inc", "https://acme-analytics.io") == {"acmeanalytics"}
    assert client_keys("Globex", "https://www.initech.com") == {"globex", "initech"}


def test_nothing_distinctive_gives_no_key() -> None:
    assert client_keys("  ") == frozenset()
    assert client_keys("Inc.") == {"inc"}  # a lone legal word is kept, not emptied
    assert website_key("not a domain") is None


def test_sites_on_shared_hosts_are_different_clients() -> None:
    """The Public Suffix List's private section: myshopify.com hosts many clients."""
    assert website_key("https://alpha.myshopify.com/") == "alpha"
    assert website_key("beta.myshopify.com") == "beta"
    assert website_key("shop.acme.co.uk") == "acme"
    assert website_key("myshopify.com") is None  # a public suffix names no client


def test_look_alike_letters_match_their_latin_client() -> None:
    """Unicode TR39 skeletons: a Cyrillic A in "Acme", or a name of look-alikes only."""
    assert "\u0410cme" != "Acme"
    assert client_keys("\u0410cme Inc") == {"acme"}
    assert client_keys("\u0410\u0421\u0415") == client_keys("Ace") == {"ace"}


@pytest.mark.parametrize(
    ("name", "key"), [("Яндекс", "яндекс"), ("Яндекс GmbH", "яндекс"), ("阿里巴巴", "阿里巴巴")]
)
def test_genuine_non_latin_names_have_their_own_keys(name: str, key: str) -> None:
    assert client_keys(name) == {key}
    assert client_keys(name) != client_keys("Yandex")


def test_internationalised_domains_key_as_their_letters() -> None:
    """CS-REF-04 with non-Latin sites: `яндекс.рф`, in Unicode or as punycode, keys as the name
    "Яндекс" (it used to give `xnd1acpjx3f`, matching neither); a look-alike domain with a
    Cyrillic a keys as the Latin `acme`; a malformed punycode label is kept as written."""
    assert website_key("https://яндекс.рф/") == "яндекс"
    assert website_key("xn--d1acpjx3f.xn--p1ai") == "яндекс"
    assert client_keys("Ромашка", "яндекс.рф") & client_keys("Яндекс")
    assert website_key("https://\u0430cme.com") == "acme"
    assert website_key("xn--bad.com") == "xnbad"
