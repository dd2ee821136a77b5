"""The API's documentation: the OpenAPI document as JSON, and a plain server-rendered page listing it."""

from flask import jsonify, render_template, url_for

from ...security import requires
from . import bp, docs_bp, openapi


@bp.get("/openapi.json")
@requires("portal.view")
def openapi_json():
    """The OpenAPI 3.1 description of /api/v1."""
    return jsonify(openapi.document())


@docs_bp.get("/docs")
@requires("portal.view")
def index():
    """Every endpoint with what it does, who may call it and its answers; no script needed."""
    return render_template(
        "api/docs.html",
        info=openapi.DOCUMENT["info"],
        sections=openapi.sections(),
        openapi_url=url_for("api.openapi_json"),
    )
