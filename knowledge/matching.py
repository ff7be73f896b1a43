"""Match a citizen's question to catalogue answers: an index built once, pure scoring functions.

Each answer (procedure, FAQ, built-in conversation) is named by phrases: its title, aliases,
keywords, FAQ question and English title. A question matches a phrase by weighted word overlap:
*recall* (how much of the phrase the question contains) times *precision* (how much of the
question's content the phrase explains), with rare words weighing more (IDF), word order as a
small bonus, and accents as evidence when the citizen typed them. Typos are corrected against
the catalogue's vocabulary first. A long life story often names its answer in several phrases
("vợ mới đẻ", "giấy chứng sinh", "làm khai sinh"): what they explain together counts too.
Out-of-scope topics from the lexicon compete as the `none` answer, but only as written.

When the best answers are too close to call, a second, answer-level view orders them: every
word of every phrase of an answer (citizens' example questions above all) is evidence for that
answer, as in a naive Bayes classifier, so "hết hạn" pulls towards renewing a licence and
"bị mất" towards replacing it even when no single phrase holds the whole question.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.catalogue import Catalogue
from knowledge.lexicon import Lexicon, load_lexicon
from knowledge.normalise import Term, analyse, strip_diacritics, tokens, typed_with_accents

# A dossier code: receiving agency (e.g. 000.00.12.H62, G22.105), yymmdd, sequence, as in
# 000.00.12.H62-201105-0004; citizens also type spaces or dashes of any kind between the parts.
DOSSIER_CODE = re.compile(
    r"(?<![\w.])([0-9A-Z]{1,6}(?:\.[0-9A-Z]{1,6}){1,5})[-–—\s]+(\d{6})[-–—\s]+(\d{3,6})(?!\w)", re.IGNORECASE
)
LOOKUP_ID = "tra-cuu-ho-so"
TELEX_TONES = "fsrxj"
RECALL_EXPONENT = 0.5
PRECISION_EXPONENT = 0.5
ORDER_WEIGHT = 0.15
ACCENT_MISMATCH = 0.25
TONE_TYPO = 0.8
KEYWORD_FACTOR = 0.8
# A citizen's whole question, kept as an example, weighs as a name: being long, it scores only for a
# question that shares most of its words.
EXAMPLE_FACTOR = 1.0
# A question citizens asked that the bot does not cover, kept as an example of `none`.
OUT_OF_SCOPE_EXAMPLE_FACTOR = 1.0
CORRECTED_FACTOR = 0.7
# How many typo corrections an index keeps before it starts afresh (a few MB at most).
CORRECTIONS_KEPT = 50_000
AMBIGUOUS_FACTOR = 0.5
# A word typed without diacritics that may be filler is read as the real word when it stands beside
# a word that at least this many phrases write next to it ("thi bang": "thi bằng", not "thì").
PAIR_PHRASES = 3
OUT_OF_SCOPE = "none"
TOPIC_RECALL = 0.7
UNKNOWN_FACTOR = 0.6
PHRASES_RESCORED = 40
UNION_RECALL = 0.6
# Phrases that cannot score this (0–1) are dropped early; a phrase scores at most the square root
# of its recall, so below `MIN_RECALL` it cannot. The bounds assume both exponents are 1/2.
MIN_SCORE = 0.25
MIN_RECALL = MIN_SCORE**2
UNION_SHARE = 0.3
# Out-of-scope phrases are about unrelated things: they pool their words only when they share a
# word that at most this share of the answers use, not through "làm", "giấy" or "tiền".
NONE_LINK_SHARE = 0.8
NONE_LINK_IDF = math.log(1 + 1 / NONE_LINK_SHARE)  # the idf of a word that share of the answers use
# The answer-level word model that orders a clarifying question's candidates: add-alpha smoothing,
# and how many score points one nat of average log-likelihood per question word is worth.
WORD_MODEL_ALPHA = 0.1
WORD_MODEL_WEIGHT = 15.0


class Decision(StrEnum):
    MATCH = "match"
    AMBIGUOUS = "ambiguous"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Named cut-offs for the three decisions (scores are 0–100).

    A long question that tells a life story ("bố tôi mất, nhà đất đứng tên ông…") leaves many
    words no catalogue phrase explains, so its best score is lower: past `long_question`
    content words the bar for a clarifying question falls `long_step` a word, down to
    `long_floor`. The bar for a confident match does not move. When the runner-up is `none`,
    a confident match must lead it by `out_of_scope_margin`: "giải thể công ty" is not founding one.
    So must it lead the dossier lookup: "xem tình trạng hồ sơ sang tên sổ đỏ" asks about a dossier
    already filed, not how to file one, and the citizen chooses between the two.
    When `none` leads by less than `out_of_scope_tie`, the word model may turn it into a question;
    past `long_question` content words that lead grows `out_of_scope_tie_step` a word, up to
    `out_of_scope_tie_cap`, because a long story shares many words with long out-of-scope ones.
    """

    match: float = 60.0
    margin: float = 8.0
    out_of_scope_margin: float = 16.0
    out_of_scope_tie: float = 5.0
    out_of_scope_tie_step: float = 1.0
    out_of_scope_tie_cap: float = 15.0
    ambiguous: float = 40.0
    long_question: int = 8
    long_step: float = 2.0
    long_floor: float = 30.0

    def ambiguous_for(self, words: int) -> float:
        """The clarifying-question cut-off for a question with `words` content words."""
        extra = max(words - self.long_question, 0)
        return max(min(self.long_floor, self.ambiguous), self.ambiguous - self.long_step * extra)

    def out_of_scope_tie_for(self, words: int) -> float:
        """How far `none` may lead for the word model to arbitrate, for `words` content words."""
        extra = max(words - self.long_question, 0)
        return min(self.out_of_scope_tie + self.out_of_scope_tie_step * extra, self.out_of_scope_tie_cap)


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    score: float


