"""English: what counts as thanks and as specific feedback (British and American spelling)."""

from __future__ import annotations

from typing import Final

from .detect import PROFILES
from .lexicon import LexiconAnalyser

__all__ = ["ENGLISH"]

_ANY: Final = r"(?:[\w']+ ){0,3}?"

#: Reads English.
ENGLISH: Final = LexiconAnalyser.build(
    "en",
    markers=PROFILES["en"],
    thanks=(
        ("a thank-you", r"\bthank(?:s|ing|ed)?\b|\bthx\b|\bcheers for\b|\bta for\b"),
        ("appreciation", r"\bappreciat(?:e|es|ed|ing|ive)\b|\bappreciation\b"),
        ("gratitude", r"\bgrateful\b|\bgratitude\b|\bthankful\b|\bmuch obliged\b"),
    ),
    not_thanks=(
        ("a refusal", r"\bno,? thank(?:s| you)\b|\bthanks?,? but no\b|\bthanks for nothing\b"),
        ("a cause", r"\bthanks to (?!you\b|all\b|every|each\b|everyone\b)"),
        (
            "a request",
            rf"\b(?:would|will|'d|should|could)\s+{_ANY}(?:appreciate|be grateful|be thankful)"
            rf"|\bappreciated?,? (?:it )?if\b|\b(?:would|will|'d) be {_ANY}appreciated\b"
            r"|\bthanks? (?:you )?in advance\b|\bthank you for (?:confirming|letting us know)\b"
            r"|\bappreciated,? (?:by|before|no later)\b",
        ),
        (
            "a negation",
            rf"(?:\bnot|n't|\bcannot|\bnever|\bno longer)\s+{_ANY}(?:thank|appreciat|grateful)",
        ),
        (
            "understanding",
            r"\bappreciate,? (?:that )?(?:this|it|the news|the decision|how|what|there|"
            r"you (?:may|might|will|would|must|were|are)|you'(?:ll|d|re)|it's|"
            r"we (?:cannot|can't|are unable|won't|will not|do not|don't))\b",
        ),
        (
            "a mention of thanks",
            r"\bthank[- ]you (?:notes?|letters?|cards?|e-?mails?|messages?|gifts?)\b",
        ),
        (
            "a sign-off",
            r"(?:^|\n)[ \t]*(?:many )?thanks[ \t]*,?[ \t]*\n[ \t]*[a-z][a-z .'-]{0,40}\s*$",
        ),
    ),
    areas=(
        (
            "technical skills",
            r"\btechnical\b|\bcod(?:e|ing)\b|\bprogramming\b|\bsql\b|\bpython\b|\bjava(?:script)?\b"
            r"|\bexcel\b|\balgorithms?\b|\bdata structures?\b|\btests?\b|\btesting\b"
            r"|\bsystem design\b|\barchitecture\b|\bkubernetes\b|\bcloud\b|\baws\b|\bazure\b"
            r"|\bdevops\b|\bdatabases?\b|\bquer(?:y|ies)\b|\bdebugging\b|\bmodell?ing\b"
            r"|\bwhiteboard|\bwindow functions?\b|\bhash maps?\b|\bpandas\b|\bgit(?:hub)?\b"
            r"|\baccessibility\b|\bwcag\b|\bcrm\b|\bsalesforce\b|\bsap\b|\banalytics\b"
            r"|\bstatistics\b|\bskills?\b",
        ),
        (
            "domain knowledge",
            r"\bknowledge\b|\bunderstanding of\b|\bfamiliarity\b|\baccounting\b|\bifrs\b|\bgaap\b"
            r"|\bconsolidation\b|\bintercompany\b|\btax\b|\bvat\b|\bgdpr\b|\bdata privacy\b"
            r"|\b(?:employment )?law\b|\bcompliance\b|\bregulation\b|\bresearch\w*\b",
        ),
        (
            "communication",
            r"\bcommunicat|\bpresent(?:ation|ing)s?\b|\bpitch|\bwriting\b|\bwritten\b"
            r"|\bgrammar\b|\bsummary\b|\bslides?\b|\blistening\b|\bstorytelling\b|\bnarrat"
            r"|\bwhen you (?:present|speak|talk)\b|\b(?:think|thinking|talk|talking) "
            r"(?:out loud|aloud|through)\b|\breasoning\b|\bpace\b|\bpaus(?:e|es|ing)\b|\bspelling\b",
        ),
        (
            "interview answers",
            r"\banswers?\b|\bexamples?\b|\bstories\b|\bstar (?:format|method|model)\b"
            r"|\binterview(?:ing)? (?:technique|skills)\b|\bbehaviou?ral\b|\bthought process\b"
            r"|\bquestions\b|\bstructur",
        ),
        (
            "leadership and collaboration",
            r"\bleadership\b|\bleading\b|\bmentor|\bmanagement\b|\bstakeholders?\b"
            r"|\bteamwork\b|\bcollaborat|\bconflict|\bnegotiat|\bprioriti[sz]\w*"
            r"|\bdelegat|\btrade-offs?\b|\bgroup (?:exercise|task|discussion)s?\b|\binput from\b",
        ),
        (
            "application documents",
            r"\bcv\b|\bresum[e\u00e9]s?\b|\bcover letter\b|\bportfolio\b|\bcase stud(?:y|ies)\b"
            r"|\bcase exercise\b|\btake-home\b",
        ),
        (
            "commercial skills",
            r"\bsales\b|\bkpis?\b|\bnumbers\b|\bmetrics\b|\bcustomers?\b|\bclients?\b"
            r"|\bdiscovery\b|\bachievements?\b|\bresults\b|\brecommendation section\b",
        ),
        ("experience", r"\bexperience\b|\bhands-on\b|\btrack record\b|\bcertification\b"),
        ("preparation", r"\bthe company\b|\bour products\b|\bpreparation\b"),
        (
            # "your dashboard", "your answers on safeguarding": something of the candidate's.
            "the candidate's own work",
            r"\byour (?!(?:time|interest|patience|application|applications|details|availability|"
            r"future|search|job search|career|candidacy|profile|e-?mail|message|reply|response|"
            r"information|documents?|references?|notice|salary|expectations|calendar|"
            r"consideration|journey|understanding|flexibility|feedback|questions?|request|own|"
            r"recruiter|inbox|side|behalf|part|way|day|week|weekend|family|move|records|expenses|"
            r"travel|claim|contract|offer|start date|bank|passport|id)\b)[a-z]",
        ),
    ),
    improvements=(
        (
            "a recommendation",
            r"\b(?:recommend|suggest|advise|encourage|urge)(?:s|ed|ing)?\b"
            r"|\b(?:my|our|one|a|some|main|the) (?:advice|tip|suggestion|pointer|"
            r"piece of advice)s?\b",
        ),
        (
            "something to practise or learn",
            r"\bpracti[cs](?:e|es|ing)\b|\brehears|\bbrush(?:ing)? up\b|\bread(?:ing)? up\b"
            r"|\brevisit|\bgain(?:ing)? (?:more |some )?(?:hands-on )?experience\b"
            r"|\bget(?:ting)? (?:more )?(?:comfortable|familiar|used to)\b|\bfamiliari[sz]\w*"
            r"|\bdeepen|\bstrengthen|\b(?:work|focus)(?:ing)? (?:more )?on (?:your|the way)\b"
            r"|\b(?:a|an|the) (?:course|workshop|training|"
            r"certification|tutorial|bootcamp)\b|\bcourses?\b|\bbenefit from\b",
        ),
        (
            "a change to make",
            r"\bimprov(?:e|ing)\b|\btailor|\bquantify|\bslow(?:ing)? down\b"
            r"|\bkeep(?:ing)? to the\b|\bcut(?:ting)? (?:it|the|your|down)\b"
            r"|\b(?:build|building|develop|developing) (?:a|an|your|more|some|up|stronger)\b"
            r"|\bnarrate\b|\bspend (?:the first|more|some|less)\b|\bprepar(?:e|ing)\b"
            r"|\bvolunteer|\btry (?:to|and|\w+ing)\b|\bthink about\b|\bmake sure\b",
        ),
        (
            "what would help",
            r"\b(?:would|could|will|might) (?:also |really |definitely )?(?:help|strengthen|"
            r"make (?:a|the) (?:big |real |huge )?difference|be (?:a good|worth|worthwhile|"
            r"useful|helpful|stronger|better|beneficial)|put you in a (?:better|stronger)|"
            r"improve|look stronger|stand out)\b|\bwould help you\b|\bwould have liked\b"
            r"|\bcould (?:be|have been) (?:deeper|stronger|clearer|shorter|tighter|more|better)\b"
            r"|\b(?:it's|it is|it'd be|would be|is) (?:well )?worth\b|\ba good idea\b"
            r"|\bwould open (?:a lot of |many |more )?doors\b"
            r"|\bwould make (?:it|them|you|your \w+|this|that|the \w+) (?:\w+ )?(?:more|much|far|a lot|stronger|clearer|better)\b"
            r"|\blearn(?:ing)? (?:to|how|about)\b|\bwould (?:speed up|tighten|sharpen|lift|boost)\b"
            r"|\bgo(?:ing)? into (?:more )?(?:detail|depth|specifics)\b"
            r"|\bto improve\b|\bto go further\b|\bin future,|\bwould give you (?:a|an|more|the)\b"
            r"|\bto be considered\b|\byou'll need to\b|\byou will need to\b"
            r"|\byou(?:'d| would)? (?:could|should|might want to|may want to|need to|must)\b"
            # Not the inverted "should a position arise", nor "should you have questions".
            r"(?! (?:a|an|the|any|there|this|that|have|hear|receive|get|expect|be hearing)\b)",
        ),
        (
            "an area named to improve",
            r"\b(?:areas?|points?|room|things?|something|one thing) (?:for|to) (?:improvement|"
            r"development|improve|develop|work on|grow|focus on)\b|\bdevelopment areas?\b"
            r"|\bwhere you (?:fell short|lost)\b",
        ),
        (
            "a change for next time",
            r"\bnext time\b|\bfor (?:your |the |any )?next (?:interview|application|round|role)\b"
            r"|\bbefore (?:your next|applying|you apply)\b|\bin future interviews\b",
        ),
    ),
    not_advice=(
        (
            "advice not about skills",
            r"\bkeep an eye\b|\bapply(?:ing)? (?:again|for (?:other|future|similar))\b"
            r"|\b(?:to|please|do) re-?apply\b|\bre-?apply(?:ing)? (?:in the future|for|to|at)\b"
            r"|\bfollow(?:ing)? us\b|\bcareers? (?:page|site)\b|\bjob alerts?\b"
            r"|\breach(?:ing)? out\b|\bget in touch\b|\bother (?:roles|vacancies|positions|"
            r"opportunities|openings)\b|\bfuture (?:roles|vacancies|openings|opportunities)\b"
            r"|\btalent (?:pool|community|network)\b|\blinkedin\b|\bportal\b|\bsurvey\b"
            r"|\bour (?:hiring|recruitment|recruiting|interview) process\b|\bresponse times?\b"
            r"|\bkeep up the good work\b|\bdon't give up\b|\bbest of luck\b"
            r"|\b(?:speak|talk) to (?:your|our) (?:recruit|consultant|agency|agent|hr\b)"
            r"|\bcontact (?:your|our|us)\b|\b(?:stay|keep) in touch\b|\bfor your records\b"
            r"|\b(?:retain|keep) a copy\b"
            r"|\bwe(?:'re| are)? (?:improving|working on|reviewing|changing)\b",
        ),
    ),
    targeted=(
        (
            "something to learn",
            r"\bbrush(?:ing)? up on \w+|\bread(?:ing)? up on \w+|\brevisit(?:ing)? (?:the |your )?\w+"
            r"|\brefresh(?:ing)? your \w+|\bproofread|\b(?:a|an) (?:course|workshop|module|"
            r"certification|tutorial|class) (?:in|on)\b|\bwork(?:ing)? through (?:the|a)\b"
            r"|\bget(?:ting)? (?:more )?(?:comfortable|confident|familiar) with\b",
        ),
    ),
    critiques=(
        (
            "a weakness named",
            r"\bstruggled (?:with|to)\b|\bmixed up\b|\black(?:ed|ing)\b|\bundersells?\b"
            r"|\b(?:was|were) (?:[\w']+ ){0,2}?(?:too )?(?:thin|vague|weak|generic|"
            r"unclear|long|short|brief|general|shallow)\b|\bmistakes\b|\berrors\b"
            r"|\bholding you back\b|\b(?:didn't|did not|weren't able to) (?:\w+ )?(?:consider|ask|"
            r"mention|explain|address|cover|involve|show|demonstrate|give|provide|prepare|answer|"
            r"listen|include|quantify)\b"
            r"|\bweren't familiar\b|\bwasn't clear\b|\bfell short\b|\bthe (?:main|biggest) gap\b"
            r"|\bgaps? in\b|\bmissing\b|\bcaught you off guard\b|\bunfamiliar\b"
            r"|\bnot (?:very |as )?familiar\b|\b(?:seemed|were|was) (?:a (?:bit|little) )?unsure\b"
            r"|\bless confident\b|\bhesitant\b|\bwent quiet\b|\blet you down\b"
            r"|\b(?:doesn't|does not|didn't|did not) (?:really )?show\b|\black of\b",
        ),
    ),
    imperatives="""practise practice prepare try focus work spend get quantify tailor cut slow narrate read
    brush revisit rehearse build explain ask structure think avoid bring research consider
    develop strengthen deepen improve use keep lead start begin add include describe list
    mention show give proofread write test check review plan double-check remember rewrite
    reword rephrase restructure shorten trim remove replace aim talk comment close end
    walk limit open""",
    field_words=(),
)
