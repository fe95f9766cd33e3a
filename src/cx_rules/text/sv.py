"""Swedish: what counts as thanks and as specific feedback."""

from __future__ import annotations

from typing import Final

from .detect import PROFILES
from .lexicon import LexiconAnalyser

__all__ = ["SWEDISH"]

_ANY: Final = r"(?:\w+ ){0,3}?"

#: Reads Swedish.
SWEDISH: Final = LexiconAnalyser.build(
    "sv",
    markers=PROFILES["sv"],
    thanks=(
        ("a thank-you", r"\btack\b|\btacka(?:r|t|de)?\b"),
        ("appreciation", r"\buppskatta(?:r|t|de)?\b|\bvärdesätt\w*"),
        ("gratitude", r"\btacksam\w*"),
    ),
    not_thanks=(
        ("a refusal", rf"\btacka(?:r|t|de)? {_ANY}nej\b|\bnej,? tack\b"),
        ("a cause", r"\btack vare\b"),
        (
            "a request",
            rf"\b(?:skulle|vore|vill) {_ANY}(?:uppskatta\w*|tacksam\w*)|\buppskatta\w* om\b"
            r"|\btacksam\w*,? om\b"
            r"|\btack på förhand\b|\btack i förväg\b",
        ),
        ("a negation", rf"\binte {_ANY}(?:tacka\w*|tack\b|uppskatta\w*)"),
    ),
    areas=(
        (
            "technical skills",
            r"\btekniska?\b|\bkod\w*|\bprogrammer\w*|\bsql\b|\bpython\b|\bexcel\b|\bpivot\w*"
            r"|\btester\b|\benhetstest\w*|\bcloud\b|\bsap\b|\bfönsterfunktion\w*"
            r"|\bfärdighet\w*|\bkompetens\w*|\blösning\w*",
        ),
        ("domain knowledge", r"\bkunskap\w*|\bkännedom\b|\bregler\w*|\bekonomi\w*"),
        ("communication", r"\w*kommunikation\w*|\w*presentation\w*|\bbilder\b"),
        (
            "interview answers",
            r"\bsvar(?:et|en)?\b|\bexempel\w*|\bfrågor\w*|\bstruktur\w*|\bsituationer\b",
        ),
        (
            "leadership and collaboration",
            r"\bledarskap\w*|\bledare\w*|\bsamarbet\w*|\bprioriter\w*|\bförhandl\w*",
        ),
        ("application documents", r"\bcv\b|\bansökan\w*|\bportfolio\b|\bpersonligt brev\b"),
        ("experience", r"\w*erfarenhet\w*|\bcertifiering\w*"),
        ("preparation", r"\bföretaget\b|\bprodukter\w*|\bförberedelse\w*"),
    ),
    improvements=(
        (
            "a recommendation",
            r"\brekommender\w*|\bföreslå\w*|\buppmana\w*|\bråd(?:er)?\b|\bett tips\b|\btips:",
        ),
        (
            "something to practise or learn",
            r"\böva\b|\bövning\w*|\bträna\b|\bläsa på\b|\bläs på\b|\bfördjupa\w*|\blära dig\b"
            r"|\bkurs(?:en|er)?\b|\bcertifiering\w*|\barbeta (?:mer |vidare )?med\b|\bfokusera\w*",
        ),
        (
            "a change to make",
            r"\bförbättra\w*|\bstärka\b|\butveckla\b|\bkorta\b|\bförbered\w*|\bförsök\w*",
        ),
        (
            "what would help",
            rf"\b(?:skulle|kan|kunde) {_ANY}(?:hjälpa|stärka)\b|\bdu (?:\w+ )?(?:bör|borde|"
            r"skulle kunna|behöver)\b|\bvärt att\b|\ben (?:bra|god) idé\b",
        ),
        ("an area named to improve", r"\bförbättringsområde\w*|\butvecklingsområde\w*"),
        ("a change for next time", r"\bnästa gång\b|\btill (?:din )?nästa intervju\b|\binför nästa\b"),
    ),
    not_advice=(
        (
            "advice not about skills",
            r"\bhåller utkik\b|\bhålla utkik\b|\bsöka igen\b|\bkarriärsid\w*|\bfölj oss\b"
            r"|\blinkedin\b|\benkät\w*|\brekryteringsprocess\w*|\blycka till\b"
            r"|\bvi arbetar (?:med|på)\b",
        ),
    ),
    targeted=(
        (
            "something to learn",
            r"\bfräscha upp\b|\bläsa? på om\b|\bläs\w* korrektur\b|\bkurs i\b|\böva på\b"
            r"|\bbli (?:mer )?(?:bekväm|van) med\b|\bgå igenom\b",
        ),
    ),
    critiques=(
        (
            "a weakness named",
            r"\bsvårt (?:att|med)\b|\bsaknade\w*|\bsaknades\b|\bblandade ihop\b"
            r"|\bvar (?:lite |för |ganska )?(?:tunn|vag|allmän|otydlig|lång|kort)\w*"
            r"|\bundersäljer\b|\bstavfel\b|\bfel\b",
        ),
    ),
    imperatives="""öva förbered försök korta lägg läs skriv håll använd tänk fokusera arbeta
    undvik ta börja beskriv visa""".split(),
)