@dataclass(frozen=True, slots=True)
class Result:
    query: str
    decision: Decision
    candidates: tuple[Candidate, ...]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def stem(plain: str) -> str:
    """Crude stem so English "registration" meets "register" and "months" meets "month".

    Almost every Vietnamese syllable is shorter than seven letters, and none ends in "s".
    """
    if len(plain) >= 4 and plain[-1] == "s" and plain[-2] != "s":
        plain = plain[:-1]
    return plain[:6] if len(plain) >= 7 else plain


# Words repeat across phrases and questions: their stems are cached.
_stem = lru_cache(maxsize=1 << 16)(stem)


@dataclass(frozen=True, slots=True)
class Topic:
    """How an out-of-scope topic must show in a question to count.

    `literal`: its words in order, when fillers would leave one word of it or when every word of
    it also names a catalogue answer ("lương hưu hằng tháng": only the combination tells it from
    the survivor's pension or the old-age allowance). `own`: its words no catalogue answer uses
    ("visa", "đăng kiểm"), which must all be there. `marked`: its accented spellings.
    """

    literal: tuple[str, ...]
    marked: frozenset[str]
    own: frozenset[int]


# A phrase's words and their stems.
Analysed = tuple[tuple[Term, ...], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Index:
    """Phrases as token ids, postings per token, IDF weights and accent variants."""

    ids: tuple[str, ...]
    owner_of: dict[str, int]
    lexicon: Lexicon
    vocab: dict[str, int]
    spellings: dict[str, tuple[str, ...]]
    spelling_words: tuple[str, ...]
    idf: np.ndarray
    accents: tuple[frozenset[str], ...]
    accented_words: frozenset[str]
    postings: tuple[np.ndarray, ...]
    phrase_owner: np.ndarray
    phrase_factor: np.ndarray
    phrase_weight: np.ndarray
    # What a phrase must match to be worth scoring (see `_floor`), single precision: `MIN_RECALL`
    # and `UNION_RECALL` of its weight, and the square root of its weight.
    phrase_floor: np.ndarray
    phrase_union_floor: np.ndarray
    phrase_root_weight: np.ndarray
    phrase_bigrams: tuple[frozenset[tuple[int, int]], ...]
    phrase_tokens: tuple[frozenset[int], ...]
    pairs: frozenset[tuple[str, str]]
    unknown_weight: float
    topics: dict[int, Topic]
    phrase_is_topic: np.ndarray
    answer_words: tuple[dict[int, float], ...]
    answer_log_total: np.ndarray
    # Per-thread working arrays (see `_scratch`); not part of the index's value.
    scratch: threading.local = field(default_factory=threading.local, repr=False, compare=False)
    # Typo corrections already looked up (see `_correct`); not part of the index's value either.
    corrections: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False)
    # Each phrase's analysis, lent to the next build on a reload (see `build_index`).
    analysed: dict[str, Analysed] = field(default_factory=dict, repr=False, compare=False)


def _phrase_terms(
    terms: Sequence[Term], keys: Sequence[str], pairs: frozenset[tuple[str, str]]
) -> list[tuple[Term, str]]:
    """A phrase's words that name its answer: no filler, and a word typed without diacritics that may
    be filler ("ban", "do") only where it stands beside a word the catalogue writes it next to:
    "trich luc ban do" is "trích lục bản đồ", the land map, not the civil-status extract."""
    meant = _meant(terms, keys, pairs)
    return [(t, keys[n]) for n, t in enumerate(terms) if not t.filler and (not t.ambiguous or n in meant)]


