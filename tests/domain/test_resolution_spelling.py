"""A name spelled letter by letter: reading the letters from a transcript, and finding the person
(`domain/resolution/spelling.py`, `Resolver.resolve`/`scan`).

The transcripts marked "heard" are what faster-whisper tiny.en wrote for piper spelling the name
over the simulated phone line (`benchmarks/voice.py`), not made up to fit."""

from __future__ import annotations

import pytest

from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.resolution import ResolutionStatus, Resolver
from switchboard.domain.resolution.spelling import (
    SpellingIndex,
    spelled_letters,
    spelling_cost,
    spelling_keys,
)

_PEOPLE = (
    ("e1", "Marian Veselov", "sales"),
    ("e2", "Taygan Ülker", "sales"),
    ("e3", "Catalina Martinez", "support"),
    ("e4", "Milo Martinez", "sales"),
    ("e5", "Andrei Dumitrescu", "support"),
    ("e6", "Iarina Babichenko", "support"),
    ("e7", "Przemysław Hamerla", "sales"),
    ("e8", "Martina Komar", "support"),
    ("e9", "Stephane Bedard", "sales"),
    ("e10", "Kliment Shiian", "support"),
    ("e11", "Ana Smith", "sales"),
    ("e12", "Ben Smyth", "support"),
    ("e13", "Maria de la Cruz", "sales"),
    ("e14", "Abe Lincoln", "sales"),
)


def _directory() -> Directory:
    return Directory(
        CompanyProfile(name="Acme"),
        departments=(Department("sales", "Sales"), Department("support", "Support")),
        employees=tuple(
            Employee(id=i, name=n, phone=f"+1612555{k:04d}", department=d)
            for k, (i, n, d) in enumerate(_PEOPLE)
        ),
    )


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.build(_directory())


@pytest.mark.parametrize(
    ("text", "letters"),
    [
        ("V-E-S-E-L-O-V", "veselov"),
        ("V. E. S. E. L. O. V.", "veselov"),
        ("s i l i n", "silin"),
        ("ST-O-I-T-A", "stoita"),  # heard: letters run together in capitals
        ("k u l a 3 i n a.", "kula3ina"),  # heard: "3" for the E-set "G"
        ("Okay, oh m a r", "komar"),  # heard: letter names inside a run of letters
        ("double u, i, l, s, o, n", "wilson"),
        ("it's Patel, P A T E L", "patel"),
        ("The R D D A.", "3rdda"),  # heard for "P. R. E. D. A."
    ],
)
def test_spelled_letters_are_read_in_the_shapes_recognisers_write(text: str, letters: str) -> None:
    assert spelled_letters(text) == letters


@pytest.mark.parametrize(
    "text",
    [
        "Could I speak to a manager?",
        "Oh, I see",  # letter names alone are words, not a spelling
        "Are you there?",
        "I need my W-2 form",
        "It's about the I.T. system",  # two letters are no spelling
        "I, uh, I need a, a refund",
        "KPMG audit",
        "the A-team",
        "",
        "3, 5, 8, 3,",  # heard: digits are no letters
        "Hi, I'm a reporter with the Lakeside Ledger.",  # "I'm a": a contraction, not I, M, A
        "I'd say it's O'Brien, a friend",
    ],
)
def test_ordinary_turns_spell_nothing(text: str) -> None:
    assert spelled_letters(text) is None


def test_letters_that_sound_alike_on_the_phone_cost_less_than_others() -> None:
    assert spelling_cost("veselov", "veselov") == 0
    assert spelling_cost("beselov", "veselov") < spelling_cost("reselov", "veselov")
    assert spelling_cost("fhiian", "shiian") < spelling_cost("khiian", "shiian")
    assert spelling_cost("veslov", "veselov") < 1  # a dropped letter
    assert spelling_cost("rrr", "aaa") == 3


def test_spelling_keys_are_folded_to_ascii_and_cover_the_ways_a_name_is_spelled() -> None:
    assert spelling_keys("Taygan Ülker") == {"ulker", "taygan", "tayganulker"}
    assert spelling_keys("Przemysław Hamerla") >= {"hamerla", "przemyslaw"}
    assert "delacruz" in spelling_keys("Maria de la Cruz")
    assert spelling_keys("Mary-Kate O'Brien-Smith") >= {"obriensmith", "marykate"}
    assert spelling_keys("") == set()


