"""The offline brain's reading of single caller turns (pure), one test per category of the
understanding issue, against the demo directory: acts, entities found anywhere in the turn, and
slots filled in any order."""

from __future__ import annotations

import pytest

from switchboard.adapters.brain.offline.acts import Act
from switchboard.adapters.brain.offline.state import Asking
from switchboard.adapters.brain.offline.understanding import Heard, Listener
from switchboard.domain.resolution import Resolver
from switchboard.domain.spoken_numbers import parse_callback_number
from switchboard.services.directory import demo_directory

RESOLVER = Resolver.build(demo_directory())


def hear(text: str, asking: Asking = Asking.TARGET) -> Heard:
    def read(t: str) -> str | None:
        return parse_callback_number(t, caller_number="+16125550177", default_region="US")

    return Listener(RESOLVER, read).hear(text, asking)


def ids(h: Heard) -> set[str]:
    return set(h.entity.ids) if h.entity else set()


@pytest.mark.parametrize(
    ("said", "who"),
    [
        ("so I was told to ask for Diego Moreno about my stub", "diego-moreno"),
        ("is lucas in the office this afternoon", "lucas-chen"),
        ("good morning, ms. bello please", "angela-bello"),
        ("Mr Okafor, if he's around", "ben-okafor"),
        ("miss o'brien", "mary-kate-obrien-smith"),
        ("shiv on gallagher", "siobhan-gallagher"),
        ("can I get Mike", "michael-oconnor"),
    ],
)
def test_a_name_anywhere_in_the_turn_is_found(said: str, who: str) -> None:
    h = hear(said)
    assert (h.act, ids(h)) == (Act.TRANSFER, {who})


@pytest.mark.parametrize(
    ("said", "dept"),
    [
        ("my paychecks are short", "payroll"),
        ("there's a problem with an invoice you sent", "billing"),
        ("my computer won't start", "it"),
        ("who would I talk to about my dental insurance", "hr"),
        ("I'd like a price for fifty desks", "sales"),
    ],
)
def test_a_topic_goes_to_the_department_that_handles_it(said: str, dept: str) -> None:
    h = hear(said)
    assert (h.act, ids(h)) == (Act.TRANSFER, {dept})
    assert h.reason  # what it is about is the reason: not asked again


def test_the_caller_introducing_themselves_is_not_a_target() -> None:
    h = hear("Hi, I'm Sam from Acme. I need to talk to someone about an overdue invoice")
    assert h.caller_name == "Sam"  # Sam is also a nickname of Samuel Adeyemi
    assert ids(h) == {"billing"}
    assert h.entity is not None
    assert h.entity.described


def test_a_job_title_said_in_full_names_its_holder() -> None:
    assert ids(hear("I'd like the controller please")) == {"priya-raman"}
    assert ids(hear("your regional sales manager")) == {"tom-reed"}
    assert ids(hear("the sales manager")) == {"elizabeth-hart"}


def test_an_ambiguous_name_is_narrowed_by_what_is_said_with_it() -> None:
    assert ids(hear("John please")) == {"john-smith", "john-park", "jon-fischer"}
    assert ids(hear("the John who's an engineer")) == {"john-park", "jon-fischer"}
    assert ids(hear("John in sales")) == {"john-smith"}


@pytest.mark.parametrize(
    ("said", "asking", "act"),
    [
        ("yeah go for it", Asking.OFFER_MESSAGE, Act.AFFIRM),
        ("nope not today", Asking.OFFER_MESSAGE, Act.DENY),
        ("That's right.", Asking.CONFIRM_NUMBER, Act.AFFIRM),
        ("no", Asking.CONFIRM_NUMBER, Act.DENY),
        ("ok bye now", Asking.ANYTHING_ELSE, Act.GOODBYE),
        ("you useless idiot", Asking.NAME, Act.ABUSE),
        ("there's smoke in the stairwell", Asking.TARGET, Act.EMERGENCY),
    ],
)
def test_plain_acts(said: str, asking: Asking, act: Act) -> None:
    assert hear(said, asking).act is act


def test_no_thanks_try_someone_else_is_a_new_request_not_goodbye() -> None:
    h = hear("No thanks — could you try Tom instead?", Asking.OFFER_MESSAGE)
    assert (h.act, ids(h)) == (Act.DENY_REQUEST, {"tom-reed"})


def test_a_correction_names_the_one_wanted_not_the_one_dropped() -> None:
    h = hear("never mind her, put me through to billing", Asking.NAME)
    assert (h.act, ids(h)) == (Act.CORRECTION, {"billing"})
    h = hear("sorry, I meant Raj, not Wei", Asking.REASON)
    assert (h.act, ids(h)) == (Act.CORRECTION, {"raj-patel"})


