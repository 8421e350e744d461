"""Writing a garbled directory name as the directory spells it (`NameSnapper`), and leaving
everything else alone: names already right, near-ties, everyday words, people not in the
directory."""

from __future__ import annotations

import pytest

from switchboard.adapters.voice.names import NameSnapper

DIRECTORY = [
    "Ramiro Burgos",
    "Vanya Konda",
    "Nina Engels",
    "Tom Reed",
    "Yuta Kobayashi",
    "Manabu Kobayashi",
    "Priya Raman",
    "Billing",  # one-word hints (departments) are never written in
    "Human Resources",
]
SNAPPER = NameSnapper(DIRECTORY)


@pytest.mark.parametrize(
    ("heard", "written"),
    [
        # Transcripts tiny.en wrote in benchmarks/voice.py on the generated directory.
        ("Hi, I'm trying to reach Remiro Burgles.", "Hi, I'm trying to reach Ramiro Burgos."),
        ("Hi, I'm trying to reach Vanyakanda.", "Hi, I'm trying to reach Vanya Konda."),
        ("Hi, I'm trying to reach Nina Angels.", "Hi, I'm trying to reach Nina Engels."),
    ],
)
def test_a_garbled_name_is_written_as_the_directory_spells_it(heard: str, written: str) -> None:
    assert SNAPPER.snap(heard) == written


@pytest.mark.parametrize(
    "heard",
    [
        "Could I speak to Priya Raman, please?",  # already right
        "Could I speak to Nina Engels and Remiro Burgles?",  # a right name: nothing to fix
        "Hi, I'm trying to read the letter.",  # "to read" is not Tom Reed
        "May not be Kobayashi, please.",  # two Kobayashis: not ours to choose
        "Could I speak to John Williams?",  # nobody like him here
        "I'd like to pay my bill.",
        "",
        "...",
    ],
)
def test_everything_else_is_left_alone(heard: str) -> None:
    assert SNAPPER.snap(heard) == heard


def test_only_full_names_are_candidates() -> None:
    assert SNAPPER.names == (
        "Ramiro Burgos",
        "Vanya Konda",
        "Nina Engels",
        "Tom Reed",
        "Yuta Kobayashi",
        "Manabu Kobayashi",
        "Priya Raman",
        "Human Resources",
    )
    assert NameSnapper([]).snap("Remiro Burgles") == "Remiro Burgles"


def test_a_stricter_floor_writes_less() -> None:
    strict = NameSnapper(DIRECTORY, floor=99.0)
    assert strict.snap("Hi, I'm trying to reach Nina Angels.") == (
        "Hi, I'm trying to reach Nina Angels."
    )
