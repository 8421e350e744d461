"""The offline brain's dialogue over whole exchanges (pure), against the demo directory: what the
agent says and which tool it calls for each category of the understanding issue. `find_employee`
answers as the real tool does (same resolver, same JSON), with everyone available."""

from __future__ import annotations

import json

from switchboard.adapters.brain.offline.company import email_format, front_desk
from switchboard.adapters.brain.offline.dialogue import PRIVATE, Dialogue
from switchboard.adapters.brain.offline.state import Asking, Reply
from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.resolution import ResolutionStatus, Resolver
from switchboard.services.directory import demo_directory

DIRECTORY = demo_directory()
RESOLVER = Resolver.build(DIRECTORY)


def dialogue() -> Dialogue:
    d = Dialogue(company_name=DIRECTORY.company.name, info=dict(DIRECTORY.company.info),
                 hours="8:30 to 5:30, Monday to Friday", caller_number="+16125550177")  # fmt: skip
    d.use_directory(RESOLVER, email_format(DIRECTORY), front_desk(DIRECTORY))
    return d


def person(employee_id: str) -> dict[str, object]:
    e = DIRECTORY.employee(employee_id)
    assert e is not None
    dept = DIRECTORY.department(e.department or "")
    return {"id": e.id, "name": e.name, "title": e.title, "department": dept.name if dept else None,
            "available": True, "availability_note": ""}  # fmt: skip


def find(query: str) -> str:
    """What the real `find_employee` tool answers (everyone available)."""
    r = RESOLVER.resolve(query)
    payload: dict[str, object] = {"status": r.status.value}
    if r.status is ResolutionStatus.DEPARTMENT and r.best:
        front = DIRECTORY.front_contact(r.best.id)
        payload["department"] = {"id": r.best.id, "name": r.best.name}
        payload["front_contact"] = person(front.id) if front else None
    else:
        payload["candidates"] = [person(c.id) for c in r.candidates]
    return json.dumps(payload)


def say(d: Dialogue, text: str) -> Reply:
    """One caller turn, with any lookup it causes answered; the reply the caller hears."""
    reply = d.on_caller(text)
    spoken = [reply.text] if reply.text else []
    while reply.tool == "find_employee":
        reply = d.on_tool("find_employee", find(reply.args["query"]), False)
        spoken += [reply.text] if reply.text else []
    return Reply(" ".join(spoken), reply.tool, reply.args)


def test_the_demo_first_sentence_goes_to_billing_and_says_so() -> None:
    d = dialogue()
    reply = say(d, "Hi, I'm Sam from Acme. I need to talk to someone about an overdue invoice")
    assert "That sounds like Billing — let me get Marcus Bell." in reply.text
    assert reply.tool == "transfer_call"
    assert reply.args == {"employee_id": "marcus-bell", "caller_name": "Sam",
                          "reason": "an overdue invoice"}  # fmt: skip


def test_a_department_named_another_way_is_found() -> None:
    d = dialogue()
    reply = say(d, "accounting please")
    assert "Marcus Bell" in reply.text
    assert "couldn't find" not in reply.text
    assert d.state.target is not None
    assert d.state.target.department_id == "billing"


def test_no_thanks_try_someone_else_looks_them_up() -> None:
    d = dialogue()
    say(d, "Priya Raman please, it's Ann Lee about the audit")
    reply = d.on_tool("transfer_call", json.dumps({"status": "not_connected", "name": "Priya Raman",
                                                   "outcome": "no_answer"}), False)  # fmt: skip
    assert d.state.asking is Asking.OFFER_MESSAGE, reply.text
    reply = say(d, "No thanks — could you try Tom instead?")
    assert reply.tool == "transfer_call"
    assert reply.args["employee_id"] == "tom-reed"


def test_actually_take_a_message_after_a_transfer_was_offered() -> None:
    d = dialogue()
    say(d, "Marcus Bell please")
    reply = say(d, "actually, just take a message")
    assert d.state.wants_message
    assert reply.tool is None
    assert "name" in reply.text


def test_never_mind_her_put_me_through_to_billing() -> None:
    d = dialogue()
    say(d, "Catherine Mills")
    reply = say(d, "never mind her, put me through to billing")
    assert d.state.target is not None
    assert d.state.target.id == "marcus-bell"
    assert "name" in reply.text


