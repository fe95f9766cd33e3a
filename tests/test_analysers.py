"""The built-in text analysers, the reader that picks one language per message, and the corpus."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx_rules.analysers import (
    ANALYSERS,
    DANISH,
    ENGLISH,
    GERMAN,
    NORWEGIAN,
    SWEDISH,
    LexiconAnalyser,
    PatternAnalyser,
)
from cx_rules.rules.feedback import SpecificFeedback
from cx_rules.rules.gratitude import PersonalThanks, ThanksOnRejection
from cx_rules.testing import findings_of, run
from cx_rules.text import TextAnalyser, TextReader, Verdict, normalise_language
from cx_rules.text.corpus import (
    CorpusError,
    detection_accuracy,
    evaluate,
    read_corpus,
)
from rulekit import engine, ev

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "text"
FIGURES = DATA / "figures.json"
READER = TextReader(ANALYSERS)
BUILTINS = [ENGLISH, DANISH, SWEDISH, NORWEGIAN, GERMAN]


def test_the_builtins_read_five_languages() -> None:
    assert READER.languages == ("en", "da", "sv", "nb", "de")


@pytest.mark.parametrize("analyser", BUILTINS, ids=lambda a: a.language)
def test_the_builtins_are_text_analysers(analyser: LexiconAnalyser) -> None:
    assert isinstance(analyser, TextAnalyser)


# -- thanks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("analyser", "text", "reason"),
    [
        (ENGLISH, "Thank you for the time you spent with us last week.", "a thank-you"),
        (ENGLISH, "THANKS for applying!", "a thank-you"),
        (ENGLISH, "Cheers for coming in on Friday.", "a thank-you"),
        (ENGLISH, "Your work on the assignment was much appreciated.", "appreciation"),
        (ENGLISH, "We are grateful that you considered us.", "gratitude"),
        (DANISH, "Tak fordi du tog dig tid til samtalen.", "a thank-you"),
        (DANISH, "TUSIND TAK for din tid.", "a thank-you"),
        (DANISH, "Vi sætter stor pris på den tid, du har brugt.", "appreciation"),
        (DANISH, "Vi saetter stor pris paa din tid.", "appreciation"),
        (DANISH, "Vi er taknemmelige for den tid, du har brugt.", "gratitude"),
        (SWEDISH, "Tack för din ansökan.", "a thank-you"),
        (NORWEGIAN, "Takk for søknaden din.", "a thank-you"),
        (GERMAN, "Vielen Dank für Ihre Bewerbung.", "a thank-you"),
        (GERMAN, "Wir wissen Ihre Zeit sehr zu schätzen.", "appreciation"),
    ],
)
def test_thanks(analyser: LexiconAnalyser, text: str, reason: str) -> None:
    assert analyser.explain("thanks", text) == (True, f"thanks the candidate ({reason})")


@pytest.mark.parametrize(
    ("analyser", "text", "reason"),
    [
        (ENGLISH, "Unfortunately we have decided not to proceed.", "has no words of thanks"),
        (ENGLISH, "Thanksgiving opening hours: closed Thursday.", "has no words of thanks"),
        (ENGLISH, "No thanks, we have enough candidates.", "reads as a refusal, not as thanks"),
        (
            ENGLISH,
            "Thanks to the number of applicants, we are late.",
            "reads as a cause, not as thanks",
        ),
        (
            ENGLISH,
            "We would appreciate it if you could reply.",
            "reads as a request, not as thanks",
        ),
        (
            ENGLISH,
            "We do not appreciate calls to interviewers.",
            "reads as a negation, not as thanks",
        ),
        (
            ENGLISH,
            "I appreciate this is disappointing news.",
            "reads as understanding, not as thanks",
        ),
        (
            DANISH,
            "Vi må desværre takke nej til din ansøgning.",
            "reads as a refusal, not as thanks",
        ),
        (
            DANISH,
            "Vi maa desvaerre takke nej til din ansoegning.",
            "reads as a refusal, not as thanks",
        ),
        (DANISH, "Takket være mange ansøgere er vi forsinkede.", "reads as a cause, not as thanks"),
        (
            SWEDISH,
            "Vi måste tyvärr tacka nej till din ansökan.",
            "reads as a refusal, not as thanks",
        ),
        (
            NORWEGIAN,
            "Vi må dessverre takke nei til søknaden din.",
            "reads as a refusal, not as thanks",
        ),
        (
            GERMAN,
            "Dank der vielen Bewerbungen dauert es länger.",
            "reads as a cause, not as thanks",
        ),
        (GERMAN, "Wir wären dankbar, wenn Sie antworten.", "reads as a request, not as thanks"),
        (ENGLISH, "", "has no words of thanks"),
    ],
)
def test_text_without_thanks_says_why(analyser: LexiconAnalyser, text: str, reason: str) -> None:
    assert analyser.explain("thanks", text) == (False, reason)


def test_thanks_beside_a_refusal_still_thanks() -> None:
    text = "Tak for din ansøgning. Vi må desværre takke nej denne gang."
    assert DANISH.explain("thanks", text) == (True, "thanks the candidate (a thank-you)")


# -- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Dear {first_name}, thank you for applying.", "a field in braces"),
        (
            "Hi {{ name | title }}, we have decided to move on.",
            "a template expression in double braces",
        ),
        ("Dear {0}, thank you for applying to {1}.", "a numbered placeholder"),
        ("Hello *|FNAME|*, thanks!", "a merge tag"),
        ("Hi «FirstName», thank you.", "a field in guillemets"),
        ("Dear %FIRSTNAME%, thank you.", "a field between percent signs"),
        ("Dear %First Name%, thank you.", "a field between percent signs"),
        ("Dear #FirstName#, thank you.", "a field between hash signs"),
        ("Dear [NAME], thank you.", "a field in square brackets"),
        ("Kære [kandidat], tak for din ansøgning.", "a field in square brackets"),
        ("Sehr geehrte Frau [Nachname], vielen Dank.", "a field in square brackets"),
        ("Dear <<name>>, thank you.", "a field in double angle brackets"),
        ("Dear <first name>, thank you.", "a field in angle brackets"),
        ("Hello [[first_name]], thanks.", "a field in double brackets"),
        ("Dear %s, thank you for applying.", "a printf-style placeholder"),
        ("Dear %(first_name)s, thank you.", "a printf-style placeholder"),
        ("Dear $FIRST_NAME, thank you.", "a shell-style variable"),
        ("Dear ${name}, thank you.", "a field in braces"),
        ("Dear FIRST_NAME, thank you.", "a field name in snake case"),
        ("Hi XXXX, thanks for coming in.", "a filler"),
        ("Kære N.N., tak for din ansøgning.", "a filler"),
        ("Dear ______, thank you for attending.", "blanks to fill in"),
    ],
)
def test_placeholders_are_found_in_any_language(text: str, kind: str) -> None:
    expected = (True, f"still has unfilled template placeholders ({kind})")
    assert [a.explain("template", text) for a in BUILTINS] == [expected] * len(BUILTINS)


@pytest.mark.parametrize(
    "text",
    [
        "Dear Anna, thank you for applying.",
        "<<< Please reply above this line >>>\nHi Tom, thanks for your time.",
        "##- Please type your reply above this line -##",
        "The salary band starts at $100 a day [see the attached offer].",
        "We reached 100% of our hiring target, and 92 % would recommend us.",
        "[EXTERNAL] Re: Interview. Hi Lena, thanks for the references.",
        "The team uses C# and F# daily.",
        "Our values {curious, kind, accountable} guide every interview.",
        'Parse records like {"id": 7} in Python.',
        "Best,\nAnna\n__________\nAcme Ltd",
        "Vi nåede 100 % af målet [se vedhæftede].",
        "Reply STOP to opt out.",
    ],
)
def test_filled_in_text_is_not_a_template(text: str) -> None:
    assert [a.is_template(text) for a in BUILTINS] == [False] * len(BUILTINS)


# -- specific feedback -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("analyser", "text"),
    [
        (
            ENGLISH,
            "Your technical skills were solid, but you could improve your system design answers.",
        ),
        (
            ENGLISH,
            "We recommend that you practise explaining your experience with concrete results.",
        ),
        (ENGLISH, "One area for improvement is your knowledge of SQL window functions."),
        (ENGLISH, "Feedback:\n- Testing: write unit tests as you go.\n- Communication: clear."),
        (ENGLISH, "I'd recommend revisiting intercompany eliminations before your next interview."),
        (DANISH, "Vi anbefaler, at du styrker dine programmeringsfærdigheder i Python."),
        (DANISH, "Du kan med fordel arbejde med din interviewteknik."),
        (DANISH, "Du boer oeve dig i at praesentere din faglige viden mere konkret."),
        (SWEDISH, "Vi rekommenderar att du fördjupar dina kunskaper i SQL."),
        (NORWEGIAN, "Du bør øve på å forklare løsningene dine høyt."),
        (GERMAN, "Sie sollten üben, Ihre Lösungen laut zu erklären."),
    ],
)
def test_specific_feedback(analyser: LexiconAnalyser, text: str) -> None:
    answer, reason = analyser.explain("feedback", text)
    assert (answer, reason.startswith("names an area (")) == (True, True)


@pytest.mark.parametrize(
    ("analyser", "text", "reason"),
    [
        (
            ENGLISH,
            "We have chosen a candidate whose experience more closely matches our needs.",
            "names an area (experience) but no concrete way to improve",
        ),
        (
            ENGLISH,
            "We recommend that you keep an eye on our careers page.",
            "names no area and no way to improve",
        ),
        (
            ENGLISH,
            "Your experience is great and we encourage you to apply again.",
            "names no area and no way to improve",
        ),
        (
            ENGLISH,
            "It was a close call. Best of luck in your search.",
            "names no area and no way to improve",
        ),
        (
            DANISH,
            "Vi har valgt en kandidat med mere erfaring i at arbejde med Python.",
            "names an area (technical skills) but no concrete way to improve",
        ),
        (
            DANISH,
            "Vi anbefaler, at du holder øje med vores jobside.",
            "names no area and no way to improve",
        ),
    ],
)
def test_feedback_that_is_not_specific_says_why(
    analyser: LexiconAnalyser, text: str, reason: str
) -> None:
    assert analyser.explain("feedback", text) == (False, reason)


def test_an_unknown_question_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown question 'tone'"):
        ENGLISH.explain("tone", "Hello")


# -- one language per message ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("da_DK", "da"),
        ("NOB", "nb"),
        ("no", "nb"),
        ("deu", "de"),
        ("fr", "fr"),
        ("  ", None),
        (None, None),
        (3, None),
    ],
)
def test_language_attributes_are_normalised(value: object, code: str | None) -> None:
    assert normalise_language(value) == code


def test_the_declared_language_decides_which_analyser_reads() -> None:
    # English thanks, declared Danish: the Danish analyser finds none.
    assert (
        READER.thanks("Thank you for applying.", "en-GB"),
        READER.thanks("Thank you for applying.", "da"),
    ) == (
        Verdict(True, "thanks the candidate (a thank-you)", "en"),
        Verdict(False, "has no words of thanks", "da"),
    )


def test_a_language_no_analyser_reads_is_unknown() -> None:
    assert (
        READER.thanks("Merci pour votre candidature au poste de comptable.", None),
        READER.template("Dear {first_name}, thank you.", "fr"),
    ) == (
        Verdict(None, "written in a language no analyser reads (fr)", "fr"),
        Verdict(None, "written in a language no analyser reads (fr)", "fr"),
    )


def test_text_whose_language_cannot_be_told_is_unknown() -> None:
    assert READER.thanks("4471 | 2026 | 10:30") == Verdict(
        None, "the language of the text cannot be told", None
    )


def test_empty_text_has_no_thanks() -> None:
    assert READER.thanks("  \n") == Verdict(False, "the text is empty", None)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Vi har desværre valgt at gå videre med en anden kandidat til stillingen.", "da"),
        ("Vi har dessverre valgt å gå videre med en annen kandidat til stillingen.", "nb"),
        ("Vi har tyvärr valt att gå vidare med en annan kandidat till tjänsten.", "sv"),
        ("Leider haben wir uns für eine andere Kandidatin entschieden.", "de"),
        ("Unfortunately we have decided to move forward with another candidate.", "en"),
        ("Kaere Mette, vi har desvaerre valgt en anden kandidat til stillingen.", "da"),
    ],
)
def test_languages_are_detected(text: str, language: str) -> None:
    assert READER.detect(text) == language


def test_a_norwegian_refusal_is_not_read_by_the_danish_analyser() -> None:
    # "takke nei" is Norwegian for "decline"; read as Danish, "tak" might pass for thanks.
    verdict = READER.thanks("Vi må dessverre takke nei til søknaden din denne gangen.")
    assert verdict == Verdict(False, "reads as a refusal, not as thanks", "nb")


def test_a_verdict_is_true_only_for_yes() -> None:
    assert [bool(Verdict(a, "", None)) for a in (True, False, None)] == [True, False, False]


def test_the_reader_remembers_only_the_last_text() -> None:
    reader = TextReader(ANALYSERS)
    first = reader.thanks("Tak for din ansøgning og din interesse.")
    other = reader.thanks("Takk for søknaden din og interessen din.")
    assert (
        first.language,
        other.language,
        reader.thanks(first_text := "Tak for din ansøgning og din interesse.").language,
    ) == ("da", "nb", "da")
    assert first_text


# -- the rules read each message in its language --------------------------------------------

APPLIED = ev("application_received", "2026-02-16T09:00:00+01:00")
INTERVIEWED = [
    APPLIED,
    ev("interview_scheduled", "2026-02-17T10:00:00+01:00", channel="email"),
    ev("interview_held", "2026-02-26T13:00:00+01:00", channel="meeting"),
]
FRENCH = "Merci pour votre candidature, nous avons retenu un autre profil pour ce poste."


def test_cx201_a_rejection_in_an_unread_language_is_unknown_not_violated() -> None:
    rejection = ev("rejected", "2026-03-02T10:00:00+01:00", text=FRENCH)
    [finding] = findings_of(
        run(engine(ThanksOnRejection), [APPLIED, rejection], as_of="2026-03-10T00:00:00+01:00"),
        "CX201",
    )
    assert (finding.outcome.value, finding.missing, finding.message) == (
        "unknown",
        "thanked",
        "candidate thanked within 2 business days of the rejection (the text of the rejection "
        "is written in a language no analyser reads (fr)): not done by 2026-03-04T10:00:00+01:00 "
        "(thanked not recorded)",
    )


def test_cx201_reads_the_declared_language() -> None:
    # Norwegian "takke nei" declines; declared Norwegian it is not thanks.
    rejection = ev(
        "rejected", "2026-03-02T10:00:00+01:00", text="Vi må takke nei.", language="nb-NO"
    )
    [finding] = findings_of(
        run(engine(ThanksOnRejection), [APPLIED, rejection], as_of="2026-03-10T00:00:00+01:00"),
        "CX201",
    )
    assert (finding.outcome.value, "reads as a refusal" in finding.message) == ("violated", True)


def test_cx202_a_template_in_an_unread_language_is_left_to_the_channel() -> None:
    rejection = ev(
        "rejected",
        "2026-03-02T15:00:00+01:00",
        thanked=True,
        channel="email",
        text="Bonjour {prenom}, merci.",
        language="fr",
    )
    [finding] = findings_of(run(engine(PersonalThanks), [*INTERVIEWED, rejection]), "CX202")
    assert (finding.outcome.value, finding.missing) == ("unknown", "personal")


def test_cx301_feedback_in_an_unread_language_is_unknown() -> None:
    rejected = ev("rejected", "2026-03-02T17:00:00+01:00", channel="phone")
    given = ev("feedback_given", "2026-03-04T10:00:00+01:00", channel="email", text=FRENCH)
    [finding] = findings_of(run(engine(SpecificFeedback), [*INTERVIEWED, rejected, given]), "CX301")
    assert (finding.outcome.value, finding.message) == (
        "unknown",
        "feedback given on 2026-03-04 in time, but whether it is specific is unknown: the text "
        "is written in a language no analyser reads (fr)",
    )


def test_cx301_specific_feedback_in_the_rejection_says_why() -> None:
    rejected = ev(
        "rejected",
        "2026-03-02T17:00:00+01:00",
        channel="email",
        text="Vi anbefaler, at du genopfrisker din viden om moms, før du søger igen.",
    )
    [finding] = findings_of(run(engine(SpecificFeedback), [*INTERVIEWED, rejected]), "CX301")
    assert (finding.outcome.value, finding.message) == (
        "passed",
        "the rejection on 2026-03-02 carries specific feedback: its text names an area (a skill "
        "to work on) and a way to improve (something to learn)",
    )


# -- plugins ---------------------------------------------------------------------------------


def test_a_plugin_can_build_a_pattern_analyser_for_its_language() -> None:
    finnish = PatternAnalyser(
        language="fi",
        thanks_pattern=re.compile(r"\bkiitos\b", re.IGNORECASE),
        area_pattern=re.compile(r"viestintä", re.IGNORECASE),
        improvement_pattern=re.compile(r"\bkehittää\b", re.IGNORECASE),
    )
    reader = TextReader((*ANALYSERS, finnish))
    assert (
        reader.thanks("Kiitos hakemuksesta, valitettavasti emme voi jatkaa.").answer,
        reader.thanks("Kiitos hakemuksesta, valitettavasti emme voi jatkaa.").reason,
        reader.feedback("Voit kehittää viestintä taitojasi.", "fi").answer,
        reader.template("Hei {etunimi}, kiitos.", "fi").answer,
    ) == (True, "thanks the candidate", True, True)


def test_a_plugin_language_with_markers_is_detected() -> None:
    icelandic = PatternAnalyser(
        language="is",
        thanks_pattern=re.compile(r"\btakk\b", re.IGNORECASE),
        area_pattern=re.compile(r"(?!x)x"),
        improvement_pattern=re.compile(r"(?!x)x"),
        markers=frozenset({"og", "ekki", "fyrir", "umsóknina", "þína", "við", "höfum"}),
    )
    reader = TextReader((*ANALYSERS, icelandic))
    assert reader.detect("Takk fyrir umsóknina þína, við höfum ekki valið þig.") == "is"


def test_two_analysers_of_one_language_say_yes_when_either_does() -> None:
    extra = PatternAnalyser(
        language="en",
        thanks_pattern=re.compile(r"\bta very much\b", re.IGNORECASE),
        area_pattern=re.compile(r"(?!x)x"),
        improvement_pattern=re.compile(r"(?!x)x"),
    )
    reader = TextReader((ENGLISH, extra))
    assert reader.thanks("Ta very much for coming in, we enjoyed the chat.", "en").answer is True


# -- privacy and robustness ------------------------------------------------------------------

MARKER = "Ingeborg Xylophonesen"


@given(st.text(max_size=300), st.sampled_from(["thanks", "feedback", "template"]))
def test_a_reason_never_quotes_the_text(text: str, question: str) -> None:
    for language in ("en", "da", "sv", "nb", "de", None):
        verdict = READER.judge(question, f"{text} {MARKER} {text}", language)  # type: ignore[arg-type]
        assert ("Ingeborg" in verdict.reason, "Xylophon" in verdict.reason) == (False, False)


@given(st.text(max_size=500))
def test_every_analyser_answers_any_text_the_same_way_twice(text: str) -> None:
    for analyser in BUILTINS:
        for question in ("thanks", "feedback", "template"):
            assert analyser.explain(question, text) == analyser.explain(question, text)


# -- the corpus ------------------------------------------------------------------------------

MINIMUM = {"en": 180, "da": 180, "sv": 60, "nb": 60, "de": 60}


@pytest.mark.parametrize("language", sorted(MINIMUM))
def test_the_dev_corpus_is_big_enough_and_balanced(language: str) -> None:
    items = read_corpus([DATA / "dev" / f"{language}.jsonl"])
    per_question = Counter(item.question for item in items)
    positives = Counter(item.question for item in items if item.label)
    assert (
        len(items) >= MINIMUM[language],
        {item.language for item in items},
        len(set(per_question.values())),
        all(2 * positives[q] == n for q, n in per_question.items()),
        all(item.id.startswith(f"{language}-{item.question}-") for item in items),
    ) == (True, {language}, 1, True, True)


def test_a_bad_corpus_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "xx.jsonl"
    path.write_text(
        '{"id": "a", "language": "xx", "question": "thanks", "label": true, "text": "t"}\n'
        '{"id": "b", "language": "xx", "question": "tone", "label": true, "text": "t"}\n',
        encoding="utf-8",
    )
    with pytest.raises(CorpusError, match=r"xx\.jsonl:2: 'question' must be one of thanks"):
        read_corpus([path])


def _recorded() -> dict[str, dict[str, object] | None]:
    return json.loads(FIGURES.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_accuracy_stays_within_003_of_the_recorded_figures(split: str) -> None:
    recorded = _recorded().get(split)
    files = sorted((DATA / split).glob("*.jsonl"))
    if not recorded or not files:
        pytest.skip(f"no figures recorded for split {split!r}, or no corpus for it")
    items = read_corpus(files)
    scores = evaluate(READER, items)
    figures = recorded["figures"]
    assert isinstance(figures, dict)
    drops = {
        f"{language} {question}": (figure["f1"], round(scores[(language, question)].f1, 3))
        for language, questions in figures.items()
        for question, figure in questions.items()
        if scores[(language, question)].f1 < figure["f1"] - 0.03
    }
    right, total = detection_accuracy(READER, items)
    detection = recorded["detection"]
    assert isinstance(detection, dict)
    assert (drops, right / total >= detection["accuracy"] - 0.03) == ({}, True)


def test_the_benchmark_prints_figures_and_skips_a_missing_split(tmp_path: Path) -> None:
    script = ROOT / "benchmarks" / "text_accuracy.py"
    dev = subprocess.run(
        [sys.executable, str(script), "--split", "dev", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    missing = subprocess.run(
        [sys.executable, str(script), "--split", "heldout", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out = json.loads(dev.stdout)
    assert (
        sorted(out["figures"]),
        sorted(out["figures"]["en"]),
        missing.returncode,
        "no corpus files for split 'heldout'" in missing.stderr,
    ) == (["da", "de", "en", "nb", "sv"], ["feedback", "template", "thanks"], 0, True)
