"""Which language a message is written in: common words, weighed by how many languages share them.

Each language has a profile of frequent words (function words, the words of a recruiter's
letter).  A word found in ``k`` profiles gives each of them ``1 / k``; a few letters (æ and ø,
ä and ö, ü and ß, å) count as one such word too.  The language with the highest score wins; a
tie, or a score below one word, is no answer.  Languages no built-in analyser reads (French,
Spanish, Dutch, ...) have profiles as well, so that they are recognised as such instead of
being taken for the nearest language that is read.  The detector is measured on the corpus
(``benchmarks/text_accuracy.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

from .fold import fold

__all__ = ["PROFILES", "LanguageDetector"]


_WORD: Final = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_CACHE_SIZE: Final = 50_000


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _profile(text: str) -> frozenset[str]:
    return frozenset(_words(text))


#: Frequent words per language (ISO 639-1), as written; they are folded when compared.
PROFILES: Final[Mapping[str, frozenset[str]]] = {
    "en": _profile(
        """the and to of a in for you your yours we our ours us is are was were be been being
        have has had will would could should can may might must not with on at this that these
        those it its as by from but or if thank thanks thx dear hi hello regards best kind
        unfortunately application applying applied interview interviewing role position
        candidate candidates team time interest experience skills decided decision forward
        moving progress progressing luck future please sorry regret inform offer hiring i me
        my an all any more most very so do does did don't won't we're you're i'm it's we've
        we'd i'd you'll there their they them what which who how when where why about after
        before again also just only really next other another one two three would like
        appreciate grateful wish wishes success shortlisted vacancy opening recruitment
        strong stronger improve practise practice recommend suggest which while
        because than then into over through during each every such own same few here now
        let know look looking great good well pleased happy enjoyed meeting chat call week
        today yesterday tomorrow monday tuesday wednesday thursday friday received review
        reviewed considered consider further stage process panel manager cheers yourself
        didn't couldn't wasn't weren't isn't aren't haven't hasn't that's""",
    ),
    "da": _profile(
        """og at af efter hvad meget nogen noget nogle mig dig sig jer jeres vores blev blive
        været gerne desværre ansøgning ansøgningen ansøgninger ansøger hej kære tak mulighed
        muligheden nu ud op lige bedste hjælp hjælpe give tage nej kompetencer venlig venlige
        hilsen måske tilbage uge ugen inden indtil igen anden andet dit ikke jeg vi du de den
        det en et er har til med på om som der hvis skal kan kunne bør vil ville fordi også
        derfor mange tusind samtale samtalen stilling stillingen stillinger kandidat
        kandidater valgt gå videre besat modtaget fik svært overblik selskab ansat arbejde
        job gennem netop erfaringer færdigheder specielt løsningerne højt savnede manglede
        knap enhedstests produkterne taler langsommere vælg løn referencenummer plus pension
        vedhæftet vedhæftede nåede aftalt venligst sætter pris tid forløbet besluttet
        meddele glade glæder håber ønsker dig fremover held lykke jobsøgningen hos vores
        tilbagemelding kørekort næste gang gerne godt god rigtig rart hyggeligt fortsat
        beklager henvendelse henvendelser imens mens selv sådan sammen her hvor hvordan
        hvorfor hvornår kommer komme kommune region samt eller men så end dem deres dine
        din sin sit sine hende ham hun han
        kræver krævet søge søgt søgte bruge brugt lidt fået blevet kende kendskab lære læse
        spørge spørgsmål opgave opgaven virksomhed virksomheden forløb udvalgt udfordring
        udfordringer uddannelse udvikle udvikling spændende afdeling afslag aftale afgørelse
        afsluttet afventer dog fx medarbejder arbejdsplads kollegaer chef betyder giver tager
        bliver siger lægger gør gøre sker mellem frem ind inde ude nyt intet hverken vejen
        nøjagtig øje øjeblik ret rette hurtigst snarest muligt ansøgere ansættelse
        ansættelsesrunde udfylde ingen syntes synes oplevede trak ned virkede nævne
        skræddersy tilbyde tilbudt tilbyder undskyld beklageligvis imidlertid vedrørende
        bedes kommende næstkommende hilsner dage tidspunkt tidspunktet bekræfte bekræftet havde
        nævne nævner værktøj værktøjer referencer tilbuddet bekræftelse bekræftelsen især
        medbringe kravene lagde sagde gjorde kendte fortalte mindst sætte sætter satte stærk
        stærke stærkere stærkt løn lønnen oplyse oplyst
        svær bruger mere daglige dagligt fornøjelse hjemmeside
        """,
    ),
    "nb": _profile(
        """og å av etter hva mye noen noe meg deg seg dere deres vår vårt våre ble bli vært
        gjerne dessverre søknad søknaden søknader søker hei kjære takk mulighet muligheten nå
        ut opp like beste hjelp hjelpe gi ta nei kompetanse vennlig vennligst hilsen kanskje
        tilbake uke uken igjen annen annet ditt ikke jeg vi du de den det en et er har til med
        på om som der hvis skal kan kunne bør vil ville fordi også derfor mange tusen samtale
        samtalen stilling stillingen stillinger kandidat kandidater valgt gå videre besatt
        mottatt fikk vanskelig oversikt selskapet selskap bedrift ansatt arbeid jobb jobbe
        gjennom nettopp erfaringene ferdigheter ferdighetene spesielt løsningene høyt savnet
        manglet knapp enhetstester produktene snakker saktere lysbilder velg oppstart lønn
        lønnen referansenummeret pluss pensjon vedlegg nådde avtalt tilbakemelding
        tilbakemeldinger hyggelig fint fortløpende henvendelser sette setter pris tid
        tiden tidspunkt tidspunktet prosessen avgjørelsen skuffende legitimasjon mandag
        intervju intervjuet intervjuer neste runde gangen lykke videre engasjement
        engasjementet rekrutteringen rekrutteringsprosessen undersøkelsen mening jobber
        hvordan hvorfor hvor her sammen eller men så enn dem din dine sin sitt sine henne
        ham hun han blitt
        krever søke søkt søkte bruke brukt litt fått kjenne kjennskap lære lese spørre
        spørsmål oppgave oppgaven virksomhet virksomheten forløp utvalgt utfordring
        utfordringer utdannelse utdanning utvikle utvikling spennende avdeling avslag avtale
        avsluttet avventer likevel medarbeider arbeidsplass kolleger sjef betyr gir tar blir
        sier legger gjør gjøre skjer mellom fram inn inne ute nytt ingenting veien nøyaktig
        øye øyeblikk rett rette raskt snarest mulig søkerne ansettelse ansettelsesprosessen
        fylle ingen syntes synes opplevde trakk virket nevne skreddersy tilby tilbudt tilbyr
        unnskyld beklageligvis imidlertid vedrørende bes kommende hilsener dager ønsket
        fremtidig lenger lengre nokså ganske veldig særlig kort sett nyeste øverst fordyper
        tydelig bekrefte bekreftet hadde vanskelig bruker daglig mer hjemmeside nevne nevner
        verktøy referanser tilbudet bekreftelse bekreftelsen la sa gjorde kjente fortalte sterk
        sterke sterkere sterkt lønn opplyse opplyst
        """,
    ),
    "sv": _profile(
        """och att inte är för jag du dig din ditt dina vi har med en ett av på till som om det
        den de vara var varit kan kunna skulle ska vill tack tacka tackar tyvärr ansökan
        ansökningen tjänst tjänsten intervju intervjun hej hälsningar vänliga vänlig vår våra
        vårt oss från efter eller också mycket någon något några här där nu när vad hur
        varför även bara så sedan gärna erfarenhet erfarenheter kunskaper möjlighet framöver
        lycka trevligt samtal samtalet träffa träffas återkoppling återkommer besked beslut
        beslutet gå vidare valt kandidater kandidat rekrytering rekryteringen sökande tid
        tiden idag igår imorgon veckan vecka måndag fredag torsdags inför denna detta dessa
        därför eftersom mer mest bättre stor stort tusen tjänstepension lönen bilaga
        referensnummer provet delar ovanför rad vänligen skriv svar tillsatt stängt
        behandlas kommit ihåg legitimation besvikelse slutgiltigt processen tålamod
        uppskattar verkligen lade roligt nöje engagemang slutförde steg nästa kunde
        bekräfta tagit emot bokad förnamn efternamn också enligt överenskommelse avtal
        ort rekommenderar fördjupar särskilt föreslår saknade övning öva
        jobba hos tyckte tycker jämnt välkommen söka igen framtiden arbetar förbättra
        synpunkter enkäten kräver minst års revision styrkor sammanfattning gången ledarskap
        allmänna förbered konkreta situationer lett fungerade tester enhetstester knapp läser
        företaget produkter stärka framtida överblicka korta sidor lägg senaste först
        presentationsteknik förbättras pratar långsammare använder färre bilder dock
        hälsning intresse ansöka ansökt sökt nådde år mer vår hade haft
        """,
    ),
    "de": _profile(
        """und der die das den dem des ein eine einen einem einer ist sind war waren wir sie ihr
        ihre ihren ihrer ihnen ihrem du dich dir dein deine deinen deiner ich mich mir mit von
        zu zum zur für auf aus bei nach über unter nicht kein keine keinen auch aber oder wenn
        dass als wie noch nur schon sehr leider vielen dank danke herzlichen bewerbung
        bewerbungen stelle gespräch uns unser unsere unserem unseren unserer haben hat habe
        wird werden wurde können könnten möchten würde würden sollten es im am um bitte
        grüßen freundlichen geehrte geehrter hallo liebe lieber zeit interesse unternehmen
        erfahrung kenntnisse entscheidung entschieden mitteilen mitgeteilt bewerber
        bewerberin kandidatin kandidaten eingegangen geprüft besetzt weiteren weiter
        berücksichtigen absage absagen zusage termin vorstellungsgespräch unterlagen
        lebenslauf anschreiben runde nächste nächsten gern gerne viel viele alles gute
        erfolg wünschen wünsche beruflichen weg zukunft freuen gefreut kennenzulernen
        heute morgen gestern woche montag freitag donnerstag uhr zwei drei diesmal
        inzwischen derzeit bereits einmal nochmals besten schätzen dankbar bedanken
        empfehlen empfehlen vertiefen insbesondere
        sich sein seine seiner man wer was wo warum wieder hier dort jetzt dann denn doch ja
        nein ob ohne gegen durch bis seit während weil damit dafür darauf daran dazu etwa
        etwas nichts immer mehr weniger besser gut neue neuen ersten letzte letzten
        gespräche stellen sowie bzw
        """,
    ),
    # Read by no built-in analyser: recognised so that they are not taken for a neighbour.
    "fr": _profile(
        """le la les des est et vous votre vos nous notre nos pour avec merci candidature poste
        une un du dans pas que qui sur au aux madame monsieur bonjour cordialement avons être
        été ce cette ces sont mais ou très plus entretien malheureusement"""
    ),
    "es": _profile(
        """el la los las y que de en para con usted su sus gracias candidatura puesto hemos
        estimado estimada por una no es muy nos le lo entrevista lamentablemente saludos"""
    ),
    "nl": _profile(
        """de het een en van je jij u uw wij we ons onze niet met voor bedankt dank sollicitatie
        functie hebben helaas gesprek beste groet groeten vriendelijke zijn is dat die op aan
        ook wel naar bij om als maar dan geen"""
    ),
    "it": _profile(
        """il lo la gli le di che e per con non grazie candidatura posizione siamo abbiamo
        gentile cordiali saluti una un della del colloquio purtroppo sono"""
    ),
    "pt": _profile(
        """o os a as de que e para com não obrigado obrigada candidatura vaga você seu sua nós
        uma um muito entrevista infelizmente atenciosamente"""
    ),
    "fi": _profile(
        """ja on ei kiitos hakemuksesta hakemus että se me olemme teidän sinun valitettavasti
        haastattelu tehtävään terveisin"""
    ),
    "pl": _profile(
        """i w z na nie się dziękujemy dziękuję za że jest do państwa pani pan aplikację
        stanowisko niestety pozdrawiam"""
    ),
}

