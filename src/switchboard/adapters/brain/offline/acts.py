"""Dialogue acts: what a caller's turn does (affirm, deny, ask for someone, ask for the hours, …),
as cue patterns tolerant of phrasing and of speech-recognition text. Pure.

Caller text is data: these patterns only classify it; nothing in it is ever obeyed.
"""

from __future__ import annotations

import re
from enum import StrEnum

from switchboard.domain.emergency import is_emergency


class Act(StrEnum):
    TRANSFER = "transfer"  # asks for a person or department
    MESSAGE = "message"  # asks to leave a message
    INFO_HOURS = "info_hours"
    INFO_ADDRESS = "info_address"
    INFO_WEBSITE = "info_website"
    INFO_EMAIL_FORMAT = "info_email_format"
    INFO_FAX = "info_fax"
    INFO_PARKING = "info_parking"
    PRIVATE = "private"  # an employee's number, email, extension or home: refused
    AFFIRM = "affirm"
    DENY = "deny"
    DENY_REQUEST = "deny_request"  # "no thanks, could you try Tom instead?"
    CORRECTION = "correction"  # "actually, it's Lucas I need"
    GOODBYE = "goodbye"
    ABUSE = "abuse"
    EMERGENCY = "emergency"
    GIVE_NAME = "give_name"
    GIVE_REASON = "give_reason"
    GIVE_NUMBER = "give_number"
    GIVE_MESSAGE = "give_message"
    REPEAT = "repeat"  # "sorry, what?": the last question again, not counted as asked twice
    PAUSE = "pause"  # "hold on a sec"
    OTHER = "other"


INFO_ACTS = (Act.INFO_HOURS, Act.INFO_ADDRESS, Act.INFO_WEBSITE, Act.INFO_EMAIL_FORMAT,
             Act.INFO_FAX, Act.INFO_PARKING)  # fmt: skip

_F = re.IGNORECASE
_PRONOUN = r"(?:her|his|him|their|them|he|she|they)"
_CONTACT = (
    r"(?:e-?mails?(?: address)?|(?:phone |cell |mobile |direct |personal |home |office )?"
    r"(?:numbers?|phone|cell(?: ?phone)?|mobile|line)|extension|ext|direct line|home address|"
    r"address)"
)