@pytest.mark.parametrize(
    ("heard", "who"),
    [
        ("V E S E L O V", "e1"),
        ("U-L-K-E-R", "e2"),  # Ülker, spelled without the accent
        ("C-U-M-I-D-R-A-S-C-U.", "e5"),  # heard for Dumitrescu
        ("V-A-V-I-3-H-E-N-K-O.", "e6"),  # heard for Babichenko
        ("Okay, oh m a r", "e8"),
        ("V E D A R D", "e9"),  # heard for Bedard
        ("f, h, i, i, a, n.", "e10"),  # heard for Shiian: S and F sound alike on the phone
        ("D-E-L-A-C-R-U-Z", "e13"),
    ],
)
def test_a_spelled_surname_finds_its_person(resolver: Resolver, heard: str, who: str) -> None:
    for read in (resolver.resolve, resolver.scan):
        found = read(heard)
        assert found.status is ResolutionStatus.MATCH, (read, found)
        assert [c.id for c in found.candidates] == [who]
        assert found.reason.startswith("spelled")


def test_a_surname_two_people_share_is_an_ambiguous_set_of_both(resolver: Resolver) -> None:
    found = resolver.scan("M-A-R-T-I-N-E-Z")
    assert found.status is ResolutionStatus.AMBIGUOUS
    assert {c.id for c in found.candidates} == {"e3", "e4"}


def test_two_spellings_about_as_close_find_nobody(resolver: Resolver) -> None:
    # "S M I T E" is one letter from Smith and from Smyth (I and Y sound alike): no guess.
    assert resolver.scan("S M I T E").status is ResolutionStatus.NONE


def test_a_spelling_far_from_every_name_finds_nobody(resolver: Resolver) -> None:
    for heard in ("X Q Z W", "R I F D D A", "Q-U-A-R-T-Z-E-N-B-E-R-G"):
        assert resolver.scan(heard).status is ResolutionStatus.NONE, heard


def test_a_spelling_of_nobody_is_no_department_either() -> None:
    directory = _directory()
    with_it = Directory(
        directory.company,
        departments=(*directory.departments, Department("it", "IT")),
        employees=directory.employees,
    )
    found = Resolver.build(with_it).scan("G-R-I-N-T-I-T.")  # holds "I-T"
    assert found.status is ResolutionStatus.NONE
    assert found.reason.startswith("spelled")


def test_three_letters_must_be_exact() -> None:
    # "ABC" is an acronym far more often than a spelling: Abe is not found by one near letter.
    index = SpellingIndex(["Abe Lincoln", "Maria de la Cruz"])
    assert index.find("abc") is None
    found = index.find("abe")
    assert found is not None
    assert found.people == (0,)


def test_the_spelling_index_is_made_at_the_first_spelled_lookup_or_when_asked() -> None:
    fresh = Resolver.build(_directory())
    assert not fresh.spelling_ready  # building a resolver does not pay for it
    fresh.scan("Could I speak to Marian Veselov?")
    assert not fresh.spelling_ready  # nor does a spoken name
    fresh.scan("V E S E L O V")
    assert fresh.spelling_ready
    other = Resolver.build(_directory())
    assert other.prepare_spelling() is other.prepare_spelling()


def test_a_spelled_name_does_not_change_how_spoken_names_resolve(resolver: Resolver) -> None:
    found = resolver.scan("Could I speak to Marian Veselov please?")
    assert [c.id for c in found.candidates] == ["e1"]
    assert not found.reason.startswith("spelled")


def test_the_index_finds_a_name_among_many_others() -> None:
    names = [f"Person{n:05d} Surname{n:05d}" for n in range(5000)] + ["Taygan Ülker"]
    found = SpellingIndex(names).find("ulker")
    assert found is not None
    assert found.people == (5000,)


@pytest.mark.parametrize(
    "text",
    ["GET ME RAJ PATEL NOW", "I NEED IT NOW", "Hi, I'm a reporter", "It's about the A-B test"],
)
def test_shouting_contractions_and_acronyms_are_no_spelling(text: str) -> None:
    assert spelled_letters(text) is None
