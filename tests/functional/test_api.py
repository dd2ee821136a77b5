"""The JSON API: personal tokens, bearer and cookie authentication, pushing a submission end to end,
conflicts and refusals that change nothing, privacy of other communities, public results, rate limits."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from ports_network.blueprints.api import openapi
from ports_network.extensions import db
from ports_network.models import ApiToken, AuditEvent, StoredScore, Submission, SubmissionStatus
from ports_network.models.base import utcnow
from ports_network.services import api_tokens, methodologies

from .. import factories
from ..conftest import login_as
from ..stored_results import indicator_values, store_run

API = "/api/v1"


@pytest.fixture
def call(community, other_community):
    return factories.DataCallFactory(communities=[community, other_community], period="2025")


@pytest.fixture
def secret(focal_point):
    _token, secret = api_tokens.create_token(focal_point, "Callao PCS", None)
    return secret


@pytest.fixture
def draft(client, call, community, secret) -> dict:
    """The community's submission, opened through the API."""
    return client.post(submission_url(call, community), headers=bearer(secret)).json


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def submission_url(call, community) -> str:
    return f"{API}/data-calls/{call.id}/communities/{community.id}/submission"


def good_values() -> dict[str, float]:
    return indicator_values(factories.default_methodology(), 0.5)


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


# --- Tokens ----------------------------------------------------------------------------------------------


def test_new_token_secret_is_returned_once_and_only_its_hash_is_stored(focal_point):
    token, secret = api_tokens.create_token(focal_point, "  Callao PCS  ", 30)

    assert secret.startswith("pn_") and len(secret) > 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:10] and token.name == "Callao PCS"
    assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
    stored = db.session.execute(sa.select(ApiToken.__table__)).one()
    assert secret not in [str(column) for column in stored]
    assert api_tokens.authenticate(secret) == focal_point


def test_token_needs_a_name_and_a_sensible_expiry(focal_point):
    with pytest.raises(api_tokens.DomainError) as nameless:
        api_tokens.create_token(focal_point, "   ", None)
    with pytest.raises(api_tokens.DomainError) as forever:
        api_tokens.create_token(focal_point, "PCS", 0)

    assert (nameless.value.field, forever.value.field) == ("name", "expires_in_days")
    assert api_tokens.tokens_for(focal_point) == []


def test_account_page_shows_a_new_secret_once_then_only_its_prefix(client, focal_point):
    login_as(client, focal_point)

    created = client.post("/account/api-tokens", data={"name": "Callao PCS", "expires_in_days": "90"})
    [token] = api_tokens.tokens_for(focal_point)
    secret = re.search(r'value="(pn_[^"]+)"', created.get_data(as_text=True)).group(1)
    later = client.get("/account/api-tokens").get_data(as_text=True)

    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    assert api_tokens.authenticate(secret) == focal_point
    assert secret not in later and token.prefix in later
    assert audit_actions() == ["api_token.create"]


def test_account_page_refuses_a_token_without_a_name(client, focal_point):
    login_as(client, focal_point)

    response = client.post("/account/api-tokens", data={"name": "", "expires_in_days": ""})

    assert response.status_code == 422
    assert api_tokens.tokens_for(focal_point) == []


def test_revoked_token_is_refused_with_a_bearer_challenge(client, focal_point, secret):
    login_as(client, focal_point)
    [token] = api_tokens.tokens_for(focal_point)

    revoked = client.post(f"/account/api-tokens/{token.id}/revoke")
    response = client.get(f"{API}/data-calls", headers=bearer(secret))

    assert revoked.status_code == 302 and token.revoked_at is not None
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    assert response.json["status"] == 401
    assert audit_actions() == ["api_token.create", "api_token.revoke"]


def test_someone_elses_token_cannot_be_revoked(client, focal_point, member, secret):
    login_as(client, member)
    [token] = api_tokens.tokens_for(focal_point)

    response = client.post(f"/account/api-tokens/{token.id}/revoke")

    assert response.status_code == 404
    assert token.revoked_at is None


def test_expired_token_is_refused(client, focal_point, secret):
    [token] = api_tokens.tokens_for(focal_point)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert client.get(f"{API}/data-calls", headers=bearer(secret)).status_code == 401