ABUSE = re.compile(
    r"\b(?:f+u+c*k+\w*|f\*+k?|shit\w*|bitch\w*|idiot\w*|stupid|moron\w*|dumb(?:est)?|useless|"
    r"worthless|garbage|shut up|go to hell|screw you|bastard|asshole|piss off|"
    r"(?:i'?ll|i will|going to|gonna) (?:find|hurt|kill|come down there and hurt) (?:you|somebody|"
    r"someone|everyone)|i will find you)",
    _F,
)
PRIVATE = re.compile(
    rf"(?:\b{_PRONOUN}\b|'s\b|\bs\b|\bfor\s+\w+|\bof\s+\w+)\W*(?:\w+\s+){{0,3}}?\b{_CONTACT}\b|"
    rf"\b(?:what|which) (?:number|extension)\b.{{0,30}}\b(?:reach|dial|call|get)\b.{{0,30}}\b"
    rf"(?:directly|direct|{_PRONOUN}|\w+'s)\b|"
    rf"\bwhere (?:does|do) \w+(?: \w+)? live\b|"
    rf"\b(?:text|send|give|tell) me \w+(?:'s)? (?:number|email|cell|mobile)\b|"
    rf"\b(?:number|email|e-mail|cell|mobile|phone|line|extension|direct line|address) (?:of|for)\s+"
    rf"(?!you\b|your\b|the company\b|the office\b)\w+",
    _F,
)
_COMPANY_CONTACT = re.compile(
    r"\b(?:your|the company'?s?|company|the|main|general|office) (?:\w+ ){0,2}"
    r"(?:e-?mail|number|address|fax)\b|\bfax\b",
    _F,
)
# "what's", "it's": not possessives
_CONTRACTION = re.compile(r"\b(what|that|it|where|who|here|there|how|let|he|she|name)'s\b", _F)
EMAIL_FORMAT = re.compile(
    r"\be-?mails?\b.{0,40}\b(?:format\w*|domain|pattern|work|structured|look like|set up)\b|"
    r"\b(?:format|domain|pattern)\b.{0,30}\be-?mails?\b|"
    r"\bhow (?:do|can|would|should) i (?:e-?mail|write to|contact) (?:someone|somebody|anyone|people|"
    r"staff|employees)\b|"
    r"\be-?mails? (?:are|is) (?:first|firstname|last)\b|\bfirst ?name dot last ?name\b|"
    r"\bfirst (?:dot|\.) last\b|\be-?mails? like\b|\bfirst ?name ?(?:dot|\.) ?last ?name\b|\b(?:some|any)(?:one|body)'?s e-?mail\b|"
    r"\b(?:figure out|work out|guess|find out)\b.{0,25}\be-?mail",
    _F,
)
HOURS = re.compile(
    r"\b(?:(?:your|business|opening|office|working|store|open) hours|hours\W*$|"
    r"what are (?:the|your) hours|hours of operation|open(?:ing)? times?|what time do you|when do you (?:open|close)|"
    r"are you (?:guys )?open|you open|(?:do|does) (?:you|it) (?:open|close)|"
    r"(?:close|closing|open) (?:today|tomorrow|on|at)|until what time|till what time|"
    r"what time .{0,20}(?:open|close|closing)|working (?:today|hours)|business hours|"
    r"when are you (?:open|closed)|how late are you open|"
    r"(?:is|are) (?!(?:[\w'-]+ ){0,3}(?:position|job|role|vacancy|ticket|case|account|claim|invoice|order|door|window|line)s? )"
    r"(?:the |your )?(?:[\w'-]+ ){1,3}(?:open|closed)(?! (?:to|for) )|open right now)\b|\bhours\W*$",
    _F,
)
ADDRESS = re.compile(
    r"\b(?:your|the|company'?s?|mailing|street|office|postal) address\b|\bwhere (?:are|r) (?:you|u)\b|"
    r"\blocated\b|\blocation\b|\bdirections\b|\bwhere(?:'s| is) (?:your|the) (?:office|building|"
    r"company|headquarters|shop|store)\b|\bwhat street\b|\bwhich street\b|\bur address\b|"
    r"\bwhat(?:'s| is) (?:the|your) address\b|\bwhere is your office\b|\baddress\b(?=\W*\??\s*$)|"
    r"\bwhere (?:can|do|should) (?:i|we) (?:send|mail|post|deliver|drop off)\b|"
    r"\bhow (?:do|can|would) (?:i|we) (?:get|find) (?:to )?(?:you|there|your (?:office|building|place))\b|"
    r"\bwhere\b.{0,20}\b(?:your|the) (?:office|offices|building|company|headquarters|hq|shop|store|"
    r"warehouse|location|premises)\b",
    _F,
)
WEBSITE = re.compile(
    r"\bweb ?site\b|\bweb ?page\b|\bhome ?page\b|\burl\b|\bweb address\b|\bdomain name\b|"
    r"\b(?:find|see|look at|check) (?:you|it|them|your \w+) online\b|"
    r"\bonline (?:store|shop|catalog(?:ue)?)\b|\bwhat(?:'s| is) (?:your|the) (?:web )?site\b",
    _F,
)
FAX = re.compile(r"\bfax\b", _F)
PARKING = re.compile(
    r"\bparking\b|\bwhere (?:do|can|should|would) (?:i|we|visitors|guests|you) park\b|"
    r"\bpark (?:my|the|our) (?:car|truck|van)\b",
    _F,
)

