"""The built-in English and Danish text analysers."""

from __future__ import annotations

import pytest

from cx_rules.analysers import ANALYSERS, DANISH, ENGLISH, PatternAnalyser
from cx_rules.text import TextAnalyser, TextReader

READER = TextReader(ANALYSERS)


def test_the_builtins_read_english_and_danish() -> None:
    assert READER.languages == ("en", "da")


@pytest.mark.parametrize("analyser", [ENGLISH, DANISH])
def test_the_builtins_are_text_analysers(analyser: PatternAnalyser) -> None:
    assert isinstance(analyser, TextAnalyser)


# -- thanks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for the time you spent with us last week.",
        "Many thanks for your interest in the role.",
        "THANKS for applying!",
        "We are grateful that you considered us.",
        "We really appreciate the effort you put into the case exercise.",
        "Your work on the assignment was much appreciated.",
    ],
)
def test_english_thanks(text: str) -> None:
    assert ENGLISH.thanks(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "Tak for din ansøgning.",
        "Tak fordi du tog dig tid til samtalen.",
        "Vi takker for din interesse i stillingen.",
        "Mange tak for en god samtale i tirsdags.",
        "TUSIND TAK for din tid.",
        "Vi er taknemmelige for den tid, du har brugt.",
        "Vi værdsætter dit engagement.",
        "Vi vil gerne takke dig for samtalen.",
    ],
)
def test_danish_thanks(text: str) -> None:
    assert DANISH.thanks(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "Unfortunately we have decided not to proceed with your application.",
        "We have filled the position.",
        "Thanksgiving opening hours: closed Thursday.",
        "",
    ],
)
def test_english_text_without_thanks(text: str) -> None:
    assert ENGLISH.thanks(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "Vi har valgt at gå videre med en anden kandidat.",
        "Takket være mange ansøgere har vi valgt en anden.",
        "Stillingen er desværre besat.",
    ],
)
def test_danish_text_without_thanks(text: str) -> None:
    assert DANISH.thanks(text) is False


def test_the_reader_finds_thanks_in_either_language() -> None:
    assert [
        READER.thanks("Thank you for applying."),
        READER.thanks("Tak for din ansøgning."),
        READER.thanks("We chose another candidate. Vi har valgt en anden."),
    ] == [True, True, False]


# -- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Dear {first_name}, thank you for applying.",
        "Hi {{ name }}, we have decided to move on.",
        "Regarding {{job.title}}: the position is filled.",
        "Dear [NAME], thank you.",
        "Kære [FORNAVN], tak for din ansøgning.",
        "Dear [Candidate Name], thank you.",
        "Kære [Kandidatens navn], tak.",
        "Dear <<name>>, thank you.",
        "Dear %s, thank you for applying.",
        "Dear %(first_name)s, thank you.",
        "Dear $FIRST_NAME, thank you.",
        "Dear ${name}, thank you.",
        "Kære {fornavn}, tak for samtalen.",
    ],
)
def test_placeholders_are_found_in_any_language(text: str) -> None:
    assert (ENGLISH.is_template(text), DANISH.is_template(text)) == (True, True)


@pytest.mark.parametrize(
    "text",
    [
        "Dear Anna, thank you for applying.",
        "Kære Mads, tak for samtalen i går.",
        "The salary band starts at $100 a day [see the attached offer].",
        "We reached 100% of our hiring target.",
        "Dear Anna, I'm writing after our call [as promised].",
    ],
)
def test_filled_in_text_is_not_a_template(text: str) -> None:
    assert (ENGLISH.is_template(text), DANISH.is_template(text)) == (False, False)


# -- specific feedback -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Your technical skills were solid, but you could improve your system design answers.",
        "We recommend that you practise explaining your experience with concrete results.",
        "Your communication was clear; you might want to work on structuring the case study.",
        "One area for improvement is your knowledge of SQL window functions.",
        "To strengthen your interview technique, you should prepare examples in STAR form.",
    ],
)
def test_english_specific_feedback(text: str) -> None:
    assert ENGLISH.is_specific_feedback(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "Dine tekniske færdigheder var gode, men du kunne forbedre din kommunikation.",
        "Vi anbefaler, at du styrker dine programmeringsfærdigheder i Python.",
        "Du kan med fordel arbejde med din interviewteknik.",
        "Der er forbedringspotentiale i din erfaring med ledelse.",
        "Du bør øve dig i at præsentere din faglige viden mere konkret.",
    ],
)
def test_danish_specific_feedback(text: str) -> None:
    assert DANISH.is_specific_feedback(text) is True


@pytest.mark.parametrize(
    "text",
    [
        # A reason, not feedback: it names an area but nothing to improve.
        "We have chosen a candidate whose experience more closely matches our needs.",
        # Improvement without an area.
        "We recommend that you keep an eye on our careers page.",
        "It was a close call. Best of luck in your search.",
        "We'd be happy to work on future openings with you.",
    ],
)
def test_english_feedback_that_is_not_specific(text: str) -> None:
    assert ENGLISH.is_specific_feedback(text) is False


@pytest.mark.parametrize(
    "text",
    [
        "Vi har valgt at gå videre med en kandidat, hvis erfaring matcher bedre.",
        "Vi har valgt en kandidat med mere erfaring i at arbejde med Python.",
        "Vi anbefaler, at du holder øje med vores jobside.",
        "Held og lykke fremover.",
    ],
)
def test_danish_feedback_that_is_not_specific(text: str) -> None:
    assert DANISH.is_specific_feedback(text) is False


def test_a_plugin_can_build_its_own_analyser() -> None:
    import re

    german = PatternAnalyser(
        language="de",
        thanks_pattern=re.compile(r"\bdanke\b", re.IGNORECASE),
        area_pattern=re.compile(r"kommunikation", re.IGNORECASE),
        improvement_pattern=re.compile(r"\bverbessern\b", re.IGNORECASE),
    )
    reader = TextReader((german,))
    assert (
        reader.thanks("Danke für Ihre Bewerbung."),
        reader.is_template("Hallo {vorname}"),
        reader.is_specific_feedback("Sie könnten Ihre Kommunikation verbessern."),
    ) == (True, True, True)