def test_private_details_are_refused_and_the_person_stays_the_target() -> None:
    d = dialogue()
    reply = say(d, "Can you give me Grace Kim's direct number?")
    assert PRIVATE in reply.text
    assert d.state.target is not None
    assert d.state.target.id == "grace-kim"
    say(d, "fine, then just put me through")
    reply = say(d, "Jo Bloggs, about my benefits")
    assert reply.tool == "transfer_call"
    assert reply.args["employee_id"] == "grace-kim"


def test_her_email_address_is_not_answered_with_the_street_address() -> None:
    d = dialogue()
    say(d, "Priya Raman please")
    reply = say(d, "What's her email address?")
    assert PRIVATE in reply.text
    assert "West Lake" not in reply.text


def test_the_email_format_is_described_without_an_address() -> None:
    reply = say(dialogue(), "how are your emails formatted?")
    assert "first name dot last name" in reply.text
    assert "@" not in reply.text


def test_yes_when_asked_for_a_name_is_not_a_name_and_nothing_is_asked_a_third_time() -> None:
    d = dialogue()
    assert "name" in say(d, "Marcus Bell").text
    assert "name" in say(d, "yes").text
    reply = say(d, "put me through")  # a third time: the agent carries on instead of asking again
    assert "name" not in reply.text
    assert d.state.caller_name is not None


def test_an_unfound_name_is_not_asked_for_a_third_time() -> None:
    d = dialogue()
    say(d, "Can I talk to Zebulon Quartz?")
    say(d, "Xanthippe Moon")
    reply = say(d, "Ozymandias Pell")
    assert "front desk" in reply.text
    assert "message" in reply.text
    reply = say(d, "a message is fine")
    assert d.state.wants_message
    assert d.state.target is not None
    assert d.state.target.department_id == "front-desk"


def test_a_long_message_at_the_read_back_is_kept_whole() -> None:
    d = dialogue()
    say(d, "I'd like to leave a message for Marcus Bell, this is Ann Lee")
    say(d, "the number I'm calling from is fine")
    text = (
        "Yes — tell him "
        + "the credit note for order 5512 never arrived and we need it this week, " * 20
    ).strip()
    reply = say(d, text)
    assert reply.tool == "take_message"
    assert reply.args["message"] == text


def test_a_message_for_whoever_handles_a_topic_goes_to_that_department() -> None:
    d = dialogue()
    say(d, "take a message for whoever handles payroll")
    assert d.state.target is not None
    assert d.state.target.department_id == "payroll"


def test_a_general_message_with_nobody_named_goes_to_the_front_desk() -> None:
    d = dialogue()
    say(d, "I just want to leave a general message, no one in particular")
    assert d.state.target is not None
    assert d.state.target.department_id == "front-desk"


def test_abuse_is_answered_civilly_and_not_taken_as_a_name() -> None:
    d = dialogue()
    say(d, "Marcus Bell")
    reply = say(d, "you stupid machine")
    assert "civil" in reply.text
    assert d.state.caller_name is None


def test_the_target_already_known_is_not_looked_up_again() -> None:
    d = dialogue()
    say(d, "Marcus Bell")
    reply = d.on_caller("yes Marcus Bell please, this is Ann Lee")
    assert reply.tool is None
    assert d.state.caller_name == "Ann Lee"


def test_a_number_said_inside_the_message_is_read_back_and_the_message_kept() -> None:
    d = dialogue()
    say(d, "message for marcus bell")
    say(d, "Ann Lee")
    reply = say(d, "Tell him to call me at 612 555 0199 about the lease")
    assert reply.text == "I have 612-555-0199. Is that right?"
    reply = say(d, "yes")
    assert reply.tool == "take_message"
    assert reply.args["message"] == "Tell him to call me at 612 555 0199 about the lease"


def test_a_private_address_asked_for_someone_is_refused_with_an_offer() -> None:
    d = dialogue()
    reply = say(d, "what's the address for Priya")
    assert PRIVATE in reply.text
    assert "I can put you through to Priya Raman, or take a message." in reply.text
    assert "West Lake" not in reply.text


