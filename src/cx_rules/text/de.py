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
        ("a thank-you", r"\bdank(?:e|en)?\b|\bbedank\w*|\bdankeschön\b"),
        (
            "appreciation",
            r"\bzu schätzen\b|\bschätzen (?:wir|ich) \w+ sehr\b|\bwertschätz\w*"
            r"|\bschätzen (?:es|ihr\w*|dein\w*|die|den|das) (?:\w+ )?sehr\b",
        ),
        ("gratitude", r"\bdankbar\w*"),
    ),
    not_thanks=(
        ("a refusal", r"\bnein,? danke\b|\bdanke,? nein\b"),
        ("a cause", r"\bdank (?:der|des|dem|einer|eines|ihrer|ihres|unserer|unseres|vieler)\b"),
        (
            "a request",
            rf"\b(?:wären|wäre|würden|würde) {_ANY}dankbar\w*|\bdankbar,? wenn\b"
            r"|\b(?:vielen )?dank im voraus\b|\bdanke im voraus\b|\bvorab (?:vielen )?dank\b",
        ),
        ("a negation", rf"\b(?:nicht|kein\w*) {_ANY}(?:dank\w*|bedank\w*)"),
    ),
    areas=(
        (
            "technical skills",
            r"\btechnische\w*|\bcode\b|\bprogrammier\w*|\bsql\b|\bpython\b|\bexcel\b|\bpivot\w*"
            r"|\btests\b|\bunit-tests\b|\bcloud\b|\bsap\b|\bfensterfunktion\w*"
            r"|\w*kenntnisse\w*|\w*kompetenz\w*|\blösung\w*|\bfähigkeit\w*",
        ),
        ("domain knowledge", r"\bwissen\b|\bfachlich\w*|\bregeln\b|\bgesetz\w*"),
        ("communication", r"\w*kommunikation\w*|\w*präsentation\w*|\bfolien\b|\bauftreten\b"),
        (
            "interview answers",
            r"\bantwort\w*|\bbeispiel\w*|\bfragen\b|\bstruktur\w*|\bsituationen\b",
        ),
        (
            "leadership and collaboration",
            r"\bführung\w*|\bteamarbeit\b|\bzusammenarbeit\b|\bpriorisier\w*|\bverhandl\w*",
        ),
        ("application documents", r"\blebenslauf\w*|\banschreiben\b|\bbewerbung\w*|\bportfolio\b"),
        ("experience", r"\w*erfahrung\w*|\bzertifizierung\w*"),
        ("preparation", r"\bunternehmen\b|\bprodukte\w*|\bvorbereitung\w*"),
    ),
    improvements=(
        (
            "a recommendation",
            r"\bempfehle\w*|\bempfiehlt\b|\bvorschlag\w*|\bvorschlagen\b|\bschlage\w* vor\b"
            r"|\bein tipp\b|\btipp:|\bmein rat\b|\bunser rat\b|\braten (?:ihnen|dir)\b",
        ),
        (
            "something to practise or learn",
            r"\büben\b|\bübung\w*|\btrainier\w*|\bvertief\w*|\beinlesen\b|\blernen\b"
            r"|\bkurs\w*|\bschulung\w*|\bzertifizierung\w*|\barbeiten an\b|\bsich (?:intensiver )?"
            r"mit \w+ (?:\w+ )?beschäftigen\b|\bbeschäftigen\b",
        ),
        (
            "a change to make",
            r"\bverbesser\w*|\bzu stärken\b|\bentwickeln\b|\bkürzen\b|\bkürze\b|\bbereite\w* \w+ vor\b"
            r"|\bvorbereiten\b|\bversuch\w*|\bbegrenzen\b",
        ),
        (
            "what would help",
            rf"\b(?:würde|würden|könnte|kann|wird) (?:\w+ ){{0,5}}?(?:helfen|stärken)\b"
            r"|\b(?:sie|du) (?:\w+ )?(?:sollten|solltest|könnten|könntest|müssten)\b"
            r"|\bsollten sie\b|\bsolltest du\b|\blohnt sich\b|\beine gute idee\b",
        ),
        ("an area named to improve", r"\bverbesserungspotenzial\w*|\bentwicklungsfeld\w*"),
        ("a change for next time", r"\bnächste(?:s|n)? (?:mal|gespräch|interview|bewerbung)\b"),
    ),
    not_advice=(
        (
            "advice not about skills",
            r"\bkarriereseite\w*|\bvorbeizuschauen\b|\berneut (?:zu )?bewerben\b|\bwieder bewerben\b"
            r"|\blinkedin\b|\bumfrage\w*|\bbewerbungsprozess\w*|\bauswahlverfahren\w*"
            r"|\balles gute\b|\bviel erfolg\b|\bwir arbeiten daran\b",
        ),
    ),
    targeted=(
        (
            "something to learn",
            r"\bauffrisch\w*|\bkorrektur\b|\bkurs (?:in|zu|für)\b|\bschulung (?:in|zu)\b"
            r"|\beinarbeiten\b|\bvertraut machen\b|\bdurcharbeiten\b",
        ),
    ),
    critiques=(
        (
            "a weakness named",
            r"\bschwierigkeiten\b|\bfehlte\w*|\bverwechselt\b|\bunter wert\b"
            r"|\b(?:war|waren) (?:etwas |zu |recht )?(?:dünn|vage|allgemein|unklar|lang|kurz)\w*"
            r"|\brechtschreibfehler\b|\bfehler\b",
        ),
    ),
    imperatives="""üben übe bereite kürzen kürze stellen stelle schreib schreibe lies lesen
    achte achten nutze nutzen versuche versuchen arbeite vermeide beginne beginn füge
    beschreibe nenne zeige""".split(),
)