@pytest.mark.parametrize("change", ["disable", "delete"])
def test_token_of_a_disabled_or_deleted_account_is_refused(client, focal_point, secret, change):
    if change == "disable":
        focal_point.is_disabled = True
    else:
        focal_point.deleted_at = utcnow()
    db.session.commit()

    assert client.get(f"{API}/data-calls", headers=bearer(secret)).status_code == 401


@pytest.mark.parametrize("header", ["Bearer pn_not-a-token", "Bearer ", "Bearer " + "x" * 500])
def test_unknown_token_is_refused(client, header):
    response = client.get(f"{API}/data-calls", headers={"Authorization": header})

    assert response.status_code == 401 and "invalid_token" in response.headers["WWW-Authenticate"]


def test_last_use_is_recorded_at_most_once_a_minute(focal_point, secret):
    [token] = api_tokens.tokens_for(focal_point)
    api_tokens.authenticate(secret)
    first = token.last_used_at
    token.last_used_at = first - timedelta(seconds=30)
    db.session.commit()
    recent = token.last_used_at

    api_tokens.authenticate(secret)
    unchanged = token.last_used_at
    token.last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    api_tokens.authenticate(secret)

    assert first is not None and unchanged == recent
    assert token.last_used_at >= first


# --- Authentication and CSRF ----------------------------------------------------------------------------


def test_no_credentials_gives_401_with_a_bearer_challenge_not_a_redirect(client, call):
    response = client.get(f"{API}/data-calls/{call.id}")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.is_json


def test_bearer_requests_need_no_csrf_token(client, call, community, secret):
    response = client.post(submission_url(call, community), headers=bearer(secret), csrf=False)

    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers  # a token never becomes a session


def test_cookie_authenticated_changes_without_csrf_header_are_refused(client, call, community, focal_point):
    login_as(client, focal_point)
    opened = client.post(submission_url(call, community), csrf=False)
    submission = factories.SubmissionFactory(data_call=call, community=community)
    body = {"revision": submission.revision, "values": {"waiting_time": {"value": 5}}}
    saved = client.put(f"{API}/submissions/{submission.id}/values", json=body, csrf=False)
    submitted = client.post(f"{API}/submissions/{submission.id}/submit", csrf=False)

    assert [opened.status_code, saved.status_code, submitted.status_code] == [400, 400, 400]
    assert "expired" in saved.json["error"]
    assert db.session.get(Submission, submission.id).values == []


def test_cookie_authenticated_change_with_csrf_header_works(client, call, community, focal_point):
    login_as(client, focal_point)

    response = client.post(submission_url(call, community), json={})  # the test client adds X-CSRFToken

    assert response.status_code == 201 and response.json["status"] == "draft"


def test_a_valid_token_outranks_a_session_cookie(client, call, community, secret, member):
    login_as(client, member)  # a member may not open submissions; the token's focal point may

    response = client.post(submission_url(call, community), headers=bearer(secret), csrf=False)

    assert response.status_code == 201


# --- Pushing a submission -------------------------------------------------------------------------------


def test_port_community_system_pushes_a_full_submission(client, call, community, other_community, secret):
    calls = client.get(f"{API}/data-calls", headers=bearer(secret)).json["data_calls"]
    detail = client.get(f"{API}/data-calls/{call.id}", headers=bearer(secret)).json
    opened = client.post(submission_url(call, community), headers=bearer(secret))
    submission = opened.json
    values = {code: {"value": value} for code, value in good_values().items()}
    values["waiting_time"]["justification"] = "New berth scheduling system since March."
    saved = client.put(
        f"{API}/submissions/{submission['id']}/values",
        json={"revision": submission["revision"], "values": values},
        headers=bearer(secret),
        csrf=False,
    )
    submitted = client.post(f"{API}/submissions/{submission['id']}/submit", headers=bearer(secret))

    mine = {item["id"]: item["may_answer"] for item in detail["communities"]}
    assert [item["id"] for item in calls] == [call.id]
    assert mine == {community.id: True, other_community.id: False}
    assert {indicator["code"] for indicator in detail["indicators"]} == set(good_values())
    assert opened.status_code == 201 and submission["status"] == "draft"
    assert saved.status_code == 200, saved.json
    assert saved.json["revision"] > submission["revision"] and saved.json["checks"] == []
    assert saved.json["values"]["waiting_time"]["justification"] == "New berth scheduling system since March."
    assert submitted.status_code == 200 and submitted.json["status"] == "submitted"
    stored = db.session.get(Submission, submission["id"])
    assert stored.status == SubmissionStatus.SUBMITTED
    assert {row.indicator_code: row.value for row in stored.values} == good_values()


