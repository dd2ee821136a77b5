"""Labels of enumerated values: each enum keeps its own words even when another enum has the same value."""

import enum

from ports_network.labels import choices, label
from ports_network.models import (
    ActionItemStatus,
    MinutesStatus,
    MotionStatus,
    RequestStatus,
    SessionStatus,
    SpeakerStatus,
)


def test_an_action_item_done_is_done_and_a_speaker_done_has_spoken():
    assert label(ActionItemStatus.DONE) == "Done"
    assert label(SpeakerStatus.DONE) == "Spoke"
    assert dict(choices(ActionItemStatus))["done"] == "Done"
    assert dict(choices(SpeakerStatus))["done"] == "Spoke"


def test_a_value_without_its_own_label_takes_the_label_it_has_in_another_enum():
    assert label(MinutesStatus.DRAFT) == "Draft"
    assert label(ActionItemStatus.IN_PROGRESS) == label(SessionStatus.IN_PROGRESS) == "In progress"
    assert label(SpeakerStatus.WITHDRAWN) == label(MotionStatus.WITHDRAWN) == label(RequestStatus.WITHDRAWN)


def test_no_value_has_no_label_and_a_value_nobody_labelled_shows_its_code():
    class Colour(enum.StrEnum):
        TEAL = "teal"

    assert label(None) == ""
    assert label(Colour.TEAL) == "teal"
    assert choices(Colour) == [("teal", "teal")]