MESSAGE_REQUEST = re.compile(
    r"\b(?:leave|take|pass(?: on)?|give|send|put|record|jot down|drop)\b(?:\s+\w+){0,4}?\s+"
    r"(?:a |the )?(?:message|massage|msg|note|voice ?mail)\b|"
    r"^\W*(?:a )?(?:message|voice ?mail)\b|\b(?:a |the )?(?:general|quick|short) message\b|"
    r"\b(?:a|my) message (?:for|to)\b|"
    r"\b(?:let|tell) \w+(?: \w+)? know (?:that )?i (?:called|rang|phoned)\b|"
    r"\btell \w+(?: \w+)? (?:that )?i (?:called|rang|phoned|was calling|'?ll call)\b|"
    r"\blet (?!me\b|us\b)\w+(?: \w+)? know\b|\bleave (?:my|a) (?:number|name|details|contact)\b|"
    r"\bsomeone (?:to )?(?:call|ring|phone) me(?: back)?\b|"
    r"\btell \w+(?: \w+)? to (?:call|ring|phone|email|text) me\b|\b(?:a|for a|request a|book a) call ?back\b|"
    r"\b(?:have|ask|get) \w+(?: \w+)? (?:to )?(?:call|ring|phone|email) me(?: back)?\b|"
    r"\bpass (?:something|it|this) (?:on|along)\b|\brather leave\b",
    _F,
)
NO_MESSAGE = re.compile(
    r"\b(?:don'?t|do not|dont|won'?t|no need to|not) (?:want to |need to |wanna )?(?:leave|take)"
    r"(?: \w+)? (?:a )?message\b|\bno message\b|\bdon'?t want a message\b",
    _F,
)
GOODBYE = re.compile(
    r"\b(?:good ?bye|bye(?: bye)?|see (?:ya|you)|cheers|that'?s (?:all|everything|it)|that is (?:all|it)|"
    r"nothing else|have a (?:good|nice|great) \w+|i'?ll (?:call|try|phone|ring) (?:back|again)|"
    r"(?:call|try) (?:back|again) (?:later|tomorrow)|forget it|(?:i )?(?:have|got) to go|"
    r"gotta go|all i needed|(?:call|ring|phone) (?:back )?in an? \w+|i'?ll (?:just )?(?:wait|email|text|"
    r"try) (?:and|her|him|them)\b|i'?ll (?:call|try|ring)(?: back| again)? (?:tomorrow|later|another time|"
    r"next week|on \w+day)|i'?ll (?:email|write to) \w+ myself|will call again)\b",
    _F,
)
AFFIRM = re.compile(
    r"^\W*(?:yes|yeah|yea|yep|yup|ya|si|sure|ok(?:ay)?|alright|all right|right|correct|exactly|"
    r"absolutely|definitely|of course|certainly|please(?: do)?|go (?:ahead|on)|sounds good|perfect|"
    r"uh[- ]?huh|mm+[- ]?hmm|that'?s (?:right|correct|it|the one|fine|good)|that would be (?:great|good|"
    r"fine|perfect)|that works|fine|great|why not|yes please|put me through|connect me|"
    r"do it|affirmative)\b",
    _F,
)
DENY = re.compile(
    r"^\W*(?:(?:sorry|oh|um+|uh+|well|hmm+)\W+)?(?:no+|nope|nah|not really|not now|not today|"
    r"not right now|not at the moment|not this time|negative|wrong|incorrect|i'?d rather not|"
    r"i'?ll pass|no thanks?(?: you)?|that'?s (?:wrong|not right|incorrect)|not (?:at all|her|him|"
    r"them|that one))\b",
    _F,
)
CORRECTION = re.compile(
    r"\b(?:actually|i meant|i mean|meant|scratch that|never ?mind|forget (?:\w+)|change of plans?|"
    r"wrong person|make (?:that|it)|i said|on second thought|second thoughts|i made a mistake|"
    r"instead of|rather than|hang on|wait|oops|wrong name|my mistake|my bad|i misspoke|"
    r"i meant to say)\b|\bnot \w+,",
    _F,
)
REQUEST = re.compile(
    r"\b(?:speak|talk|chat)(?: to| with)?\b|\bconnect(?:ed)? me\b|\bput me (?:through|on)\b|"
    r"\btransfer(?:red)?\b|\blooking for\b|\btrying to (?:reach|get)\b|\b(?:reach|get hold of|"
    r"get a hold of|get me|gimme|give me)\b|\b(?:try|how about|what about)\b|\binstead\b|"
    r"\bi (?:need|want|would like|'d like)\b|\bcan i (?:get|have)\b|\bis \w+(?: \w+)? "
    r"(?:there|in|around|available|free)\b|\bi'?m after\b|\bcalling for\b|\bi call for\b|"
    r"\bsomeone (?:else|in)\b|\banyone (?:else|in)\b",
    _F,
)
# Somebody other than the person already asked for: a colleague, or the one in charge.
SOMEONE_ELSE = re.compile(
    r"\b(?:any|some)(?:one|body) else\b|\banother (?:person|colleague)\b|\bsomeone other than\b|"
    r"\bwho else\b",
    _F,
)
THEIR_BOSS = re.compile(
    r"\b(?:his|her|their|the) (?:boss|manager|supervisor|superior|team lead|line manager)\b", _F
)
REPEAT = re.compile(
    r"^\W*(?:(?:sorry|pardon|excuse me|what|huh|come again|say (?:that|it) again|"
    r"(?:can|could) you (?:repeat|say) (?:that|it)(?: again)?|repeat (?:that|it)|i didn'?t (?:catch|hear) "
    r"(?:that|you)|what did you say)\W*)+$",
    _F,
)
PAUSE = re.compile(
    r"^\W*(?:(?:(?:hold|hang) on(?: a (?:sec|second|moment|minute))?|one (?:sec|second|moment|minute)|just a (?:sec|second|moment|minute)|"
    r"wait a (?:sec|second|moment|minute)|give me a (?:sec|second|moment|minute)|bear with me)\W*)+"
    r"(?:please|let me (?:check|find|look|grab)[^.?!]*)?\W*$",
    _F,
)
URGENT = re.compile(r"\b(?:urgent(?:ly)?|asap|as soon as possible|right away|emergency)\b", _F)
# Spans that say who is NOT wanted: removed before the turn is scanned for names.
NEGATED = re.compile(
    r"\b(?:not|instead of|rather than|forget|never ?mind|scratch)\s+"
    r"((?:(?!i\b|i'|put\b|can\b|could\b|let\b|get\b|try\b|give\b|and\b|but\b|please\b|it'?s\b|"
    r"i'?ll\b|i'?d\b|that\b|this\b)[\w'-]+\s*){1,2})",
    _F,
)