def test_the_companys_own_number_question_is_not_a_private_request() -> None:
    reply = say(dialogue(), "Is this the right number for Lakeshore? I need billing.")
    assert PRIVATE not in reply.text
    assert "Billing" in reply.text


def test_asking_for_a_real_person_goes_to_the_reception_desk() -> None:
    d = dialogue()
    say(d, "can I talk to a real person please")
    assert d.state.target is not None
    assert d.state.target.department_id == "front-desk"


def test_a_failed_transfer_is_not_redialled_unasked_but_try_again_retries() -> None:
    d = dialogue()
    say(d, "Marcus Bell please, it's Ann Lee about the audit")
    failed = json.dumps({"status": "not_connected", "name": "Marcus Bell", "outcome": "busy"})
    d.on_tool("transfer_call", failed, False)
    assert say(d, "hmm").tool is None
    assert say(d, "could you try him again").tool == "transfer_call"


def test_anyone_else_from_that_team_goes_to_a_colleague_and_his_boss_to_the_one_in_charge() -> None:
    d = dialogue()
    say(d, "Angela Bello please, it's Ann Lee about a statement")
    failed = json.dumps({"status": "not_connected", "name": "Angela Bello", "outcome": "no_answer"})
    d.on_tool("transfer_call", failed, False)
    reply = say(d, "Nope — is anyone else from that team around?")
    assert reply.tool == "transfer_call"
    assert reply.args["employee_id"] == "marcus-bell"  # Billing's first listed, not Angela again
    d = dialogue()
    say(d, "Angela Bello please, it's Ann Lee about a statement")
    d.on_tool("transfer_call", failed, False)
    reply = say(d, "no, I'd rather talk to her boss")
    assert reply.args["employee_id"] == "priya-raman"  # the Controller


def test_an_email_address_question_about_someone_is_private() -> None:
    reply = say(dialogue(), "If I want to email Marcus, what's the address?")
    assert PRIVATE in reply.text
    assert "West Lake" not in reply.text


def test_sorry_what_repeats_the_question_without_counting_it_twice() -> None:
    d = dialogue()
    say(d, "Marcus Bell")
    assert say(d, "sorry, what?").text == "May I have your name, please?"
    assert (
        say(d, "hold on a sec").text == "Of course, take your time. May I have your name, please?"
    )
    assert "name" in say(d, "yes").text  # only the second real asking
    assert d.state.caller_name is None


def test_a_number_asked_for_twice_falls_back_to_the_caller_id_read_back() -> None:
    d = dialogue()
    say(d, "leave a message for marcus bell, this is Ann Lee")
    assert "number" in say(d, "hmm").text
    reply = say(d, "I don't know it")
    assert reply.text == "I have 612-555-0177. Is that right?"


def test_why_do_you_need_my_name_is_answered_and_the_question_asked_again() -> None:
    d = dialogue()
    say(d, "Marcus Bell")
    reply = say(d, "why do you need my name?")
    assert reply.text == "So I can tell them who's calling. May I have your name, please?"
    assert d.state.caller_name is None


def test_a_name_nobody_has_is_asked_for_letter_by_letter_and_found() -> None:
    d = dialogue()
    reply = say(d, "Could I speak to Bin Oak afar please?")
    assert "couldn't find Bin Oak afar" in reply.text
    assert "spell their last name" in reply.text
    assert d.expects_spelling
    reply = say(d, "O. K. A. F. O. R.")
    assert "that's Ben Okafor in Engineering" in reply.text  # said back, so it can be put right
    assert not d.expects_spelling
    assert d.state.target is not None
    assert d.state.target.id == "ben-okafor"
    assert reply.text.endswith("May I have your name, please?")


def test_a_misheard_spelling_is_still_found() -> None:
    d = dialogue()
    say(d, "Shelts please")
    reply = say(d, "F-C-H-U-L-T-Z")  # S heard as F, as it is on a phone line
    assert "Hannah Schultz" in reply.text