def _word_pairs(analysed: Iterable[tuple[Sequence[Term], Sequence[str]]]) -> frozenset[tuple[str, str]]:
    """Pairs of words (stems) that at least `PAIR_PHRASES` phrases write next to each other, counting only
    words that are surely not filler; one typo does not make a pair."""
    counts: Counter[tuple[str, str]] = Counter()
    for terms, keys in analysed:
        counts.update(set(pairwise(k for t, k in zip(terms, keys, strict=True) if not t.filler and not t.ambiguous)))
    return frozenset(pair for pair, count in counts.items() if count >= PAIR_PHRASES)


def _answer_phrases(catalogue: Catalogue, lexicon: Lexicon) -> list[tuple[str, str, float]]:
    """(answer id, phrase, weight): names and citizens' example questions count fully, keywords a little less.

    `none` is named by the lexicon's out-of-scope example questions and its topics; only the topics
    are gated (see `Topic`).
    """
    pairs: list[tuple[str, str, float]] = []
    for proc in catalogue.procedures.values():
        english = [proc.en.title] if proc.en else []
        pairs += [(proc.id, t, 1.0) for t in (proc.title, *proc.aliases, *english)]
        pairs += [(proc.id, t, KEYWORD_FACTOR) for t in proc.keywords]
        pairs += [(proc.id, t, EXAMPLE_FACTOR) for t in proc.examples]
    for faq in catalogue.faqs.values():
        english = [faq.en.title] if faq.en else []
        pairs += [(faq.id, t, 1.0) for t in (faq.question, *faq.aliases, *english)]
        pairs += [(faq.id, t, EXAMPLE_FACTOR) for t in faq.examples]
    for conv in catalogue.conversations.values():
        english = [conv.en.title] if conv.en else []
        pairs += [(conv.id, t, 1.0) for t in (conv.title, *conv.aliases, *english)]
        pairs += [(conv.id, t, EXAMPLE_FACTOR) for t in conv.examples]
    pairs += [(OUT_OF_SCOPE, t, OUT_OF_SCOPE_EXAMPLE_FACTOR) for t in lexicon.out_of_scope_examples]
    pairs += [(OUT_OF_SCOPE, t, 1.0) for t in lexicon.out_of_scope]
    return pairs


def _spellings(vocab: dict[str, int], lexicon: Lexicon) -> dict[str, tuple[str, ...]]:
    """Words a typo may be corrected to: the vocabulary, and long lexicon keys with their meaning."""
    spellings: dict[str, tuple[str, ...]] = {word: (word,) for word in vocab}
    for key, meaning in lexicon.expansions.items():
        if len(key) == 1 and len(key[0]) >= 5:
            spellings.setdefault(key[0], tuple(strip_diacritics(w) for w in meaning))
    return spellings


def _analysed(named: list[tuple[str, str, float]], lexicon: Lexicon, previous: Index | None) -> dict[str, Analysed]:
    """Each phrase's words and their stems; a reload with the same lexicon reuses what it can."""
    reuse = previous.analysed if previous is not None and previous.lexicon == lexicon else {}
    analysed: dict[str, Analysed] = {}
    for _, text, _ in named:
        if text not in analysed:
            found = reuse.get(text)
            if found is None:
                terms = tuple(analyse(text, lexicon))
                found = (terms, tuple(_stem(t.plain) for t in terms))
            analysed[text] = found
    return analysed


