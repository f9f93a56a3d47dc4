"""People named in an article: names, aliases merged, roles and mention counts.

Rule-based and pure: text in, data out. A capitalised phrase is a person when it starts with
a known given name ("Jim Mattis"), carries a title ("Mr Putin", "General Mattis"), follows a
role word ("spokesman Jason Miller") or is followed by a speech verb ("Quina Jones said").
Shorter forms ("Mattis", "Mr Mattis", "James Mattis") are merged into the fullest name.
Organisations, places, sentence starts and title-case headings are not people.

Every regular expression here is bounded (no nested unbounded repetition) and the input is
capped at ``MAX_CHARS``, so adversarial text costs linear time.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from reader.models import Person

from . import _lexicon as lex

MAX_CHARS = 200_000

_UPPER = "A-ZÀ-ÖØ-Þ"
_TOKEN = (
    rf"(?:[{_UPPER}]\.(?:[{_UPPER}]\.){{0,3}}+"
    rf"|[{_UPPER}][^\W\d_]{{0,24}}+(?:[-’'][^\W\d_]{{1,24}}+){{0,2}}+\.?)"
)
_PARTICLE = r"(?:van|von|de|der|den|del|della|da|di|du|le|la|bin|ibn|al|el|dos|das|ter) "
# A run of capitalised tokens separated by single spaces: "Leonard E. Burman", "Mr. Trump".
# A nickname in quotation marks may stand inside a name: Marcia "Cia" Price.
NICKNAME = r"[\"“‘'][A-Z][a-z]{1,15}[\"”’']"
_NAME_RUN = re.compile(
    rf"(?<![\w’'.\-]){_TOKEN}(?: (?:{NICKNAME} )?(?:{_PARTICLE})?{_TOKEN}){{0,7}}+"
)
_TOKEN_SPLIT = re.compile(r"[^ ]{1,80}")
_CUE_AFTER = re.compile(
    r"[ ]{0,2}(?:,[ ]{1,2}[a-z0-9][^,.\n“”\"]{0,140},[ ]{0,2})?"
    r"(?:has |had |was |is |also |later |then |previously |recently |once ){0,2}([a-z]{2,14})\b"
)
_LOWER_WORD_BEFORE = re.compile(
    r"([a-z][a-z\-]{1,20})[ ]{1,2}(?:[A-Z][\w.&\-]{0,20}(?:’s|'s|’|')[ ]{1,2})?$"
)
_ROLE_WINDOW = re.compile(r"((?:[\w’'.\-]{1,25},? ){1,7})$")
# The last word of ``_ROLE_WINDOW``'s match, found from the end of the window.
_LAST_ROLE_TOKEN = re.compile(r"([\w’'.\-]{1,25}),? \Z")
_APPOSITIVE_AFTER = re.compile(
    r",[ ]{1,2}((?:the |a |an )?[^,;:.\n“”\"()]{2,90}?)(?:[,;]|\.(?=\s|$))"
    r"|[ ]?(?:—|–|--)[ ]?((?:the |a |an )?[^,;:.\n“”\"()—–]{2,90}?)[ ]?(?:—|–|--)"
)
# "Her opponent, Reuben Castellane, said": a noun phrase set off before a name and a cue.
_APPOSITIVE_HEAD_BEFORE = re.compile(
    r"(?:^|[\s,;:(])(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Oo]ur|[Mm]y|[Yy]our"
    r"|[A-Z][\w\-]{1,20}['’]s)[ ](?:[a-z][\w\-]{1,20}[ ]){0,2}([a-z][a-z\-]{2,20}),[ ]$"
)
# The first pronoun after a name in its sentence: "Daw Mya Thandar Win, in her first visit".
_PRONOUN_AFTER = re.compile(r"[^.!?\n“”\"]{0,80}?\b([Hh]is|[Hh]im|[Hh]e|[Hh]er|[Ss]he|[Hh]ers)\b")
_PRONOUN_GENDER = {"his": "m", "him": "m", "he": "m", "her": "f", "she": "f", "hers": "f"}
_WORD_BEFORE = re.compile(r"([A-Za-z]{1,12})[ ]{1,2}$")
_OBJECT_MARKERS = frozenset(
    """like unlike with for to by from of about against than and or told asked thanked
    praised met called introduced joined""".split()
)
_CUE_AFTER_COMMA = re.compile(r",[ ](?:[a-z]{2,12}ly[ ])?([a-z]{2,14})\b")
_MONEY_OR_NUMBER = re.compile(r"\d")
# A capitalised plural then "Against"/"For" inside one run of capitalised words.
_ORG_CONNECTOR = re.compile(r"(?<=[a-z]s) (?:Against|For) (?=[A-Z])")
_ORG_OF_BEFORE = re.compile(r"\b([A-Z][a-z]{2,20}) (of|on|for|against|Against) (?:the )?$")
# Words before a name that make it a place: "in Central Park", "along Church Street", "the
# Church". A capitalised word right before a lone surname word is part of a place's name
# ("New York", "West Bank"); the run of capitalised words was cut there by a stop word.
_PLACE_BEFORE = re.compile(
    r"\b(?:([Tt]he)|[Ii]n|[Aa]t|[Oo]n|[Nn]ear|[Aa]long|[Aa]cross|[Ii]nto|[Oo]nto|[Oo]ff"
    r"|[Oo]utside|[Ii]nside|[Tt]hrough|[Aa]round|[Pp]ast|[Oo]pposite|[Bb]eside|[Bb]ehind"
    r"|[Tt]owards?|[Vv]ia|[Uu]p|[Dd]own)[ ]{1,2}$"
)
_CAP_WORD_BEFORE = re.compile(r"\b[A-Z][\w’'\-]{0,25}[ ]{1,2}$")
# After "said X": punctuation, so X is the inverted subject, not the start of a clause.
_INVERTED_END = re.compile(r"[ ]{0,2}(?:[,.;:!?\n—–]|$)")
# An East Asian name with the surname first: "Park Geun-hye", "Park Chung-hee".
_HYPHENATED_GIVEN = re.compile(r"[A-Z][a-z]{1,10}-[a-z]{1,10}")

# Titles that by themselves make the following capitalised word a person's name.
STRONG_TITLES = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend father rabbi imam
    sheikh king queen prince princess pope president gen general col colonel lt maj major
    capt captain adm admiral sgt sen senator rep representative gov governor mayor judge
    justice chancellor premier minister secretary ambassador commissioner chairman chairwoman
    speaker congressman congresswoman sheriff detective coach candidate nominee spokesman
    spokeswoman director emir ayatollah archbishop bishop cardinal leader""".split()
)
_SOCIAL_TITLES = frozenset("mr mrs ms miss mx dr prof sir dame lord lady".split())
# Titles that make even a place word a person's surname ("Mr Park", "Dr. Hall"); not "Lord
# Street", "King Street" or "Queen Square".
_NAME_TITLES = frozenset("mr mrs ms miss mx dr prof sir dame".split())
# Titles that also name streets and halls: "King Edward Street", "Lady Margaret Hall".
_PLACE_NAMING_TITLES = frozenset("king queen prince princess lord lady".split())
# Words that may open a name as a title: "Mr", "General", "Reporter", "Councillor".
_LEADING_TITLES = frozenset(lex.HONORIFICS) | lex.ROLE_TITLES
# Heads of a title further into a name run: "Senior Reporter", "Police Commissioner".
_TITLE_HEADS = STRONG_TITLES | lex.ROLE_TITLES
_NATIONALITY_ENDINGS = ("an", "ian", "ese", "ish", "ch", "i")  # French, Danish, Israeli
_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())
_ROLE_MODS = frozenset(
    """former acting deputy vice prime foreign defence defense interior home finance state
    national security press campaign chief senior top junior assistant executive general
    first lady managing communications policy economic political white house federal
    regional local party majority minority senate house democratic republican labour homeland
    conservative liberal opposition de facto interim outgoing incoming longtime veteran
    trade health education justice energy transport environment treasury intelligence
    military army navy air force secretary-general""".split()
)
_DETERMINERS = frozenset("the a an".split())
_PREPOSITIONS = frozenset(
    "with without from in on at for of to by after before during since until despite".split()
)
_APPOSITIVE_DETERMINERS = frozenset("the a an his her their its our".split())
_FUNCTION_WORDS = frozenset(
    """the a an in at on by for of and but or with from to as after before during since said
    says told when while if then speaking meanwhile however this that these those it he she
    they we i""".split()
)
# Word lists whose words are not unlisted given names ("Senate Hall", "Central Park").
_NOT_GIVEN = (
    lex.STOP_CAPS,
    lex.ORG_WORDS,
    lex.PLACES,
    lex.KNOWN_ORGS,
    lex.ROLE_NOUNS,
    lex.ROLE_TITLES,
    lex.HONORIFICS,
    lex.CUE_VERBS,
    lex.SPEECH_VERBS,
    STRONG_TITLES,
    _ROLE_MODS,
    _FUNCTION_WORDS,
)


