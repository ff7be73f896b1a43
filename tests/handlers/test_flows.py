"""Conversation flows, read as 'send X, expect Y' through the collecting test bot."""

from __future__ import annotations

import unicodedata

from handlers.types import Reply
from tests.conftest import TestBot

MENU = ["Tìm thủ tục", "Tra cứu hồ sơ", "Quên mã hồ sơ", "Gặp cán bộ"]


async def test_start_greets_and_shows_the_main_menu(bot: TestBot) -> None:
    await bot.send("/start")
    assert "Xin chào" in bot.text
    assert bot.labels == MENU


async def test_question_without_diacritics_gets_the_procedure_card(bot: TestBot) -> None:
    await bot.send("dang ky khai sinh")
    assert bot.text.startswith("📄 Đăng ký khai sinh")
    for part in ("Nộp ở đâu", "Lệ phí", "Thời gian giải quyết", "https://"):
        assert part in bot.text
    assert bot.labels[:2] == ["Bắt đầu hướng dẫn", "Giấy tờ cần chuẩn bị"]


async def test_documents_button_lists_papers(bot: TestBot) -> None:
    await bot.send("đăng ký khai sinh")
    await bot.press("Giấy tờ cần chuẩn bị")
    assert "Giấy tờ cần chuẩn bị cho «Đăng ký khai sinh»" in bot.text
    assert "•" in bot.text


async def test_out_of_scope_question_is_declined_kindly_with_menu(bot: TestBot) -> None:
    await bot.send("giá vàng hôm nay bao nhiêu")
    assert "chỉ hỗ trợ các thủ tục hành chính" in bot.text
    assert "Gặp cán bộ" in bot.labels
    assert not any(label == "Bắt đầu hướng dẫn" for label in bot.labels)


async def test_menu_buttons_answer_the_builtin_conversations(bot: TestBot) -> None:
    await bot.send("/start")
    await bot.press("Quên mã hồ sơ")
    assert "Đồng ý" in bot.labels
    await bot.send("/menu")
    await bot.press("Gặp cán bộ")
    assert "18001096" in bot.text
    await bot.press("Tìm thủ tục")
    assert "Bạn cần làm thủ tục gì" in bot.text


async def test_typing_a_number_presses_that_button(bot: TestBot) -> None:
    await bot.send("/start")
    await bot.send("4")
    assert "18001096" in bot.text


async def test_number_without_a_menu_is_treated_as_text(bot: TestBot) -> None:
    await bot.send("/start")
    await bot.send("9")
    assert "Gặp cán bộ" in bot.labels  # declined kindly, menu shown again


async def test_help_and_unknown_commands(bot: TestBot) -> None:
    await bot.send("/trogiup")
    assert "/huy" in bot.text and "/menu" in bot.text
    await bot.send("/xyz")
    assert "Tôi không biết lệnh này" in bot.text
    await bot.send("/menu")
    assert bot.labels == MENU


async def test_unknown_button_payload_gets_the_menu(bot: TestBot) -> None:
    from handlers.types import Incoming

    await bot._deliver(Incoming("test", bot.user_id, bot.user_id, payload="x:does-not-exist"))
    assert "Nút này đã cũ" in bot.text
    assert bot.labels == MENU


async def test_cancel_stops_a_walkthrough(bot: TestBot) -> None:
    await bot.send("dang ky khai sinh")
    await bot.press("Bắt đầu hướng dẫn")
    await bot.send("/huy")
    assert "Đã dừng" in bot.text
    await bot.send("/start")
    assert "Tiếp tục hướng dẫn" not in bot.text
    await bot.send("/huy")
    assert "Hiện không có việc gì đang làm dở" in bot.text


# Bad input: every case gets a kind Vietnamese reply and the conversation stays usable.


async def assert_still_usable(bot: TestBot) -> None:
    await bot.send("dang ky khai sinh")
    assert bot.text.startswith("📄 Đăng ký khai sinh")


async def test_empty_text(bot: TestBot) -> None:
    await bot.send("")
    assert "chưa nhận được nội dung" in bot.text
    await bot.send("   \n ")
    assert "chưa nhận được nội dung" in bot.text
    await assert_still_usable(bot)


async def test_ten_thousand_characters(bot: TestBot) -> None:
    await bot.send("khai sinh " * 1000)
    assert "Tin nhắn khá dài" in bot.text
    await assert_still_usable(bot)


async def test_nfd_decomposed_vietnamese_matches_like_nfc(bot: TestBot) -> None:
    await bot.send(unicodedata.normalize("NFD", "đăng ký khai sinh"))
    assert bot.text.startswith("📄 Đăng ký khai sinh")


async def test_emoji_only(bot: TestBot) -> None:
    await bot.send("😀🙏🇻🇳")
    assert "chưa hiểu tin nhắn này" in bot.text
    await assert_still_usable(bot)


async def test_control_characters_and_markup(bot: TestBot) -> None:
    await bot.send("<script>alert(1)</script>\x00\x07")
    assert bot.last and all(isinstance(reply, Reply) for reply in bot.last)
    await assert_still_usable(bot)


async def test_a_failure_inside_the_engine_gives_an_apology_not_a_trace(bot: TestBot) -> None:
    def broken() -> None:
        raise RuntimeError("catalogue exploded")

    bot.engine.knowledge = broken  # type: ignore[assignment,method-assign]
    await bot.send("dang ky khai sinh")
    assert "hệ thống đang gặp trục trặc" in bot.text
    assert "Traceback" not in bot.text and "exploded" not in bot.text


async def test_each_citizen_has_their_own_state(engine: object) -> None:
    from handlers.engine import Engine

    assert isinstance(engine, Engine)
    alice, bob = TestBot(engine, user_id="alice"), TestBot(engine, user_id="bob")
    await alice.send("dang ky khai sinh")
    await alice.press("Bắt đầu hướng dẫn")
    await bob.send("/start")
    assert "Tiếp tục hướng dẫn" not in bob.text
    await alice.press("Đã đăng ký kết hôn")
    assert "Câu hỏi 2/2" in alice.text
