"""Direct quotations and who said them.

Two steps, both rule-based and linear in the text:

1. ``find_spans`` pairs quotation marks paragraph by paragraph: curly “…”, straight "…"
   (direction from the characters around each mark), ``''…''`` and ````…''``, « », „“.
   Single marks nested inside double ones stay part of the quotation; ‘…’ is a quotation
   mark of its own only in text that has no double marks at all. An unclosed quotation ends
   at its paragraph; a paragraph that reopens with a mark continues the quotation before it.
2. ``find_quotes`` attributes each span: a cue verb ("said", "told", "according to", …)
   after the quotation (“…,” he said / said X) or before it in the same sentence (X said:
   “…”); else the neighbouring quotation in the paragraph, the quotation it continues, or the
   quotation or "X said:" that ends the paragraph before. Pronouns go to the most recent
   person of a fitting gender, descriptors ("the president") to the person or organisation
   they introduced. Scare quotes, titles and nicknames get no speaker and are left out.

Every regular expression is bounded and input is capped at ``MAX_CHARS``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from reader.models import Quote

from . import _lexicon as lex
from .people import Mention, PeopleIndex, _followed_by_cue, appositive_subject, index_people

MAX_CHARS = 200_000
_WINDOW = 400  # how far around a quotation its attribution is looked for
_MASK = "\x01"

_DOUBLE_MARKS = re.compile(r"``|''|[“”„‟\"«»]")
_SINGLE_MARKS = re.compile(r"[‘’]")
_KIND = {
    "“": "curly",
    "”": "curly",
    "„": "curly",
    "‟": "curly",
    '"': "straight",
    "«": "guil",
    "»": "guil",
    "``": "tick",
    "''": "tick",
    "‘": "single",
    "’": "single",
}
_OPEN_BEFORE = frozenset(" \t\n([{—–-/\u00a0")
_CLOSE_AFTER = frozenset(" \t\n.,;:!?)]}—–-…/\u00a0")
_WORD = re.compile(r"[A-Za-z]{1,20}+")
_ALNUM = re.compile(r"[^\W_]")
_SENT_END = re.compile(r"[.!?]{1,3}+[)\]]?(?=[ \t\u00a0]{1,5}+[^a-z\s])")
_TOKEN_RE = re.compile(r"\w+(?:['’]\w+){0,3}+")
_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I)\b")
_DESCRIPTOR = re.compile(
    r"\b(?:[Tt]he|[Aa]n?|[Tt]his|[Tt]hat|[Tt]hese|[Tt]hose|[Oo]ne|[Aa]nother|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome|[Mm]any|"
    r"[Oo]ther|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Mm]y|[Oo]ur|[Yy]our|[A-Z][\w.\-]{1,20}['’]s)[ ]"
    r"((?:[\w’'.\-]{1,24}[ ]){0,4}[\w’'.\-]{1,24})"
)
_BARE_PLURAL = re.compile(r"\b([A-Za-z][a-z\-]{2,20}s)[ ](?=[a-z])")
_CAP_BEFORE = re.compile(r"([A-Z][a-z][\w\-]{0,24}(?:[ ][A-Z][\w\-]{1,24}){0,3})[ ]{1,2}$")
_ROLE_APPOSITIVE_END = re.compile(r",[ ]([^,.;:\n“”\"]{2,120})\.(?:\s|$)")
_PUT_IT = re.compile(r"\bput it\b")
# "Melanie said yes": the cue has its own object and reports no quotation.
_OWN_OBJECT = re.compile(r"[ ](?:yes|no|nothing|little)\b")
# Speaking about something: "went on about “…”", "talked of “…”", "railed against “…”".
_TOPIC_CUE = re.compile(
    r"\b(?:(?:went|go|goes|going)[ ]on|talked|talks|talking|spoke|speaks|speaking|ranted|"
    r"rants|railed|rails|raved|raves)[ ](?:about|of|against)(?=[ ])"
)
_ACCORDING = re.compile(r"\b[Aa]ccording to[ ]")
_INVERTED_LEAD = re.compile(r"[\s,—–\-]{0,6}")
_SIGNATURE = re.compile(r"[ \t\u00a0]{0,3}(?:―|—|–|--)[ \t\u00a0]{0,3}")
_SIGNATURE_NAME = re.compile(r"[A-ZÀ-ÖØ-Þ][\w’'.\-]{0,30}(?:[ ][A-ZÀ-ÖØ-Þ][\w’'.\-]{0,30}){0,4}")
_SIGNATURE_AFTER_MARK = re.compile(r"[”\"».!?’][ \t\u00a0]{0,3}(?:―|—|–|--)[ \t\u00a0]{0,3}")
# A plural group right before a cue: "Mexicans often say", "Many residents say".
_GROUP_BEFORE = re.compile(
    r"(?<![\w’'])((?:[Mm]any|[Mm]ost|[Ss]ome|[Ff]ew|[Aa]ll|[Bb]oth|[Tt]he)[ ])?"
    r"([A-Za-z][a-z\-]{2,24}s)[ ]((?:[a-z]{2,12}[ ]){0,2})$"
)
_GROUP_ENDINGS = ("ans", "ese", "is", "ers", "ists", "ats", "ites")
# A verb within the first words after a subject: "The piece used …", "Smith has a question".
_VERB_NEAR = re.compile(
    r"(?:[ ][\w’'\-]{1,20}){0,3}?[ ](?:[a-z]{2,16}ed|has|had|was|is|read|reads)\b"
)
_LABEL = re.compile(r"([A-Z][A-Z.’'\-]{1,20}(?:[ ][A-Z][A-Z.’'\-]{1,20}){0,2}):[ ]")
_ROLE_LEAD = re.compile(r"(?:[a-z]{1,20}[ ]){0,2}([a-z]{2,20})[ ]")
_NAMING = re.compile(
    r"\b(?:call|calls|called|calling|dub|dubbed|nickname|nicknamed|label|labelled|labeled|"
    r"brand|branded|term|termed|known as|titled|entitled|named)\b"
)
_DESC_STOP = frozenset("with of for in at on to by from about and or but who that which".split())
_DESC_SKIP = frozenset("the a an one another his her their its former current then new".split())
_ROLE_ABBREV = {
    "senator": ("sen", "sen."),
    "representative": ("rep", "rep."),
    "congressman": ("rep", "rep."),
    "congresswoman": ("rep", "rep."),
    "governor": ("gov", "gov."),
    "general": ("gen", "gen."),
    "president": ("pres", "pres."),
    "nominee": ("candidate",),
    "candidate": ("nominee",),
}
# "(R-Ohio)", "(D-Vt.)": the party letter as the word a descriptor uses.
_PARTY_ABBREV = {
    "r": ("republican", "gop"),
    "d": ("democratic", "democrat"),
    "gop": ("republican",),
}
_OBJECT_VERBS = frozenset("tell tells told ask asks asked".split())
_COPULAS = frozenset("was is were are be been then so also".split())
# Between a subject and its cue: "Mr. Kamin said", "she also said", "X, a tax lawyer, said".
_SUBJECT_VERB_GAP = re.compile(
    r"[ ]{0,2}(?:\([^()\n]{1,40}\),?[ ]{0,2})?(?:,[ ][^,\n“”\"]{1,160},[ ]{0,2})?"
    r"((?:[a-z]{2,14}[ ]){0,2})"
)
# Marcia "Cia" Price, Robert C. "Bobby" Scott: a nickname, not a quotation.
_NICKNAME = re.compile(r"[A-Z][a-z]{1,15}")
_CAP_WORD_END = re.compile(r"[A-Z][\w.]{0,20}[ ]$")
# "X -- “…” -- and Y": a quotation set off by dashes right after a name is that person's.
_DASH_BEFORE = re.compile(r"[ \u00a0]{0,2}(?:--|—|–)[ \u00a0]{0,2}$")
_DASH_AFTER = re.compile(r"[,.]?[ \u00a0]{0,2}(?:--|—|–)")
# Plural organisations that speak: "several environmental groups, saying “…”".
_PLURAL_ORG_HEADS = frozenset(
    "groups organizations organisations unions companies firms agencies committees "
    "campaigns".split()
)
# After a name: an appositive or parenthesis, then a past-tense verb (the clause's subject).
_SUBJECT_AFTER = re.compile(
    r"(?:[ ]\([^()\n]{1,30}\))?(?:,[ ][^,\n]{1,120},)?[ ](?:[a-z]{2,12}ly[ ])?[a-z]{2,16}ed\b"
)
# A plural role opening a sentence: "Critics of the EB-5 program, like …".
_PLURAL_SUBJECT = re.compile(
    r"([A-Z][a-z]{2,20})(?:[ ]of[ ](?:the[ ])?[\w\-]{1,20}(?:[ ][a-z]{1,20}){0,2})?"
)
_PREV_WORD = re.compile(r"([A-Za-z]{1,10})[ ]$")
_ADJECTIVE_ENDINGS = ("ing", "al", "ed", "ful", "ous", "ive", "ic", "est")
_PREV_TWO = re.compile(r"([A-Za-z]{1,10})[ ]([a-z]{2,14})[ ]$")
_DETERMINERS = frozenset("the a an this his her its their our my your every each".split())
_GAP = re.compile(r"(?:[A-Za-z.\-]{1,20}[ ]){0,6}")
# A finite auxiliary right after a name makes the name the clause subject: "X was", "X has".
_AUX_AFTER = re.compile(r"[ ](?:was|is|were|are|has|had|have|will|would|could|can|did|does)\b")
# A cue verb (and "that") right before a candidate: "said it would tell …" is reported speech.
_CUE_THEN = re.compile(r"([a-z]{2,14})[ ](?:that[ ])?$")
# A person known only by a gendered noun: "my mother", "a woman who …", "the woman's".
_KIN_NOUNS = (
    "woman|man|mother|father|wife|husband|daughter|son|sister|brother|aunt|uncle|"
    "grandmother|grandfather|girl|boy|widow|widower|niece|nephew|girlfriend|boyfriend|"
    "mom|dad|mum|lady"
)
_GENDERED_DESC = re.compile(
    r"\b([Mm]y|[Oo]ur|[Tt]he|[Aa]n?)[ ](?:[a-z0-9][\w\-]{0,20}[ ]){0,2}(" + _KIN_NOUNS + r")\b"
)
# "Donald Trump’s campaign", "the city’s transit agency": an organisation named by its owner.
_OWNED_ORG = re.compile(
    r"\b(?:[Tt]he[ ])?[A-Z][\w\-]{0,20}(?:[ ](?:[A-Z][\w\-]{0,20}|[A-Z]\.)){0,3}['’]s[ ]"
    r"((?:[a-z][a-z\-]{1,20}[ ]?){1,3})"
)
_APPOSITIVE_LEAD = re.compile(r"(?:[A-Za-z][\w’'\-]{0,20}[ ]){1,4}?[a-z][a-z\-]{2,20},[ ]")
_WRITES_COLON = re.compile(
    r"(?:,[ ][^,.\n“”\"]{2,60},)?[ \u00a0]{1,2}"
    r"(?:reports|reported|writes|wrote|recounts|recounted|describes|described)"
    r"[ ]?:[ \t\n\u00a0]{0,4}"
)
_THIRD_PERSON = re.compile(r"\b(?:[Hh]e|[Hh]is|[Hh]im|[Ss]he|[Hh]er)\b")
_PRONOUN_GENDER = {"he": "m", "his": "m", "him": "m", "she": "f", "her": "f"}
_NAME_NEXT = re.compile(r",?[ ][A-Z][a-z]")
_CLAUSE_OPENERS = frozenset("when while as after because since if that and but".split())
_KIN_GENDER = {"girl": "f", "mom": "f", "mum": "f", "lady": "f", "boy": "m", "dad": "m"}
# "my mother was a registered nurse": a role the text gives the descriptor's person.
_COPULA_ROLE = re.compile(r"[ ](?:was|is)[ ](an?)[ ]((?:[a-z][\w\-]{0,20}[ ]?){1,3})")


@dataclass(slots=True)
class Span:
    """One quotation: ``text[start:end]`` is the content between the marks."""

    start: int
    end: int
    open_at: int  # position of the opening mark
    close_end: int  # position just after the closing mark (or the content end if unclosed)
    para: int  # paragraph number
    closed: bool
    continues: int | None = None  # index of the span this one continues (next paragraph)


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    kind: str  # "person", "pronoun", "desc", "org"
    value: str  # entity index as text, pronoun, head noun, or org name


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            out.append((pos, end))
        pos = end + 1
    return out


def _direction(text: str, i: int, j: int, a: int, z: int) -> tuple[bool, bool]:
    """(looks like an opening mark, looks like a closing mark) from the neighbours."""
    prev = text[i - 1] if i > a else " "
    nxt = text[j] if j < z else " "
    open_ctx = (prev in _OPEN_BEFORE or prev in "“‘\"'") and nxt not in " \t\u00a0"
    close_ctx = prev not in " \t\u00a0" and (nxt in _CLOSE_AFTER or nxt in "”’\"'")
    return open_ctx, close_ctx


def find_spans(text: str) -> list[Span]:
    """Every quotation span in ``text`` (see the module docstring for the rules)."""
    text = text[:MAX_CHARS]
    single_mode = not _DOUBLE_MARKS.search(text) and "‘" in text
    mark_re = _SINGLE_MARKS if single_mode else _DOUBLE_MARKS
    spans: list[Span] = []
    for pno, (a, z) in enumerate(_paragraphs(text)):
        marks = [(m.start(), m.end(), m.group()) for m in mark_re.finditer(text, a, z)]
        if not marks:
            continue
        kinds_left: dict[str, int] = {}
        for _, _, g in marks:
            kinds_left[_KIND[g]] = kinds_left.get(_KIND[g], 0) + 1
        cur: tuple[int, int, str] | None = None  # (mark start, content start, kind)
        first_in_para = True
        for i, j, g in marks:
            kind = _KIND[g]
            kinds_left[kind] -= 1
            o, c = _direction(text, i, j, a, z)
            if g in "„‟«`":
                o, c = True, False
            elif g == "“":
                prev_ch = text[i - 1] if i > a else " "
                c = prev_ch not in " \t\u00a0" and not (j < z and text[j].isalnum())
                o = not c
            elif g in "”»":
                prev_ch = text[i - 1] if i > a else " "
                o = (prev_ch in _OPEN_BEFORE) and j < z and text[j].isalnum()
                c = not o
            elif single_mode and g == "’":
                o = False
                c = c and (j >= z or not text[j].isalpha())
            elif single_mode and g == "‘":
                o, c = (o or not c), False
            if cur is None:
                if o or (not c and kind in ("straight", "tick")):
                    cur = (i, j, kind)
                    if first_in_para and i - a <= 1 and spans and not spans[-1].closed:
                        cont = len(spans) - 1
                    else:
                        cont = None
                    pending_cont = cont
                first_in_para = False
                continue
            start_mark, content_start, ckind = cur
            closes = False
            if kind == ckind:
                closes = c or not o or kind in ("straight", "tick")
                if kind == "curly" and g in "“„" and not c:
                    closes = False
            elif c and kinds_left.get(ckind, 0) == 0 and kind != "single":
                closes = True
            if closes:
                spans_add(spans, text, start_mark, content_start, i, j, pno, True, pending_cont)
                cur = None
        if cur is not None:
            start_mark, content_start, _ = cur
            spans_add(spans, text, start_mark, content_start, z, z, pno, False, pending_cont)
    return spans


def spans_add(
    spans: list[Span],
    text: str,
    open_at: int,
    cstart: int,
    cend: int,
    close_end: int,
    para: int,
    closed: bool,
    cont: int | None,
) -> None:
    """Trim the content's white space and keep the span when it holds a word."""
    while cstart < cend and text[cstart].isspace():
        cstart += 1
    while cend > cstart and text[cend - 1].isspace():
        cend -= 1
    if cend <= cstart or not _ALNUM.search(text, cstart, cend):
        return
    if (
        _NICKNAME.fullmatch(text, cstart, cend)
        and text[close_end : close_end + 1] == " "
        and text[close_end + 1 : close_end + 2].isupper()
        and _CAP_WORD_END.search(text, max(0, open_at - 22), open_at)
    ):
        return
    if cont is not None and (cont >= len(spans) or spans[cont].para != para - 1):
        cont = None
    spans.append(Span(cstart, cend, open_at, close_end, para, closed, cont))


