"""Matching behaviour a citizen notices: accents, typos, abbreviations, codes, English, and saying no."""

from __future__ import annotations

import dataclasses
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from knowledge import matching
from knowledge.evaluation import read_questions
from knowledge.lexicon import DEFAULT_LEXICON
from knowledge.library import Knowledge, load_knowledge
from knowledge.matching import OUT_OF_SCOPE, Candidate, Decision, Thresholds, decide, rank
from tests.conftest import CATALOGUE, ROOT


@pytest.fixture(scope="module")
def topics_only(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    """The shipped catalogue and lexicon without the out-of-scope example questions: topics alone."""
    document = yaml.safe_load(DEFAULT_LEXICON.read_text(encoding="utf-8"))
    assert document.pop("out_of_scope_examples")
    path = tmp_path_factory.mktemp("lexicon") / "lexicon.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return load_knowledge(CATALOGUE, lexicon=path)


def top(knowledge: Knowledge, query: str) -> str:
    result = knowledge.match(query)
    return result.candidates[0].id if result.decision is not Decision.NONE else "none"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dang ky khai sinh", "khai-sinh"),
        ("đăng kí khai sinh", "khai-sinh"),
        ("dang ky khai sinhf", "khai-sinh"),  # telex tone key left over
        ("lamf laij caawn cuwowcs bij maats", "can-cuoc"),  # every telex key left over
        ("dangky ket hon", "ket-hon"),  # words run together
        ("lam lai cccd bi mat", "can-cuoc"),
        ("xin lltp", "ly-lich-tu-phap"),
        ("quyết toán thuế tncn", "quyet-toan-thue-tncn"),
        ("doi gplx het han", "doi-gplx"),
        ("làm sổ đỏ lần đầu", "cap-so-do"),
        ("how do I apply for a passport", "ho-chieu"),
        ("register a new motorbike", "dang-ky-xe"),
        ("hồ sơ 000.00.12.H62-201105-0004 của tôi", "tra-cuu-ho-so"),
        ("ho so G01.12 230101 0005 sao roi", "tra-cuu-ho-so"),  # a shorter agency code, spaces
        ("tôi quên mất mã hồ sơ rồi", "quen-ma-ho-so"),
        ("cho tôi nói chuyện với người thật", "gap-can-bo"),
        ("nộp lệ phí qua mạng thế nào", "faq-thanh-toan"),
        # Twins told apart by what the citizen already has: a first birth registration names the
        # father at once; a birth certificate with the father left blank needs recognition.
        ("chưa đăng ký kết hôn thì làm khai sinh cho con có ghi tên bố được không", "khai-sinh"),
        ("giấy khai sinh của bé để trống tên cha, giờ bố ruột muốn nhận con", "nhan-cha-me-con"),
        # A residence card for a foreign relative is not the police declaration of a guest's stay.
        ("làm thẻ tạm trú cho chồng người Hàn", "the-tam-tru"),
        ("khai báo tạm trú cho khách nước ngoài ở homestay", "tam-tru-nguoi-nuoc-ngoai"),
    ],
)
def test_questions_reach_the_right_answer(knowledge: Knowledge, query: str, expected: str) -> None:
    assert top(knowledge, query) == expected


@pytest.mark.parametrize(
    "query",
    ["giá vàng hôm nay", "thoi tiet ha noi ngay mai", "kết quả xổ số miền bắc", "hát cho tôi nghe", "😀", ""],
)
def test_out_of_scope_questions_get_none(knowledge: Knowledge, query: str) -> None:
    assert knowledge.match(query).decision is Decision.NONE


def test_accents_typed_tell_cần_from_căn(knowledge: Knowledge) -> None:
    result = knowledge.match("tôi cần làm hộ chiếu")
    assert result.candidates[0].id == "ho-chieu"
    assert "can-cuoc" not in [c.id for c in result.candidates[:2]]


def test_candidates_are_ranked_unique_and_scored_0_to_100(knowledge: Knowledge) -> None:
    result = knowledge.match("bằng lái")
    ids = [c.id for c in result.candidates]
    assert len(ids) == len(set(ids)) <= 5
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    assert result.decision is Decision.AMBIGUOUS
    assert {"doi-gplx", "cap-lai-gplx"} <= set(ids[:2])


