"""The scope check names what a message is about."""
import pytest

from bot.faq_scope import faq_answer_in_scope, mentions_subject


@pytest.mark.parametrize("text", [
    "how much does CIK cost", "side effects?", "is it in the NCCN guidelines for lung cancer",
    "my dad takes Tagrisso", "do we need a visa for the treatment in China",
    "how many infusions", "what does CancerFax do",
])
def test_messages_about_our_subject(text):
    assert mentions_subject(text)


@pytest.mark.parametrize("text", [
    "how much does it cost to park downtown", "do i need a visa for peru", "where is the colosseum",
    "when does the football season start", "", "cellar door",  # 'cell' must match whole words only
])
def test_messages_about_something_else(text):
    assert not mentions_subject(text)


def test_context_lets_short_follow_ups_through():
    assert faq_answer_in_scope("how much is it?", conversation_about_cik=True)
    assert not faq_answer_in_scope("how much is it?", conversation_about_cik=False)