class _Attributor:
    def __init__(self, text: str, spans: list[Span], index: PeopleIndex) -> None:
        self.text = text
        self.spans = spans
        self.index = index
        pieces = []
        last = 0
        for s in spans:
            pieces.append(text[last : s.start])
            pieces.append(_MASK * (s.end - s.start))
            last = s.end
        pieces.append(text[last:])
        self.masked = "".join(pieces)
        self.paras = _paragraphs(text)
        self.para_starts = [p[0] for p in self.paras]
        self.bounds = self._sentence_bounds()
        self.bound_set = set(self.bounds)
        self.cue_list = self._all_cues()
        self.cue_starts = [c[0] for c in self.cue_list]
        self.last_speaker: tuple[int, int] | None = None  # (position, entity)
        self._kin: list[tuple[int, int, str, str]] | None = None
        self._kin_first: dict[str, int] | None = None
        self._kin_roles: dict[tuple[str, str], str] = {}
        self.by_name: dict[str, int] = {}
        self.by_surname: dict[str, int] = {}
        for i, e in enumerate(index.entities):
            self.by_name.setdefault(e.name, i)
            self.by_surname.setdefault(e.surname, i)

    def _sentence_bounds(self) -> list[int]:
        t = self.masked
        out = [a for a, _ in self.paras]
        for m in _SENT_END.finditer(t):
            p = m.start()
            k = p
            while k > 0 and (t[k - 1].isalpha() or t[k - 1] == "."):
                k -= 1
                if p - k > 12:
                    break
            word = t[k:p].lower()
            if word in lex.ABBREVIATIONS or len(word) == 1 or "." in word:
                continue
            out.append(m.end())
        for s in self.spans:
            if not s.closed:
                continue
            k = s.end - 1
            if self.text[k] in ".!?":
                n = s.close_end
                while n < len(t) and t[n] in " \t\u00a0":
                    n += 1
                if n >= len(t) or t[n] == "\n" or t[n].isupper() or t[n] in "“\"'‘«":
                    out.append(s.close_end)
        out.sort()
        return out

    def sentence(self, a: int, z: int) -> tuple[int, int]:
        """The sentence around ``[a, z)``, clipped to its paragraph."""
        p = bisect_right(self.para_starts, a) - 1
        pa, pz = self.paras[max(p, 0)]
        i = bisect_right(self.bounds, a) - 1
        s0 = max(self.bounds[i] if i >= 0 else pa, pa)
        j = bisect_left(self.bounds, z)
        s1 = min(self.bounds[j] if j < len(self.bounds) else pz, pz)
        return s0, max(s1, z)

    def end_after(self, pos: int) -> int:
        """The end of the sentence that starts at or runs past ``pos`` (same paragraph)."""
        p = bisect_right(self.para_starts, pos) - 1
        pz = self.paras[max(p, 0)][1]
        j = bisect_right(self.bounds, pos)
        return min(self.bounds[j] if j < len(self.bounds) else pz, pz)

    # candidates ---------------------------------------------------------------------------
    def candidates(self, a: int, z: int) -> list[_Cand]:
        t = self.masked
        out: list[_Cand] = []
        taken: list[tuple[int, int]] = []
        for m in self.index.mentions_between(a, z):
            if m.end <= z and t[m.start] != _MASK and t[m.end : m.end + 2] not in ("’s", "'s"):
                out.append(_Cand(m.start, m.end, "person", str(m.entity)))
                taken.append((m.start, m.end))
        for o in self.index.orgs_between(a, z):
            if o.end <= z and t[o.start] != _MASK:
                out.append(_Cand(o.start, o.end, "org", o.name))
                taken.append((o.start, o.end))
        for m in _PRONOUN.finditer(t, a, z):
            out.append(_Cand(m.start(), m.end(), "pronoun", m.group().lower()))
        for m in _DESCRIPTOR.finditer(t, a, z):
            if (
                t.startswith("that ", m.start())
                and t[max(0, m.start() - 2) : m.start()].strip(" ")[-1:].isalpha()
            ):
                continue  # "rules that allow companies", "said that analysts": no "that official"
            pos = m.start(1)
            for word in m.group(1).split(" "):
                head = word.rstrip(".,;:")
                if head.islower() and (
                    head in lex.ROLE_NOUNS
                    or head in lex.ORG_NOUNS
                    or head in _PLURAL_ORG_HEADS
                    or (head[-1:] == "s" and head[:-1] in lex.ROLE_NOUNS)  # "their attorneys"
                ):
                    end = pos + len(head)
                    if not any(s <= m.start() < e or m.start() <= s < end for s, e in taken):
                        out.append(_Cand(m.start(), end, "desc", head))
                    break
                if head.lower() in _DESC_STOP:
                    break  # "a forum with military leaders": the phrase ended at "with"
                pos += len(word) + 1
        for m in _BARE_PLURAL.finditer(t, a, z):
            if m.group(1).lower() in lex.ROLE_NOUNS:
                if not any(s <= m.start() < e for s, e in taken):
                    out.append(_Cand(m.start(), m.end(1), "desc", m.group(1).lower()))
        out.sort(key=lambda c: (c.start, -c.end))
        return out

    def _all_cues(self) -> list[tuple[int, int, str]]:
        """Every cue verb outside quotations, found in one pass over the text."""
        t = self.masked
        out = []
        for m in _WORD.finditer(t):
            w = m.group()
            if w.islower():
                if (
                    w in lex.CUE_VERBS
                    and not self.noun_use(m.start(), m.end(), w)
                    and not _OWN_OBJECT.match(t, m.end(), m.end() + 10)
                ):
                    out.append((m.start(), m.end(), w))
            elif w[0].isupper() and w[1:].islower() and w.lower() in lex.SPEECH_VERBS:
                out.append((m.start(), m.end(), w.lower()))
        for m in _ACCORDING.finditer(t):
            out.append((m.start(), m.end(), "according to"))
        for m in _PUT_IT.finditer(t):  # "as X put it, “…”"
            out.append((m.start(), m.end(), "put it"))
        for m in _TOPIC_CUE.finditer(t):  # "as Trump went on about “…”"
            out.append((m.start(), m.end(), "spoke about"))
        out.sort()
        return out

    def noun_use(self, a: int, z: int, w: str) -> bool:
        """A cue word used as a noun: "the state", "state Del. X", "a report"."""
        t = self.masked
        if w in ("state", "states") and t[z : z + 1] == " " and t[z + 1 : z + 2].isupper():
            return True
        if w.endswith(("ing", "ed")):
            return False
        prev = _PREV_WORD.search(t, max(0, a - 12), a)
        if prev and prev.group(1).lower() in _DETERMINERS:
            return True
        # "his closing remarks": a determiner and a modifier before a plural.
        two = _PREV_TWO.search(t, max(0, a - 30), a)
        return (
            bool(two)
            and w.endswith("s")
            and two.group(1).lower() in _DETERMINERS
            and two.group(2).endswith(_ADJECTIVE_ENDINGS)
            and two.group(2) not in lex.ROLE_NOUNS
            and two.group(2) not in lex.ORG_NOUNS
        )

    def cues(self, a: int, z: int) -> list[tuple[int, int, str]]:
        """Cue verbs starting in ``[a, z)`` and ending by ``z``."""
        i = bisect_left(self.cue_starts, a)
        j = bisect_left(self.cue_starts, z)
        return [c for c in self.cue_list[i:j] if c[1] <= z]

    # resolution ---------------------------------------------------------------------------
    def resolve(self, c: _Cand) -> str | None:
        if c.kind == "person":
            return self.index.entities[int(c.value)].name
        if c.kind == "org":
            return c.value
        if c.kind == "name":
            return self.name_to_person(c.value)
        if c.kind == "group":
            return c.value
        if c.kind == "pronoun":
            return self.resolve_pronoun(c.start, c.value)
        return self.resolve_descriptor(c)

    def name_to_person(self, name: str) -> str:
        """A bare name (a transcript label, a signature) as the full name of a known person."""
        last = name.split()[-1].lower().strip(".")
        idx = self.by_surname.get(last)
        if idx is not None:
            return self.index.entities[idx].name
        return name.title() if name.isupper() else name

    def is_subject(self, m: Mention) -> bool:
        """Not an object: "work for Obama", "praised Russian president Vladimir Putin"."""
        t = self.masked
        if t[m.end : m.end + 2] in ("’s", "'s"):
            return False
        if _followed_by_cue(t, m.end) or appositive_subject(t, m.start, m.end):
            return True
        if _AUX_AFTER.match(t, m.end, m.end + 12) and self.opens_clause(m.start):
            return True  # "In a statement, nominee X was more circumspect"
        app = _ROLE_APPOSITIVE_END.match(t, m.end, m.end + 130)
        if app and any(w in lex.ROLE_NOUNS for w in app.group(1).lower().split()[:5]):
            return True  # "…, Henry Crespo, president of the caucus." introduces a speaker
        lo = max(0, m.start - 80, t.rfind("\n", max(0, m.start - 80), m.start) + 1)
        words = t[lo : m.start].split()
        while (
            words
            and not words[-1].endswith(",")
            and not _ends_sentence(words[-1])
            and (
                words[-1][:1].isupper()
                or words[-1].lower() in lex.ROLE_NOUNS
                or words[-1].lower() in lex.HONORIFICS
            )
        ):
            words.pop()
        if not words:
            return True
        w = words[-1].lower()
        if not w.isalpha():
            return True
        if w in _COPULAS:
            return True
        # "…, noted NBC’s Dante Chinni.": the inverted subject of a speech verb.
        return (
            w in lex.SPEECH_VERBS
            and w not in _OBJECT_VERBS
            and len(words) >= 2
            and not words[-2][-1:].isalnum()
            and t[m.end : m.end + 2] not in ("’s", "'s")
        )

    def opens_clause(self, pos: int) -> bool:
        """Only titles, roles and one modifier stand between ``pos`` and a clause start."""
        words = self.masked[max(0, pos - 80) : pos].split()
        while words and (words[-1][:1].isupper() or words[-1].lower() in lex.ROLE_NOUNS):
            if words[-1].endswith(","):
                break
            words.pop()
        if words and words[-1].isalpha() and words[-1].islower():
            words.pop()  # "presidential nominee X"
        return not words or words[-1].endswith((",", ".", ":", ";", "\n"))

    def resolve_pronoun(self, pos: int, pronoun: str) -> str | None:
        t = self.masked
        if pronoun in ("he", "she"):
            want = "m" if pronoun == "he" else "f"
            kin = self.kin_referent(pos, want)
            if kin is not None:
                return kin
            fallback: str | None = None
            last = self.last_speaker
            for m in self.index.mentions_before(pos, 60):
                if t[m.start] == _MASK:
                    continue
                ent = self.index.entities[m.entity]
                if ent.gender not in ("", want):
                    continue
                if fallback is None and self.possessive_in_sentence(m, pos):
                    return ent.name  # "X's advice earned him a hearing, where he said …"
                if last is not None and last[0] > m.end and pos - last[0] < 1500:
                    spk = self.index.entities[last[1]]
                    if spk.gender in ("", want):
                        return spk.name
                if fallback is None:
                    fallback = ent.name
                if self.is_subject(m):
                    return ent.name
            return fallback
        if pronoun == "they":
            return self.plural_subject(pos)
        if pronoun == "it":
            owned = self.owned_org(pos)
            for o in reversed(self.index.orgs_between(max(0, pos - 400), pos)):
                if t[o.start] != _MASK:
                    if owned is not None and owned[0] > o.start:
                        break
                    return o.name
            return owned[1] if owned else None
        return None

    def owned_org(self, pos: int) -> tuple[int, str] | None:
        """ "Trump’s campaign is defending …. It’s denouncing …": the owner's organisation.

        The last "X’s <organisation noun>" that opens a clause in the sentence of ``pos`` or
        the one before it.
        """
        s0, _ = self.sentence(pos, pos)
        p0, _ = self.sentence(max(0, s0 - 1), max(0, s0 - 1))
        best = None
        for m in _OWNED_ORG.finditer(self.masked, max(p0, pos - 400), pos):
            if not self.opens_clause_at(m.start()):
                continue
            k = m.start(1)
            for w in m.group(1).split(" "):
                if w in lex.ORG_NOUNS:
                    best = (m.start(), self.masked[m.start() : k + len(w)])
                    break
                k += len(w) + 1
        return best

    def kin_list(self) -> list[tuple[int, int, str, str]]:
        """Every "my mother", "a woman", "the man" outside quotations: (start, end, det, noun)."""
        if self._kin is None:
            self._kin = [
                (m.start(), m.end(), m.group(1).lower(), m.group(2))
                for m in _GENDERED_DESC.finditer(self.masked)
            ]
        return self._kin

    def kin_referent(self, pos: int, want: str) -> str | None:
        """ "she said" for a woman known only as "my mother" or "a woman who …": that phrase.

        The nearest such phrase of the pronoun's gender within a few sentences wins when it
        opens a clause, is not followed by a name, and no person who might fit is named (or
        has spoken) between it and the pronoun. "the woman" counts only after "a woman".
        """
        kin = self.kin_list()
        t = self.masked
        i = bisect_left(kin, (pos,)) - 1
        lo = pos - 700 - self.masked.count(_MASK, max(0, pos - 2000), pos)  # quotations aside
        while i >= 0 and kin[i][0] >= lo:
            a, z, det, noun = kin[i]
            i -= 1
            if z > pos or (lex.GENDERED_ROLES.get(noun) or _KIN_GENDER.get(noun)) != want:
                continue
            if _NAME_NEXT.match(t, z, z + 4):
                continue  # "his wife, Melania": the name is the referent
            if not self.opens_clause_at(a):
                continue
            if det == "the" and self.first_indefinite().get(noun, i + 1) > i:
                continue  # "the man" with no "a man" before it is someone named
            s0, _ = self.sentence(a, a)
            writers = set()
            for m in self.index.mentions_between(s0, pos):
                if t[m.start] != _MASK and self.index.entities[m.entity].gender in ("", want):
                    if not self.narrates(m.end, want):
                        return None
                    writers.add(m.entity)
            last = self.last_speaker
            if last is not None and a < last[0] < pos and last[1] not in writers:
                return None
            return self.kin_label(det, noun, t[a:z])
        return None

    def narrates(self, end: int, want: str) -> bool:
        """ "McCrummen reports: “The first time she had seen him, …”": a writer quoted telling
        of someone else, whose pronouns fill the passage, is not the "she" that follows."""
        cue = _WRITES_COLON.match(self.masked, end, end + 90)
        if not cue:
            return False
        k = bisect_left(self.spans, cue.end(), key=lambda sp: sp.open_at)
        if k >= len(self.spans) or self.spans[k].open_at > cue.end() + 4:
            return False
        sp = self.spans[k]
        words = _THIRD_PERSON.findall(self.text, sp.start, min(sp.end, sp.start + 3000))
        return sum(1 for w in words if _PRONOUN_GENDER.get(w.lower()) == want) >= 3

    def first_indefinite(self) -> dict[str, int]:
        """The index in ``kin_list`` of the first "a"/"an" phrase of each noun."""
        if self._kin_first is None:
            self._kin_first = {}
            for j, (_a, _z, det, noun) in enumerate(self.kin_list()):
                if det in ("a", "an"):
                    self._kin_first.setdefault(noun, j)
        return self._kin_first

    def kin_label(self, det: str, noun: str, phrase: str) -> str:
        """ "my mother", or "my mother, a registered nurse" when the text says she was one."""
        label = phrase[0].lower() + phrase[1:]
        if (det, noun) not in self._kin_roles:  # once per phrase: pronouns can be many
            role = ""
            for _a, z, d, n in self.kin_list():
                if d != det or n != noun:
                    continue
                m = _COPULA_ROLE.match(self.masked, z, z + 60)
                if not m:
                    continue
                words = m.group(2).split()
                found = next(
                    (
                        k
                        for k, w in enumerate(words)
                        if w in lex.ROLE_NOUNS and w not in lex.GENDERED_ROLES
                    ),
                    None,
                )
                if found is not None:
                    role = f", {m.group(1)} {' '.join(words[: found + 1])}"
                    break
            self._kin_roles[(det, noun)] = role
        return label + self._kin_roles[(det, noun)]

    def opens_clause_at(self, a: int) -> bool:
        """Only a clause break or a subordinator stands before ``a``: "when my mother …"."""
        if a in self.bound_set:
            return True
        prev = _PREV_WORD.search(self.masked, max(0, a - 12), a)
        if prev is not None:
            return prev.group(1).lower() in _CLAUSE_OPENERS
        before = self.masked[max(0, a - 3) : a].rstrip(" ")
        return not before or before[-1] in ",;:\n.—”\"'’"

    def possessive_in_sentence(self, m: Mention, pos: int) -> bool:
        """``m`` is "X's" in the sentence that holds ``pos`` and the only person named in it."""
        if self.masked[m.end : m.end + 2] not in ("’s", "'s"):
            return False
        s0, _ = self.sentence(pos, pos)
        return m.start >= s0 and not any(
            o.entity != m.entity for o in self.index.mentions_between(s0, pos)
        )

    def plural_subject(self, pos: int) -> str | None:
        """ "they wrote" after "Critics of the program, like …, see …": the plural subject."""
        a = max(0, pos - 600)
        best = None
        for m in _PLURAL_SUBJECT.finditer(self.masked, a, pos):
            head = m.group(1).lower()
            if head in lex.ROLE_NOUNS and head.endswith("s") and m.start() in self.bound_set:
                best = (m.start(), m.group().rstrip(" ,"))
        # "The city's transit workers met on Monday. They said: …": a plural descriptor.
        for b in reversed(self.bounds[bisect_left(self.bounds, a) : bisect_left(self.bounds, pos)]):
            if best is not None and b <= best[0]:
                break
            d = _DESCRIPTOR.match(self.masked, b, min(pos, b + 120))
            if d is None:
                continue
            k = d.start(1)
            for word in d.group(1).split(" "):
                low = word.rstrip(".,;:")
                if low.lower() in _DESC_STOP or not low.islower():
                    break
                if low in _PLURAL_ORG_HEADS or (low[-1:] == "s" and low[:-1] in lex.ROLE_NOUNS):
                    return self.masked[b : k + len(low)]
                k += len(word) + 1
            break
        return best[1] if best else None

    def context_words(self, idx: int) -> set[str]:
        """Lower-case words of an entity's role, aliases and the text around its mentions."""
        ent = self.index.entities[idx]
        out = {w.lower() for a in (ent.role or "", *ent.aliases) for w in _TOKEN_RE.findall(a)}
        n = 0
        for m in self.index.mentions:
            if m.entity == idx:
                # "Vermont Sen. X (D-Vt.)": the words just before, back to a clause break,
                # and just after the name.
                pre = self.text[max(0, m.start - 40) : m.start]
                cut = max(pre.rfind(","), pre.rfind(")"), pre.rfind(" and "), pre.rfind("\n"))
                pre = pre[cut + 1 :]
                post = self.text[m.end : m.end + 30].split(")")[0]
                out.update(w.lower() for w in _TOKEN_RE.findall(pre + " " + post))
                n += 1
                if n >= 6:
                    break
        for w in list(out):
            out.update(_PARTY_ABBREV.get(w, ()))
        return out

    def resolve_descriptor(self, c: _Cand) -> str | None:
        head = c.value
        text = self.text[c.start : c.end]
        if head in lex.ROLE_NOUNS:
            # "the Vermont senator": the nearest person with that role, preferring one whose
            # role, aliases or mentions carry the descriptor's other words (state, party).
            mods = {
                w.lower()
                for w in text.replace("’s", "").replace("'s", "").split()[:-1]
                if len(w) > 2 and w.lower() not in _DESC_SKIP
            }
            heads = {head, *_ROLE_ABBREV.get(head, ())}
            fitting: list[int] = []
            for m in self.index.mentions_before(c.start, 80):
                if m.entity in fitting:
                    continue
                ent = self.index.entities[m.entity]
                words = {
                    w.strip(".,").lower() for a in (ent.role or "", *ent.aliases) for w in a.split()
                }
                if heads & words:
                    fitting.append(m.entity)
            if not fitting:
                return text
            if mods:
                for idx in fitting:
                    if mods & self.context_words(idx):
                        return self.index.entities[idx].name
            return self.index.entities[fitting[0]].name
        if head in lex.ORG_NOUNS:
            orgs = self.index.orgs_between(max(0, c.start - 3000), c.start)
            if orgs and head in ("newspaper", "daily", "paper", "tabloid", "agency", "network"):
                return orgs[-1].name
            return text
        return text

    # attribution patterns -------------------------------------------------------------------
    def after(self, s: Span, s1: int) -> tuple[_Cand, str] | None:
        """“…,” he said / “…,” said X / “…,” X, a spokesman, told Reuters."""
        a = s.close_end
        z = min(s1, a + 260)
        if a >= z:
            return None
        lead = _INVERTED_LEAD.match(self.masked, a, z)
        p0 = lead.end() if lead else a
        cues = self.cues(p0, z)
        if not cues:
            return None
        cands = self.candidates(p0, z)
        first_cue = cues[0]
        if first_cue[0] == p0:
            after_cue = [
                c
                for c in cands
                if first_cue[1] <= c.start <= first_cue[1] + 16
                or (c.start <= first_cue[1] + 80 and self.role_prefix(first_cue[1], c.start))
            ]
            if after_cue:
                return after_cue[0], first_cue[2]
            return self.name_after(first_cue[1], z, first_cue[2])
        if not cands or cands[0].start >= first_cue[0]:
            nb = self.name_before(p0, first_cue[0])
            if nb is not None and nb.start == p0 and first_cue[2] not in lex.WEAK_CUES:
                return nb, first_cue[2]  # “…,” Jordan said.
        if not cands:
            return None
        near = self.subject_before_cue(cands, cues, p0)
        if near is not None:
            return near
        subj = cands[0]
        if (
            subj.kind == "person"
            and subj.start > p0 + 1
            and appositive_subject(self.masked, subj.start, subj.end)
            and _APPOSITIVE_LEAD.fullmatch(self.masked, p0, subj.start)
        ):
            return subj, first_cue[2]  # “…,” her longtime rival, X, said.
        if subj.start > p0 + 1:
            gap = _GAP.match(self.masked, p0, subj.start)
            if not gap or gap.end() != subj.start or "\n" in self.masked[p0 : subj.start]:
                return None
            if any(w in lex.SUBORDINATORS for w in gap.group().lower().split()):
                return None
        for cs, _ce, w in cues:
            if cs >= subj.end:
                if w == "according to":
                    continue
                if w in lex.WEAK_CUES:
                    return None
                return subj, w
        return None

    def role_prefix(self, a: int, z: int) -> bool:
        """Only a title or role stands in ``[a, z)``: "said European Council President "."""
        words = self.masked[a:z].split()
        return bool(words) and all(
            (w[:1].isupper() and w.rstrip(".").isalpha())
            or w in lex.ROLE_NOUNS
            or w in lex.HONORIFICS
            for w in words
        )

    def subject_before_cue(
        self, cands: list[_Cand], cues: list[tuple[int, int, str]], p0: int
    ) -> tuple[_Cand, str] | None:
        """The mention right before the first cue: “…” of the plan, Mr. Kamin said."""
        cue = next((c for c in cues if c[2] != "according to"), None)
        if cue is None or cue[2] in lex.WEAK_CUES:
            return None
        t = self.masked
        if "\n" in t[p0 : cue[0]] or _MASK in t[p0 : cue[0]]:
            return None
        for subj in reversed([c for c in cands if c.end <= cue[0]]):
            lead = t[p0 : subj.start].lower().split()
            if lead != ["as"] and any(w in lex.SUBORDINATORS for w in lead):
                return None  # "“…,” as a memo put it": "as" opens the speaker's clause
            gap = _SUBJECT_VERB_GAP.fullmatch(t, subj.end, cue[0])
            if not gap:
                continue
            words = gap.group(1).split()
            if any(w not in lex.ADVERBS_BEFORE_CUE and not w.endswith("ly") for w in words):
                continue
            return subj, cue[2]
        return None

    def before(self, s: Span, s0: int) -> tuple[_Cand, str] | None:
        """X said: “…” / X told reporters that “…” / according to X, “…”."""
        z = s.open_at
        a = max(s0, z - 400)
        if a >= z:
            return None
        cues = self.cues(a, z)
        if not cues:
            return None
        cands = self.candidates(a, z)
        for cs, ce, w in reversed(cues):
            if w == "according to":
                follow = [c for c in cands if ce <= c.start <= ce + 16]
                if follow:
                    return follow[0], w
                continue
            if w == "spoke about" and s.end > s.start and _is_title(self.text, s):
                continue  # "talking about “Collapse: How Societies Fail”": a book, not words
            prior = [c for c in cands if c.end <= cs]
            if not prior or prior[-1].end < cs - 3:
                # "Russia insisted that …", "Jordan said", "Mexicans often say"
                subj = self.name_before(a, cs) or self.group_before(a, cs)
                if subj is not None:
                    prior.append(subj)
            strong = [c for c in prior if c.kind in ("person", "pronoun", "name")]
            if prior and self.inside_report(prior[-1], a):
                continue  # "X said it would tell …, “…”": the subject of the outer cue
            if prior and self.right_before(prior[-1], cs):
                return prior[-1], w  # "If we …, a reader would now ask: “…”"
            if strong:
                # "X sings to Y before asking her, “…”": the subject, not the object.
                for c in reversed(strong):
                    if c.kind != "person" or self.is_subject(Mention(c.start, c.end, int(c.value))):
                        return c, w
                lead = self.clause_subject(prior, a, cs, w)
                return lead or strong[-1], w
            if prior:
                return prior[-1], w
            follow = [c for c in cands if ce <= c.start <= ce + 16 and c.kind != "pronoun"]
            if follow:
                return follow[0], w
            named = self.name_after(ce, z, w)
            if named:
                return named
        return None

    def right_before(self, c: _Cand, cs: int) -> bool:
        """``c`` stands right before the cue, with at most adverbs between: "X now asks"."""
        gap = _SUBJECT_VERB_GAP.fullmatch(self.masked, c.end, cs)
        if not gap or self.masked[c.end : c.end + 1] == ",":
            return False
        words = gap.group(1).split()
        return all(w in lex.ADVERBS_BEFORE_CUE or w.endswith("ly") for w in words)

    def clause_subject(self, prior: list[_Cand], a: int, cs: int, w: str) -> _Cand | None:
        """“Groups granted X an extension, saying “…”": a participle's subject opens the clause."""
        if not w.endswith("ing") or self.masked[cs - 2 : cs] != ", ":
            return None
        first = prior[0] if prior else None
        if first is None or first.kind not in ("desc", "org"):
            return None
        lead = self.masked[a : first.start]
        if lead.strip() and not lead.rstrip().endswith(","):
            return None
        return first

    def inside_report(self, c: _Cand, a: int) -> bool:
        """A candidate that is the subject of a clause reported by an earlier cue verb."""
        m = _CUE_THEN.search(self.masked, max(a, c.start - 22), c.start)
        return bool(m) and m.group(1) in lex.SPEECH_VERBS and c.kind in ("pronoun", "org")

    def name_before(self, a: int, cs: int) -> _Cand | None:
        """A capitalised subject right before a cue that the people pass left out."""
        m = _CAP_BEFORE.search(self.masked, max(a, cs - 80), cs)
        if not m:
            return None
        words = m.group(1).split()
        if words[0].lower() in lex.STOP_CAPS or words[-1].lower() in lex.STOP_CAPS:
            return None
        k = m.start(1)
        if k > 0 and self.masked[k - 1 : k] not in (" ", "\n", ","):
            return None
        return _Cand(k, m.end(1), "name", m.group(1))

    def group_before(self, a: int, cs: int) -> _Cand | None:
        """A group as the subject right before a cue: "Mexicans often say", "many voters say"."""
        m = _GROUP_BEFORE.search(self.masked, max(a, cs - 70), cs)
        if not m or any(w not in lex.ADVERBS_BEFORE_CUE for w in m.group(3).split()):
            return None
        word = m.group(2)
        low = word.lower()
        if word[0].isupper():
            if not low.endswith(_GROUP_ENDINGS) or low in lex.PLACES:
                return None
        elif low not in lex.ROLE_NOUNS and low[:-1] not in lex.ROLE_NOUNS and low != "people":
            return None
        lead = self.masked[max(a, m.start() - 2) : m.start()]
        if m.group(1) is None and lead.strip() not in ("", ",", ";", ":") and m.start() > a:
            return None  # "… attacked Republicans say": not where a subject stands
        return _Cand(m.start(), m.end(2), "group", m.group(0)[: m.end(2) - m.start()])

    def name_after(self, pos: int, z: int, cue: str) -> tuple[_Cand, str] | None:
        """An unknown capitalised name right after an inverted cue: 'said Burman'."""
        if self.masked[pos : pos + 1] != " ":
            return None
        pos += 1
        role = _ROLE_LEAD.match(self.masked, pos, min(z, pos + 60))
        if role and role.group(1).lower() in lex.ROLE_NOUNS:
            pos = role.end()
        n = _SIGNATURE_NAME.match(self.masked, pos, min(z, pos + 100))
        if not n:
            return None
        name = n.group().rstrip(".,")
        if name.split()[0].lower() in lex.STOP_CAPS:
            return None
        return _Cand(n.start(), n.start() + len(name), "name", name), cue

    def label(self, s: Span) -> tuple[_Cand, str] | None:
        """A transcript line: "PENCE: Well, look, ..."."""
        m = _LABEL.match(self.text, s.start, min(s.end, s.start + 70))
        if not m:
            return None
        return _Cand(m.start(1), m.end(1), "name", m.group(1)), "label"

    def signature(self, s: Span) -> tuple[_Cand, str] | None:
        """A reader's or a poster's quote signed after a dash: “…” ― Ariana Huichapa."""
        m = _SIGNATURE.match(self.text, s.close_end, s.close_end + 8)
        if not m or m.end() == s.close_end:
            return None
        n = _SIGNATURE_NAME.match(self.text, m.end(), m.end() + 120)
        if not n:
            return None
        return _Cand(n.start(), n.end(), "name", n.group().rstrip(".")), "signed"

    def paragraph_signature(self, s: Span) -> tuple[_Cand, str] | None:
        """A paragraph that opens with a quotation and closes with “…” ― Name is Name's."""
        if s.para >= len(self.paras):
            return None
        pa, pz = self.paras[s.para]
        if s.open_at - pa > 1:
            return None
        last = None
        for m in _SIGNATURE_AFTER_MARK.finditer(self.text, max(s.close_end, pz - 120), pz):
            last = m
        if last is None:
            return None
        n = _SIGNATURE_NAME.match(self.text, last.end(), pz)
        if not n or self.text[n.end() : pz].strip(" .\t\u00a0"):
            return None
        return _Cand(n.start(), n.end(), "name", n.group().rstrip(".")), "signed"

    def colon_subject(self, s: Span, s0: int) -> tuple[_Cand, str] | None:
        """“…” after "The piece used her words as its headline:": the sentence's subject."""
        lead = self.masked[s0 : s.open_at].rstrip()
        if not lead.endswith(":") or _MASK in lead or "\n" in lead:
            return None
        k = s0 + len(lead) - len(lead.lstrip())
        cands = self.candidates(k, s0 + len(lead))
        if not cands or cands[0].start != k or cands[0].kind == "pronoun":
            return None
        first = cands[0]
        if first.kind == "person" and not self.is_subject(
            Mention(first.start, first.end, int(first.value))
        ):
            return None
        rest = self.masked[first.end : s0 + len(lead) - 1]
        if not rest.strip() or not _VERB_NEAR.match(rest):
            return None  # "Smith: “…”" is a label, left to the other rules
        return first, "colon"

    def dashed(self, s: Span) -> tuple[_Cand, str] | None:
        """Sen. X -- “…” -- and Y: the name right before the opening dash speaks."""
        d = _DASH_BEFORE.search(self.masked, max(0, s.open_at - 8), s.open_at)
        if not d or not _DASH_AFTER.match(self.masked, s.close_end, s.close_end + 6):
            return None
        for m in self.index.mentions_before(d.start(), 2):
            if m.end == d.start() and self.masked[m.start] != _MASK:
                return _Cand(m.start, m.end, "person", str(m.entity)), "dash"
        return None

    def according_in(self, a: int, z: int) -> tuple[_Cand, str] | None:
        for _cs, ce, w in self.cues(a, z):
            if w == "according to":
                follow = self.candidates(ce, min(z, ce + 80))
                if follow and follow[0].start <= ce + 4:
                    return follow[0], "according to"
        return None


