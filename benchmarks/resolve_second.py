"""Dial-by-name on a second, differently made generator: is the resolver fitted to the first?

    .venv/bin/python benchmarks/resolve_second.py [--people 100000] [--per-kind 120] [--seed 5]
                                                  [--failures 0] [--json]

Made apart from `benchmarks/resolve.py` on purpose, sharing no code or data with the resolver:

- names: Faker locales the first generator does not use (Romanian, Hungarian, Danish, Norwegian,
  Croatian, Slovak, Slovenian, Lithuanian, Estonian, Portuguese, Mexican Spanish, Swiss French,
  Austrian German, Indonesian, Latvian, Irish and Australian/NZ English), folded to ASCII, drawn
  with a Zipf-like skew so common first names are shared by hundreds of people, plus formal names
  from this file's own nickname table;
- truth: from spelling alone (folded, equal or within an edit distance checked against every
  full name with rapidfuzz), never from the resolver's sound keys or nickname data;
- typos: QWERTY-adjacent substitutions and insertions, deletions, swaps; respellings: this file's
  own rules (sz→s, cz→ch, tz→ts, ou→u, th→t, ch→sh, ie→y, c→s before e/i, doubled letters
  single, j→y, w→v, ks→x); recogniser splits of long surnames and run-together names;
- left out rather than judged: queries whose right answer hangs on names that sound alike
  (the same Metaphone or NYSIIS code within three edits, e.g. Bennet/Bennett, Ashleigh/Ashley,
  Catarina/Katarina), where "the same name" is a matter of definition;
- kinds: full, typo, phonetic, split, nickname, honorific + surname, shared first name
  (the exact set: everyone with that first name and nobody else), a misheard shared first name
  (the same exact set), and names not in the directory (`none`).

Prints per-kind accuracy, the overall score (every query: top-1 for one person, the exact set
for a shared name, `none` for nobody), and the largest ambiguous answer against the offer cap
(`MAX_OFFERED`: the agent names at most that many, then asks for the department).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable

import jellyfish
from faker import Faker
from rapidfuzz import process
from rapidfuzz.distance import OSA

from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.resolution import ResolutionStatus, Resolver
from switchboard.domain.resolution.result import MAX_OFFERED

LOCALES = [
    "ro_RO",
    "hu_HU",
    "da_DK",
    "no_NO",
    "hr_HR",
    "sk_SK",
    "sl_SI",
    "lt_LT",
    "et_EE",
    "pt_PT",
    "es_MX",
    "fr_CH",
    "de_AT",
    "id_ID",
    "lv_LV",
    "en_IE",
    "en_AU",
    "en_NZ",
]
ABSENT_LOCALES = ["fi_FI", "tr_TR", "pl_PL", "cs_CZ"]  # for names that are in nobody's directory
TEAMS = tuple(
    Department(i, n)
    for i, n in [
        ("acct", "Accounts"), ("ops", "Operations"), ("dev", "Engineering"), ("qa", "Quality"),
        ("cs", "Customer Care"), ("proc", "Procurement"), ("lab", "Laboratory"),
        ("ship", "Shipping"), ("res", "Research"), ("sec", "Security"), ("admin", "Front Office"),
        ("train", "Training"),
    ]
)  # fmt: skip
# This file's own table (not the resolver's): formal name → what callers say instead.
NICKS = {
    "william": ["bill", "billy", "will", "liam"], "robert": ["bob", "rob", "bobby"],
    "elizabeth": ["liz", "beth", "betty", "lizzie"], "margaret": ["maggie", "meg", "peggy"],
    "katherine": ["kate", "kathy", "katie"], "richard": ["rick", "rich", "richie"],
    "james": ["jim", "jimmy", "jamie"], "michael": ["mike", "mikey"], "jennifer": ["jen", "jenny"],
    "joseph": ["joe", "joey"], "thomas": ["tom", "tommy"], "daniel": ["dan", "danny"],
    "patricia": ["pat", "patty", "trish"], "susan": ["sue", "suzy"], "edward": ["ed", "eddie", "ted"],
    "christopher": ["chris"], "nicholas": ["nick", "nicky"], "anthony": ["tony"],
    "victoria": ["vicky", "tori"], "rebecca": ["becky", "becca"], "samantha": ["sam", "sammy"],
    "benjamin": ["ben", "benny"], "matthew": ["matt"], "andrew": ["andy", "drew"],
    "stephen": ["steve"], "gregory": ["greg"], "theodore": ["theo"], "deborah": ["deb", "debbie"],
    "dorothy": ["dot", "dottie"], "frederick": ["fred", "freddie"], "lawrence": ["larry"],
    "kimberly": ["kim"], "jacqueline": ["jackie"], "timothy": ["tim", "timmy"],
    "abigail": ["abby"], "alexandra": ["alex", "sandra"], "douglas": ["doug"],
}  # fmt: skip
QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
RESPELL = [
    ("sz", "s"), ("cz", "ch"), ("tz", "ts"), ("ou", "u"), ("th", "t"), ("ch", "sh"),
    ("ie", "y"), ("ce", "se"), ("ci", "si"), ("j", "y"), ("w", "v"), ("ks", "x"),
]  # fmt: skip
HONORIFICS = ("mr", "ms", "mrs", "dr")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _neighbours() -> dict[str, str]:
    near: dict[str, str] = {}
    for r, row in enumerate(QWERTY):
        for c, key in enumerate(row):
            around = [row[c + d] for d in (-1, 1) if 0 <= c + d < len(row)]
            for rr in (r - 1, r + 1):
                if 0 <= rr < len(QWERTY):
                    around += [
                        QWERTY[rr][cc] for cc in (c - 1, c, c + 1) if 0 <= cc < len(QWERTY[rr])
                    ]
            near[key] = "".join(around)
    return near


NEAR = _neighbours()


def keyboard_typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))  # callers and recognisers rarely get the first letter wrong
    kind = rng.choice(("sub", "ins", "del", "swap"))
    if kind == "sub" and word[i] in NEAR:
        return word[:i] + rng.choice(NEAR[word[i]]) + word[i + 1 :]
    if kind == "ins" and word[i] in NEAR:
        return word[:i] + rng.choice(NEAR[word[i]]) + word[i:]
    if kind == "del" and len(word) > 4:
        return word[:i] + word[i + 1 :]
    if i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]  # a doubled last letter


def respell(word: str, rng: random.Random) -> str:
    rules = [(a, b) for a, b in RESPELL if a in word[1:]]
    out = word
    if rules:
        a, b = rng.choice(rules)
        at = word.index(a, 1)
        out = word[:at] + b + word[at + len(a) :]
    for i in range(len(out) - 1, 0, -1):  # doubled letters heard once
        if out[i] == out[i - 1]:
            out = out[:i] + out[i + 1 :]
            break
    return out


def pools(seed: int) -> tuple[list[str], list[str], list[str], list[str]]:
    firsts: set[str] = set()
    lasts: set[str] = set()
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        firsts |= {fake.first_name() for _ in range(400)}
        lasts |= {fake.last_name() for _ in range(900)}
    absent_f: set[str] = set()
    absent_l: set[str] = set()
    for locale in ABSENT_LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed + 1)
        absent_f |= {fake.first_name() for _ in range(300)}
        absent_l |= {fake.last_name() for _ in range(600)}

    def ok(name: str) -> bool:
        f = fold(name)
        return f.isascii() and f.isalpha() and len(f) >= 3

    firsts |= {n.title() for n in NICKS}
    return (
        sorted(n for n in firsts if ok(n)),
        sorted(n for n in lasts if ok(n)),
        sorted(n for n in absent_f if ok(n)),
        sorted(n for n in absent_l if ok(n)),
    )


def codes(name: str) -> tuple[str, str]:
    """Two standard phonetic codes (neither is what the resolver uses to call names identical)."""
    return f"m:{jellyfish.metaphone(name)}", f"n:{jellyfish.nysiis(name)}"


class World:
    def __init__(self, people: int, rng: random.Random, firsts: list[str], lasts: list[str]):
        # Zipf-like weights: a few first names are very common, most are rare.
        fw = [1.0 / (i + 1) ** 0.9 for i in range(len(firsts))]
        lw = [1.0 / (i + 1) ** 0.6 for i in range(len(lasts))]
        rng.shuffle(firsts)
        rng.shuffle(lasts)
        chosen_f = rng.choices(firsts, fw, k=people)
        chosen_l = rng.choices(lasts, lw, k=people)
        emps = []
        for i, (f, last) in enumerate(zip(chosen_f, chosen_l, strict=True)):
            if rng.random() < 0.6:
                f, last = fold(f).title(), fold(last).title()
            emps.append(
                Employee(f"q{i}", f"{f} {last}", "+13125550100", department=TEAMS[i % 12].id)
            )
        self.directory = Directory(CompanyProfile("Second"), TEAMS, tuple(emps))
        self.first = [fold(e.name.split()[0]) for e in emps]
        self.last = [fold(e.name.split()[-1]) for e in emps]
        self.full = [f"{a} {b}" for a, b in zip(self.first, self.last, strict=True)]
        self.by_first: dict[str, set[int]] = defaultdict(set)
        self.by_last: dict[str, set[int]] = defaultdict(set)
        self.by_full: dict[str, set[int]] = defaultdict(set)
        for i in range(people):
            self.by_first[self.first[i]].add(i)
            self.by_last[self.last[i]].add(i)
            self.by_full[self.full[i]].add(i)
        self.names = set(self.by_first) | set(self.by_last)
        self.by_code: dict[str, set[str]] = defaultdict(set)
        for name in self.names:
            for code in codes(name):
                self.by_code[code].add(name)

    def homophones(self, word: str) -> set[str]:
        """Other directory names a listener may not tell from `word`: the same Metaphone or
        NYSIIS code and within three edits. Queries whose truth hangs on those are left out,
        not judged either way."""
        same = set().union(*(self.by_code.get(code, set()) for code in codes(word)))
        return {o for o in same if o != word and OSA.distance(o, word) <= 3}

    def nearest_full(self, query: str, within: int) -> list[int]:
        hits = process.extract(
            query, self.full, scorer=OSA.distance, score_cutoff=within, limit=None
        )
        return [i for _, _, i in hits]


Expected = tuple[str, frozenset[str]]
Query = tuple[str, str, Expected]


def kinds(
    w: World, rng: random.Random, absent: tuple[list[str], list[str]]
) -> dict[str, Callable[[], Query | None]]:
    n = len(w.full)
    ids = [e.id for e in w.directory.employees]

    def one(i: int) -> Expected:
        return "match", frozenset({ids[i]})

    def unique_full() -> int | None:
        i = rng.randrange(n)
        return i if len(w.by_full[w.full[i]]) == 1 else None

    def sound_twins(i: int) -> set[int]:
        """Others whose full name may sound the same (Yolanda Haines / Yolanda Haynes)."""
        firsts = {w.first[i], *w.homophones(w.first[i])}
        lasts = {w.last[i], *w.homophones(w.last[i])}
        same_first = set().union(*(w.by_first.get(f, set()) for f in firsts))
        return {j for j in same_first if w.last[j] in lasts} - {i}

    def full() -> Query | None:
        i = unique_full()
        if i is None or sound_twins(i):
            return None
        return "full", w.full[i], one(i)

    def mangled(kind: str, edit: Callable[[str, random.Random], str]) -> Query | None:
        i = unique_full()
        if i is None:
            return None
        f, last = w.first[i], w.last[i]
        if rng.random() < 0.5 and len(f) >= 4:
            f = edit(f, rng)
        else:
            last = edit(last, rng)
        query = f"{f} {last}"
        if (
            query == w.full[i]
            or (f in w.names and f != w.first[i])
            or (last in w.names and last != w.last[i])
        ):
            return None  # landed on another real name: not a mistake about this person any more
        sounds = w.homophones(w.first[i]) | w.homophones(w.last[i])
        if sounds or (w.homophones(f) | w.homophones(last)) - {w.first[i], w.last[i]}:
            return None  # a sound-alike of this person's names is in the directory too
        gap = OSA.distance(query, w.full[i])
        if w.nearest_full(query, gap) != [i]:
            return None  # someone else is as close: not a fair single answer
        return kind, query, one(i)

    def split() -> Query | None:
        i = unique_full()
        if i is None:
            return None
        f, last = w.first[i], w.last[i]
        if w.homophones(f) or w.homophones(last):
            return None  # Tanya/Tania Kolenc: which one is a matter of definition
        if len(last) >= 7:
            cut = rng.randrange(3, len(last) - 2)
            return "split", f"{f} {last[:cut]} {last[cut:]}", one(i)
        return "split", f"{f}{last}", one(i)  # run together by the recogniser

    def nickname() -> Query | None:
        formal = rng.choice(sorted(NICKS))
        holders = sorted(w.by_first.get(formal, ()))
        if not holders:
            return None
        i = rng.choice(holders)
        nick = rng.choice(NICKS[formal])
        same_last = w.by_last[w.last[i]]
        rivals = {
            j
            for j in same_last
            if w.first[j] in (formal, nick) or w.first[j] in NICKS.get(nick, [])
        }
        if rivals != {i} or nick in w.by_first:
            return None
        if any(w.first[j] in w.homophones(nick) for j in same_last):
            return None  # someone with this surname has a first name that sounds like the nickname
        return "nickname", f"{nick} {w.last[i]}", one(i)

    def honorific() -> Query | None:
        i = rng.randrange(n)
        if len(w.by_last[w.last[i]]) != 1 or w.last[i] in w.by_first:
            return None
        return "honorific", f"{rng.choice(HONORIFICS)} {w.last[i]}", one(i)

    def shared_set(name: str) -> Expected:
        return "ambiguous", frozenset(ids[j] for j in w.by_first[name])

    def plain_first(name: str) -> bool:
        # Spelling variants of the name in this directory (Jon/John, Sara/Sarah) make the truth a
        # matter of definition: such names are left out rather than judged either way.
        def norm(s: str) -> str:
            s = (
                s.replace("ph", "f")
                .replace("h", "")
                .replace("y", "i")
                .replace("c", "k")
                .replace("z", "s")
            )
            return "".join(ch for k, ch in enumerate(s) if not k or s[k - 1] != ch)

        key = norm(name)
        return (
            name not in w.by_last
            and not w.homophones(name)
            and not any(norm(o) == key for o in w.by_first if o != name and o[0] == name[0])
        )

    def shared() -> Query | None:
        name = w.first[rng.randrange(n)]
        if not len(w.by_first[name]) >= 2 or not plain_first(name):
            return None
        return "shared-first", name, shared_set(name)

    def misheard_shared() -> Query | None:
        name = w.first[rng.randrange(n)]
        if len(w.by_first[name]) < 2 or len(name) < 5 or not plain_first(name):
            return None
        heard = keyboard_typo(name, rng)
        if heard in w.names or heard in NICKS or any(heard in v for v in NICKS.values()):
            return None
        if w.homophones(heard) - {name}:
            return None  # sounds like another name here: the caller may well mean that one
        gap = OSA.distance(heard, name)
        close = [o for o in w.names if OSA.distance(heard, o) <= gap]
        if close != [name]:
            return None  # as close to another name (a surname too: one word may be either)
        return "misheard-shared", heard, shared_set(name)

    def missing() -> Query | None:
        f, last = fold(rng.choice(absent[0])), fold(rng.choice(absent[1]))
        query = f"{f} {last}"
        if f in w.names or last in w.names or f in NICKS or any(f in v for v in NICKS.values()):
            return None
        near_f = [o for o in w.by_first if OSA.distance(f, o) <= 2]
        near_l = [o for o in w.by_last if OSA.distance(last, o) <= 2]
        if near_f or near_l or w.nearest_full(query, 4):
            return None
        return "not-in-directory", query, ("none", frozenset())

    return {
        "full": full,
        "typo": lambda: mangled("typo", keyboard_typo),
        "phonetic": lambda: mangled("phonetic", respell),
        "split": split,
        "nickname": nickname,
        "honorific": honorific,
        "shared-first": shared,
        "misheard-shared": misheard_shared,
        "not-in-directory": missing,
    }


def judge(status: ResolutionStatus, got: list[str], expected: Expected) -> bool:
    kind, want = expected
    if kind == "match":
        return status is ResolutionStatus.MATCH and bool(got) and got[0] in want
    if kind == "ambiguous":
        return status is ResolutionStatus.AMBIGUOUS and set(got) == want
    return status is ResolutionStatus.NONE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--per-kind", type=int, default=120)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--failures", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    firsts, lasts, absent_f, absent_l = pools(args.seed)
    world = World(args.people, rng, firsts, lasts)
    started = time.perf_counter()
    resolver = Resolver.build(world.directory)
    build_s = time.perf_counter() - started
    queries: list[Query] = []
    for make in kinds(world, rng, (absent_f, absent_l)).values():
        made = 0
        for _ in range(args.per_kind * 300):
            q = make()
            if q is not None:
                queries.append(q)
                made += 1
                if made == args.per_kind:
                    break
    by_kind: dict[str, list[bool]] = defaultdict(list)
    widest = 0
    over_cap = 0
    shown = 0
    names = {e.id: e.name for e in world.directory.employees}
    latencies: list[float] = []
    cpu: list[float] = []  # thread CPU time: the cost when other processes share the machine
    for kind, text, expected in queries:
        t0, c0 = time.perf_counter(), time.thread_time()
        result = resolver.resolve(text)
        latencies.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
        got = [c.id for c in result.candidates]
        ok = judge(result.status, got, expected)
        by_kind[kind].append(ok)
        if result.status is ResolutionStatus.AMBIGUOUS:
            widest = max(widest, len(got))
            over_cap += not result.offered  # more than the cap: the agent asks for the department
        if not ok and shown < args.failures:
            shown += 1
            want = sorted(names[i] for i in expected[1])[:5]
            have = [(c.name, c.score) for c in result.candidates[:5]]
            print(
                f"  FAIL {kind}: {text!r} -> {result.status.value} {have} (+{max(0, len(got) - 5)}); expected {expected[0]} {want} ({len(expected[1])})"
            )
    every = [ok for v in by_kind.values() for ok in v]
    latencies.sort()
    cpu.sort()
    report = {
        "people": args.people,
        "queries": len(every),
        "overall_pct": 100.0 * sum(every) / len(every),
        "by_kind": {
            k: {"n": len(v), "pct": 100.0 * sum(v) / len(v)} for k, v in sorted(by_kind.items())
        },
        "largest_ambiguous_answer": widest,
        "ambiguous_answers_asking_department": over_cap,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "cpu_p99_ms": cpu[int(len(cpu) * 0.99) - 1],
        "build_s": build_s,
        "load_average_1m": os.getloadavg()[0],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    r = report
    print(
        f"### second generator, {r['people']:,} people, {r['queries']} queries (load average {r['load_average_1m']:.1f})"
    )
    print(
        f"overall {r['overall_pct']:.2f}% (target >= 99.8%); p99 {r['p99_ms']:.2f} ms (CPU {r['cpu_p99_ms']:.2f} ms); build {r['build_s']:.2f} s"
    )
    print(
        f"largest ambiguous set {r['largest_ambiguous_answer']}; sets over {MAX_OFFERED} "
        f"(named to nobody, the department asked): {r['ambiguous_answers_asking_department']}"
    )
    print("| kind | n | correct |\n|---|---|---|")
    for k, v in r["by_kind"].items():
        print(f"| {k} | {v['n']} | {v['pct']:.1f}% |")


if __name__ == "__main__":
    main()
