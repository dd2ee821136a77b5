"""Who may download a stored file: the rule of the object it belongs to, by the file's purpose."""

from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    StoredFile,
    Submission,
    SubmissionEvidence,
    User,
)
from . import Predicate, committees, materials, rooms
from .index import may_view_submission
from .people import is_secretariat, is_signed_in, may_view_profile

# Purposes whose files follow the object they are attached to.
FILE_RULES: dict[str, Predicate] = {
    "work_plan": committees.may_view_committee_file,
    "board_pack": committees.may_view_committee_file,
    "room_attachment": rooms.may_view_room_attachment,
    "material": materials.may_view_material_file,
    "material_caption": materials.may_view_material_file,
}


def may_view_file(user: Any, stored: StoredFile) -> bool:
    """A file follows the rule of what it belongs to; a file of no known purpose is the Secretariat's."""
    if stored.purpose == "logo":
        return True
    if stored.purpose == "avatar":
        owner = db.session.get(User, stored.uploaded_by_id) if stored.uploaded_by_id else None
        return owner is not None and owner.avatar_id == stored.id and may_view_profile(user, owner)
    if stored.purpose == "evidence":
        # Evidence is as private as the submission it supports.
        evidence = db.session.scalar(
            sa.select(SubmissionEvidence).where(SubmissionEvidence.stored_file_id == stored.id)
        )
        submission = db.session.get(Submission, evidence.submission_id) if evidence else None
        # A file not (or no longer) linked to a submission falls back to the Secretariat only.
        return may_view_submission(user, submission) if submission else is_secretariat(user)
    if stored.purpose == "index_upload":
        # A spreadsheet of raw values, before anyone confirmed it: its uploader's and the Secretariat's.
        return is_signed_in(user) and (stored.uploaded_by_id == user.id or is_secretariat(user))
    if stored.purpose in FILE_RULES:
        return FILE_RULES[stored.purpose](user, stored)
    return is_secretariat(user)