def _ends_sentence(word: str) -> bool:
    """ "School." ends a sentence; "Mr.", "Sen." and the initial "H." do not."""
    if word[-1:] not in ".!?":
        return False
    bare = word.rstrip(".!?").lower()
    return len(bare) > 1 and bare not in lex.ABBREVIATIONS and "." not in bare


def _words_in(text: str, a: int, z: int) -> int:
    return sum(1 for _ in _TOKEN_RE.finditer(text, a, z))


def _is_partial(text: str, s: Span, para_start: int) -> bool:
    k = s.open_at - 1
    while k >= para_start and text[k] in " \t\u00a0":
        k -= 1
    first = text[s.start]
    if k < para_start:
        return first.islower()
    prev = text[k]
    if first.islower():
        return True
    if prev.isalnum():
        m = re.search(r"([a-z]{1,20})$", text[max(para_start, k - 20) : k + 1])
        return not (m and m.group(1) in lex.CUE_VERBS)
    return False


def _is_title(text: str, s: Span) -> bool:
    content = text[s.start : s.end]
    if content[-1:] in ".!?" or len(content) > 120:
        return False
    words = [w for w in content.split() if len(w) >= 4 and w[0].isalpha()]
    return bool(words) and all(w[0].isupper() for w in words)


@dataclass(slots=True)
class _Result:
    speaker: str | None
    cue: str | None
    entity: int | None
    explicit: bool


