"""A secret ballot cannot be linked to a voter by anyone, administrators included: after the vote, no row of
any table, no audit record, no notice, no mail, no socket payload and no log line ties a person to a
choice; on PostgreSQL not even the rows' transaction ids do."""

import logging
import os
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import (
    AuditEvent,
    Motion,
    MotionStatus,
    Notification,
    OutboxMail,
    SecretBallotReceipt,
    SecretTally,
    VoteMethod,
)
from ports_network.services import committee_motions
from tests.conftest import login_as
from tests.live_sessions import motion_in_vote, roll_call

CHOICE_WORD = re.compile(r"\b(yes|no|abstain)\b", re.IGNORECASE)


@pytest.fixture
def secret_vote(live, coordinator, focal_point, member):
    """Three voting members present; a secret ballot open on a motion."""
    roll_call(live, coordinator, {coordinator: "present", focal_point: "present", member: "present"})
    return motion_in_vote(live, coordinator, VoteMethod.SECRET, text="Elect the rapporteur.")


def _rows() -> list[tuple[str, dict]]:
    """Every row of every table, as (table, {column: value})."""
    found = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(table.select()).mappings():
                found.append((table.name, dict(row)))
    return found


def _user_columns(table_name: str) -> set[str]:
    table = db.metadata.tables[table_name]
    return {
        c.name for c in table.columns if any(fk.column.table.name == "user_account" for fk in c.foreign_keys)
    }


@pytest.fixture
def people(coordinator, focal_point, member, validator):
    """The chair and two members who vote, and the observer who watches."""
    return SimpleNamespace(chair=coordinator, first=focal_point, second=member, observer=validator)


def test_nothing_links_a_voter_to_a_secret_choice(app, connect_as, secret_vote, people, caplog):
    coordinator, focal_point, member, validator = people.chair, people.first, people.second, people.observer
    caplog.set_level(logging.DEBUG)
    observer = connect_as(validator)
    assert observer.emit("session_join", {"session_id": secret_vote.session_id})["ok"]
    choices = {focal_point.id: "no", member.id: "abstain", coordinator.id: "yes"}
    acks = []
    for person in (focal_point, member):  # over the socket, as the page's script votes
        client = connect_as(person)
        acks.append(client.emit("motion_vote", {"motion_id": secret_vote.id, "choice": choices[person.id]}))
    http = app.test_client()  # and without JavaScript, the last ballot closing the vote
    login_as(http, coordinator)
    response = http.post(f"/committees/motions/{secret_vote.id}/vote", data={"choice": "yes"})
    assert response.status_code == 303 and acks == [{"ok": True}, {"ok": True}]
    motion = db.session.get(Motion, secret_vote.id)
    assert (motion.status, motion.yes_votes, motion.no_votes, motion.abstentions) == (
        MotionStatus.REJECTED,  # a tie under simple majority
        1,
        1,
        1,
    )

    # The database: receipts say who voted, the tally what was chosen; no row holds a person and a choice.
    receipts = db.session.scalars(sa.select(SecretBallotReceipt.voter_id)).all()
    assert sorted(receipts) == sorted(choices)
    assert [c.name for c in SecretBallotReceipt.__table__.columns] == ["motion_id", "voter_id"]
    assert [c.name for c in SecretTally.__table__.columns] == ["motion_id", "choice", "votes"]
    for table, row in _rows():
        people = {row[column] for column in _user_columns(table)} & set(choices)
        words = {value for value in row.values() if isinstance(value, str) and CHOICE_WORD.fullmatch(value)}
        assert not (people and words), (table, row)
        for value in row.values():  # JSON columns (audit old/new, notice parameters)
            if isinstance(value, dict) and people:
                assert not any(CHOICE_WORD.fullmatch(str(v)) for v in value.values()), (table, row)

    # The audit log records the opening and the count, never a secret ballot; no notice, no mail.
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "motion.ballot" not in actions and actions[-1] == "motion.close"
    closing = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "motion.close")).one()
    assert closing.actor_id is None  # closed by the platform when everyone had voted
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0

    # What the sockets carried: who has voted, then the totals; never a choice by name.
    states = observer.events("session_update")
    assert len(states) == 3
    for state in states:
        pushed = state["motions"][0]
        assert pushed["ballots"] == []
        assert pushed["totals"] is None or pushed["status"] == "rejected"
    assert [s["motions"][0]["voted"] for s in states[:2]] == [
        [focal_point.id],
        sorted([focal_point.id, member.id]),
    ]

    # The logs of the whole exchange.
    for record in caplog.records:
        assert not CHOICE_WORD.search(record.getMessage()), record.getMessage()


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="transaction ids are PostgreSQL's",
)
def test_on_postgresql_no_tally_row_keeps_a_voters_transaction_id(
    secret_vote, coordinator, focal_point, member
):
    for person, choice in ((focal_point, "no"), (member, "abstain"), (coordinator, "yes")):
        committee_motions.cast(person, secret_vote, choice)
    with db.engine.connect() as connection:
        receipt_xmins = set(
            connection.execute(sa.text("SELECT xmin::text FROM committee_secret_receipt")).scalars()
        )
        tally_xmins = set(
            connection.execute(sa.text("SELECT xmin::text FROM committee_secret_tally")).scalars()
        )
    assert len(receipt_xmins) == 3 and len(tally_xmins) == 1  # all rewritten by the closing transaction
    assert not receipt_xmins & tally_xmins