def build_index(catalogue: Catalogue, lexicon: Lexicon | None = None, previous: Index | None = None) -> Index:
    """Index every phrase that names an answer; done once per catalogue load.

    `previous`, the index being replaced on a reload, lends the analysis of every phrase that did
    not change, so an edit to one procedure does not analyse the whole catalogue again.
    """
    lexicon = lexicon or load_lexicon()
    ids = (*catalogue.ids(), OUT_OF_SCOPE)
    owner_of = {answer_id: n for n, answer_id in enumerate(ids)}
    vocab: dict[str, int] = {}
    accents: defaultdict[int, set[str]] = defaultdict(set)
    phrases: dict[tuple[int, tuple[int, ...]], float] = {}
    topics: dict[tuple[int, tuple[int, ...]], tuple[str, list[Term]]] = {}
    answer_words: list[dict[int, float]] = []
    totals = [0.0] * len(ids)
    topic_texts = frozenset(lexicon.out_of_scope)
    named = _answer_phrases(catalogue, lexicon)
    analysed = _analysed(named, lexicon, previous)
    pairs = _word_pairs(analysed[text] for _, text, _ in named)
    for answer_id, text, factor in named:
        kept = _phrase_terms(*analysed[text], pairs)
        owner = owner_of[answer_id]
        token_ids: list[int] = []
        for term, word in kept:
            token = vocab.get(word)
            if token is None:
                token = vocab[word] = len(vocab)
                answer_words.append({})
            if term.marked:
                accents[token].add(term.accented)
            token_ids.append(token)
            counts = answer_words[token]
            counts[owner] = counts.get(owner, 0.0) + 1.0
        if not token_ids:
            continue
        totals[owner] += len(token_ids)
        key = (owner, tuple(token_ids))
        if answer_id == OUT_OF_SCOPE and text in topic_texts:
            topics[key] = (text, [t for t, _ in kept])
        phrases[key] = max(factor, phrases.get(key, 0.0))
    owners_by_token: defaultdict[int, set[int]] = defaultdict(set)
    postings: defaultdict[int, list[int]] = defaultdict(list)
    distinct = [set(phrase_tokens) for _, phrase_tokens in phrases]
    for position, ((owner, _), tokens_) in enumerate(zip(phrases, distinct, strict=True)):
        for token in tokens_:
            owners_by_token[token].add(owner)
            postings[token].append(position)
    idf = np.array([math.log(1 + len(ids) / len(owners_by_token[t])) for t in range(len(vocab))])
    keys = list(phrases)
    spellings = _spellings(vocab, lexicon)
    answered = {token for owner, tokens_ in keys if owner != owner_of[OUT_OF_SCOPE] for token in tokens_}
    phrase_weight = np.array([idf[list(tokens_)].sum() for tokens_ in distinct])
    return Index(
        ids=ids,
        owner_of=owner_of,
        lexicon=lexicon,
        vocab=vocab,
        spellings=spellings,
        spelling_words=tuple(spellings),
        idf=idf,
        accents=tuple(frozenset(accents[t]) for t in range(len(vocab))),
        accented_words=frozenset(word for words in accents.values() for word in words),
        postings=tuple(np.array(postings[t], dtype=np.int32) for t in range(len(vocab))),
        phrase_owner=np.array([owner for owner, _ in keys], dtype=np.int32),
        phrase_factor=np.array(list(phrases.values())),
        phrase_weight=phrase_weight,
        phrase_floor=np.maximum(MIN_RECALL * phrase_weight, 1e-9).astype(np.float32),
        phrase_union_floor=(UNION_RECALL * phrase_weight).astype(np.float32),
        phrase_root_weight=np.sqrt(phrase_weight).astype(np.float32),
        phrase_bigrams=tuple(frozenset(pairwise(tokens_)) for _, tokens_ in keys),
        phrase_tokens=tuple(frozenset(tokens_) for tokens_ in distinct),
        pairs=pairs,
        unknown_weight=math.log(1 + len(ids)) * UNKNOWN_FACTOR,
        topics={
            position: _topic(*topics[key], frozenset(key[1]) - answered, lexicon)
            for position, key in enumerate(keys)
            if key in topics
        },
        phrase_is_topic=np.array([key in topics for key in keys], dtype=bool),
        answer_words=tuple(answer_words),
        answer_log_total=np.log(np.array(totals) + WORD_MODEL_ALPHA * len(vocab)),
        analysed=analysed,
    )


def _topic(text: str, terms: list[Term], own: frozenset[int], lexicon: Lexicon) -> Topic:
    """An out-of-scope topic and what a question must show of it (see `Topic`).

    "bạn gái" is "gái" once the filler goes, and "chị gái em mới đẻ" is not about a girlfriend.
    """
    typed = tokens(text)
    literal: tuple[str, ...] = ()
    if len(terms) == 1 and len(typed) > 1:
        literal = tuple(strip_diacritics(w) for w in typed)
    elif len(terms) > 1 and not own:
        words = analyse(text, lexicon)
        content = [n for n, term in enumerate(words) if not term.filler]
        literal = tuple(term.plain for term in words[content[0] : content[-1] + 1])
    return Topic(literal, frozenset(t.accented for t in terms if t.marked), own)


def _correct(index: Index, word: str) -> tuple[int, ...]:
    """Vocabulary tokens for a word the catalogue does not know: telex leftovers, joins, typos.

    Searching the vocabulary takes about a quarter of a millisecond a word, and citizens make the
    same slips again and again ("sihn", "hộ chíu"): each word is looked up once per index.
    """
    found = index.corrections.get(word)
    if found is None:
        if len(index.corrections) >= CORRECTIONS_KEPT:
            index.corrections.clear()
        found = index.corrections[word] = tuple(_corrected(index, word))
    return found