def attribute(text: str, spans: list[Span], index: PeopleIndex) -> list[Quote]:
    """Attribute each span and drop scare quotes and titles."""
    at = _Attributor(text, spans, index)
    results: list[_Result] = []
    meta: list[tuple[int, int, bool, bool, int]] = []
    for s in spans:
        s0, s1 = at.sentence(s.open_at, s.close_end)
        s0, s1 = max(s0, s.open_at - _WINDOW), min(s1, s.close_end + _WINDOW)
        pa = at.paras[s.para][0] if s.para < len(at.paras) else 0
        # “…?” Trump said. The mark ends a sentence, but the cue after it still belongs.
        s1a = s1
        if s1 <= s.close_end and text[s.end - 1 : s.end] in ("?", "!", "…", "—"):
            s1a = min(at.end_after(s.close_end), s.close_end + _WINDOW)
        found = (
            at.label(s) or at.signature(s) or at.dashed(s) or at.after(s, s1a) or at.before(s, s0)
        ) or (at.according_in(s0, s1) or at.paragraph_signature(s) or at.colon_subject(s, s0))
        res = _Result(None, None, None, False)
        if found:
            cand, cue = found
            res = _Result(at.resolve(cand), cue, None, True)
            if cand.kind == "person":
                res.entity = int(cand.value)
            elif res.speaker is not None:
                res.entity = at.by_name.get(res.speaker)
        results.append(res)
        if res.entity is not None:
            at.last_speaker = (s.close_end, res.entity)
        meta.append((s0, s1, _is_partial(text, s, pa), _is_title(text, s), pa))

    # Fallbacks: neighbours in the paragraph, continued quotations, the paragraph before.
    for k, s in enumerate(spans):
        r = results[k]
        if r.speaker is not None:
            continue
        s0, s1, partial, title, pa = meta[k]
        if partial or title:
            continue
        src: _Result | None = None
        if s.continues is not None and results[s.continues].speaker:
            src = results[s.continues]
        if src is None and k > 0 and spans[k - 1].para == s.para and results[k - 1].speaker:
            src = results[k - 1]
        if src is None and k + 1 < len(spans) and spans[k + 1].para == s.para:
            nxt = spans[k + 1]
            if not text[s.close_end : nxt.open_at].strip() and results[k + 1].speaker:
                src = results[k + 1]
        if src is None and s.open_at - pa <= 8 and not text[pa : s.open_at].strip():
            src = _from_previous_paragraph(at, spans, results, k)
        if src is None and s.open_at > pa and not at.masked[s0 : s.open_at].strip():
            src = _from_previous_sentence(at, s, s0, pa) or _previous_subject(at, s0, pa)
        if src is not None:
            results[k] = _Result(src.speaker, src.cue, src.entity, False)

    quotes: list[Quote] = []
    for k, s in enumerate(spans):
        r = results[k]
        s0, s1, partial, title, _ = meta[k]
        nwords = _words_in(text, s.start, s.end)
        speaker = r.speaker
        if partial and (nwords <= 2 or (nwords <= 3 and not r.explicit)):
            speaker = None
        if title and not r.explicit:
            speaker = None
        if partial and nwords <= 4 and _NAMING.search(at.masked, s0, s.open_at):
            speaker = None
        if speaker is None and (partial or title or nwords < 4):
            continue
        if speaker is not None and r.entity is not None:
            index.entities[r.entity].quotes += 1
        quotes.append(Quote(text[s.start : s.end], speaker, r.cue, s.start, s.end, partial))
    return quotes