def test_opening_an_open_submission_again_returns_it(client, call, community, secret):
    first = client.post(submission_url(call, community), headers=bearer(secret))
    again = client.post(submission_url(call, community), headers=bearer(secret))
    found = client.get(submission_url(call, community), headers=bearer(secret))

    assert (first.status_code, again.status_code, found.status_code) == (201, 200, 200)
    assert first.json["id"] == again.json["id"] == found.json["id"]


def test_community_submission_is_404_until_opened(client, call, community, secret):
    assert client.get(submission_url(call, community), headers=bearer(secret)).status_code == 404


def test_member_who_does_not_report_cannot_open_a_submission(client, call, community, member):
    _token, secret = api_tokens.create_token(member, "Script", None)

    response = client.post(submission_url(call, community), headers=bearer(secret))

    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 0


def test_conflicting_save_gets_409_with_current_values_and_keeps_nothing(client, call, community, secret):
    submission = client.post(submission_url(call, community), headers=bearer(secret)).json
    url = f"{API}/submissions/{submission['id']}/values"
    first = {
        "revision": submission["revision"],
        "values": {"waiting_time": {"value": 10, "justification": "A"}},
    }
    stale = {
        "revision": submission["revision"],
        "values": {"waiting_time": {"value": 99}, "women_workforce": {"value": 1}},
    }

    saved = client.put(url, json=first, headers=bearer(secret))
    conflict = client.put(url, json=stale, headers=bearer(secret))

    assert saved.status_code == 200
    assert conflict.status_code == 409
    assert conflict.json["revision"] == saved.json["revision"]
    assert conflict.json["current"] == {"waiting_time": {"value": 10.0, "justification": "A"}}
    stored = db.session.get(Submission, submission["id"])
    assert {row.indicator_code: row.value for row in stored.values} == {"waiting_time": 10.0}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"values": {"waiting_time": {"value": 5}}}, "revision"),
        ({"revision": 1, "values": {"waiting_time": {"value": "five"}}}, "waiting_time"),
        ({"revision": 1, "values": {"waiting_time": {"value": True}}}, "waiting_time"),
        ({"revision": 1, "values": {"waiting_time": 5}}, "waiting_time"),
        ({"revision": 1, "values": {"waiting_time": {"value": 5, "justification": 7}}}, "waiting_time"),
        ({"revision": 1, "values": [5]}, "values"),
        (
            {"revision": 1, "values": {"waiting_time": {"value": 5}, "no_such_code": {"value": 1}}},
            "no_such_code",
        ),
        (
            {"revision": 1, "values": {"pcs_maturity": {"value": 2.5}, "waiting_time": {"value": 5}}},
            "pcs_maturity",
        ),
    ],
)
def test_invalid_values_get_422_per_field_and_change_nothing(client, secret, draft, body, field):
    submission = draft

    response = client.put(f"{API}/submissions/{submission['id']}/values", json=body, headers=bearer(secret))

    assert response.status_code == 422
    assert field in response.json["errors"]
    stored = db.session.get(Submission, submission["id"])
    assert stored.values == [] and stored.revision == submission["revision"]


def test_body_that_is_not_json_gets_400(client, call, community, secret):
    submission = client.post(submission_url(call, community), headers=bearer(secret)).json

    response = client.put(
        f"{API}/submissions/{submission['id']}/values", data="revision=1", headers=bearer(secret)
    )

    assert response.status_code == 400 and response.is_json


def test_submit_with_blocking_checks_gets_422_per_indicator(client, call, community, secret):
    submission = client.post(submission_url(call, community), headers=bearer(secret)).json

    response = client.post(f"{API}/submissions/{submission['id']}/submit", headers=bearer(secret))

    assert response.status_code == 422
    assert "waiting_time" in response.json["errors"]
    assert db.session.get(Submission, submission["id"]).status == SubmissionStatus.DRAFT