# Letters that only some languages write: each word with one counts as one more shared word.
_LETTERS: Final = (
    (("æ", "ø"), "#ae-oe"),
    (("ä", "ö"), "#ae-oe-de-sv"),
    (("ü", "ß"), "#ue-ss"),
    (("å",), "#aa"),
)
_LETTER_LANGUAGES: Final = {
    "#ae-oe": ("da", "nb"),
    "#ae-oe-de-sv": ("sv", "de"),
    "#ue-ss": ("de",),
    "#aa": ("da", "nb", "sv"),
    "#nb": ("nb",),
    "#da": ("da",),
    "#nb-sv": ("nb", "sv"),
    "#sv": ("sv",),
    "#da-sv": ("da", "sv"),
    "#nb-de": ("nb", "de"),
}
# Spellings that tell Danish and Norwegian apart where their function words do not: Norwegian
# writes kj, gj and skj (kjære, gjerne), -sjon (presentasjon), -kk and -pp (takk, opp), øy
# (høyt) and -het (mulighet, also Swedish); Danish -hed (mulighed).  Definite plurals: Danish
# -erne, Swedish -arna/-orna/-erna, Norwegian -ene.  Each word with one counts as one more
# word of those languages.  Checked on the folded word (so "høyt" is "hoeyt").
_NB_START: Final = ("kj", "skj", "gj")
_NB_END: Final = ("sjon", "sjonen", "sjoner", "sjonene")
_HED: Final = re.compile(r"\w+(?:ig|lig|som)(hed|het)(?:en|er|erne|erna|ene)?")
# Norwegian puts the possessive after a definite noun: "erfaringen din", "CV-en din".
_POSSESSIVES: Final = frozenset(
    ["din", "ditt", "dine", "vaar", "vaart", "vaare", "min", "mitt", "mine"]
)
_NOT_DEFINITE: Final = frozenset(["men", "den", "hen", "igen", "igjen", "det", "et", "en"])