def _corrected(index: Index, word: str) -> list[int]:
    vocab = index.vocab
    if len(word) >= 3 and word[-1] in TELEX_TONES and _stem(word[:-1]) in vocab:
        return [vocab[_stem(word[:-1])]]
    for cut in range(2, len(word) - 1):
        left, right = _stem(word[:cut]), _stem(word[cut:])
        if left in vocab and right in vocab and len(word) >= 5:
            return [vocab[left], vocab[right]]
    if len(word) < 4:
        return []
    limit = 1 if len(word) <= 6 else 2
    found = process.extractOne(word, index.spelling_words, scorer=OSA.distance, score_cutoff=limit)
    if not found:
        return []
    return [vocab[_stem(w)] for w in index.spellings[found[0]] if _stem(w) in vocab]


@dataclass(frozen=True, slots=True)
class _Query:
    weights: dict[int, float]
    full: dict[int, float]
    content: dict[int, float]
    content_weight: float
    bigrams: frozenset[tuple[int, int]]
    words: int
    plain: str
    text: str
    accented_words: frozenset[str]
    spelled: dict[str, tuple[str, ...]]


def _query(index: Index, text: str) -> _Query:
    weights: dict[int, float] = {}
    full: dict[int, float] = {}
    content: dict[int, float] = {}
    content_weight = 0.0
    sequence: list[int] = []
    words = 0
    terms = analyse(text, index.lexicon)
    keys = [_stem(t.plain) for t in terms]
    meant = _meant(terms, keys, index.pairs)
    for n, term in enumerate(terms):
        if term.filler:
            continue
        ambiguous = term.ambiguous and n not in meant
        words += not ambiguous
        key = keys[n]
        known = key in index.vocab
        if not known and ambiguous:
            continue
        token_ids = (index.vocab[key],) if known else _correct(index, term.plain)
        if not token_ids:
            content_weight += 0.0 if ambiguous else index.unknown_weight * term.share
            continue
        for token in token_ids:
            sequence.append(token)
            weight = float(index.idf[token]) * (1.0 if known else CORRECTED_FACTOR)
            variants = index.accents[token]
            if term.marked and known and variants and term.accented not in variants:
                # Another real word ("mật" for "mất") is evidence against; an unknown spelling
                # ("kêt" for "kết") is most likely a slip of the tone key.
                weight *= ACCENT_MISMATCH if term.accented in index.accented_words else TONE_TYPO
            if token not in weights:
                full[token] = weight
                weights[token] = weight * (AMBIGUOUS_FACTOR if ambiguous else 1.0)
                if not ambiguous:
                    # What the question asks counts once per word the citizen typed: an
                    # abbreviation that expands to four words weighs as one against other answers.
                    content[token] = float(index.idf[token]) * term.share
                    content_weight += content[token]
    bigrams = frozenset(pairwise(sequence))
    plain = " " + " ".join(term.plain for term in terms) + " "
    accented_words = frozenset(term.accented for term in terms)
    spelled: defaultdict[str, list[str]] = defaultdict(list)
    for term in terms:
        spelled[term.plain].append(term.accented)
    return _Query(
        weights,
        full,
        content,
        content_weight,
        bigrams,
        words,
        plain,
        text,
        accented_words,
        {plain_word: tuple(forms) for plain_word, forms in spelled.items()},
    )


def _meant(terms: Sequence[Term], keys: Sequence[str], pairs: frozenset[tuple[str, str]]) -> set[int]:
    """Positions of words typed without diacritics that may be filler but here are the real word.

    "thi bang lai" is "thi bằng lái", not "thì": the catalogue writes "thi" next to "bằng" with
    accents, where it cannot be "thì". A neighbour that is itself ambiguous proves nothing.
    `keys` are the terms' stems.
    """
    meant: set[int] = set()
    if not any(t.ambiguous for t in terms):
        return meant
    content = [n for n, t in enumerate(terms) if not t.filler]
    for n, m in pairwise(content):
        if terms[n].ambiguous == terms[m].ambiguous or (keys[n], keys[m]) not in pairs:
            continue
        meant.add(n if terms[n].ambiguous else m)
    return meant


def rank(index: Index, query: str, limit: int = 5, among: frozenset[str] | None = None) -> list[Candidate]:
    """Best-scoring answer ids for `query`, one entry per id, best first (scores 0–100).

    `among` restricts the answers considered (e.g. only FAQ ids for a walkthrough step).
    """
    return _shown(_rank(index, query, among)[0], limit)


def _shown(candidates: list[Candidate], limit: int) -> list[Candidate]:
    """The answers worth showing: `none` only when it comes first."""
    if candidates and candidates[0].id == OUT_OF_SCOPE:
        return candidates[: limit + 1]
    return [c for c in candidates if c.id != OUT_OF_SCOPE][:limit]