def test_another_communitys_submission_is_404(client, call, other_community, secret):
    theirs = factories.SubmissionFactory(data_call=call, community=other_community)
    body = {"revision": theirs.revision, "values": {"waiting_time": {"value": 5}}}

    responses = [
        client.get(f"{API}/submissions/{theirs.id}", headers=bearer(secret)),
        client.put(f"{API}/submissions/{theirs.id}/values", json=body, headers=bearer(secret)),
        client.post(f"{API}/submissions/{theirs.id}/submit", headers=bearer(secret)),
        client.get(submission_url(call, other_community), headers=bearer(secret)),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    assert db.session.get(Submission, theirs.id).values == []


def test_call_not_naming_the_callers_community_is_404(client, other_community, secret):
    theirs = factories.DataCallFactory(communities=[other_community])

    assert client.get(f"{API}/data-calls/{theirs.id}", headers=bearer(secret)).status_code == 404
    assert client.get(f"{API}/data-calls", headers=bearer(secret)).json["data_calls"] == []


def test_signed_in_person_outside_every_community_gets_403(client, outsider):
    _token, secret = api_tokens.create_token(outsider, "Script", None)

    assert client.get(f"{API}/data-calls", headers=bearer(secret)).status_code == 403


# --- Public results ------------------------------------------------------------------------------------

CONFIDENTIAL_RAW = {
    "waiting_time": 7.123457,
    "port_hours_per_call": 33.987654,
    "berth_productivity": 81.246813,
}


def test_results_show_scores_and_rank_intervals_without_confidential_raw_values(
    client, community, other_community
):
    version = factories.default_methodology()
    store_run(
        version,
        {
            (community, "2024"): {**indicator_values(version, 0.7), **CONFIDENTIAL_RAW},
            (other_community, "2024"): indicator_values(version, 0.3),
        },
    )

    editions = client.get(f"{API}/results").json["editions"]
    response = client.get(f"{API}/results/{version.version}/2024")
    text = response.get_data(as_text=True)

    assert [(edition["version"], edition["period"]) for edition in editions] == [(version.version, "2024")]
    assert response.status_code == 200
    first = response.json["rows"][0]
    assert first["community"]["id"] == community.id and first["rank"] == 1
    assert len(first["rank_interval"]) == 2 and set(first["pillars"]) == {
        p["code"] for p in response.json["pillars"]
    }
    stored = set(
        db.session.scalars(sa.select(StoredScore.value).where(StoredScore.code.in_(CONFIDENTIAL_RAW)))
    )
    assert set(CONFIDENTIAL_RAW.values()) <= stored  # they exist, and the API does not show them
    assert not any(str(raw) in text for raw in CONFIDENTIAL_RAW.values())
    assert '"value"' not in text


def test_unpublished_edition_is_404(client):
    assert client.get(f"{API}/results/2.0/2030").status_code == 404


def test_methodology_document_is_public_for_frozen_versions_only(client):
    frozen = factories.default_methodology()
    document = methodologies.export_methodology(frozen)
    document["version"] = "9.9-draft"
    methodologies.import_methodology(json.dumps(document))

    public = client.get(f"{API}/methodologies/{frozen.version}")
    draft = client.get(f"{API}/methodologies/9.9-draft")

    assert public.status_code == 200
    assert public.json["checksum"] == frozen.checksum and public.json["document"]["version"] == frozen.version
    assert draft.status_code == 404


# --- Rate limit ------------------------------------------------------------------------------------------


def test_too_many_requests_get_429_with_retry_after(app, client, secret, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")

    statuses = [client.get(f"{API}/data-calls", headers=bearer(secret)).status_code for _ in range(3)]
    refused = client.get(f"{API}/data-calls", headers=bearer(secret))

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429 and refused.is_json
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many API requests" in refused.json["error"]


# --- Documentation ---------------------------------------------------------------------------------------


def _documented(app) -> set[tuple[str, str]]:
    """(METHOD, OpenAPI path) of every /api/v1 route in the app."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API + "/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix(API))
            routes |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_every_api_route_is_documented_and_every_documented_operation_exists(app):
    described = {(method.upper(), path) for path, item in openapi.PATHS.items() for method in item}

    assert _documented(app) == described


def test_openapi_document_is_valid_openapi_3_1(client):
    response = client.get(f"{API}/openapi.json")

    assert response.status_code == 200 and response.json["openapi"] == "3.1.0"
    validate(response.json)  # raises with the path of the first problem
    json.dumps(response.json, allow_nan=False)


def test_docs_page_lists_every_endpoint_without_scripts(client):
    response = client.get("/api/docs")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    for operation in openapi.operations():
        assert f"{operation['method']} {operation['path']}" in page
    assert "<script>" not in page and "/api/v1/openapi.json" in page