def _marks(folded: str) -> list[str]:
    """The spelling marks of one folded word."""
    marks = []
    if (
        folded.startswith(_NB_START)
        or "igj" in folded
        or "oey" in folded
        or folded.endswith(_NB_END)
        or (len(folded) > 2 and folded.endswith(("kk", "pp")))
    ):
        marks.append("#nb")
    # Danish arbejde, nej and Swedish nej; Norwegian arbeid, nei and German ein, kein.
    if "ej" in folded:
        marks.append("#da-sv")
    elif "ei" in folded:
        marks.append("#nb-de")
    if len(folded) >= 6 and folded.endswith("ede") and folded != "jede":
        marks.append("#da")  # Danish past tense: savnede, manglede (Norwegian savnet)
    if folded.endswith(("tionen", "tioner", "tionerne", "tionerna")):
        marks.append("#da-sv")  # Norwegian writes -sjonen
    if len(folded) >= 6:
        # Past participles: Danish -eret (imponeret), Norwegian -ert (imponert), Swedish
        # -erad; German writes -iert.
        if folded.endswith("eret"):
            marks.append("#da")
        elif folded.endswith("ert") and not folded.endswith("iert"):
            marks.append("#nb")
        elif folded.endswith(("erad", "erade")):
            marks.append("#sv")
        # Prefixes: Danish ud- (udvikle, udfald), Norwegian and Swedish ut- (utvikle).
        if folded.startswith("ud"):
            marks.append("#da")
        elif folded.startswith("ut"):
            marks.append("#nb-sv")
    hed = _HED.fullmatch(folded)
    if hed is not None:
        marks.append("#da" if hed.group(1) == "hed" else "#nb-sv")
    if len(folded) >= 7:
        if folded.endswith("erne"):
            marks.append("#da")
        elif folded.endswith(("arna", "orna", "erna")) or "erfarenhet" in folded:
            marks.append("#sv")
        elif folded.endswith("ene"):
            marks.append("#nb")
    return marks