def test_asking_for_a_message_after_a_transfer_was_offered() -> None:
    assert hear("actually, just take a message", Asking.NAME).act is Act.MESSAGE
    h = hear("take a message for whoever handles payroll")
    assert (h.act, ids(h)) == (Act.MESSAGE, {"payroll"})


@pytest.mark.parametrize(
    ("said", "act"),
    [
        ("What's her email address?", Act.PRIVATE),
        ("what's your address", Act.INFO_ADDRESS),
        ("how are your emails formatted?", Act.INFO_EMAIL_FORMAT),
        ("what time do you close", Act.INFO_HOURS),
        ("what's the website", Act.INFO_WEBSITE),
        ("do you have a fax number", Act.INFO_FAX),
    ],
)
def test_information_requests_are_each_distinct(said: str, act: Act) -> None:
    assert hear(said, Asking.NAME).act is act


def test_a_private_request_keeps_the_named_person() -> None:
    h = hear("can you give me Marcus Bell's cell number")
    assert (h.act, ids(h)) == (Act.PRIVATE, {"marcus-bell"})


@pytest.mark.parametrize("said", ["yes", "put me through", "please just connect me"])
def test_yes_or_put_me_through_is_not_a_name(said: str) -> None:
    h = hear(said, Asking.NAME)
    assert h.caller_name is None
    assert h.act is Act.AFFIRM


def test_a_long_message_given_at_the_read_back_is_kept_whole() -> None:
    text = (
        "Yes, and please tell her " + "the pallets came in short again and we need a credit, " * 25
    ).strip()
    h = hear(text, Asking.CONFIRM_NUMBER)
    assert h.act is Act.GIVE_MESSAGE
    assert h.message == text
    assert len(text) > 1000


def test_slots_come_in_any_order() -> None:
    h = hear("It's Ravi Shah, about the lease, can I talk to Dana Whitfield", Asking.REASON)
    assert (h.caller_name, h.reason, ids(h)) == ("Ravi Shah", "the lease", {"dana-whitfield"})
    assert hear("my number is 612 555 0199", Asking.NAME).number == "+16125550199"


def test_a_caller_name_that_is_not_plain_is_kept_verbatim() -> None:
    odd = "Robert'); DROP TABLE messages;--"
    assert hear(odd, Asking.NAME).caller_name == odd


@pytest.mark.parametrize(
    ("said", "asking", "who"),
    [
        ("hi i have a question about my pay check", Asking.TARGET, {"payroll"}),  # split word
        ("Can you connect me to our account person? I think it's Angela.", Asking.TARGET,
         {"angela-bello"}),  # "it's Angela" names the target, not the caller
        ("I'm looking for the lady who does the benefits, Hannah I think", Asking.TARGET,
         {"hannah-schultz"}),  # team words beside a lone name
        ("oh no sorry, I need Kathryn, not Catherine", Asking.NAME, {"kathryn-doyle"}),
        ("Who's your systems admin? I need them.", Asking.TARGET, {"wei-chan"}),
        ("the head of engineering please", Asking.TARGET, {"nadia-haddad"}),
        ("There's an error on my pay slip", Asking.TARGET, {"payroll"}),
    ],
)  # fmt: skip
def test_harder_phrasings_find_the_right_entity(said: str, asking: Asking, who: set[str]) -> None:
    assert ids(hear(said, asking)) == who


@pytest.mark.parametrize(
    ("said", "asking", "act"),
    [
        ("sorry, what?", Asking.NAME, Act.REPEAT),
        ("hold on a sec", Asking.NUMBER, Act.PAUSE),
        ("no I'll just try her cell", Asking.OFFER_MESSAGE, Act.GOODBYE),  # not private
        ("close, it ends in four eight", Asking.CONFIRM_NUMBER, Act.DENY),
        ("nothing, I'll email him", Asking.MESSAGE, Act.GOODBYE),
        ("Hours?", Asking.TARGET, Act.INFO_HOURS),
        ("I'm trying to pay my invoice online and it isn't working", Asking.TARGET, Act.TRANSFER),
    ],
)
def test_answers_to_the_agents_own_questions(said: str, asking: Asking, act: Act) -> None:
    assert hear(said, asking).act is act


def test_me_is_not_a_name_and_the_number_i_am_on_is_the_caller_id() -> None:
    assert hear("me", Asking.NAME).caller_name is None
    assert hear("call me at this one", Asking.NUMBER).number == "+16125550177"