@dataclass(slots=True)
class Entity:
    """One person (or, as a speaker, an organisation) with the mentions merged into it."""

    name: str
    surname: str
    given: str | None
    gender: str
    first: int
    aliases: list[str] = field(default_factory=list)
    role: str | None = None
    mentions: int = 0
    quotes: int = 0


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of the text that names an entity (``entity`` indexes ``PeopleIndex.entities``)."""

    start: int
    end: int
    entity: int


@dataclass(frozen=True, slots=True)
class OrgMention:
    """A capitalised phrase that names an organisation, outlet or agency."""

    start: int
    end: int
    name: str


@dataclass(slots=True)
class PeopleIndex:
    """Everything the people pass learnt; the quote pass resolves speakers against it."""

    entities: list[Entity]
    mentions: list[Mention]
    orgs: list[OrgMention]
    excluded: set[int] = field(default_factory=set)
    _mention_starts: list[int] = field(init=False, repr=False)
    _org_starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._mention_starts = [m.start for m in self.mentions]
        self._org_starts = [o.start for o in self.orgs]

    def mentions_between(self, start: int, end: int) -> list[Mention]:
        """Person mentions starting in ``[start, end)``, in text order."""
        i = bisect_left(self._mention_starts, start)
        j = bisect_left(self._mention_starts, end)
        return self.mentions[i:j]

    def orgs_between(self, start: int, end: int) -> list[OrgMention]:
        """Organisation mentions starting in ``[start, end)``, in text order."""
        i = bisect_left(self._org_starts, start)
        j = bisect_left(self._org_starts, end)
        return self.orgs[i:j]

    def mentions_before(self, pos: int, limit: int = 40) -> list[Mention]:
        """Up to ``limit`` person mentions ending before ``pos``, nearest first."""
        i = bisect_left(self._mention_starts, pos)
        out = []
        for k in range(i - 1, max(-1, i - 1 - limit), -1):
            if self.mentions[k].end <= pos:
                out.append(self.mentions[k])
        return out

    def people(self) -> tuple[Person, ...]:
        """The people found, most-mentioned first (ties: first mentioned first)."""
        ranked = sorted(
            (e for i, e in enumerate(self.entities) if i not in self.excluded),
            key=lambda e: (-e.mentions, e.first),
        )
        return tuple(
            Person(
                name=e.name,
                aliases=tuple(a for a in e.aliases if a != e.name),
                mentions=e.mentions,
                quotes=e.quotes,
                role=e.role,
            )
            for e in ranked
        )


@dataclass(slots=True)
class _Seg:
    start: int
    end: int
    words: list[str]  # original tokens
    lows: list[str]  # lower-case, without a trailing full stop
    starts: list[int]


def _is_title_case_line(line: str) -> bool:
    """A heading: most words of four letters or more are capitalised, no final full stop."""
    stripped = line.rstrip()
    if not stripped or len(stripped) > 200 or stripped[-1] in "!?”\"'’:;,":
        return False
    words = [w for w in stripped.split() if len(w) >= 4 and w[0].isalpha()]
    if len(words) < 2:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    if stripped[-1] == ".":
        return len(words) >= 3 and caps / len(words) >= 0.85
    return caps / len(words) >= 0.75


def _segments(text: str, start: int, end: int) -> list[_Seg]:
    """Split one run of capitalised tokens into name-like segments."""
    segs: list[_Seg] = []
    cur = _Seg(0, 0, [], [], [])

    def flush() -> None:
        nonlocal cur
        if cur.words:
            cur.end = cur.starts[-1] + len(cur.words[-1])
            segs.append(cur)
        cur = _Seg(0, 0, [], [], [])

    for m in _TOKEN_SPLIT.finditer(text, start, end):
        word = m.group()
        pos = m.start()
        brk = False
        if word[0] in "\"“‘'" and cur.words:
            continue  # the nickname in Marcia "Cia" Price
        if word.endswith(("’s", "'s")) and len(word) > 2:
            word = word[:-2]
            brk = True
        elif word.endswith(("’", "'")):
            word = word[:-1]
            brk = True
        low = word.lower()
        if word.endswith("."):
            bare = low[:-1]
            is_initial = len(bare) == 1 or (len(bare) >= 3 and bare.count(".") >= 1)
            if not is_initial and bare not in lex.ABBREVIATIONS:
                word = word[:-1]
                low = bare
                brk = True
            else:
                low = bare
        if low in lex.NAME_PARTICLES and not cur.words:
            continue
        if low in lex.STOP_CAPS or not word:
            flush()
            continue
        if not cur.words:
            cur.start = pos
        cur.words.append(word)
        cur.lows.append(low)
        cur.starts.append(pos)
        if brk:
            flush()
    flush()
    return segs


def _is_org(lows: list[str]) -> bool:
    if any(w in lex.ORG_WORDS for w in lows):
        return True
    return " ".join(lows) in lex.KNOWN_ORGS or (len(lows) == 1 and lows[0] in lex.KNOWN_ORGS)


def _is_place(lows: list[str]) -> bool:
    return all(w in lex.PLACES for w in lows)


def _surname_tail(tail: list[str]) -> bool:
    """The words after a given name are a surname that is also a place or organisation word.

    "Park" in "Helen Park", "M. Park" in "Helen M. Park", "Ann Hall" in "Mary Ann Hall":
    the last word is in ``SURNAME_WORDS`` and any word before it is an initial or a given name.
    """
    if not tail or len(tail) > 3 or tail[-1] not in lex.SURNAME_WORDS:
        return False
    return all(len(w) == 1 or (w in lex.GIVEN_NAMES and w not in lex.PLACES) for w in tail[:-1])


def _surname_first(seg: _Seg, k: int) -> bool:
    """ "Park Geun-hye": a surname word, then a hyphenated given name."""
    return (
        len(seg.lows) - k == 2
        and seg.lows[k] in lex.SURNAME_WORDS
        and _HYPHENATED_GIVEN.fullmatch(seg.words[k + 1]) is not None
    )


def _place_context(text: str, start: int, lone: bool) -> str:
    """What stands before ``start`` where a place's name would: "the" ("the Church"), a
    place preposition ("in Stanley Park", "on George Street"), or nothing ("").

    A preposition is "prep", a weaker sign than "the": people follow some of them too
    ("called on David Hall to resign"). For a lone surname word a capitalised word right
    before it is "the": it is part of a place's name ("New York", "Central Park").
    """
    window = text[max(0, start - 30) : start]
    m = _PLACE_BEFORE.search(window)
    if m:
        return "the" if m.group(1) else "prep"
    if lone and _CAP_WORD_BEFORE.search(window) is not None:
        return "the"
    return ""


def _gender_of(given: str | None, titles: list[str]) -> str:
    for t in titles:
        g = lex.HONORIFICS.get(t, "")
        if g:
            return g
    if given:
        if given in lex.MALE_NAMES and given not in lex.FEMALE_NAMES:
            return "m"
        if given in lex.FEMALE_NAMES and given not in lex.MALE_NAMES:
            return "f"
    return ""


def _canon_given(given: str) -> str:
    return lex.NICKNAMES.get(given, given)


def _surname_of(lows: list[str]) -> str:
    k = len(lows) - 1
    while k > 0 and lows[k] in _SUFFIXES:
        k -= 1
    return lows[k]


def _title_end(text: str, seg: _Seg, k: int) -> int:
    """Where a title that starts the run ends: "Senior Reporter | Dagny Holm".

    The head is the last title word that leaves at least one word for the name, within four
    words of the leading titles. The words before it are modifiers ("Police", "Green Party",
    "French"): none may be a given name ("Maurice Bishop Tovey" is not a title) or a function
    word, and at a sentence start, where any word is capitalised, the first one must be a
    known role modifier, place, nationality or organisation word ("Like President Obama, I
    …" has no title). Returns ``k`` when there is no such title.
    """
    lows = seg.lows
    for j in range(min(len(lows) - 2, k + 3), k - 1, -1):
        if lows[j] not in _TITLE_HEADS:
            continue
        if any(w[-1].isupper() and not w.isupper() for w in seg.words[j + 1 :]):
            return k  # mis-decoded text: "French President FranÃ§ois" cut at the "§"
        mods = lows[k:j]
        if any(
            (w in lex.GIVEN_NAMES and w not in lex.PLACES)
            or w in _FUNCTION_WORDS
            or w in _OBJECT_MARKERS
            or w in lex.CUE_VERBS
            for w in mods
        ):
            return k
        if mods and _at_sentence_start(text, seg.starts[k]):
            first = mods[0]
            if not (
                first in _ROLE_MODS
                or first in lex.PLACES
                or first.endswith(_NATIONALITY_ENDINGS)
                or any(w in lex.ORG_WORDS or w in lex.KNOWN_ORGS for w in mods)
            ):
                return k
        return j + 1
    return k


def _at_sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 4) : pos].rstrip(" \t“\"‘'(")
    return not before or before[-1] in ".!?:\n"


def _may_end_in_role(window: str, appositive: bool) -> bool:
    """A cheap test that ``_ROLE_WINDOW`` can find a role in ``window``: its last word is a
    role noun or a title (or, after a comma, "of" may stand between: "the mayor of X, ").

    ``_ROLE_WINDOW.search`` tries every start in the window; for a name mentioned thousands
    of times without a role it was most of ``index_people``'s time. This test is implied by
    what ``_role_before`` checks after the search, so it changes no result.
    """
    if window.endswith("\n") or (appositive and "of " in window):
        return True  # "$" also matches before a final newline; "the mayor of Lindenfeld, X"
    last = _LAST_ROLE_TOKEN.search(window, max(0, len(window) - 28))
    if last is None:
        return False
    low = last.group(1).lower()
    return low in lex.ROLE_NOUNS or low in STRONG_TITLES


def _role_before(text: str, seg_start: int) -> str | None:
    """A role written right before a name: "US defence secretary Jim Mattis"."""
    window = text[max(0, seg_start - 90) : seg_start]
    appositive = window.endswith(", ")
    if appositive:
        window = window[:-2] + " "
    if not _may_end_in_role(window, appositive):
        return None
    m = _ROLE_WINDOW.search(window)
    if not m:
        return None
    words = m.group(1).split()
    if not words:
        return None
    # "the mayor of Lindenfeld, Karl Brandt": the head may be followed by "of Place".
    head_at = len(words) - 1
    if appositive and len(words) >= 3 and words[-2] == "of" and words[-1][:1].isupper():
        head_at = len(words) - 3
    last = words[head_at].rstrip(",").lower()
    if last not in lex.ROLE_NOUNS and last not in STRONG_TITLES:
        return None
    k = head_at
    modifiers = 0
    while k > 0:
        w = words[k - 1]
        if w.endswith(","):
            break
        lw = w.lower()
        if (
            lw in lex.ROLE_NOUNS
            or lw in _ROLE_MODS
            or lw in STRONG_TITLES
            or (w[0].isupper() and lw not in _FUNCTION_WORDS)
            or lw in lex.PLACES
        ):
            k -= 1
            continue
        if appositive and lw in _DETERMINERS:
            break
        if (
            modifiers < 2
            and w.isalpha()
            and w.islower()
            and lw not in _FUNCTION_WORDS
            and lw not in lex.CUE_VERBS
            and not lw.endswith(("ed", "ly", "ing"))
            and lw not in lex.STOP_CAPS
        ):
            modifiers += 1
            k -= 1
            continue
        if appositive and w.isalpha() and w.islower() and k - 2 >= 0:
            prev = words[k - 2].lower()
            if prev in _DETERMINERS or (words[k - 2][0].isupper() and prev not in _FUNCTION_WORDS):
                k -= 1
                continue
        break
    role_words = [w.rstrip(",") for w in words[k:]]
    role = " ".join(role_words)
    if role.lower() in STRONG_TITLES and role.lower() in _SOCIAL_TITLES:
        return None
    return role or None


def _role_after(text: str, seg_end: int) -> str | None:
    """A role in an appositive after a name: "Sergei Shoigu, Russia's defence minister,"."""
    m = _APPOSITIVE_AFTER.match(text, seg_end, seg_end + 120)
    if not m:
        return None
    phrase = (m.group(1) or m.group(2)).strip()
    words = phrase.split()
    if not words or len(words) > 14 or _MONEY_OR_NUMBER.match(phrase):
        return None
    head = [w.lower().removesuffix("’s").removesuffix("'s") for w in words[:5]]
    if words[0].lower() in ("who", "which", "whose", "where", "when"):
        return None
    if words[0] in _PREPOSITIONS:
        return None  # "charged X, with defrauding investors …": no appositive
    if not any(w in lex.ROLE_NOUNS for w in head):
        return None
    if words[0].lower() in _DETERMINERS:
        phrase = phrase.split(" ", 1)[1] if " " in phrase else phrase
    return phrase


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.entities: list[Entity] = []
        self.by_full: dict[tuple[str, str], int] = {}
        self.by_surname: dict[str, list[int]] = {}
        self.mentions: list[Mention] = []
        self.orgs: list[OrgMention] = []

    def _new(self, name: str, surname: str, given: str | None, gender: str, first: int) -> int:
        self.entities.append(Entity(name, surname, given, gender, first))
        idx = len(self.entities) - 1
        self.by_surname.setdefault(surname, []).append(idx)
        if given:
            self.by_full[(_canon_given(given), surname)] = idx
        return idx

    def _add_mention(self, idx: int, start: int, end: int, alias: str) -> None:
        ent = self.entities[idx]
        ent.mentions += 1
        if alias not in ent.aliases:
            ent.aliases.append(alias)
        self.mentions.append(Mention(start, end, idx))

    def full_name(self, seg: _Seg, i: int, titles: list[str]) -> None:
        words = seg.words[i : i + 5]
        lows = seg.lows[i : i + 5]
        given = lows[0]
        surname = _surname_of(lows)
        key = (_canon_given(given), surname)
        idx = self.by_full.get(key)
        name = " ".join(words)
        if idx is None:
            idx = self._new(name, surname, given, _gender_of(given, titles), seg.starts[i])
        ent = self.entities[idx]
        if ent.given is None:
            ent.given = given
            ent.name = name
        if ent.role is None:
            ent.role = _role_before(self.text, seg.starts[0] if titles else seg.starts[i])
            if ent.role is None:
                ent.role = _role_after(self.text, seg.end)
            if (
                ent.role is None
                and titles
                and all(t in lex.HONORIFICS or t in lex.ROLE_NOUNS for t in titles)
            ):
                ent.role = " ".join(seg.words[:i])
        start = seg.starts[0] if titles and titles[-1] in _SOCIAL_TITLES else seg.starts[i]
        self._add_mention(idx, start, seg.end, self.text[start : seg.end])

    def resolve_short(self, seg: _Seg, i: int, titles: list[str], create: bool) -> bool:
        """A surname, with or without a title; links to a full name when one is known."""
        lows = seg.lows[i:]
        surname = _surname_of(lows)
        cands = self.by_surname.get(surname, [])
        gender = _gender_of(None, titles)
        if len(lows) > 1:
            given = lows[0]
            cands = [c for c in cands if self.entities[c].given in (None, given)] or []
        if gender:
            cands = [c for c in cands if self.entities[c].gender in ("", gender)]
        start = seg.starts[0] if titles else seg.starts[i]
        alias = self.text[start : seg.end]
        if cands:
            idx = min(cands, key=lambda c: self.entities[c].first)
            self._add_mention(idx, start, seg.end, alias)
            if gender and not self.entities[idx].gender:  # "Laurence Tribe" ... "Mr. Tribe"
                self.entities[idx].gender = gender
            ent = self.entities[idx]
            if ent.role is None and titles and titles[-1] not in _SOCIAL_TITLES:
                ent.role = " ".join(seg.words[:i])
            if (
                len(lows) > 1
                and ent.given is None
                and all(w.lower().rstrip(".") in _LEADING_TITLES for w in ent.name.split()[:-1])
            ):
                # "Holm said …. Reporter Dagny Holm wrote": the fuller form names the person.
                ent.name = " ".join(seg.words[i:])
                ent.given = lows[0]
                self.by_full.setdefault((_canon_given(lows[0]), surname), idx)
            return True
        if not create:
            return False
        # "Mr Mattis" stays whole when only the surname is known; a title before a full name
        # ("Dr. Aisha Rahman") is not part of the name.
        name = alias if len(lows) < 2 else " ".join(seg.words[i:])
        if not gender and len(lows) == 1:  # "Melanie said": a lone given name
            gender = _gender_of(lows[0], titles)
        idx = self._new(name, surname, None, gender, start)
        ent = self.entities[idx]
        if titles and titles[-1] not in _SOCIAL_TITLES:
            ent.role = " ".join(seg.words[:i])
        elif ent.role is None:
            ent.role = _role_before(self.text, start) or _role_after(self.text, seg.end)
        self._add_mention(idx, start, seg.end, alias)
        return True


def _followed_by_cue(text: str, end: int) -> bool:
    m = _CUE_AFTER.match(text, end, end + 120)
    return bool(m) and m.group(1) in lex.CUE_VERBS


def appositive_subject(text: str, start: int, end: int) -> bool:
    """ "Her opponent, X, said" / "His successor, X, told": X is the cue's subject."""
    cue = _CUE_AFTER_COMMA.match(text, end, end + 30)
    if not cue or cue.group(1) not in lex.CUE_VERBS:
        return False
    head = _APPOSITIVE_HEAD_BEFORE.search(text, max(0, start - 70), start)
    return bool(head) and head.group(1) not in _FUNCTION_WORDS


def _preceded_by_role(text: str, start: int) -> bool:
    """'spokesman Jason Miller', 'said Daryl Kimball'."""
    m = _LOWER_WORD_BEFORE.search(text, max(0, start - 50), start)
    return bool(m) and (m.group(1) in lex.ROLE_NOUNS or m.group(1) in lex.SPEECH_VERBS)


def _person_evidence(text: str, seg: _Seg, titles: list[str], *, subject_cue: bool) -> bool:
    """A title, a role, an inverted "said X," or (with ``subject_cue``) "X said" before a cue.

    Without ``subject_cue`` a cue after the name does not count: organisations and places
    speak as subjects ("Downing Street said"), but are seldom "said Downing Street.".
    """
    if any(t in _NAME_TITLES for t in titles):
        return True
    if _role_after(text, seg.end) or appositive_subject(text, seg.start, seg.end):
        return True
    if subject_cue and _followed_by_cue(text, seg.end):
        return True
    m = _LOWER_WORD_BEFORE.search(text, max(0, seg.start - 50), seg.start)
    if not m:
        return False
    word = m.group(1)
    # "the head librarian Helen Park"; "“…,” said Helen Park." but not "said Grant Park was …"
    return word in lex.ROLE_NOUNS or (
        word in lex.SPEECH_VERBS and _INVERTED_END.match(text, seg.end) is not None
    )


def _common_noun_at_start(
    text: str, seg: _Seg, k: int, titles: list[str], mid_sentence: set[str]
) -> bool:
    """A lone capitalised word with no title that opens its sentence, is no known given name
    and is never capitalised anywhere else: most likely a common noun ("Protesters", "Crowds",
    "Residents"), not a surname ("Lopez said" after "Maria Lopez", or with "said Lopez"
    elsewhere, is one)."""
    if titles or len(seg.lows) - k != 1:
        return False
    low = seg.lows[k]
    return (
        low not in lex.GIVEN_NAMES
        and low not in mid_sentence
        and _at_sentence_start(text, seg.starts[k])
    )


def _noun_appositive_after(text: str, end: int) -> bool:
    """ "Castellane, the mayor, said", "Castellane, a harbour master, …": a lowercase role, or
    a short noun phrase after a determiner, set off after the name; not "Later, Police
    Commissioner X said" (a capitalised phrase) or "Residents, the survey shows, …" (a
    clause)."""
    role = _role_after(text, end)
    if role:
        return role[0].islower()
    m = _APPOSITIVE_AFTER.match(text, end, end + 120)
    if not m:
        return False
    words = (m.group(1) or m.group(2)).split()
    return (
        2 <= len(words) <= 4
        and words[0] in _APPOSITIVE_DETERMINERS
        and all(w.isalpha() and w.islower() for w in words)
        and not any(w in lex.CUE_VERBS or w in lex.SPEECH_VERBS for w in words)
        # one person's appositive is singular: "the survey shows", "the group warned" are
        # clauses ("the boss", "the actress" are not)
        and not words[-1].endswith("ed")
        and (not words[-1].endswith("s") or words[-1].endswith("ss"))
    )


def _unknown_given_surname(seg: _Seg, k: int) -> bool:
    """ "Xylo Street": a capitalised word the lexicon does not know as anything else
    ("Central", "Federal", "Senate", "Spokesman" are not given names), then a surname word."""
    if len(seg.lows) - k != 2 or seg.lows[k + 1] not in lex.SURNAME_WORDS:
        return False
    word, low = seg.words[k], seg.lows[k]
    return (
        len(word) >= 2
        and word.isalpha()
        and word[1:].islower()
        and not low.endswith(_NATIONALITY_ENDINGS)
        and not any(low in words for words in _NOT_GIVEN)
    )


def _decide_surname_words(
    text: str,
    b: _Builder,
    found: list[tuple[_Seg, int, list[str]]],
    pending: list[tuple[_Seg, int, list[str]]],
    person_surnames: set[str],
) -> None:
    """Full names whose surname is also a place or organisation word ("Helen Park").

    A known given name makes the name a person's, unless this mention follows "the" or a
    place preposition ("in Stanley Park"), or the same phrase does so elsewhere. A given name
    that is also a place ("Austin Park"), a royal title ("King Edward Street") or an unlisted
    first word ("Xylo Street") needs evidence: a cue, a role or a title at some mention of the
    phrase. Evidence, or the surname alone as a speaker (``person_surnames``: "Hall said")
    when no other full name ends in it, also outweighs a preposition ("called on David Hall
    to resign"), though never "the". A possessive is a person's more often than a place's:
    "at Helen Park's request" is no place context.
    """
    keys = [" ".join(seg.lows[g:]) for seg, g, _ in found]
    placed = [
        ""
        if text[seg.end : seg.end + 2] in ("’s", "'s")
        else _place_context(text, seg.start, lone=False)
        for seg, _, _ in found
    ]
    place_keys: set[str] = set()
    person_keys: set[str] = set()
    # "Hall said" speaks for the full name only when one full name in the text ends in "Hall".
    full_names_by_surname: dict[str, set[str]] = {}
    for (seg, _, _), key in zip(found, keys, strict=True):
        full_names_by_surname.setdefault(seg.lows[-1], set()).add(key)
    for (seg, g, titles), key, at_place in zip(found, keys, placed, strict=True):
        if at_place:
            place_keys.add(key)
        elif _person_evidence(text, seg, titles, subject_cue=seg.lows[g] in lex.GIVEN_NAMES):
            person_keys.add(key)
    for (seg, g, titles), key, at_place in zip(found, keys, placed, strict=True):
        given = seg.lows[g]
        known = (
            given in lex.GIVEN_NAMES
            and given not in lex.PLACES
            and not any(t in _PLACE_NAMING_TITLES for t in titles)
        )
        evidence = key in person_keys or (
            known
            and seg.lows[-1] in person_surnames
            and len(full_names_by_surname[seg.lows[-1]]) == 1
        )
        if (not at_place and (evidence or (known and key not in place_keys))) or (
            at_place == "prep" and evidence
        ):
            b.full_name(seg, g, titles)
        elif _is_org(seg.lows[g:]) or _is_org(seg.lows):
            b.orgs.append(OrgMention(seg.start, seg.end, " ".join(seg.words)))
        elif not _is_place(seg.lows[g:]):
            pending.append((seg, g, titles))


def index_people(text: str, author: str | None = None) -> PeopleIndex:
    """Find every person (and organisation phrase) named in ``text``."""
    text = text[:MAX_CHARS]
    b = _Builder(text)
    heading_spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if _is_title_case_line(line):
            heading_spans.append((pos, pos + len(line)))
        pos += len(line) + 1

    heading_starts = [a for a, _ in heading_spans]

    def in_heading(p: int) -> bool:
        i = bisect_right(heading_starts, p) - 1
        return i >= 0 and p < heading_spans[i][1]

    # Pass 1: segments; full names become entities at once, the rest wait for pass 2.
    pending: list[tuple[_Seg, int, list[str]]] = []
    surname_words: list[tuple[_Seg, int, list[str]]] = []
    lone_surnames: list[tuple[_Seg, int, list[str], bool]] = []
    # Capitalised words seen where capitals mean a name: inside a run of capitalised words or
    # away from a sentence start ("said Lopez", "Mr. Lopez"), not only opening a sentence.
    mid_sentence: set[str] = set()
    for run in _NAME_RUN.finditer(text):
        if heading_spans and in_heading(run.start()):
            continue
        inner = _ORG_OF_BEFORE.search(text, max(0, run.start() - 40), run.start())
        first = _TOKEN_SPLIT.match(text, run.start(), run.end())
        if (
            inner
            and (
                inner.group(1).lower() in lex.ORG_WORDS
                # advocacy groups: "Citizens for Tax Justice", "Mothers Against Drunk Driving"
                or (inner.group(2).lower() in ("for", "against") and inner.group(1).endswith("s"))
            )
            and first is not None
            and first.group().rstrip(".").lower() not in lex.STOP_CAPS
        ):
            # "Commission on Presidential Debates": the rest of an organisation's name, but
            # not "the White House on Wednesday. Rahmanova …".
            b.orgs.append(OrgMention(inner.start(1), run.end(), text[inner.start(1) : run.end()]))
            continue
        inside = _ORG_CONNECTOR.search(text, run.start(), run.end())
        if inside is not None and inside.start() > run.start():
            # "Mothers Against Drunk Driving", "Veterans For Peace": one organisation
            b.orgs.append(OrgMention(run.start(), run.end(), run.group()))
            continue
        for seg in _segments(text, run.start(), run.end()):
            lows = seg.lows
            n = len(lows)
            if n > 1 or not _at_sentence_start(text, seg.start):
                mid_sentence.update(lows)
            k = 0
            while k < n - 1 and lows[k] in _LEADING_TITLES:
                k += 1
            g = next(
                (
                    j
                    for j in range(k, n - 1)
                    if lows[j] in lex.GIVEN_NAMES and seg.words[j][1:2].islower()
                ),
                None,
            )
            # "Senior Reporter Dagny Holm", "Green Party Councillor Edda Brandt": with no
            # known given name to anchor the name, the whole title comes off it.
            end = _title_end(text, seg, k) if g is None else k
            titled = end > k
            k = end
            titles = lows[:k]
            rest = lows[k:]
            if g is not None and g == k:
                tail = lows[g + 1 :]
                # "Jim Jordan" is a person; "Georgia Atlanta" is not.
                place_tail = tail and tail[-1] in lex.PLACES and lows[g] in lex.PLACES
                if tail and not _is_org(tail) and not place_tail:
                    b.full_name(seg, g, titles)
                    continue
                if _surname_tail(tail):  # "Helen Park": decided once every mention is seen
                    surname_words.append((seg, g, titles))
                    continue
            if not rest:
                continue
            if (
                g is not None
                and g > k
                and (lows[g - 1] in STRONG_TITLES or lows[g - 1] in lex.ROLE_NOUNS)
                and (
                    (not _is_org(lows[g:]) and lows[-1] not in lex.PLACES)
                    or _surname_tail(lows[g + 1 :])
                )
            ):
                # "Ohio Democratic Party Chairman David Pepper": the org is the role.
                b.full_name(seg, g, [])
                continue
            if len(rest) == 1 and rest[0] in lex.SURNAME_WORDS and not seg.words[-1].isupper():
                # "Park said": a person's surname when someone is named "… Park", else a place
                lone_surnames.append((seg, k, titles, titled))
                continue
            if _surname_first(seg, k):  # "Park Geun-hye": a name, if a cue or a role says so
                pending.append((seg, k, titles))
                continue
            if g is None and _unknown_given_surname(seg, k):  # "said Xylo Street."
                surname_words.append((seg, k, titles))
                continue
            if (
                _is_org(rest)
                or (_is_org(lows) and not titled)
                or (len(rest) == 1 and seg.words[-1].isupper())
            ):
                b.orgs.append(OrgMention(seg.start, seg.end, " ".join(seg.words)))
                continue
            if _is_place(rest):
                continue
            if g is not None:
                tail = lows[g + 1 :]
                if tail and not _is_org(tail) and tail[-1] not in lex.PLACES:
                    b.full_name(seg, g, [*titles, *lows[k:g]])
                    continue
            core = len(rest) - sum(1 for w in rest[1:] if w in _SUFFIXES)  # "Dalton R. Whitaker II"
            if core > 4 or (
                core == 4
                and not _followed_by_cue(text, seg.end)
                and not _role_after(text, seg.end)  # "Aung San Suu Kyi, the leader of …"
            ):
                continue
            pending.append((seg, k, titles))

    lone_placed = [_place_context(text, seg.start, lone=True) for seg, _, _, _ in lone_surnames]
    speaking_surnames = {
        seg.lows[k]
        for (seg, k, titles, _), placed in zip(lone_surnames, lone_placed, strict=True)
        if not placed and _person_evidence(text, seg, titles, subject_cue=True)
    }
    _decide_surname_words(text, b, surname_words, pending, speaking_surnames)

    # Pass 2: surnames and titled names link to a full name, or become a person of their own.
    for seg, k, titles in pending:
        strong = any(t in STRONG_TITLES or t in lex.ROLE_TITLES for t in titles)
        if b.resolve_short(seg, k, titles, create=False):
            continue
        if (
            strong
            or _followed_by_cue(text, seg.end)
            or _preceded_by_role(text, seg.start)
            or appositive_subject(text, seg.start, seg.end)
        ):
            if _common_noun_at_start(
                text, seg, k, titles, mid_sentence
            ) and not _noun_appositive_after(text, seg.end):
                # "Protesters called on …", "Crowds shouted …": a capital that only opens a
                # sentence is no name; an apposition makes one ("Vance, the mayor, said")
                continue
            b.resolve_short(seg, k, titles, create=True)
        elif len(seg.lows) - k >= 2 and (
            _role_before(text, seg.start) or _role_after(text, seg.end)
        ):
            b.resolve_short(seg, k, titles, create=True)
    # A lone surname word: the person named "… Park" or "Mr Park", unless it stands where a
    # place does ("the Park", "Central Park"); otherwise an organisation or a place as before.
    # A place is named bare ("Jordan and Syria"), so a place word needs a cue or a role too.
    for (seg, k, titles, titled), placed in zip(lone_surnames, lone_placed, strict=True):
        if (
            not placed
            and (
                seg.lows[k] not in lex.PLACES
                or _person_evidence(text, seg, titles, subject_cue=True)
            )
            and b.resolve_short(seg, k, titles, create=any(t in _NAME_TITLES for t in titles))
        ):
            continue
        if _is_org(seg.lows[k:]) or (_is_org(seg.lows) and not titled):
            b.orgs.append(OrgMention(seg.start, seg.end, " ".join(seg.words)))
    # A role can tell the gender the name did not: "a 40-year-old man", "his spokeswoman".
    for ent in b.entities:
        if not ent.gender and ent.role:
            genders = {lex.GENDERED_ROLES.get(w, "") for w in ent.role.lower().split()} - {""}
            if len(genders) == 1:
                ent.gender = genders.pop()
    _genders_from_pronouns(text, b.entities, b.mentions)
    # Names first seen bare, before their titled or full form: link once more.
    b.mentions.sort(key=lambda m: m.start)
    index = PeopleIndex(b.entities, b.mentions, sorted(b.orgs, key=lambda o: o.start))
    if author:
        index.excluded = _author_entities(index, author)
    return index


def _genders_from_pronouns(text: str, entities: list[Entity], mentions: list[Mention]) -> None:
    """A name of unknown gender takes the gender of the pronouns that follow it.

    "X arrived on Tuesday; her motorcade …": the first he/his/she/her after a mention, in
    the same sentence and before any other name, is a vote, unless a preposition or a verb
    stands before the mention ("like X", "told X"). Votes all one way give the gender.
    """
    starts = [m.start for m in mentions]
    votes: dict[int, list[int]] = {}
    for k, m in enumerate(mentions):
        ent = entities[m.entity]
        if ent.gender:
            continue
        p = _PRONOUN_AFTER.match(text, m.end, m.end + 90)
        if not p:
            continue
        nxt = starts[k + 1] if k + 1 < len(starts) else len(text)
        if nxt < p.start(1):
            continue  # another name stands between
        prev = _WORD_BEFORE.search(text, max(0, m.start - 16), m.start)
        if prev and prev.group(1).lower() in _OBJECT_MARKERS:
            continue  # "Clinton, like Obama, has said she …": not the clause's subject
        v = votes.setdefault(m.entity, [0, 0])
        v[_PRONOUN_GENDER[p.group(1).lower()] == "f"] += 1
    for idx, (male, female) in votes.items():
        if male and not female:
            entities[idx].gender = "m"
        elif female and not male:
            entities[idx].gender = "f"


def _author_entities(index: PeopleIndex, author: str) -> set[int]:
    names = {a.strip().lower() for a in re.split(r",| and ", author[:300]) if a.strip()}
    out = set()
    for i, e in enumerate(index.entities):
        forms = {e.name.lower(), *(a.lower() for a in e.aliases)}
        if forms & names:
            out.add(i)
    return out


def find_people(text: str, *, author: str | None = None) -> tuple[Person, ...]:
    """People named in ``text``, most-mentioned first; quote counts are left at 0."""
    return index_people(text, author).people()