def _rank(index: Index, query: str, among: frozenset[str] | None) -> tuple[list[Candidate], _Query | None]:
    """Every scoring answer, `none` included wherever it ranks, and the parsed question."""
    if DOSSIER_CODE.search(query) and LOOKUP_ID in index.ids:
        return [Candidate(LOOKUP_ID, 100.0)], None
    parsed = _query(index, query)
    if not parsed.weights:
        return [], parsed
    hits, matched = _reached(index, parsed)
    if among is not None:
        allowed = np.array([n for n, answer_id in enumerate(index.ids) if answer_id in among], dtype=np.int32)
        keep = np.isin(index.phrase_owner[hits], allowed)
        hits, matched = hits[keep], matched[keep]
    # What the phrases explain of the question, and what they match at full weight, differ from
    # `matched` only in the words weighed differently for each.
    explained, matched_full = _adjusted(
        index,
        hits,
        matched,
        [
            {t: parsed.content.get(t, 0.0) - w for t, w in parsed.weights.items()},
            {t: parsed.full[t] - w for t, w in parsed.weights.items()},
        ],
    )
    recall = np.minimum(matched / index.phrase_weight[hits], 1.0)
    unexplained = np.maximum(parsed.content_weight - explained, 0.0)
    precision = _union_precision(index, parsed, hits, recall, matched / (matched + unexplained))
    scores = recall**RECALL_EXPONENT * precision**PRECISION_EXPONENT * index.phrase_factor[hits]
    # An out-of-scope topic counts only when (nearly) all of its words are there ("bệnh viện nào tốt").
    topic_recall = matched_full / index.phrase_weight[hits]
    is_topic = index.phrase_is_topic[hits]
    scores[is_topic & (topic_recall < TOPIC_RECALL)] = 0.0
    for position in np.flatnonzero(is_topic & (scores > 0)):
        if not _topic_present(parsed, index.topics[int(hits[position])], index.accented_words):
            scores[position] = 0.0
    if len(scores) > PHRASES_RESCORED:  # the best few without sorting every hit; ties go to the first phrases
        last = -np.partition(-scores, PHRASES_RESCORED - 1)[PHRASES_RESCORED - 1]
        above = np.flatnonzero(scores > last)
        top = np.concatenate([above, np.flatnonzero(scores == last)[: PHRASES_RESCORED - len(above)]])
        order = top[np.argsort(-scores[top], kind="stable")]
    else:
        order = np.argsort(-scores, kind="stable")
    best: dict[int, float] = {}
    for position in order:
        phrase = int(hits[position])
        bigrams = index.phrase_bigrams[phrase]
        in_order = len(bigrams & parsed.bigrams) / len(bigrams) if bigrams else 1.0
        score = float(scores[position]) * (1 - ORDER_WEIGHT + ORDER_WEIGHT * in_order)
        owner = int(index.phrase_owner[phrase])
        best[owner] = max(best.get(owner, 0.0), score)
    ordered = sorted(best.items(), key=lambda kv: -kv[1])
    return [Candidate(index.ids[owner], round(100 * score, 1)) for owner, score in ordered], parsed


def _scratch(index: Index, name: str, fill: float, dtype: type) -> np.ndarray:
    """This thread's working array `name`, one slot per phrase, holding `fill` between questions.

    A fresh array per question (3 MB at 5,000 procedures) can cost hundreds of page faults each
    time the allocator hands it back to the system: 420 per question in one measured process,
    where the slowest questions took twice as long.
    """
    array: np.ndarray | None = getattr(index.scratch, name, None)
    if array is None:
        array = np.full(len(index.phrase_owner), fill, dtype=dtype)
        setattr(index.scratch, name, array)
    return array


def _reached(index: Index, parsed: _Query) -> tuple[np.ndarray, np.ndarray]:
    """The phrases the question's words reach, and the weight of the words each holds: the
    postings of every question word, summed per phrase.

    A phrase that cannot score `MIN_SCORE` (a long example sharing a word or two) is dropped here,
    before the costlier steps (see `_floor`). The sums are single precision, as are the floors:
    half the memory traffic over every phrase, some 15 % off a question at 5,000 procedures, and
    the scores move by a tenth of a point at most.
    """
    sums = _scratch(index, "sums", 0.0, np.float32)
    try:
        for token, weight in parsed.weights.items():
            # a Python float here would make numpy take its slow, casting path: five times slower
            np.add.at(sums, index.postings[token], np.float32(weight))
        hits = np.flatnonzero(sums >= _floor(index, parsed))
        return hits, sums[hits].astype(np.float64)
    finally:
        sums.fill(0.0)


