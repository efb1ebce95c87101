"""Bad input gets a coded error, never a 500 or a stack trace; nothing is half-written."""

from __future__ import annotations

import pytest

from tests.conftest import Api

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ('{ node(id: "!!!") { id } }', None, "INVALID_ID"),
        ('{ node(id: "") { id } }', None, "INVALID_ID"),
        ('{ partner(id: "UHJvZ3JhbTpub3BlCg") { id } }', None, "INVALID_ID"),
        ("query($id: ID!) { partner(id: $id) { id } }", "program", "WRONG_ID_TYPE"),
        ("{ partners(first: 0) { totalCount } }", None, "INVALID_PAGINATION"),
        ("{ partners(first: 101) { totalCount } }", None, "INVALID_PAGINATION"),
        ("{ partners(first: 1, last: 1) { totalCount } }", None, "INVALID_PAGINATION"),
        ('{ partners(after: "bm9wZQ") { totalCount } }', None, "INVALID_CURSOR"),
        ('{ partners(after: "%%%") { totalCount } }', None, "INVALID_CURSOR"),
        ("{ partners(filter: {status: NOPE}) { totalCount } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ('{ partners(first: "ten") { totalCount } }', None, "GRAPHQL_VALIDATION_FAILED"),
        ("{ nope }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("{ partners( }", None, "GRAPHQL_PARSE_FAILED"),
        ("query($n: Int!) { partners(first: $n) { totalCount } }", {"n": "x"}, "BAD_USER_INPUT"),
        (
            '{ partners(filter: {search: "' + "x" * 201 + '"}) { totalCount } }',
            None,
            "INPUT_TOO_LONG",
        ),
        ('{ partners(filter: {program: "UGFydG5lcjo"}) { totalCount } }', None, "INVALID_ID"),
    ],
)
async def test_errors_carry_codes(api: Api, query: str, variables: object, code: str) -> None:
    if variables == "program":
        data = await api.gql('{ program(slug: "contentsquare") { id } }')
        variables = {"id": data["program"]["id"]}
    response = await api.post(query, variables)  # type: ignore[arg-type]
    assert response.status_code == 200  # legacy application/json: errors travel in the body
    body = response.json()
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]
    assert "Traceback" not in response.text


async def test_cursor_from_another_ordering_is_refused(api: Api) -> None:
    data = await api.gql("{ programs(first: 1) { pageInfo { endCursor } } }")
    cursor = data["programs"]["pageInfo"]["endCursor"]
    response = await api.post(
        "query($c: String) { partners(after: $c) { totalCount } }", {"c": cursor}
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_too_deep_or_too_many_aliases_are_refused(api: Api) -> None:
    deep = (
        "{ partners { edges { node { memberships { "
        + "tier { program { " * 5
        + "slug"
        + " } }" * 5
        + " } } } } }"
    )
    response = await api.post(deep)
    error = response.json()["errors"][0]
    assert "exceeds maximum operation depth" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    aliases = "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(31)) + " }"
    response = await api.post(aliases)
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_unexpected_errors_are_masked_with_an_error_id(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from schema.partners import queries

    def explode(*_args: object) -> object:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(queries, "partners_query", explode)
    response = await api.post("{ partners { totalCount } }")
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret internals" not in response.text
    assert error["extensions"]["errorId"] in caplog.text
    assert "secret internals" in caplog.text


async def test_bad_scalar_in_variables_is_a_user_input_error(api: Api) -> None:
    query = """mutation($input: ChangeTierInput!) { changeTier(input: $input) {
        userErrors { code } } }"""
    response = await api.post(
        query,
        {"input": {"membershipId": "x", "tierId": "y", "reason": "r", "effectiveOn": "31/02/2026"}},
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