@pytest.mark.parametrize(
    "query",
    [
        "mua bảo hiểm ô tô ở đâu rẻ",
        "cách tính thuế thu nhập cá nhân từ lương 20 triệu",
        "điểm chuẩn đại học bách khoa năm nay",
        "nạp tiền điện thoại viettel",
        "thanh toan tien dien online",
        "dat lich kham benh vien nhi trung uong",
    ],
)
def test_near_domain_questions_get_none(knowledge: Knowledge, query: str) -> None:
    """Close to a procedure's words (insurance, tax, school, payment, hospital) but not ours."""
    assert knowledge.match(query).decision is Decision.NONE


def test_a_long_life_story_gets_a_clarifying_question_rather_than_none(knowledge: Knowledge) -> None:
    story = (
        "em đi xklđ Hàn về được nửa năm, trước khi đi có đóng bảo hiểm ở công ty cũ 4 năm, "
        "giờ muốn rút hết ra thì làm ở đâu"
    )
    result = knowledge.match(story)
    assert result.decision is Decision.AMBIGUOUS
    assert result.candidates[0].id == "bhxh-mot-lan"
    # Out-of-scope questions about working abroad and private insurance come a hair ahead; the
    # story's other words decide.
    strict = dataclasses.replace(knowledge, thresholds=Thresholds(out_of_scope_tie=0.0, out_of_scope_tie_step=0.0))
    assert strict.match(story).decision is Decision.NONE


def test_the_longer_the_story_the_further_none_may_lead_and_still_be_questioned(knowledge: Knowledge) -> None:
    """Long stories share many words with long out-of-scope ones: the word model arbitrates a wider lead."""
    story = (
        "Nhà tôi có đứa em họ dưới quê lên ở nhờ chừng mười ngày để đi khám bệnh, tổ trưởng nhắc phải "
        "báo với công an, báo thế nào"
    )
    result = knowledge.match(story)
    assert result.decision is Decision.AMBIGUOUS
    assert result.candidates[0].id == "thong-bao-luu-tru"
    flat = dataclasses.replace(knowledge, thresholds=Thresholds(out_of_scope_tie_step=0.0))
    assert flat.match(story).decision is Decision.NONE
    thresholds = Thresholds()
    assert thresholds.out_of_scope_tie_for(4) == thresholds.out_of_scope_tie_for(8) == 5.0
    assert thresholds.out_of_scope_tie_for(12) == 9.0
    assert thresholds.out_of_scope_tie_for(60) == 15.0


def test_unrelated_out_of_scope_topics_do_not_pool_against_a_story(knowledge: Knowledge) -> None:
    """Out-of-scope phrases about unrelated things (a boyfriend, an electricity bill, wedding photos)
    do not add up to a reason to refuse a couple who want to register their marriage."""
    story = (
        "Tụi em cùng làm ở xưởng điện tử trong khu công nghiệp, em quê Bến Tre, bạn trai em quê Thanh Hóa, "
        "hai đứa thuê phòng trọ chung ở Dĩ An. Tụi em tính đăng ký kết hôn trước Tết mà không xin nghỉ về "
        "quê được thì làm sao?"
    )
    result = knowledge.match(story)
    assert result.decision is Decision.AMBIGUOUS
    assert result.candidates[0].id == "ket-hon"


def test_the_bar_for_a_clarifying_question_falls_with_length_but_not_the_bar_for_a_match() -> None:
    thresholds = Thresholds()
    assert thresholds.ambiguous_for(3) == thresholds.ambiguous_for(8) == 40.0
    assert thresholds.ambiguous_for(10) == 36.0
    assert thresholds.ambiguous_for(40) == 30.0
    weak = [Candidate("khai-sinh", 35.0)]
    assert decide(weak, thresholds, words=4) is Decision.NONE
    assert decide(weak, thresholds, words=13) is Decision.AMBIGUOUS
    assert decide([Candidate("khai-sinh", 59.0)], thresholds, words=40) is Decision.AMBIGUOUS


def test_an_abbreviation_weighs_as_the_one_word_typed(knowledge: Knowledge) -> None:
    # "cccd" is a document the marriage registration asks for, not the question.
    result = knowledge.match("dang ky ket hon can mang theo cccd khong")
    assert result.candidates[0].id == "ket-hon"