def is_emergency_turn(text: str) -> bool:
    """A fire, an injury, a threat to life: the caller's own words only (the domain's rule, which
    the agent's guard enforces for every brain)."""
    return is_emergency(text)


def info_acts(text: str) -> list[Act]:
    """The company facts a turn asks for, most specific first."""
    found = []
    if EMAIL_FORMAT.search(text):
        found.append(Act.INFO_EMAIL_FORMAT)
    if FAX.search(text):
        found.append(Act.INFO_FAX)
    if PARKING.search(text) and not re.search(r"\bparking (?:garage|lot)\b", text, _F):
        found.append(Act.INFO_PARKING)
    if WEBSITE.search(text):
        found.append(Act.INFO_WEBSITE)
    if ADDRESS.search(text) and Act.INFO_EMAIL_FORMAT not in found:
        found.append(Act.INFO_ADDRESS)
    if HOURS.search(text):
        found.append(Act.INFO_HOURS)
    return found


CONTACT_WORD = re.compile(
    r"\b(?:e-?mail(?: address)?|(?:phone|cell|mobile|direct|personal|home) (?:number|line|phone)|"
    r"cell ?phone|mobile|extension|direct line|home address|number)\b",
    _F,
)
_ASKING_FOR = re.compile(
    r"\b(?:what|what's|whats|give|tell|need|have|send|text|get|share|know)\b", _F
)


_CONTACT_FOR_SOMEONE = re.compile(
    r"\b(?:number|e-?mail|cell|mobile|phone|line|extension|address) (?:of|for)\s+"
    r"(?!you\b|your\b|the\b|this\b|a\b|an\b|my\b|our\b|it\b|that\b|deliver|packages?\b|mail\b|"
    r"shipping\b|billing\b|invoices?\b|payments?\b|returns?\b|sending\b|visitors?\b)\w+",
    _F,
)


_OURS = re.compile(
    r"\b(?:right|correct|wrong|main|general|this|your|fax|company|office|toll.free|same) "
    r"(?:phone )?(?:number|line|address|e-?mail)\b",
    _F,
)


def asks_contact_of_named(text: str) -> bool:
    """A contact word and an asking word, not about the caller's own number: said together with
    an employee's name ("what's priya ramans email address"), it asks for private details."""
    if re.search(r"\b(?:my|our) (?:\w+ )?(?:cell|number|mobile|phone|email)\b", text, _F):
        return False
    if re.search(r"\b(?:calling from|reach me|call me)\b", text, _F):
        return False
    return bool(CONTACT_WORD.search(text) and _ASKING_FOR.search(text))


_ASKS = re.compile(
    r"\b(?:what|what'?s|whats|which|where|give|tell|need|have|get|send|text|share|know|read|spell|"
    r"can i|could i|may i|is|are|does|do)\b",
    _F,
)


def asks_private(text: str) -> bool:
    """Asks for an employee's number, email, extension or home address (never the company's)."""
    if EMAIL_FORMAT.search(text) or not _ASKS.search(text):
        return False  # "I'll just try her cell" says what they will do, asks for nothing
    if re.search(r"\bmy (?:cell|number|mobile|phone|email)\b", text, _F):
        return False
    text = _CONTRACTION.sub(r"\1 is", text)
    if _CONTACT_FOR_SOMEONE.search(text) and not _OURS.search(text):
        return True
    hit = PRIVATE.search(text)
    if not hit:
        return False
    return not _COMPANY_CONTACT.search(text) or bool(re.search(rf"\b{_PRONOUN}\b|'s\b", text, _F))
