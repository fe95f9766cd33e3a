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
        ("appreciation", rf"\bsette(?:r)? {_ANY}pris på\b|\bsatte {_ANY}pris på\b|\bverdsett"),
        ("gratitude", r"\btakknemlig"),
    ),
    not_thanks=(
        ("a refusal", rf"\btakke(?:r|t)? {_ANY}nei\b|\bnei,? takk\b"),
        ("a cause", r"\btakket være\b|\btakk være\b"),
        (
            "a request",
            rf"\b(?:vil|ville|skulle) {_ANY}(?:sette {_ANY}pris på|(?:være|vært) takknemlig)"
            r"|\btakknemlig\w*,? (?:om|hvis)\b"
            rf"|\bsette\w* {_ANY}pris på,? (?:om|hvis)\b|\btakk på forhånd\b",
        ),
        ("a negation", rf"\bikke {_ANY}(?:takke|takk\b|sette\w* {_ANY}pris)"),
    ),
    areas=(
        (
            "technical skills",
            r"\btekniske?\b|\bkode|\bprogrammer|\bsql\b|\bpython\b|\bexcel\b"
            r"|\bpivot|\btester\b|\benhetstest|\bcloud\b|\bsap\b|\bvindusfunksjon"
            r"|\bferdighet|\bkompetanse|\bløsning",
        ),
        ("domain knowledge", r"\bkunnskap|\bkjennskap\b|\bregler|\bøkonomi|\bfaglig"),
        ("communication", r"\bpitch|kommunikasjon|presentasjon|\blysbilder\b"),
        (
            "interview answers",
            r"\bsvar(?:et|ene)?\b|\beksempl|\bspørsmål|\bstruktur|\bsituasjoner\b",
        ),
        (
            "leadership and collaboration",
            r"\bledelse|\bleder|\bsamarbeid|\bprioriter|\bforhandl",
        ),
        ("application documents", r"\bcv(?:-en)?\b|\bsøknad|\bportefølje|\bportfolio\b"),
        ("experience", r"erfaring|\bsertifisering"),
        ("preparation", r"\bselskapet\b|\bbedriften\b|\bprodukt|\bforberedelse"),
        (
            "the candidate's own work",
            r"\b(?!(?:tiden|interessen|søknaden|tålmodigheten|profilen|fremtiden|"
            r"e-posten)\b)\w+(?:en|et|ene|a) (?:din|ditt|dine)\b"
            r"|\b(?:din|ditt|dine) (?!(?:tid|interesse|tålmodighet|søknad|profil|fremtid)\b)\w",
        ),
    ),
    improvements=(
        (
            "a recommendation",
            r"\banbefal|\bforeslå|\bforslag|\bråde\b|\bråder\b|\boppfordr|\bet (?:godt )?råd\b|\bråd:|\bet tips\b",
        ),
        (
            "something to practise or learn",
            r"\bøve|\btrene\b|\blese deg (?:mer )?opp\b|\bles deg opp\b|\bfordyp"
            r"|\bkurs(?:et)?\b|\bsertifisering|\b(?:jobbe|arbeide) videre med\b"
            r"|\b(?:jobbe|arbeide|fokusere) (?:mer )?(?:med|på) (?:din|dine|ditt)\b",
        ),
        (
            "a change to make",
            r"\bforbedre|\bstyrke\b|\butvikle\b|\bkort\w* (?:den|det|dem) ned\b"
            r"|\bforbered|\bprøv(?:e)? å\b",
        ),
        (
            "what would help",
            r"\b(?:vil|ville) (?:gjøre|gjort) (?:det|dem|deg|din|ditt|dine) (?:\w+ )?(?:mer|sterkere|bedre|tydeligere)\b|"
            rf"\b(?:vil|ville|kan|kunne) {_ANY}(?:hjelpe|styrke)\b|\bdu (?:\w+ )?(?:bør|burde|"
            r"må|trenger å)\b|\blurt å\b|\ben god idé\b",
        ),
        ("an area named to improve", r"\bforbedringsområde|\butviklingsområde"),
        (
            "a change for next time",
            r"\bneste gang\b|\bheretter\b|\btil (?:neste|ditt neste) intervju\b",
        ),
    ),
    not_advice=(
        (
            "advice not about skills",
            r"\bfølger med\b|\bfølge med\b|\bsøke igjen\b|\bkarriereside|\bfølg oss\b"
            r"|\blinkedin\b|\bundersøkelse|\brekrutteringsprosess|\blykke til\b"
            r"|\bvi jobber (?:med|på)\b|\bvi arbeider (?:med|på)\b|\bholde kontakt(?:en)?\b",
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
            r"|\b(?:var|ble) (?:\w+ ){0,2}?(?:tynn|vag|generell|utydelig|lang|kort)"
            r"|\bundervurderer\b|\bskrivefeil\b|\bfeil\b|\bviser (?:\w+ )?ikke\b",
        ),
    ),
    imperatives="""øv forbered prøv kort sett les skriv hold bruk tenk fokuser jobb unngå ta start begynn
    beskriv vis legg avslutt gå begrens""",
)
