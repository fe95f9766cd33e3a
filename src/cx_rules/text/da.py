"""Danish: what counts as thanks and as specific feedback (with æøå or ae/oe/aa)."""

from __future__ import annotations

from typing import Final

from .detect import PROFILES
from .lexicon import LexiconAnalyser

__all__ = ["DANISH"]

_ANY: Final = r"(?:\w+ ){0,3}?"

#: Reads Danish.
DANISH: Final = LexiconAnalyser.build(
    "da",
    markers=PROFILES["da"],
    thanks=(
        ("a thank-you", r"\btak\b|\btakk(?:e|er|et)\b|\btakkes\b"),
        (
            "appreciation",
            rf"\bsæt(?:ter|te)? {_ANY}pris på\b|\bsatte {_ANY}pris på\b|\bsat {_ANY}pris på\b|\bværdsæt|\bpåskøn",
        ),
        ("gratitude", r"\btaknemmelig"),
    ),
    not_thanks=(
        (
            "a refusal",
            rf"\btakke(?:r|t)? {_ANY}nej\b|\bnej,? tak\b|\btakke(?:r|t)? af\b",
        ),
        ("a cause", r"\btakket være\b|\btak være\b"),
        (
            "a request",
            rf"\b(?:vil|ville|skulle) {_ANY}(?:sætte {_ANY}pris på|være taknemmelig)"
            rf"|\bsætte {_ANY}pris på,? (?:hvis|om)\b|\bsætter {_ANY}pris på,? hvis\b"
            r"|\btaknemmelig\w*,? (?:hvis|om)\b|\bpå forhånd tak\b"
            r"|\btak på forhånd\b",
        ),
        ("a negation", rf"\bikke {_ANY}(?:takke|tak\b|værdsæt|sætte\w* {_ANY}pris)"),
    ),
    areas=(
        (
            "technical skills",
            r"\btekni(?:sk|ske)\b|\bkode|\bprogrammer|\bsql\b|\bpython\b|\bexcel\b"
            r"|\bpivottabel|\btests?\b|\benhedstest|\bcloud\b|\baws\b|\bsap\b|\bcrm\b"
            r"|\bsalesforce\b|\bjoins?\b|\bdatabase|\bløkke|\bopslag"
            r"|færdighed|kompetence|\bopgaveløsning",
        ),
        (
            "domain knowledge",
            r"\bviden\b|\bkendskab\b|\bmoms\b|\bregnskab|\bifrs\b|\bleasing\b|\bgdpr\b"
            r"|\bdatabeskyttelse\b|lov(?:en|givning)?\b|\breglerne?\b|\bfaglig"
            r"|\bøkonomi|\bprojektstyring\b|\bborgerkontakt\b|\bapv\b",
        ),
        (
            "communication",
            r"kommunikation|præsentation|\bslides\b|\bformidling"
            r"|\bskriftlig|\bsprog|\bpræsentere(?:r)?\b|\bpitch|\btænk(?:e)? højt\b|\btale højt\b|\btempo\b|\bpause\w*|\bstavefejl\b",
        ),
        (
            "interview answers",
            r"\bsvar(?:et|ene)?\b|\beksempl|\bstar-\w*|\binterviewteknik"
            r"|\bspørgsmål|\bstruktur|\bkonklusion|\bresultat|\btal\b",
        ),
        (
            "leadership and collaboration",
            r"ledelse|\bleder|\bsamarbejd|\binteressent|\bforhandl"
            r"|\bprioriter|\bkonflikt|\bteam|\bgruppeøvelse|\bgruppearbejde",
        ),
        (
            "application documents",
            r"\bcv\b|\bansøgning|\bportfolio\b|\bportefølje\b|\bcase|\bmotiveret ansøgning\b",
        ),
        ("commercial skills", r"\bsalg|\bkunde|\bpris\b|\bnøgletal|\bkpi"),
        ("experience", r"erfaring|\bcertificering"),
        ("preparation", r"\bvirksomhed|\bprodukter|\bforberedelse\b|\bdesignproces"),
        (
            "the candidate's own work",
            r"\b(?:din|dit|dine) (?!(?:tid|interesse|tålmodighed|ansøgning|ansøgninger|oplysninger|"
            r"profil|mail|besked|fremtid|jobsøgning|kandidatur|ledige|tidligere|nuværende|"
            r"rekrutteringsbureau|deltagelse|fleksibilitet|side|familie)\b)(?<!\bdit )\w"
            r"|\bdine svar\b",
        ),
    ),
    improvements=(
        (
            "a recommendation",
            r"\banbefal|\bforeslå|\bopfordr|\bråder\b|\bråde\b|\bforslag"
            r"|\b(?:mit|vores|et|nogle|gode|godt|bedste) (?:godt )?(?:råd|tip)\b|\bråd:",
        ),
        (
            "something to practise or learn",
            rf"\bøv|\btræn(?:e|er)\b|\bgenopfrisk|\blæs(?:e)? op\b|\bsætte dig {_ANY}ind\b"
            r"|\bsæt dig {_ANY}ind\b|\bfå styr på\b|\bopbyg|\btilegne|\blære\b"
            r"|\buddybe|\bfordybe|\bkursus|\bkurser\b|\bcertificering"
            r"|\barbejde\w* videre med\b|\b(?:kan|kunne|bør|skal) (?:\w+ ){0,2}?arbejde med\b"
            r"|\b(?:vigtigste|noget|område|punkt|ting)\w* (?:\w+ )?at arbejde med\b"
            r"|\b(?:arbejde|fokusere) (?:mere )?(?:med|på) (?:din|dine|dit)\b",
        ),
        (
            "a change to make",
            r"\bforbedre|\bstyrke(?:s|t)?\b|\budvikle\b|\bskær\w* (?:det|den|dem)? ?ned\b"
            r"|\bskræddersy|\bforbered|\bprøv(?:e)? at\b|\bovervej|\bblive bedre til\b",
        ),
        (
            "what would help",
            rf"\b(?:vil|ville|kunne|kan) {_ANY}(?:hjælpe|styrke|gøre dig stærkere|løfte|"
            r"stå stærkere)\b|\b(?:vil|ville) gøre (?:det|dem|dig|din|dit|dine) (?:\w+ )?(?:mere|stærkere|bedre|klarere)\b"
            r"|\bdet ville hjælpe\b|\ben god idé\b|\bværd at\b|\båbner det\b"
            r"|\bmed fordel\b|\b(?:du|de) (?:\w+ )?(?:bør|burde|skal|skulle) (?!ikke\b)"
            r"|\b(?:bør|burde) (?:du|de)\b|\bfor at komme videre\b|\bvil give dig\b"
            r"|\bgå (?:mere )?i (?:dybden|detaljen|detaljer)\b",
        ),
        (
            "an area named to improve",
            r"\bforbedrings|\bplads til forbedring|\budviklingspunkt|\bfokuspunkt"
            r"|\bpunkter til forbedring\b|\bdet(?:,)? der trak ned\b",
        ),
        (
            "a change for next time",
            r"\bnæste gang\b|\btil (?:din |den |jeres )?næste (?:samtale|ansøgning|gang)\b"
            r"|\b(?:inden|før) (?:du|De) søger\b",
        ),
    ),
    not_advice=(
        (
            "advice not about skills",
            r"\bholder øje\b|\bholde øje\b|\bsøge (?:igen|hos os igen|en anden gang)\b"
            r"|\bsøg igen\b|\bjobside|\bkarriereside|\bjobagent|\bfølg os\b"
            r"|\blinkedin\b|\bportal|\bspørgeskema|\brekrutteringsproces"
            r"|\bandre (?:ledige )?stillinger\b|\bheld og lykke\b|\btage det personligt\b"
            r"|\bvi arbejder (?:på|med)\b|\bholde kontakt(?:en)?\b",
        ),
    ),
    targeted=(
        (
            "something to learn",
            rf"\bgenopfrisk|\blæs(?:e)? op på\b|\blæs\w* korrektur\b|\bfriske {_ANY}op\b"
            r"|\bkursus i\b|\bgennemgå|\bfortrolig med\b|\bsæt(?:te)? dig (?:mere )?ind i\b"
            r"|\bøv(?:e)? dig i\b",
        ),
    ),
    critiques=(
        (
            "a weakness named",
            r"\bsvært ved\b|\bblandede \w+ \w* ?sammen\b|\bmanglede\b|\bsavnede\b"
            r"|\b(?:var|blev|virkede) (?:\w+ ){0,2}?(?:tynd|vag|generel|uklar|lang|kort|overfladisk)"
            r"|\btrak (?:\w+ ){0,3}?ned\b|\bmistede fokus\b|\bukendt med\b|\busikker\b"
            r"|\brodet\b|\bforhastede?\b|\bviser ikke\b|\bmanglende\b"
            r"|\bville gerne have (?:hørt|set) mere\b"
            r"|\bikke (?:\w+ )?(?:inddrog|nævnte|forklarede|viste|stillede|forberedte|svarede|lyttede)\b"
            r"|\bundersælger\b|\bstavefejl\b|\bfejl\b|\bholdt dig tilbage\b"
            r"|\bovervejede ikke\b|\bkendte ikke\b|\btrak ned\b|\busikker på\b",
        ),
    ),
    imperatives="""øv forbered prøv skær skræddersy brug læs få overvej stil vær hold tal sæt skriv tag
    arbejd fokuser genopfrisk opbyg lær undgå husk start begynd tilføj beskriv nævn vis giv dobbelttjek tjek tænk begræns afslut gennemgå kommenter""",
    field_words=(),
)