@pytest.mark.parametrize(
    ("query", "expected"),
    [("thi bang lai a1", "thi-gplx"), ("ban sao trich luc", "trich-luc-ho-tich")],
)
def test_a_word_that_may_be_filler_counts_fully_beside_a_word_it_is_written_with(
    knowledge: Knowledge, query: str, expected: str
) -> None:
    # Without accents "thi" may be the filler "thì" and "ban" the filler "bạn"; beside "bang" and
    # "sao" they are "thi bằng" and "bản sao", as the catalogue writes them.
    result = knowledge.match(query)
    assert result.decision is not Decision.NONE
    assert result.candidates[0].id == expected


def test_a_catalogue_phrase_typed_without_accents_keeps_the_words_it_writes_together(knowledge: Knowledge) -> None:
    # The out-of-scope example "trich luc ban do" is the land map ("bản đồ"), not "trích lục" and the
    # fillers "bạn", "đó": it must not take the bare "trích lục" away from the civil-status extract.
    result = knowledge.match("trích lục")
    assert result.decision is not Decision.NONE
    assert result.candidates[0].id == "trich-luc-ho-tich"


def test_an_out_of_scope_topic_counts_only_as_written(knowledge: Knowledge, topics_only: Knowledge) -> None:
    # "bạn gái" (girlfriend) is "gái" once the filler goes: "chị gái" (elder sister) is not it.
    story = "chi gai em moi de o nha, khong co giay chung sinh thi lam giay to cho be the nao"
    assert top(knowledge, story) == "khai-sinh"
    assert top(knowledge, "ban gai toi gian phai lam sao") == "none"
    # Typed with accents, "gia đình … nhà" is not "giá nhà"; typed without, or with a slip, it is.
    assert rank(topics_only.index, "gia đình tôi bán nhà")[0].id != OUT_OF_SCOPE
    assert top(knowledge, "giá nhà ở hà nội bây giờ bao nhiêu") == "none"
    assert top(knowledge, "gía nhà ở hà nội bây giờ bao nhiêu") == "none"
    assert top(knowledge, "gia nha o ha noi bay gio bao nhieu") == "none"


