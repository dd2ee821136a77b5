"""The API's OpenAPI 3.1 description, written as data: served at /api/v1/openapi.json, listed at /api/docs.

A test checks that every /api/v1 route is described here and that nothing here lacks a route.
"""

import copy
from typing import Any

from .openapi_schemas import RESPONSES, SCHEMAS, error_response, json_response, path_param, ref

SERVER = "/api/v1"
AUTH = [{"bearerAuth": []}, {"cookieAuth": []}]
PUBLIC: list[dict] = [{}]


CALL_ID = path_param("call_id", "A data call's id.")
COMMUNITY_ID = path_param("community_id", "A community's id.")
SUBMISSION_ID = path_param("submission_id", "A submission's id.")
VERSION = path_param("version", 'A methodology version, e.g. "2.0".', "string")
PERIOD = path_param("period", 'A period, e.g. "2025" or "2025-Q2".', "string")


def _operation(
    operation_id: str,
    tag: str,
    summary: str,
    ok: dict,
    *,
    errors: tuple[str, ...] = (),
    params: tuple[dict, ...] = (),
    body: dict | None = None,
    public: bool = False,
    created: dict | None = None,
) -> dict[str, Any]:
    responses = {"200": ok} | ({"201": created} if created else {})
    extra = ("TooManyRequests",) if public else ("Unauthorized", "TooManyRequests")
    codes = {"BadRequest": "400", "Unauthorized": "401", "Forbidden": "403", "NotFound": "404"}
    codes |= {"Conflict": "409", "Unprocessable": "422", "TooManyRequests": "429"}
    for name in (*errors, *extra):
        responses[codes[name]] = error_response(name)
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        "security": PUBLIC if public else AUTH,
        "responses": dict(sorted(responses.items())),
    }
    if params:
        operation["parameters"] = list(params)
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation


SUBMISSION_OK = json_response(ref("Submission"), "The submission.")
CHANGE_ERRORS = ("BadRequest", "Forbidden", "NotFound")

PATHS: dict[str, Any] = {
    "/data-calls": {
        "get": _operation(
            "listDataCalls",
            "Data calls",
            "The data calls naming your communities (every call, for the Secretariat), newest first.",
            json_response(
                {
                    "type": "object",
                    "properties": {"data_calls": {"type": "array", "items": ref("DataCall")}},
                },
                "The calls.",
            ),
            errors=("Forbidden",),
        )
    },
    "/data-calls/{call_id}": {
        "get": _operation(
            "getDataCall",
            "Data calls",
            "One data call and the indicators it asks for.",
            json_response(ref("DataCallDetail"), "The call."),
            errors=("Forbidden", "NotFound"),
            params=(CALL_ID,),
        )
    },
    "/data-calls/{call_id}/communities/{community_id}/submission": {
        "get": _operation(
            "getCommunitySubmission",
            "Submissions",
            "The community's submission to the call (404 until it is opened).",
            SUBMISSION_OK,
            errors=("Forbidden", "NotFound"),
            params=(CALL_ID, COMMUNITY_ID),
        ),
        "post": _operation(
            "openCommunitySubmission",
            "Submissions",
            "Open the community's submission, a draft pre-filled from the previous period "
            "(201), or get the one already open (200). For the community's coordinators and focal points.",
            SUBMISSION_OK,
            created=json_response(ref("Submission"), "The new draft."),
            errors=CHANGE_ERRORS,
            params=(CALL_ID, COMMUNITY_ID),
        ),
    },
    "/submissions/{submission_id}": {
        "get": _operation(
            "getSubmission",
            "Submissions",
            "A submission: status, revision, values with justifications, validation results.",
            SUBMISSION_OK,
            errors=("Forbidden", "NotFound"),
            params=(SUBMISSION_ID,),
        )
    },
    "/submissions/{submission_id}/values": {
        "put": _operation(
            "saveValues",
            "Submissions",
            "Save values, all or nothing, against the revision you read. Codes left out keep their values.",
            SUBMISSION_OK,
            errors=(*CHANGE_ERRORS, "Conflict", "Unprocessable"),
            params=(SUBMISSION_ID,),
            body=ref("ValuesUpdate"),
        )
    },
    "/submissions/{submission_id}/submit": {
        "post": _operation(
            "submitSubmission",
            "Submissions",
            "Send the values for validation; refused (422, per indicator) while a check blocks it.",
            SUBMISSION_OK,
            errors=(*CHANGE_ERRORS, "Unprocessable"),
            params=(SUBMISSION_ID,),
        )
    },
    "/results": {
        "get": _operation(
            "listResults",
            "Results",
            "The published editions (methodology version × period), newest period first.",
            json_response(
                {"type": "object", "properties": {"editions": {"type": "array", "items": ref("Edition")}}},
                "The editions.",
            ),
            public=True,
        )
    },
    "/results/{version}/{period}": {
        "get": _operation(
            "getRanking",
            "Results",
            "An edition's ranking: composite, rank with its 5–95 % interval, pillar scores. No raw values.",
            json_response(ref("Ranking"), "The ranking."),
            errors=("NotFound",),
            params=(VERSION, PERIOD),
            public=True,
        )
    },
    "/methodologies/{version}": {
        "get": _operation(
            "getMethodology",
            "Results",
            "A frozen (or published) methodology version's document.",
            json_response(ref("Methodology"), "The methodology."),
            errors=("NotFound",),
            params=(VERSION,),
            public=True,
        )
    },
    "/openapi.json": {
        "get": _operation(
            "getOpenApi",
            "Documentation",
            "This description of the API (OpenAPI 3.1).",
            json_response({"type": "object"}, "The OpenAPI document."),
            public=True,
        )
    },
}

DESCRIPTION = """\
JSON API of the Ports Network platform, for port community systems and scripts.

Authenticate with a personal API token (create one under *My account → API tokens*) sent as
`Authorization: Bearer <token>`; the token acts with your permissions. The browser may use its session
cookie instead; then every PUT and POST needs the `X-CSRFToken` header. Errors are JSON objects with
`error` and `status` (and `errors` per field on 422, `current` values on 409). Requests are limited per
person (120 per minute by default: 429 with `Retry-After`).

To push a submission: `POST /data-calls/{call_id}/communities/{community_id}/submission` (open it),
`PUT /submissions/{id}/values` with the `revision` you received, then `POST /submissions/{id}/submit`.
"""

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Ports Network API", "version": "1.0.0", "description": DESCRIPTION},
    "servers": [{"url": SERVER}],
    "tags": [
        {"name": "Data calls"},
        {"name": "Submissions"},
        {"name": "Results"},
        {"name": "Documentation"},
    ],
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "responses": RESPONSES,
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal API token (pn_...).",
            },
            "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
        },
    },
}


def document() -> dict[str, Any]:
    """The OpenAPI document (a copy, so no caller can change the served one)."""
    return copy.deepcopy(DOCUMENT)


def sections() -> list[tuple[str, list[dict[str, Any]]]]:
    """The operations grouped by tag, in the document's order of tags, for the documentation page."""
    rows = operations()
    return [(tag["name"], [row for row in rows if row["tag"] == tag["name"]]) for tag in DOCUMENT["tags"]]


def operations() -> list[dict[str, Any]]:
    """Every operation as (method, path, summary, public) rows for the documentation page."""
    return [
        {
            "method": method.upper(),
            "path": SERVER + path,
            "summary": operation["summary"],
            "public": operation["security"] == PUBLIC,
            "tag": operation["tags"][0],
            "statuses": sorted(operation["responses"]),
        }
        for path, item in PATHS.items()
        for method, operation in item.items()
    ]
