"""German: what counts as thanks and as specific feedback (formal Sie and informal du)."""

from __future__ import annotations

from typing import Final

from .detect import PROFILES
from .lexicon import LexiconAnalyser

__all__ = ["GERMAN"]

_ANY: Final = r"(?:\w+ ){0,3}?"

#: Reads German.
GERMAN: Final = LexiconAnalyser.build(
    "de",
    markers=PROFILES["de"],
    thanks=(
        ("a thank-you", r"\bdank(?:e|en)?\b|\bbedank|\bdankeschön\b"),
        (
            "appreciation",
            r"\bzu schätzen\b|\bschätzen (?:wir|ich) \w+ sehr\b|\bwertschätz"
            r"|\bschätzen (?:es|ihr|dein|die|den|das) (?:\w+ )?sehr\b",
        ),
        ("gratitude", r"\bdankbar"),
    ),
    not_thanks=(
        ("a refusal", r"\bnein,? danke\b|\bdanke,? nein\b"),
        ("a cause", r"\bdank (?:der|des|dem|einer|eines|ihrer|ihres|unserer|unseres|vieler)\b"),
        (
            "a request",
            r"\b(?:wären|wäre|würden|würde) (?:\w+ ){0,5}?dankbar|\bdankbar,? wenn\b"
            r"|\b(?:vielen )?dank im voraus\b|\bdanke im voraus\b|\bvorab (?:vielen )?dank\b",
        ),
        ("a negation", rf"\b(?:nicht|kein) {_ANY}(?:dank|bedank)"),
    ),
    areas=(
        (
            "technical skills",
            r"\btechnische|\bcode\b|\bprogrammier|\bsql\b|\bpython\b|\bexcel\b|\bpivot"
            r"|\btests\b|\bunit-tests\b|\bcloud\b|\bsap\b|\bfensterfunktion"
            r"|kenntnisse|kompetenz|\blösung|\bfähigkeit",
        ),
        ("domain knowledge", r"\bwissen\b|\bfachlich|\bregeln\b|\bgesetz"),
        ("communication", r"\bpitch|kommunikation|präsentation|\bfolien\b|\bauftreten\b"),
        (
            "interview answers",
            r"\bantwort|\bbeispiel|\bfragen\b|\bstruktur|\bsituationen\b",
        ),
        (
            "leadership and collaboration",
            r"\bführung|\bteamarbeit\b|\bzusammenarbeit\b|\bpriorisier|\bverhandl",
        ),
        ("application documents", r"\blebenslauf|\banschreiben\b|\bbewerbung|\bportfolio\b"),
        ("experience", r"erfahrung|\bzertifizierung"),
        ("preparation", r"\bunternehmen|\bprodukte|\bvorbereitung|\bnachrichten"),
        (
            "the candidate's own work",
            r"\b(?:ihre|ihren|ihrem|ihrer|dein|deine|deinen|deinem|deiner) (?!(?:zeit|interesse|"
            r"geduld|bewerbung|unterlagen|zukunft|nachricht|rückmeldung|teilnahme)\b)\w",
        ),
    ),
    improvements=(
        (
            "a recommendation",
            r"\bempfehle|\bempfiehlt\b|\bvorschlag|\bvorschlagen\b|\bschlage\w* vor\b"
            r"|\bein tipp\b|\btipp:|\bmein rat\b|\bunser rat\b|\braten (?:ihnen|dir)\b",
        ),
        (
            "something to practise or learn",
            r"\büben\b|\bübung|\btrainier|\bvertief|\beinlesen\b|\blernen\b"
            r"|\bkurs|\bschulung|\bzertifizierung|\barbeiten an\b|\bsich (?:intensiver )?"
            r"mit \w+ (?:\w+ )?beschäftigen\b|\bbeschäftigen\b",
        ),
        (
            "a change to make",
            r"\bverbesser|\bzu stärken\b|\bentwickeln\b|\bkürzen\b|\bkürze\b|\bbereite\w* \w+ vor\b"
            r"|\bvorbereiten\b|\bversuch|\bbegrenzen\b",
        ),
        (
            "what would help",
            r"\b(?:würde|würden|könnte|kann|wird) (?:\w+ ){0,5}?(?:helfen|stärken|machen)\b"
            r"|\b(?:sie|du) (?:\w+ )?(?:sollten|solltest|könnten|könntest|müssten)\b"
            r"|\bsollten sie\b|\bsolltest du\b|\blohnt sich\b|\beine gute idee\b",
        ),
        ("an area named to improve", r"\bverbesserungspotenzial|\bentwicklungsfeld"),
        (
            "a change for next time",
            r"\bnächste(?:s|n)? (?:mal|gespräch|interview|bewerbung)\b|\bkünftig\b|\bzukünftig\b",
        ),
    ),
    not_advice=(
        (
            "advice not about skills",
            r"\bkarriereseite|\bvorbeizuschauen\b|\berneut (?:zu )?bewerben\b|\bwieder bewerben\b"
            r"|\blinkedin\b|\bumfrage|\bbewerbungsprozess|\bauswahlverfahren"
            r"|\balles gute\b|\bviel erfolg\b|\bwir arbeiten daran\b|\bin kontakt bleiben\b",
        ),
    ),
    targeted=(
        (
            "something to learn",
            r"\bauffrisch|\bkorrektur\b|\bkurs (?:in|zu|für)\b|\bschulung (?:in|zu)\b"
            r"|\beinarbeiten\b|\bvertraut machen\b|\bdurcharbeiten\b",
        ),
    ),
    critiques=(
        (
            "a weakness named",
            r"\bschwierigkeiten\b|\bfehlte|\bverwechselt\b|\bunter wert\b"
            r"|\b(?:war|waren) (?:\w+ ){0,2}?(?:dünn|vage|allgemein|unklar|lang|kurz)"
            r"|\brechtschreibfehler\b|\bfehler\b|\bzeigt (?:\w+ ){0,2}?nicht\b",
        ),
    ),
    imperatives="""üben übe bereite kürzen kürze stellen stelle schreib schreibe lies lesen achte achten
    nutze nutzen versuche versuchen arbeite vermeide beginne beginn füge beschreibe nenne
    zeige gehe schließe begrenze ergänze ergänzen gehe""",
)
