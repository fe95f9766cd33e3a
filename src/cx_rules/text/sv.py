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
        ("appreciation", r"\buppskatta(?:r|t|de)?\b|\bvärdesätt"),
        ("gratitude", r"\btacksam"),
    ),
    not_thanks=(
        ("a refusal", rf"\btacka(?:r|t|de)? {_ANY}nej\b|\bnej,? tack\b"),
        ("a cause", r"\btack vare\b"),
        (
            "a request",
            rf"\b(?:skulle|vore|vill) {_ANY}(?:uppskatta|tacksam)|\buppskatta\w* om\b"
            r"|\btacksam\w*,? om\b"
            r"|\btack på förhand\b|\btack i förväg\b",
        ),
        ("a negation", rf"\binte {_ANY}(?:tacka|tack\b|uppskatta)"),
    ),
    areas=(
        (
            "technical skills",
            r"\btekniska?\b|\bkod|\bprogrammer|\bsql\b|\bpython\b|\bexcel\b|\bpivot"
            r"|\btester\b|\benhetstest|\bcloud\b|\bsap\b|\bfönsterfunktion"
            r"|\bfärdighet|\bkompetens|\blösning",
        ),
        ("domain knowledge", r"\bkunskap|\bkännedom\b|\bregler|\bekonomi"),
        ("communication", r"\bpitch|kommunikation|presentation|\bbilder\b"),
        (
            "interview answers",
            r"\bsvar(?:et|en)?\b|\bexempel|\bfrågor|\bstruktur|\bsituationer\b",
        ),
        (
            "leadership and collaboration",
            r"\bledarskap|\bledare|\bsamarbet|\bprioriter|\bförhandl",
        ),
        ("application documents", r"\bcv\b|\bansökan|\bportfolio\b|\bpersonligt brev\b"),
        ("experience", r"erfarenhet|\bcertifiering"),
        ("preparation", r"\bföretaget\b|\bprodukter|\bförberedelse"),
        (
            "the candidate's own work",
            r"\b(?:din|ditt|dina) (?!(?:tid|intresse|tålamod|ansökan|profil|framtid|e-post|"
            r"deltagande)\b)\w",
        ),
    ),
    improvements=(
        (
            "a recommendation",
            r"\brekommender|\bföreslå|\bförslag|\buppmana|\bråd(?:er)?\b|\bett tips\b|\btips:",
        ),
        (
            "something to practise or learn",
            r"\böva\b|\bövning|\bträna\b|\bläsa på\b|\bläs på\b|\bfördjupa|\blära dig\b"
            r"|\bkurs(?:en|er)?\b|\bcertifiering|\barbeta vidare med\b"
            r"|\b(?:arbeta|fokusera) (?:mer )?(?:med|på) (?:din|dina|ditt)\b",
        ),
        (
            "a change to make",
            r"\bförbättra|\bstärka\b|\butveckla\b|\bkorta\b|\bförbered|\bförsök",
        ),
        (
            "what would help",
            r"\bskulle göra (?:det|dem|dig|ditt|din|dina) (?:\w+ )?(?:mer|starkare|bättre|tydligare)\b|"
            rf"\b(?:skulle|kan|kunde) {_ANY}(?:hjälpa|stärka)\b|\bdu (?:\w+ )?(?:bör|borde|"
            r"skulle kunna|behöver)\b|\bvärt att\b|\ben (?:bra|god) idé\b",
        ),
        ("an area named to improve", r"\bförbättringsområde|\butvecklingsområde"),
        (
            "a change for next time",
            r"\bnästa gång\b|\btill (?:din )?nästa intervju\b|\binför nästa\b",
        ),
    ),
    not_advice=(
        (
            "advice not about skills",
            r"\bhåller utkik\b|\bhålla utkik\b|\bsöka igen\b|\bkarriärsid|\bfölj oss\b"
            r"|\blinkedin\b|\benkät|\brekryteringsprocess|\blycka till\b"
            r"|\bvi arbetar (?:med|på)\b|\bhålla kontakt(?:en)?\b",
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
            r"\bsvårt (?:att|med)\b|\bsaknade|\bsaknades\b|\bblandade ihop\b"
            r"|\b(?:var|blev) (?:\w+ ){0,2}?(?:tunn|vag|allmän|otydlig|lång|kort)"
            r"|\bundersäljer\b|\bstavfel\b|\bfel\b|\bvisar (?:\w+ )?inte\b",
        ),
    ),
    imperatives="""öva förbered försök korta lägg läs skriv håll använd tänk fokusera arbeta undvik ta
    börja beskriv visa avsluta gå begränsa lägg""",
)
