"""The Spanish, English and Portuguese catalogs are complete and up to date with the code."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "ports_network" / "translations"
LANGUAGES = ("es", "en", "pt")


def _catalog(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.fixture(scope="module")
def extracted_ids(tmp_path_factory) -> set:
    """Message ids found in the code and templates right now."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    # Babel skips folders starting with "_" by default: our _partials/ and _macros/ hold text too.
    command = [
        sys.executable,
        "-m",
        "babel.messages.frontend",
        "extract",
        "--ignore-dirs",
        ".* __pycache__",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "-o",
        str(pot),
        "ports_network",
    ]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_every_message_of_the_code(language, extracted_ids):
    catalog_ids = {message.id for message in _catalog(language) if message.id}
    missing = sorted(str(i) for i in extracted_ids - catalog_ids)
    assert not missing, f"{language}: run 'bin/translations update' and translate: {missing[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_no_untranslated_or_fuzzy_entries(language):
    untranslated = [
        str(message.id)
        for message in _catalog(language)
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert not untranslated, f"{language}: untranslated or fuzzy: {untranslated[:10]}"