def test_several_phrases_of_one_answer_add_up_in_a_long_story(
    knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = "vợ em vừa đẻ ở bệnh viện, có giấy chứng sinh rồi, giờ làm khai sinh cho bé online thế nào"
    together = rank(knowledge.index, story, limit=1)[0]
    monkeypatch.setattr(matching, "UNION_SHARE", 0.0)
    alone = {c.id: c.score for c in rank(knowledge.index, story, limit=5)}
    assert together.id == "khai-sinh"
    assert together.score > alone["khai-sinh"] + 5


def test_a_near_twin_topic_counts_only_with_the_words_that_tell_it_apart(knowledge: Knowledge) -> None:
    # "visa" is a word no procedure uses: the question must have it, and then it is not a passport.
    assert top(knowledge, "xin visa hàn quốc cần giấy tờ gì") == "none"
    assert top(knowledge, "làm hộ chiếu để đi hàn quốc du lịch") == "ho-chieu"
    # Every word of "lương hưu hằng tháng" is a catalogue word: only the words together count.
    assert top(knowledge, "lam ho so huong luong huu hang thang") == "none"
    story = "bà nội 82 tuổi sống một mình, không có lương hưu, nghe nói được nhận tiền hằng tháng, làm ở đâu"
    assert top(knowledge, story) == "tro-cap-xa-hoi"


def test_an_out_of_scope_topic_close_behind_blocks_a_confident_match(
    knowledge: Knowledge, topics_only: Knowledge
) -> None:
    close = [Candidate("ho-chieu", 84.0), Candidate(OUT_OF_SCOPE, 80.0), Candidate("ket-hon", 40.0)]
    assert decide(close, Thresholds()) is Decision.AMBIGUOUS
    assert decide([close[0], close[2]], Thresholds()) is Decision.MATCH
    # A runner-up `none` needs a wider lead than another procedure does.
    ten_behind = [Candidate("ho-chieu", 84.0), Candidate(OUT_OF_SCOPE, 74.0)]
    assert decide(ten_behind, Thresholds()) is Decision.AMBIGUOUS
    assert decide([ten_behind[0], Candidate("ket-hon", 74.0)], Thresholds()) is Decision.MATCH
    # "giải thể công ty" (closing a company) shares most words with setting one up: the topic alone,
    # a hair ahead of or behind founding one, never lets the bot send the citizen there confidently.
    closing = "giai the cong ty tnhh can thu tuc gi"
    result = topics_only.match(closing)
    assert result.decision is not Decision.MATCH
    assert OUT_OF_SCOPE not in [c.id for c in result.candidates]
    assert knowledge.match(closing).decision is Decision.NONE


def test_example_questions_teach_the_matcher_how_citizens_tell_their_story(
    knowledge: Knowledge, tmp_path: Path
) -> None:
    """`examples` in procedures.yaml: whole questions citizens asked, which staff add from the reports."""
    document = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    for section in ("procedures", "faq", "conversations"):
        for entry in document.get(section, []):
            entry.pop("examples", None)
    stripped = tmp_path / "procedures.yaml"
    stripped.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    without = load_knowledge(stripped)

    pension = (
        "mẹ tôi mất rồi, bà đang hưởng lương hưu, nghe nói làm một lần được cả khai tử, "
        "xóa hộ khẩu với tiền mai táng, làm ở đâu"
    )
    assert knowledge.match(pension).decision is Decision.MATCH
    assert without.match(pension).decision is Decision.AMBIGUOUS
    assert top(knowledge, pension) == top(without, pension) == "lien-thong-khai-tu"
    # The clarifying question offers licence procedures, not a diploma copy ("bằng" is both).
    pickpocketed = (
        "Ông xã tôi chạy xe tải đường dài, tuần trước bị móc túi ở bến xe mất cả ví, trong đó có "
        "bằng lái hạng C. Giờ ông muốn làm lại cái bằng cho kịp chuyến hàng, làm sao"
    )
    offered = [c.id for c in knowledge.match(pickpocketed).candidates[:2]]
    assert offered[0] == "cap-lai-gplx" and offered[1] in ("doi-gplx", "thi-gplx")
    assert "ban-sao-van-bang" in [c.id for c in without.match(pickpocketed).candidates[:2]]


def test_out_of_scope_examples_say_no_to_near_twins(knowledge: Knowledge, tmp_path: Path) -> None:
    """`out_of_scope_examples` in the lexicon: questions the bot does not cover compete as `none`."""
    document = yaml.safe_load(DEFAULT_LEXICON.read_text(encoding="utf-8"))
    assert document.pop("out_of_scope_examples")
    stripped = tmp_path / "lexicon.yaml"
    stripped.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    without = load_knowledge(CATALOGUE, lexicon=stripped)

    lost_book = "nhà tôi mất sổ bảo hiểm xã hội khi chuyển nhà, xin cấp lại sổ ở đâu"
    assert knowledge.match(lost_book).decision is Decision.NONE
    assert without.match(lost_book).decision is Decision.AMBIGUOUS


def test_answer_words_order_a_clarifying_question(knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch) -> None:
    """Twins too close to call are ordered by how well all of each answer's words fit the question."""
    # Termites ate the land book. "sổ đỏ" names a first land book as well as its replacement, but
    # the words of all the replacement's phrases ("mối", "nát") fit the question better.
    eaten = "so do bi moi an nat"
    result = knowledge.match(eaten)
    assert result.decision is Decision.AMBIGUOUS
    assert result.candidates[0].id == "cap-lai-so-do"
    assert result.candidates[0].score >= result.candidates[1].score
    monkeypatch.setattr(matching, "WORD_MODEL_WEIGHT", 0.0)
    assert knowledge.match(eaten).candidates[0].id == "cap-so-do"


def test_phrases_dropped_early_could_not_have_reached_the_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pruning is only for speed: every answer scoring at least `MIN_SCORE` keeps its exact score."""
    questions = [q for path in sorted((ROOT / "tests/eval").glob("*.tsv")) for q, _, _ in read_questions(path)]
    cut = 100 * matching.MIN_SCORE
    pruned = load_knowledge(CATALOGUE).index
    kept = [{c.id: c.score for c in matching._rank(pruned, query, None)[0]} for query in questions]
    monkeypatch.setattr(matching, "MIN_RECALL", 0.0)
    monkeypatch.setattr(matching, "MIN_SCORE", 0.0)
    everything = load_knowledge(CATALOGUE).index
    full = [{c.id: c.score for c in matching._rank(everything, query, None)[0]} for query in questions]
    for query, some, every in zip(questions, kept, full, strict=True):
        assert {i: s for i, s in every.items() if s >= cut} == {i: s for i, s in some.items() if s >= cut}, query
    assert sum(map(len, full)) > sum(map(len, kept))  # the pruning did drop something


def test_english_plurals_meet_their_singular_and_vietnamese_is_untouched() -> None:
    assert matching.stem("months") == matching.stem("month")
    assert matching.stem("documents") == matching.stem("document")
    assert matching.stem("pass") == "pass"  # "ss" is not a plural
    assert matching.stem("bus") == "bus"
    for syllable in ("khai", "sinh", "nghiep", "chung", "thuong"):
        assert matching.stem(syllable) == syllable


def test_questions_matched_at_once_from_several_threads_get_their_own_answers(knowledge: Knowledge) -> None:
    """The matcher's working arrays are per thread: no question sees another's sums."""
    questions = [q for q, _, _ in read_questions(ROOT / "tests/eval/questions.tsv")][:200]
    alone = [rank(knowledge.index, q) for q in questions]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            together = list(pool.map(lambda q: rank(knowledge.index, q), questions))
    finally:
        sys.setswitchinterval(interval)
    assert together == alone


def test_typo_corrections_are_remembered_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """A remembered correction gives the answer a fresh lookup gives, and the memory stays bounded."""
    typos = ["dang ky khai sihn", "lam ho chiu o dau", "giay phep xay dung nha o nong thonn", "doi bang laii"]
    fresh = [rank(load_knowledge(CATALOGUE).index, q) for q in typos]
    monkeypatch.setattr(matching, "CORRECTIONS_KEPT", 2)
    index = load_knowledge(CATALOGUE).index
    for _ in range(2):
        assert [rank(index, q) for q in typos] == fresh
        assert 0 < len(index.corrections) <= 2


def test_the_dossier_lookup_close_behind_a_procedure_blocks_a_confident_match(knowledge: Knowledge) -> None:
    """Whoever asks for the status of a named procedure's dossier chooses: lookup or the procedure."""
    result = knowledge.match("xem tinh trang ho so sang ten so do cua ba")
    assert result.decision is Decision.AMBIGUOUS
    assert {"tra-cuu-ho-so", "chuyen-nhuong-dat"} <= {c.id for c in result.candidates[:3]}


def test_a_reload_reuses_unchanged_phrases_yet_answers_as_a_fresh_load(knowledge: Knowledge, tmp_path: Path) -> None:
    """An edited title is live after a reload that lends the old index's work, as after a cold start."""
    edited = tmp_path / "procedures.yaml"
    original = CATALOGUE.read_text(encoding="utf-8")
    edited.write_text(
        original.replace("    title: Đăng ký khai sinh\n", "    title: Khai sinh cho bé sơ sinh\n", 1), encoding="utf-8"
    )
    reloaded = load_knowledge(edited, previous=knowledge)
    fresh = load_knowledge(edited)
    questions = [query for query, _, _ in read_questions(ROOT / "tests" / "eval" / "holdout.tsv")][:80]
    questions += ["khai sinh cho be so sinh", "đăng ký khai sinh"]
    assert [rank(reloaded.index, q) for q in questions] == [rank(fresh.index, q) for q in questions]
    assert rank(reloaded.index, "khai sinh cho be so sinh") != rank(knowledge.index, "khai sinh cho be so sinh")


def test_a_reload_with_a_new_lexicon_analyses_every_phrase_again(knowledge: Knowledge, tmp_path: Path) -> None:
    """A new abbreviation reaches the catalogue's phrases too, not only the questions."""
    document = yaml.safe_load(DEFAULT_LEXICON.read_text(encoding="utf-8"))
    document["synonyms"]["khai sinh"] = "zzkh"
    lexicon = tmp_path / "lexicon.yaml"
    lexicon.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    reloaded = load_knowledge(CATALOGUE, lexicon=lexicon, previous=knowledge)
    fresh = load_knowledge(CATALOGUE, lexicon=lexicon)
    assert "zzkh" in reloaded.index.vocab
    assert rank(reloaded.index, "đăng ký khai sinh") == rank(fresh.index, "đăng ký khai sinh")
