"""OpenAPI components of the API (see openapi.py): the schemas of its JSON bodies, its error answers."""

from typing import Any


def ref(name: str) -> dict[str, str]:
    """A reference to one of SCHEMAS."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema: dict, description: str) -> dict[str, Any]:
    """A response whose JSON body follows `schema`."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_response(name: str) -> dict[str, str]:
    """A reference to one of RESPONSES."""
    return {"$ref": f"#/components/responses/{name}"}


def path_param(name: str, description: str, kind: str = "integer") -> dict[str, Any]:
    """A required path parameter."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": kind},
    }


NULLABLE_NUMBER = {"type": ["number", "null"]}
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "status"],
        "properties": {
            "error": {"type": "string", "description": "What went wrong, in the caller's language."},
            "status": {"type": "integer"},
            "errors": {
                "type": "object",
                "description": 'Per-field messages (422): an indicator code, "revision", "values", or "_".',
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "revision": {"type": "integer", "description": "The stored revision (409)."},
            "current": {
                "type": "object",
                "description": "The stored values by indicator code (409).",
                "additionalProperties": ref("StoredEntry"),
            },
        },
    },
    "CommunityRef": {
        "type": "object",
        "required": ["id", "name", "slug"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "slug": {"type": "string"}},
    },
    "DataCall": {
        "type": "object",
        "required": ["id", "title", "period", "methodology_version", "deadline", "status", "communities"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "period": {"type": "string", "examples": ["2025", "2025-Q2"]},
            "methodology_version": {"type": "string", "examples": ["2.0"]},
            "deadline": {"type": "string", "format": "date-time"},
            "status": {"type": "string", "enum": ["open", "closed"]},
            "communities": {"type": "array", "items": ref("CommunityRef")},
        },
    },
    "Indicator": {
        "type": "object",
        "required": ["code", "name", "unit", "value_type", "confidential", "required"],
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "definition": {"type": "string"},
            "unit": {"type": "string"},
            "value_type": {"type": "string", "enum": ["number", "percentage", "rubric", "boolean"]},
            "direction": {"type": "string", "enum": ["higher_better", "lower_better", "target_band"]},
            "confidential": {"type": "boolean", "description": "Its raw value is never published."},
            "required": {"type": "boolean"},
            "min": NULLABLE_NUMBER,
            "max": NULLABLE_NUMBER,
            "max_change_pct": {
                **NULLABLE_NUMBER,
                "description": "A larger change from the previous period needs a justification.",
            },
            "levels": {"type": ["array", "null"], "items": {"type": "integer"}},
        },
    },
    "DataCallDetail": {
        "allOf": [ref("DataCall")],
        "properties": {
            "communities": {
                "type": "array",
                "items": {
                    "allOf": [ref("CommunityRef")],
                    "properties": {
                        "may_answer": {
                            "type": "boolean",
                            "description": "Whether the caller may open this community's submission.",
                        }
                    },
                },
            },
            "indicators": {"type": "array", "items": ref("Indicator")},
        },
    },
    "StoredEntry": {
        "type": "object",
        "required": ["value", "justification"],
        "properties": {"value": NULLABLE_NUMBER, "justification": NULLABLE_STRING},
    },
    "ValueEntry": {
        "type": "object",
        "required": ["value"],
        "properties": {
            "value": {
                **NULLABLE_NUMBER,
                "description": "The raw value in the indicator's unit; null: not reported.",
            },
            "justification": {**NULLABLE_STRING, "maxLength": 2000},
        },
        "additionalProperties": False,
    },
    "ValuesUpdate": {
        "type": "object",
        "required": ["revision", "values"],
        "properties": {
            "revision": {
                "type": "integer",
                "minimum": 1,
                "description": "The submission's revision you last read; a save by someone since gives 409.",
            },
            "values": {"type": "object", "additionalProperties": ref("ValueEntry")},
        },
    },
    "Check": {
        "type": "object",
        "required": ["code", "rule", "severity", "message", "justified", "blocks"],
        "properties": {
            "code": {"type": "string"},
            "rule": {
                "type": "string",
                "enum": ["required", "min", "max", "level", "boolean", "change", "pair"],
            },
            "severity": {"type": "string", "enum": ["error", "justify"]},
            "message": {"type": "string"},
            "justified": {"type": "boolean"},
            "blocks": {
                "type": "boolean",
                "description": "Whether it keeps the submission from being submitted.",
            },
        },
    },
    "Submission": {
        "type": "object",
        "required": ["id", "data_call_id", "community", "status", "revision", "values", "checks"],
        "properties": {
            "id": {"type": "integer"},
            "data_call_id": {"type": "integer"},
            "period": {"type": "string"},
            "methodology_version": {"type": "string"},
            "community": ref("CommunityRef"),
            "status": {
                "type": "string",
                "enum": ["draft", "submitted", "returned", "validated", "accepted", "published"],
            },
            "revision": {"type": "integer"},
            "may_edit": {"type": "boolean"},
            "return_message": NULLABLE_STRING,
            "reopened_codes": {"type": ["array", "null"], "items": {"type": "string"}},
            "submitted_at": NULLABLE_TIME,
            "validated_at": NULLABLE_TIME,
            "accepted_at": NULLABLE_TIME,
            "published_at": NULLABLE_TIME,
            "updated_at": NULLABLE_TIME,
            "values": {
                "type": "object",
                "additionalProperties": {
                    "allOf": [ref("StoredEntry")],
                    "properties": {"updated_at": NULLABLE_TIME},
                },
            },
            "checks": {"type": "array", "items": ref("Check")},
        },
    },
    "Edition": {
        "type": "object",
        "required": ["version", "title", "period", "run_id", "computed_at"],
        "properties": {
            "version": {"type": "string"},
            "title": {"type": "string"},
            "period": {"type": "string"},
            "run_id": {"type": "integer"},
            "computed_at": {"type": "string", "format": "date-time"},
        },
    },
    "RankingRow": {
        "type": "object",
        "required": ["community", "composite", "rank", "rank_interval", "status", "pillars"],
        "properties": {
            "community": ref("CommunityRef"),
            "country": {"type": "string"},
            "composite": NULLABLE_NUMBER,
            "rank": {"type": ["integer", "null"]},
            "median_rank": NULLABLE_NUMBER,
            "rank_interval": {
                "type": "array",
                "description": "5th and 95th percentile of the ranks over the Monte-Carlo draws.",
                "items": {"type": ["integer", "null"]},
                "minItems": 2,
                "maxItems": 2,
            },
            "status": {"type": "string"},
            "pillars": {"type": "object", "additionalProperties": NULLABLE_NUMBER},
        },
    },
    "Ranking": {
        "allOf": [ref("Edition")],
        "properties": {
            "methodology_checksum": {"type": "string"},
            "draws": {"type": "integer"},
            "pillars": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
                },
            },
            "rows": {"type": "array", "items": ref("RankingRow")},
        },
    },
    "Methodology": {
        "type": "object",
        "required": ["version", "title", "status", "checksum", "document"],
        "properties": {
            "version": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "string", "enum": ["draft", "frozen"]},
            "frozen_at": NULLABLE_TIME,
            "checksum": {"type": "string", "description": "sha256 of the document's canonical JSON."},
            "document": {"type": "object", "description": "The methodology as the index engine reads it."},
        },
    },
}

RESPONSES: dict[str, Any] = {
    "BadRequest": json_response(
        ref("Error"), "The body is not JSON, or (cookie only) the X-CSRFToken header is missing."
    ),
    "Unauthorized": {
        **json_response(ref("Error"), "No valid credentials: send `Authorization: Bearer <token>`."),
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
    },
    "Forbidden": json_response(
        ref("Error"), "You may see this but not do this (e.g. the submission is not editable now)."
    ),
    "NotFound": json_response(ref("Error"), "Not found, or not visible to you (existence is private)."),
    "Conflict": json_response(
        ref("Error"), "Someone saved since your revision; nothing was stored; `current` is what is."
    ),
    "Unprocessable": json_response(ref("Error"), "Refused; nothing changed; `errors` says why, per field."),
    "TooManyRequests": {
        **json_response(ref("Error"), "Rate limit reached; retry after the Retry-After header's seconds."),
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    },
}