class LanguageDetector:
    """Detects a message's language from word profiles (see the module's description).

    ``profiles`` maps a language code to its frequent words, in lower case as written.
    """

    __slots__ = ("_cache", "_weights")

    def __init__(self, profiles: Mapping[str, Iterable[str]]) -> None:
        # A word is looked up as written: "kræver" is Danish only.  Its folded spelling
        # ("kraever", as typed without æ) belongs to every language whose word folds to it.
        owners: dict[str, list[str]] = {}
        for language, profile in profiles.items():
            for word in profile:
                owners.setdefault(word, []).append(language)
                plain = fold(word)
                if plain != word:
                    owners.setdefault(plain, []).append(language)
        for mark, languages in _LETTER_LANGUAGES.items():
            owners.setdefault(mark, []).extend(languages)
        self._weights: dict[str, tuple[tuple[str, float], ...]] = {
            word: tuple((language, 1.0 / len(unique)) for language in unique)
            for word, langs in owners.items()
            for unique in (tuple(dict.fromkeys(langs)),)
        }
        # What each word seen so far weighs, spelling marks included (bounded below).
        self._cache: dict[str, tuple[tuple[str, float], ...]] = {}

    def _word(self, word: str) -> tuple[tuple[str, float], ...]:
        found = self._cache.get(word)
        if found is None:
            weights = self._weights
            folded = fold(word)
            found = weights.get(word, ())
            for mark in _marks(folded):
                found += weights[mark]
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[word] = found
        return found

    def scores(self, text: str) -> dict[str, float]:
        """Each language's score for ``text``: the weight of the profile words it uses."""
        scores: dict[str, float] = {}
        word = self._word
        previous = ""
        nb = self._weights["#nb"]
        for token in _words(text):
            found = word(token)
            possessive = token in _POSSESSIVES or (token[:1] == "v" and fold(token) in _POSSESSIVES)
            if possessive and previous.endswith(("en", "et")) and previous not in _NOT_DEFINITE:
                found += nb
            for language, weight in found:
                scores[language] = scores.get(language, 0.0) + weight
            previous = token
        lowered = text.lower()
        for letters, mark in _LETTERS:
            if any(letter in lowered for letter in letters):
                # Each word that has one counts, so that one long word does not decide.
                count = sum(any(c in word for c in letters) for word in lowered.split())
                for language, weight in self._weights[mark]:
                    scores[language] = scores.get(language, 0.0) + weight * count
        return scores

    def detect(self, text: str) -> str | None:
        """The language ``text`` is most likely written in; ``None`` when nothing tells."""
        scores = self.scores(text)
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        best, score = ranked[0]
        if score < 1.0 or (len(ranked) > 1 and ranked[1][1] == score):
            return None
        return best
