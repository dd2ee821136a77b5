"""The materials library: list and search, material pages, uploads, versions, captions, and the
authorising views that serve their files."""

from flask import Blueprint

from ... import labels
from ...labels import label
from ...markdown import render
from ...models import MATERIAL_LANGUAGES, MaterialType
from ...services.storage import human_size
from .forms import LANGUAGE_LABELS

bp = Blueprint("materials", __name__)
# Community, body, session and event pages list their materials with the macros of materials/_macros.html.
bp.add_app_template_global(label, "material_label")


@bp.context_processor
def _template_helpers() -> dict:
    """Material templates show enum labels, language names, sizes and sanitised markdown."""
    return {
        "label": label,
        "markdown": render,
        "human_size": human_size,
        "language_name": _language_name,
        "material_kinds": labels.choices(MaterialType),
        "material_languages": [(code, _language_name(code)) for code in MATERIAL_LANGUAGES],
    }


def _language_name(code: str) -> str:
    return str(LANGUAGE_LABELS.get(code, code))


from . import downloads, routes  # noqa: E402,F401 - registers the views on bp
