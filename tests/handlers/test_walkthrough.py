"""Guided filing: branch questions decide the documents and steps; back, pause, cancel and resume work."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from handlers.engine import Engine
from knowledge.library import Knowledge
from storage import Store
from tests.conftest import TODAY, TestBot


class Clock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.now = TODAY

    def __call__(self) -> dt.datetime:
        return self.now


async def answer_questions(bot: TestBot, *labels: str) -> None:
    for label in labels:
        assert "Câu hỏi" in bot.text
        await bot.press(label)


async def steps_shown(bot: TestBot) -> list[str]:
    """Walk all steps with «Xong, tiếp tục», collecting each step's header line."""
    headers = []
    while "Bước " in bot.text and "🎉" not in bot.text:
        headers.append(next(line for line in bot.text.splitlines() if line.startswith("Bước ")))
        await bot.press("Xong, tiếp tục")
    assert "🎉" in bot.text
    return headers


async def start(bot: TestBot, question: str) -> None:
    await bot.send(question)
    await bot.press("Bắt đầu hướng dẫn")


async def test_khai_sinh_unmarried_parents_child_born_abroad(bot: TestBot) -> None:
    await start(bot, "đăng ký khai sinh")
    await answer_questions(bot, "Chưa đăng ký kết hôn", "Sinh ở nước ngoài, nay về sống tại Việt Nam")
    docs = bot.text
    assert "Giấy khai sinh hoặc giấy chứng sinh do nước ngoài cấp" in docs
    assert "Giấy tờ nhận cha, con" in docs
    assert "Giấy chứng sinh do cơ sở y tế cấp" not in docs
    await bot.press("Tôi đã có đủ")
    await bot.press("Bắt đầu các bước")
    headers = await steps_shown(bot)
    assert any("yếu tố nước ngoài" in h for h in headers)
    assert any("thông tin người cha" in h for h in headers)
    assert not any('Mở trang thủ tục "Đăng ký khai sinh"' in h for h in headers)
    assert headers[0].startswith(f"Bước 1/{len(headers)} — ")


async def test_khai_sinh_married_parents_child_born_here(bot: TestBot) -> None:
    await start(bot, "lam giay khai sinh cho be")
    await answer_questions(bot, "Đã đăng ký kết hôn", "Sinh ở Việt Nam")
    assert "Giấy chứng sinh do cơ sở y tế cấp" in bot.text
    assert "do nước ngoài cấp" not in bot.text
    await bot.press("Tôi đã có đủ")
    await bot.press("Bắt đầu các bước")
    headers = await steps_shown(bot)
    assert not any("thông tin người cha" in h for h in headers)
    assert not any("yếu tố nước ngoài" in h for h in headers)


async def test_ket_hon_with_a_foreign_partner(bot: TestBot) -> None:
    await start(bot, "đăng ký kết hôn")
    await answer_questions(bot, "Một người là người nước ngoài")
    assert "Hộ chiếu (hoặc giấy tờ thay hộ chiếu) của người nước ngoài" in bot.text
    assert "Giấy khám sức khỏe" in bot.text
    await bot.press("Tôi đã có đủ")
    await bot.press("Bắt đầu các bước")
    headers = await steps_shown(bot)
    assert any("kết hôn có yếu tố nước ngoài" in h for h in headers)
    assert not any('"Đăng ký kết hôn"' in h for h in headers)


async def test_cap_lai_can_cuoc_when_lost(bot: TestBot) -> None:
    await start(bot, "làm lại căn cước bị mất")
    await answer_questions(bot, "Thẻ bị mất")
    assert "Thẻ căn cước hoặc thẻ CCCD đang dùng" not in bot.text
    await bot.press("Tôi đã có đủ")
    await bot.press("Bắt đầu các bước")
    headers = await steps_shown(bot)
    assert any("Xem có phải đến Công an không" in h for h in headers)
    assert not any("Đặt lịch hẹn" in h for h in headers)


async def test_checklist_ticks_and_lists_what_is_missing_with_how_to_get_it(bot: TestBot) -> None:
    await start(bot, "đăng ký khai sinh")
    await answer_questions(bot, "Đã đăng ký kết hôn", "Sinh ở Việt Nam")
    await bot.press("Đánh dấu từng giấy tờ")
    assert "Giấy tờ 1/" in bot.text
    await bot.press("Đã có")
    assert "Giấy tờ 2/" in bot.text and "Giấy chứng sinh" in bot.text
    await bot.press("Chưa có")
    while "Giấy tờ " in bot.text and "Bạn còn thiếu" not in bot.text:
        await bot.press("Đã có")
    assert "Bạn còn thiếu:" in bot.text
    assert "⬜ Giấy chứng sinh do cơ sở y tế cấp" in bot.text
    assert "↳" in bot.text  # how to get it
    await bot.press("Bắt đầu các bước")
    await bot.press("Xem lại giấy tờ")
    assert "⬜ Giấy chứng sinh" in bot.text and "✅ Tờ khai" in bot.text


