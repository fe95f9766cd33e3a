"""Norwegian bokmål: what counts as thanks and as specific feedback."""

from __future__ import annotations

from typing import Final

from .detect import PROFILES
from .lexicon import LexiconAnalyser

__all__ = ["NORWEGIAN"]

_ANY: Final = r"(?:\w+ ){0,3}?"

#: Reads Norwegian bokmål.
NORWEGIAN: Final = LexiconAnalyser.build(
    "nb",
    markers=PROFILES["nb"],
    thanks=(
        ("a thank-you", r"\btakk\b|\btakke(?:r|t)?\b"),
        ("appreciation", rf"\bsette(?:r)? {_ANY}pris på\b|\bsatte {_ANY}pris på\b|\bverdsett\w*"),
        ("gratitude", r"\btakknemlig\w*"),
    ),
    not_thanks=(
        ("a refusal", rf"\btakke(?:r|t)? {_ANY}nei\b|\bnei,? takk\b"),
        ("a cause", r"\btakket være\b|\btakk være\b"),
        (
            "a request",
            rf"\b(?:vil|ville|skulle) {_ANY}(?:sette {_ANY}pris på|(?:være|vært) takknemlig\w*)"
            r"|\btakknemlig\w*,? (?:om|hvis)\b"
            rf"|\bsette\w* {_ANY}pris på,? (?:om|hvis)\b|\btakk på forhånd\b",
        ),
        ("a negation", rf"\bikke {_ANY}(?:takke\w*|takk\b|sette\w* {_ANY}pris)"),
    ),
    areas=(
        (
            "technical skills",
            r"\btekniske?\b|\bkode\w*|\bprogrammer\w*|\bsql\b|\bpython\b|\bexcel\b"
            r"|\bpivot\w*|\btester\b|\benhetstest\w*|\bcloud\b|\bsap\b|\bvindusfunksjon\w*"
            r"|\bferdighet\w*|\bkompetanse\w*|\bløsning\w*",
        ),
        ("domain knowledge", r"\bkunnskap\w*|\bkjennskap\b|\bregler\w*|\bøkonomi\w*|\bfaglig\w*"),
        ("communication", r"\w*kommunikasjon\w*|\w*presentasjon\w*|\blysbilder\b"),
        (
            "interview answers",
            r"\bsvar(?:et|ene)?\b|\beksempl\w*|\bspørsmål\w*|\bstruktur\w*|\bsituasjoner\b",
        ),
        (
            "leadership and collaboration",
            r"\bledelse\w*|\bleder\w*|\bsamarbeid\w*|\bprioriter\w*|\bforhandl\w*",
        ),
        ("application documents", r"\bcv(?:-en)?\b|\bsøknad\w*|\bportefølje\w*|\bportfolio\b"),
        ("experience", r"\w*erfaring\w*|\bsertifisering\w*"),
        ("preparation", r"\bselskapet\b|\bbedriften\b|\bprodukt\w*|\bforberedelse\w*"),
    ),
    improvements=(
        (
            "a recommendation",
            r"\banbefal\w*|\bforeslå\w*|\boppfordr\w*|\bet (?:godt )?råd\b|\bråd:|\bet tips\b",
        ),
        (
            "something to practise or learn",
            r"\bøve\w*|\btrene\b|\blese deg (?:mer )?opp\b|\bles deg opp\b|\bfordyp\w*"
            r"|\blære\b|\bkurs(?:et)?\b|\bsertifisering\w*|\bjobbe (?:mer |videre )?med\b"
            r"|\barbeide (?:mer |videre )?med\b|\bfokusere\w*",
        ),
        (
            "a change to make",
            r"\bforbedre\w*|\bstyrke\b|\butvikle\b|\bkort\w* (?:den|det|dem) ned\b"
            r"|\bforbered\w*|\bprøv(?:e)? å\b",
        ),
        (
            "what would help",
            rf"\b(?:vil|ville|kan|kunne) {_ANY}(?:hjelpe|styrke)\b|\bdu (?:\w+ )?(?:bør|burde|"
            r"må|trenger å)\b|\blurt å\b|\ben god idé\b",
        ),
        ("an area named to improve", r"\bforbedringsområde\w*|\butviklingsområde\w*"),
        ("a change for next time", r"\bneste gang\b|\btil (?:neste|ditt neste) intervju\b"),
    ),
    not_advice=(
        (
            "advice not about skills",
            r"\bfølger med\b|\bfølge med\b|\bsøke igjen\b|\bkarriereside\w*|\bfølg oss\b"
            r"|\blinkedin\b|\bundersøkelse\w*|\brekrutteringsprosess\w*|\blykke til\b"
            r"|\bvi jobber (?:med|på)\b|\bvi arbeider (?:med|på)\b",
        ),
    ),
    targeted=(
        (
            "something to learn",
            r"\bfriske opp\b|\bles(?:e)? (?:deg )?opp på\b|\bles\w* korrektur\b|\bkurs i\b"
            r"|\bøve på\b|\bbli (?:mer )?(?:komfortabel|vant) med\b|\bgå gjennom\b",
        ),
    ),
    critiques=(
        (
            "a weakness named",
            r"\bvanskelig (?:for|med)\b|\bslet med\b|\bsavnet\b|\bmanglet\b|\bblandet \w+ sammen\b"
            r"|\bvar (?:litt |for |nokså )?(?:tynn|vag|generell|utydelig|lang|kort)\w*"
            r"|\bundervurderer\b|\bskrivefeil\b|\bfeil\b",
        ),
    ),
    imperatives="""øv forbered prøv kort sett les skriv hold bruk tenk fokuser jobb unngå
    ta start begynn beskriv vis legg""".split(),
)