def test_a_spelling_that_finds_nobody_is_asked_for_once_more_then_the_way_out() -> None:
    d = dialogue()
    say(d, "Can I talk to Zebulon Quartz?")
    reply = say(d, "Q U A R T Z")
    assert "couldn't find that spelling" in reply.text
    assert "spell it once more" in reply.text
    assert d.expects_spelling
    reply = say(d, "Q, U, A, R, T, Z.")
    assert "spell" not in reply.text  # never a third time
    assert not d.expects_spelling
    assert "front desk" in reply.text or "message" in reply.text  # the way out, not a loop


def test_a_second_spelling_can_find_the_person() -> None:
    d = dialogue()
    say(d, "Could I speak to Bin Oak afar please?")
    say(d, "X, K, A, Q, Q, R.")  # misheard beyond recognition
    reply = say(d, "O, K, A, F, O, R.")
    assert "that's Ben Okafor" in reply.text


def test_a_spelled_name_two_people_share_asks_which_one() -> None:
    d = dialogue()
    say(d, "Could I speak to Zebulon Quartz?")
    reply = say(d, "J, O, H, N.")  # spelled the first name: John Smith and John Park
    assert d.state.asking is Asking.WHICH
    assert "John Smith" in reply.text
    assert "John Park" in reply.text
    reply = say(d, "Park")
    assert d.state.target is not None
    assert d.state.target.id == "john-park"


def test_a_topic_nobody_handles_is_not_asked_to_be_spelled() -> None:
    d = dialogue()
    reply = say(d, "I'm calling about the thing with the stuff from last week")
    assert "spell" not in reply.text


def test_a_spelling_with_a_double_letter_keeps_both() -> None:
    d = dialogue()
    say(d, "Could I speak to Zebulon Quartz?")
    reply = say(d, "B, E, L, L.")  # "L, L" is two letters, not a word said twice
    assert "that's Marcus Bell" in reply.text


def test_a_correction_naming_someone_unknown_is_looked_up_and_spelled_not_taken_as_a_name() -> None:
    d = dialogue()
    reply = say(d, "I have a question about my invoice")
    assert d.state.asking is Asking.NAME  # routed to Billing by topic; asked who is calling
    reply = say(d, "No, I'd like to speak to Bin Oak afar, please.")
    assert "couldn't find Bin Oak afar" in reply.text
    assert d.state.caller_name is None
    reply = say(d, "O, K, A, F, O, R.")
    assert "that's Ben Okafor" in reply.text
    assert d.state.target is not None
    assert d.state.target.id == "ben-okafor"


def test_a_lookup_in_everyday_words_asks_for_a_spelling_only_if_it_is_a_name() -> None:
    # "the warehouse" may be a place, or a name the recogniser wrote as everyday words.
    d = dialogue()
    reply = say(d, "Can I speak to the warehouse?")
    assert "couldn't find warehouse" in reply.text
    assert "If that's someone's name, could you spell their last name" in reply.text
    assert d.expects_spelling
    reply = say(d, "Shipping, please. It's about an order.")  # not a name: words, not letters
    assert "That sounds like Sales" in reply.text
    assert not d.expects_spelling


def test_a_name_heard_twice_as_everyday_words_is_asked_for_letter_by_letter() -> None:
    # tiny.en writes a foreign name as English words ("so annoy me" for Sowande): asked who
    # once, the same again gets a request for the letters, not "who?" a second time.
    d = dialogue()
    reply = say(d, "I'd like to speak to so annoy me, please.")
    assert reply.text == "Who would you like to speak with?"
    reply = say(d, "I'd like to speak to you on a queet, please.")  # "you" is no reason not to
    assert reply.text == (
        "I'm sorry, I didn't quite catch the name. "
        "Could you spell their last name for me, letter by letter?"
    )
    assert d.expects_spelling
    reply = say(d, "O, K, A, F, O, R.")
    assert "that's Ben Okafor" in reply.text


def test_letters_asked_for_after_who_still_get_a_second_try_then_the_way_out() -> None:
    # Spellings are bounded by MAX_SPELLINGS, not by the two "who?"s before them.
    d = dialogue()
    say(d, "I'd like to speak to so annoy me, please.")
    say(d, "Could I talk to so annoying me?")
    reply = say(d, "X, K, A, Q, Q, R.")
    assert "spell it once more" in reply.text
    reply = say(d, "Q, U, A, R, T, Z.")
    assert "spell" not in reply.text
    assert "front desk" in reply.text or "message" in reply.text