async def test_stuck_shows_tip_matching_faq_and_a_person(bot: TestBot, db_url: str) -> None:
    await start(bot, "đăng ký khai sinh")
    await answer_questions(bot, "Đã đăng ký kết hôn", "Sinh ở Việt Nam")
    await bot.press("Tôi đã có đủ")
    await bot.press("Bắt đầu các bước")
    assert "Đăng nhập bằng VNeID" in bot.text
    await bot.press("Tôi bị kẹt ở bước này")
    assert "Gợi ý cho bước «Đăng nhập bằng VNeID»" in bot.text
    assert "Gặp cán bộ" in bot.labels
    faq = next(label for label in bot.labels if label.startswith("Xem: "))
    await bot.press(faq)
    assert bot.text.startswith("❓ ")
    await bot.press("Tiếp tục hướng dẫn")
    assert "Bước 1/" in bot.text
    events = sqlite3.connect(db_url.split("///", 1)[1]).execute("select kind, procedure_id, step from event").fetchall()
    assert ("started", "khai-sinh", None) in events
    assert ("stuck", "khai-sinh", "dang-nhap") in events


@pytest.mark.parametrize("control", ["Quay lại", "Tạm dừng", "/huy", "free text"])
async def test_controls_work_in_every_phase(bot: TestBot, control: str) -> None:
    """Questions, checklist, ticking, missing summary and steps all answer back, pause, cancel and text."""
    script = [
        ("Câu hỏi 1/2", None),
        ("Câu hỏi 2/2", "Đã đăng ký kết hôn"),
        ("Bạn đã có đủ các giấy tờ này chưa?", "Sinh ở Việt Nam"),
        ("Giấy tờ 1/", "Đánh dấu từng giấy tờ"),
        ("Bước 1/", "Bắt đầu các bước"),
        ("Bước 2/", "Xong, tiếp tục"),
    ]
    for expected, press in script:
        await bot.send("/huy")
        await start(bot, "đăng ký khai sinh")
        for _, earlier in script[1 : script.index((expected, press)) + 1]:
            await bot.press(earlier)
        assert expected in bot.text, (expected, bot.text)
        if control == "Quay lại":
            await bot.press("Quay lại")
            assert bot.buttons, bot.text
        elif control == "Tạm dừng":
            await bot.press("Tạm dừng")
            assert "Đã tạm dừng" in bot.text
            await bot.press("Tiếp tục hướng dẫn")
            assert expected in bot.text
        elif control == "/huy":
            await bot.send("/huy")
            assert "Đã dừng" in bot.text
        else:
            await bot.send("ừm để tôi xem đã")
            assert "Bấm một nút" in bot.text or "chọn một câu trả lời" in bot.text
            assert expected in bot.text


async def test_back_from_the_first_step_and_first_question(bot: TestBot) -> None:
    await start(bot, "đăng ký khai sinh")
    await bot.press("Quay lại")
    assert "Đây là câu hỏi đầu tiên" in bot.text
    await answer_questions(bot, "Đã đăng ký kết hôn", "Sinh ở Việt Nam")
    await bot.press("Quay lại")
    assert "Câu hỏi 2/2" in bot.text


async def test_free_text_naming_another_procedure_offers_to_switch(bot: TestBot) -> None:
    await start(bot, "đăng ký khai sinh")
    await bot.send("mất thẻ bảo hiểm y tế")
    assert "Bạn muốn chuyển sang «Cấp lại, đổi thẻ bảo hiểm y tế»" in bot.text
    await bot.press("Tiếp tục hướng dẫn")
    assert "Câu hỏi 1/2" in bot.text


async def test_free_text_that_fits_several_procedures_offers_them_and_the_way_back(bot: TestBot) -> None:
    await start(bot, "đăng ký khai sinh")
    await bot.send("bằng lái xe")
    assert "Có phải bạn muốn hỏi một trong các thủ tục" in bot.text
    offered = [b.payload for b in bot.buttons]
    assert {"a:doi-gplx", "a:cap-lai-gplx"} <= set(offered)
    assert offered[-1] == "w:show"
    await bot.press("a:doi-gplx")
    assert "Cấp đổi giấy phép lái xe" in bot.text


async def test_returning_days_later_is_asked_to_continue(store: Store, knowledge: Knowledge) -> None:
    clock = Clock()
    bot = TestBot(Engine(store, lambda: knowledge, clock=clock))
    await start(bot, "đăng ký khai sinh")
    await answer_questions(bot, "Đã đăng ký kết hôn", "Sinh ở Việt Nam")
    await bot.press("Tôi đã có đủ")
    await bot.press("Bắt đầu các bước")
    await bot.press("Xong, tiếp tục")
    await bot.press("Xong, tiếp tục")
    await bot.press("Xong, tiếp tục")
    clock.now += dt.timedelta(days=3)
    await bot.send("chào bạn")
    assert "Tiếp tục hướng dẫn «Đăng ký khai sinh» ở bước 4?" in bot.text
    await bot.press("Tiếp tục hướng dẫn")
    assert "Bước 4/" in bot.text


async def test_finishing_explains_what_happens_next(bot: TestBot, db_url: str) -> None:
    await start(bot, "đăng ký khai sinh")
    await answer_questions(bot, "Đã đăng ký kết hôn", "Sinh ở Việt Nam")
    await bot.press("Tôi đã có đủ")
    await bot.press("Bắt đầu các bước")
    await steps_shown(bot)
    assert "Thời gian giải quyết" in bot.text and "MÃ HỒ SƠ" in bot.text and "tra cứu hồ sơ" in bot.text
    kinds = [k for (k,) in sqlite3.connect(db_url.split("///", 1)[1]).execute("select kind from event order by id")]
    assert kinds[0] == "started" and kinds[-1] == "finished" and kinds.count("step") >= 4
