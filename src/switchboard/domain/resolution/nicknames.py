"""Name knowledge shipped as data: nicknames, names that sound identical, and spoken respellings.

`NICKNAMES` maps a formal English given name to its common short forms; `nickname_map()` reads it
in both directions (Bob → Robert and Robert → Bob). `HOMOPHONES` lists spellings a listener
cannot tell apart (Catherine/Kathryn) beyond what `phonetic.sound_key` already merges.
`SPOKEN` gives how recognisers write names whose spelling hides their sound (Siobhan → "shivon").
"""

from __future__ import annotations

from functools import cache

_NICKNAME_TABLE = """
abigail: abby abbie gail
alexander: alex al sandy xander lex
alexandra: alex alexa sandra sandy lexi
alfred: alf alfie fred freddie
alice: allie ali
allison: allie ali
amanda: mandy manda
andrew: andy drew
angela: angie
anthony: tony ant
antonio: tony
arthur: art artie
barbara: barb barbie babs
benjamin: ben benny benji
bernard: bernie
beverly: bev
bradley: brad
brandon: brandy
calvin: cal
cameron: cam
carolyn: carrie carol
caroline: carrie caro
catherine: kate katie cathy cat kathy
charles: charlie chuck chas chaz
charlotte: charlie lottie
christina: chris tina christy
christine: chris chrissy tina
christopher: chris topher kit
clifford: cliff
cynthia: cindy
daniel: dan danny
danielle: dani
david: dave davey
deborah: deb debbie debby
dennis: denny
donald: don donnie
dorothy: dot dottie
douglas: doug
edward: ed eddie ted ned
elizabeth: liz lizzie beth betty betsy eliza libby
eleanor: ellie nora nell
emily: em emmy
emma: em
eugene: gene
frances: fran frankie
francis: frank fran
francesco: frank franco
frederick: fred freddie
gabriel: gabe
gabriella: gabby ella
gerald: gerry jerry
gregory: greg
harold: harry hal
henry: hank harry hal
herbert: herb bert
isabella: bella izzy
isabel: izzy bel
jacob: jake
jacqueline: jackie
james: jim jimmy jamie
janet: jan
jennifer: jen jenny jenn
jeffrey: jeff
jessica: jess jessie
joanne: jo
john: jack johnny
jonathan: jon jonny nathan
joseph: joe joey
joshua: josh
judith: judy jude
katherine: kate katie kathy kat
kathryn: kate katie kathy
kenneth: ken kenny
kimberly: kim
lawrence: larry
leonard: leo len lenny
lorraine: lori
louis: lou
louise: lou
margaret: maggie meg peggy marge madge greta
martin: marty
matthew: matt matty
melissa: mel missy
michael: mike mikey mick mickey
michelle: shelly
miriam: mimi
nathaniel: nate nathan nat
nicholas: nick nicky
nicole: nicky nikki
olivia: liv livvy
pamela: pam
patricia: pat patty trish tricia
patrick: pat paddy rick
peter: pete
philip: phil pip
rachel: rach
raymond: ray
rebecca: becky becca
richard: rick ricky dick rich richie
robert: bob bobby rob robbie bert
roberta: bobbie
rodney: rod
ronald: ron ronnie
rosemary: rose rosie
russell: russ
samantha: sam sammy
samuel: sam sammy
sandra: sandy
sarah: sally sadie
stephanie: steph stevie
stephen: steve stevie
steven: steve stevie
stuart: stu
susan: sue susie suzy
suzanne: sue suzy
theodore: ted teddy theo
thomas: tom tommy
timothy: tim timmy
valerie: val
victoria: vicky tori vic
vincent: vince vinny
virginia: ginny ginger
walter: walt wally
william: bill billy will willy liam
zachary: zach zack
"""

NICKNAMES: dict[str, tuple[str, ...]] = {
    formal.strip(): tuple(short.split())
    for formal, short in (line.split(":") for line in _NICKNAME_TABLE.strip().splitlines())
}

HOMOPHONES: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "catherine katherine kathryn cathryn katharine catharine kathrine",
        "caitlin caitlyn katelyn kaitlyn kaitlin",
        "stephen steven",
        "geoffrey jeffrey jeffery",
        "sean shawn shaun",
        "nicholas nicolas nikolas",
        "lewis louis",
        "isabel isobel isabelle",
        "zoe zoey",
        "gray grey",
        "haley hailey hayley",
        "ashley ashleigh",
        "carly carlie",
        "lindsay lindsey",
        "jackie jacky",
        "teresa theresa",
        "alan allan allen",
        "marian marion",
        "sydney sidney",
        "brooke brook",
    )
)

SPOKEN: dict[str, tuple[str, ...]] = {
    "siobhan": ("shivon", "shivaun", "shevaun", "chevonne", "shewon", "shavon"),
    "niamh": ("neeve", "neve"),
    "saoirse": ("sersha", "seersha"),
    "aoife": ("eefa", "eefah"),
    "caoimhe": ("keeva", "kweeva"),
    "padraig": ("poric", "pawrig"),
    "sinead": ("shinade", "shanade"),
    "grainne": ("grawnya", "grania"),
    "joaquin": ("wakeen", "hwakeen"),
    "xavier": ("zavier", "zayvier"),
    "eoin": ("owen",),
    "sean": ("shawn",),
    "nguyen": ("win", "wynn", "new win"),
}


@cache
def nickname_map() -> dict[str, frozenset[str]]:
    """Every name in the table → the names it may stand for (both directions)."""
    out: dict[str, set[str]] = {}
    for formal, shorts in NICKNAMES.items():
        for short in shorts:
            out.setdefault(short, set()).add(formal)
            out.setdefault(formal, set()).add(short)
    return {name: frozenset(others) for name, others in out.items()}
