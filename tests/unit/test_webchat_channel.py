"""The website chat channel's own parts (channels.webchat)."""
import pytest

from channels.webchat import RecentIds, resumable_session_id

KNOWN = "0123456789abcdef0123456789abcdef"


def test_a_well_formed_conversation_id_is_resumed():
    assert resumable_session_id(KNOWN) == KNOWN


@pytest.mark.parametrize("requested", [None, "", "abc", KNOWN.upper(), KNOWN + "0", "../" + KNOWN[3:],
                                       123, {"id": KNOWN}])
def test_anything_else_gets_a_fresh_id(requested):
    fresh = resumable_session_id(requested)
    assert fresh != requested and resumable_session_id(fresh) == fresh


def test_a_repeated_client_message_is_seen_once_per_conversation():
    recent = RecentIds()
    assert recent.first_time("conv-a", "m1")
    assert not recent.first_time("conv-a", "m1")
    assert recent.first_time("conv-b", "m1")


def test_the_oldest_ids_are_forgotten_first():
    recent = RecentIds(size=2)
    for client_id in ("m1", "m2", "m3"):
        recent.first_time("c", client_id)
    assert recent.first_time("c", "m1")
    assert not recent.first_time("c", "m3")