def _floor(index: Index, parsed: _Query) -> np.ndarray:
    """What each phrase must match of the question to have a chance of scoring `MIN_SCORE`.

    A phrase scores at most the square root of its recall, so it needs `MIN_RECALL` of its weight.
    And it explains at most what it matches plus what the question's down-weighted words (an accent
    typed wrong, a corrected typo) hold back: call the rest of the question `limit`. When it
    matches less than that, its precision is at most matched / limit, so its score, the square root
    of recall times precision, is at most matched / sqrt(weight × limit). A phrase the question
    mostly contains is always kept: the union of an answer's phrases may lift it (see
    `_union_precision`). Four passes over every phrase, in place, cost less than gathering and
    testing the tens of thousands of phrases a short question reaches at 5,000 procedures.
    """
    held_back = sum(max(parsed.content.get(t, 0.0) - w, 0.0) for t, w in parsed.weights.items())
    limit = parsed.content_weight - held_back
    floor = _scratch(index, "floor", 0.0, np.float32)
    np.multiply(index.phrase_root_weight, np.float32(MIN_SCORE * math.sqrt(max(limit, 0.0))), out=floor)
    np.minimum(floor, np.float32(limit), out=floor)
    np.minimum(floor, index.phrase_union_floor, out=floor)
    np.maximum(floor, index.phrase_floor, out=floor)
    return floor


def _adjusted(index: Index, hits: np.ndarray, matched: np.ndarray, moves: list[dict[int, float]]) -> list[np.ndarray]:
    """`matched` (sums over the phrases `hits`) moved, for each of `moves`, by `moves[n][token]` for
    every token a phrase holds. Only the tokens that move are looked up, each once.
    """
    moved = [token for token in moves[0] if any(move.get(token) for move in moves)]
    if not moved:
        return [matched for _ in moves]
    slots = _scratch(index, "slots", -1, np.int32)
    deltas = [np.zeros(len(hits)) for _ in moves]
    slots[hits] = np.arange(len(hits), dtype=np.int32)
    try:
        for token in moved:
            at = slots[index.postings[token]]
            at = at[at >= 0]
            for delta, move in zip(deltas, moves, strict=True):
                if move[token]:
                    delta[at] += move[token]
    finally:
        slots[hits] = -1
    return [matched + delta for delta in deltas]


def _topic_present(parsed: _Query, topic: Topic, known: frozenset[str]) -> bool:
    """An out-of-scope topic counts only as written: its words in order when fillers would hide
    them or when they are all catalogue words, every word of its own, and with its accents when
    the citizen types accents ("bảo" is not "bão", "gia đình" is not "giá")."""
    if topic.literal and f" {' '.join(topic.literal)} " not in parsed.plain:
        return False
    if not topic.own <= parsed.weights.keys():
        return False
    if not topic.marked or not typed_with_accents(tokens(parsed.text)):
        return True
    for word in topic.marked - parsed.accented_words:
        typed = parsed.spelled.get(strip_diacritics(word), ())
        # a marked spelling the catalogue does not know ("gía") is a slip for the topic's word
        if not any(w != strip_diacritics(w) and w not in known for w in typed):
            return False
    return True