def _from_previous_sentence(at: _Attributor, s: Span, s0: int, pa: int) -> _Result | None:
    """A quotation that is a sentence of its own after "X called him a master." is X's."""
    p0, _ = at.sentence(s0 - 1, s0 - 1)
    p0 = max(p0, pa)
    if p0 >= s0 or _MASK in at.masked[p0:s0]:
        return None
    fake = Span(s0, s0, s0, s0, s.para, True)
    found = at.before(fake, p0)
    if not found:
        return None
    cand, cue = found
    if cand.kind not in ("person", "pronoun", "name"):
        return None
    spk = at.resolve(cand)
    ent = int(cand.value) if cand.kind == "person" else at.by_name.get(spk or "")
    return _Result(spk, cue, ent, False)


def _previous_subject(at: _Attributor, s0: int, pa: int) -> _Result | None:
    """“…” after "On TV, Sen. X, who …, identified …." with no cue: the sentence's subject."""
    p0, _ = at.sentence(s0 - 1, s0 - 1)
    p0 = max(p0, pa)
    if p0 >= s0:
        return None
    for m in at.index.mentions_between(p0, s0):
        if at.masked[m.start] == _MASK:
            continue
        words = at.masked[p0 : m.start].split()
        while words and (words[-1][:1].isupper() or words[-1].lower() in lex.ROLE_NOUNS):
            words.pop()  # "Sen.", "Democratic leader"
        lead = " ".join(words).rstrip("\"”’'")
        if lead and not lead.endswith((",", _MASK)):
            return None  # the first name is not where a subject stands
        if not at.is_subject(m) and not _SUBJECT_AFTER.match(at.masked, m.end, m.end + 200):
            return None
        return _Result(at.index.entities[m.entity].name, None, m.entity, False)
    return None


def _from_previous_paragraph(
    at: _Attributor, spans: list[Span], results: list[_Result], k: int
) -> _Result | None:
    s = spans[k]
    if s.para == 0:
        return None
    pa, pz = at.paras[s.para - 1]
    prev = [j for j in range(k - 1, -1, -1) if spans[j].para == s.para - 1]
    tail = at.masked[max(pa, pz - 16) : pz].rstrip()
    if tail.endswith(":"):
        s0, _ = at.sentence(pz - 1, pz - 1)
        fake = Span(pz, pz, pz, pz, s.para - 1, True)
        found = at.before(fake, s0)
        if found:
            cand, cue = found
            spk = at.resolve(cand)
            ent = int(cand.value) if cand.kind == "person" else None
            return _Result(spk, cue, ent, False)
    if prev and results[prev[0]].speaker:
        return results[prev[0]]
    return None


def find_quotes(
    text: str, *, index: PeopleIndex | None = None, author: str | None = None
) -> tuple[Quote, ...]:
    """Every direct quotation in ``text`` with its speaker, in text order."""
    text = text[:MAX_CHARS]
    if index is None:
        index = index_people(text, author)
    return tuple(attribute(text, find_spans(text), index))