def test_asking_for_someone_or_a_manager_is_not_asked_to_be_spelled() -> None:
    for vague in ("I'd like to speak to someone, please.", "Can I talk to a manager?"):
        d = dialogue()
        say(d, vague)
        reply = say(d, vague)
        assert "spell" not in reply.text, vague
        assert not d.expects_spelling


def test_namesakes_told_apart_by_department_are_found_not_asked_about_again() -> None:
    directory = Directory(
        CompanyProfile(name="Acme"),
        employees=(
            Employee(id="ann-sales", name="Ann Lee", phone="+16125550101", department="sales"),
            Employee(id="ann-support", name="Ann Lee", phone="+16125550102", department="support"),
        ),
        departments=(Department("sales", "Sales"), Department("support", "Support")),
    )
    resolver = Resolver.build(directory)
    d = Dialogue(company_name="Acme")
    d.use_directory(resolver, None, None)
    reply = d.on_caller("Ann Lee, please")
    assert reply.text == "Did you mean Ann Lee in Sales or Ann Lee in Support?"
    reply = d.on_caller("The one in support.")
    assert reply.args == {"query": "Ann Lee in Support"}  # the name alone finds both again
    found = resolver.resolve(reply.args["query"])
    assert found.status is ResolutionStatus.MATCH
    assert found.best is not None
    assert found.best.id == "ann-support"


def test_a_name_said_back_and_put_right_in_unreadable_words_is_asked_to_be_spelled() -> None:
    d = dialogue()
    reply = say(d, "Could I speak to Marcus Bell?")
    assert reply.text == "Marcus Bell, of course. May I have your name, please?"
    reply = say(d, "No, I'd like to speak to you about all the skazoloskas, please.")
    assert reply.text == (
        "I'm sorry about that. Could you spell their last name for me, letter by letter?"
    )
    assert d.state.target is None
    assert d.expects_spelling
    reply = say(d, "O, K, A, F, O, R.")
    assert "that's Ben Okafor" in reply.text
    assert d.state.target is not None
    assert d.state.target.id == "ben-okafor"


def test_a_plain_no_to_the_name_question_is_no_wrong_person() -> None:
    d = dialogue()
    say(d, "Could I speak to Marcus Bell?")
    reply = say(d, "No.")  # not giving a name: Marcus Bell stays the one asked for
    assert "spell" not in reply.text
    assert d.state.target is not None
    assert d.state.target.name == "Marcus Bell"


def test_words_not_taken_for_a_name_that_find_someone_are_said_back() -> None:
    # "Add a new copy" (Atinuke Oparinde, misheard) is looked up as "Add", which finds Ada:
    # said back, so the caller can put it right before anyone is rung.
    directory = Directory(
        CompanyProfile(name="Acme"),
        employees=(Employee(id="ada", name="Ada Tereshchuk", phone="+16125550101"),),
    )
    d = Dialogue(company_name="Acme")
    d.use_directory(Resolver.build(directory), None, None)
    reply = d.on_caller("Add a new copy and please.")
    assert reply.tool == "find_employee"
    found = {"status": "match", "candidates": [{"id": "ada", "name": "Ada Tereshchuk",
             "department": None, "available": True, "availability_note": ""}]}  # fmt: skip
    reply = d.on_tool("find_employee", json.dumps(found), False)
    assert reply.text == "Ada Tereshchuk, of course. May I have your name, please?"


def test_a_topic_routing_put_right_in_unreadable_words_is_asked_to_be_spelled() -> None:
    # "Bug and burn it up" (Bogdan Vernidub, misheard) read as an engineering topic: the routing
    # is said back, and "No, I'd like to speak the …" ("to" heard as "the") puts it right.
    d = dialogue()
    reply = say(d, "I have a question about my invoice")
    assert "That sounds like Billing — let me get Marcus Bell." in reply.text
    reply = say(d, "No, I'd like to speak the so annoy me, please.")
    assert reply.text == (
        "I'm sorry about that. Could you spell their last name for me, letter by letter?"
    )
    assert d.state.target is None