def _union_precision(
    index: Index, parsed: _Query, phrases: np.ndarray, recall: np.ndarray, precision: np.ndarray
) -> np.ndarray:
    """Precision counted over every phrase of the same answer that the question (mostly) contains.

    A life story names its answer several times in different words ("vợ mới đẻ", "giấy chứng
    sinh", "làm khai sinh"): each phrase explains part of it, together they explain more. Only
    phrases the question (mostly) contains count — recall at least `UNION_RECALL` — and the
    union moves such a phrase's precision `UNION_SHARE` of the way up, no further: an answer
    with many phrases must not win on vocabulary alone. Out-of-scope phrases pool only within
    groups that share a telling word (see `_linked`): "ảnh cưới", "tiền điện" and "bạn trai" have
    nothing in common, yet together they explained much of a couple's story about registering
    their marriage.
    """
    boosted = precision.copy()
    good = np.nonzero(recall >= UNION_RECALL)[0]
    if len(good) < 2:
        return boosted
    owners = index.phrase_owner[phrases[good]]
    # Only answers with two or more such phrases can pool; a short question can reach one phrase
    # of each of thousands of answers, so they are found without a Python loop over all of them.
    order = np.argsort(owners, kind="stable")
    sorted_owners = owners[order]
    starts = np.flatnonzero(np.r_[True, sorted_owners[1:] != sorted_owners[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    groups: list[list[int]] = []
    for start, size in zip(starts[sizes >= 2].tolist(), sizes[sizes >= 2].tolist(), strict=True):
        members = good[order[start : start + size]].tolist()
        owner = int(sorted_owners[start])
        groups += _linked(index, phrases, members) if index.ids[owner] == OUT_OF_SCOPE else [members]
    for members in groups:
        if len(members) < 2:
            continue
        tokens_ = set().union(*(index.phrase_tokens[int(phrases[n])] for n in members))
        matched = sum(parsed.weights.get(t, 0.0) for t in tokens_)
        explained = sum(parsed.content.get(t, 0.0) for t in tokens_)
        union = matched / (matched + max(parsed.content_weight - explained, 0.0))
        for n in members:
            boosted[n] += UNION_SHARE * max(union - precision[n], 0.0)
    return boosted


def _linked(index: Index, phrases: np.ndarray, members: list[int]) -> list[list[int]]:
    """`members` (positions in `phrases`) in groups whose phrases share a word, directly or through
    each other, that at most `NONE_LINK_SHARE` of the answers use."""
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[int, int] = {}
    for i, n in enumerate(members):
        for token in index.phrase_tokens[int(phrases[n])]:
            if index.idf[token] >= NONE_LINK_IDF:
                parent[root(i)] = root(first.setdefault(token, i))
    groups: defaultdict[int, list[int]] = defaultdict(list)
    for i, n in enumerate(members):
        groups[root(i)].append(n)
    return list(groups.values())


def decide(candidates: list[Candidate], thresholds: Thresholds = DEFAULT_THRESHOLDS, words: int = 0) -> Decision:
    """Turn ranked candidates into match, ambiguous or none; `words`: the question's content words."""
    ambiguous = thresholds.ambiguous_for(words)
    if not candidates or candidates[0].score < ambiguous or candidates[0].id == OUT_OF_SCOPE:
        return Decision.NONE
    top = candidates[0].score
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    margin = (
        thresholds.out_of_scope_margin
        if len(candidates) > 1 and candidates[1].id in (OUT_OF_SCOPE, LOOKUP_ID)
        else thresholds.margin
    )
    if top >= thresholds.match and top - runner_up >= margin:
        return Decision.MATCH
    return Decision.AMBIGUOUS


def _likelihood(index: Index, parsed: _Query, answer_id: str) -> float:
    """Average log-likelihood per question word of the question under an answer's word model."""
    owner = index.owner_of[answer_id]
    log_total = float(index.answer_log_total[owner])
    words = sum(
        weight * (math.log(index.answer_words[token].get(owner, 0.0) + WORD_MODEL_ALPHA) - log_total)
        for token, weight in parsed.content.items()
    )
    return words / sum(parsed.content.values())


def _by_answer_words(index: Index, parsed: _Query, candidates: list[Candidate]) -> list[Candidate]:
    """Candidates too close to call, reordered by how well each answer's words explain the question.

    Each candidate's score moves by `WORD_MODEL_WEIGHT` points per nat its average log-likelihood
    per question word falls behind the best candidate's; the order follows the moved scores.
    """
    if not parsed.content or not candidates:
        return candidates
    likelihood = [_likelihood(index, parsed, c.id) for c in candidates]
    best = max(likelihood)
    moved = [
        Candidate(c.id, round(max(c.score + WORD_MODEL_WEIGHT * (ll - best), 0.0), 1))
        for c, ll in zip(candidates, likelihood, strict=True)
    ]
    return sorted(moved, key=lambda c: -c.score)


def _narrowly_out_of_scope(index: Index, parsed: _Query, candidates: list[Candidate], thresholds: Thresholds) -> bool:
    """`none` won by a hair over an answer whose words fit the question better: ask, do not refuse.

    "ông ngoại không có lương hưu, nghe nói được nhận tiền hằng tháng" shares "lương hưu" with
    out-of-scope questions about pensions, but its other words are the old-age allowance's.
    """
    if len(candidates) < 2 or candidates[0].id != OUT_OF_SCOPE or not parsed.content:
        return False
    runner_up = candidates[1]
    return (
        candidates[0].score - runner_up.score < thresholds.out_of_scope_tie_for(parsed.words)
        and runner_up.score >= thresholds.ambiguous_for(parsed.words)
        and _likelihood(index, parsed, runner_up.id) > _likelihood(index, parsed, OUT_OF_SCOPE)
    )


def match(index: Index, query: str, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Result:
    """Rank and decide in one call."""
    candidates, parsed = _rank(index, query, None)
    # An out-of-scope topic close behind the best answer is a runner-up like any other: no confident match.
    decision = decide(candidates, thresholds, parsed.words if parsed else 0)
    if decision is Decision.NONE and parsed and _narrowly_out_of_scope(index, parsed, candidates, thresholds):
        decision = Decision.AMBIGUOUS
    shown = [c for c in candidates if c.id != OUT_OF_SCOPE][:5]
    if decision is Decision.AMBIGUOUS and parsed:
        shown = _by_answer_words(index, parsed, shown)
    return Result(query=query, decision=decision, candidates=tuple(shown))
