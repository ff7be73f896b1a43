"""Telegram rendering limits and update conversion, with no network."""

from __future__ import annotations

import html
import unicodedata

import pytest
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update

from bot.channels.telegram_render import (
    COMMANDS,
    MAX_MESSAGE_UNITS,
    render,
    split_message,
    to_incoming,
    utf16_units,
)
from handlers.types import Ask, Button, Capability, Contact, Reply
from tests.bot.fake_telegram import callback_update, message_update


def line(n: int, width: int = 99) -> str:
    return f"{n:04d} " + "đ" * (width - 5)


def test_text_of_exactly_4096_units_stays_one_message() -> None:
    text = "a" * MAX_MESSAGE_UNITS
    assert split_message(text) == [text]


def test_4097_characters_split_at_the_last_line_break() -> None:
    text = "\n".join(line(n) for n in range(41)) + "x" * 7  # 41 lines of 100 with breaks, then more
    assert len(text) > MAX_MESSAGE_UNITS
    parts = split_message(text)
    assert len(parts) == 2
    assert all(utf16_units(part) <= MAX_MESSAGE_UNITS for part in parts)
    assert parts[0].endswith(line(39)) or parts[0].endswith(line(40))
    assert "\n".join(parts) == text


def test_long_text_keeps_every_line_in_order() -> None:
    text = "\n".join(line(n) for n in range(300))  # about 30,000 characters
    parts = split_message(text)
    assert len(parts) == 8
    assert all(utf16_units(part) <= MAX_MESSAGE_UNITS for part in parts)
    assert "\n".join(parts) == text


def test_emoji_count_as_two_utf16_units() -> None:
    text = "😀" * 2049  # 2,049 characters but 4,098 UTF-16 units
    parts = split_message(text)
    assert [utf16_units(part) for part in parts] == [4096, 2]
    assert "".join(parts) == text


def test_a_hard_cut_never_separates_a_letter_from_its_marks() -> None:
    word = unicodedata.normalize("NFD", "Nguyễn")  # "ễ" is e + two combining marks
    text = word * 1000  # no spaces or line breaks at all
    for part in split_message(text):
        assert utf16_units(part) <= MAX_MESSAGE_UNITS
        assert not unicodedata.combining(part[0])
    assert "".join(split_message(text)) == text


def test_html_is_escaped_everywhere() -> None:
    [message] = render([Reply("<b>Phí</b> & <script>alert(1)</script> 5 < 6 &amp;")])
    assert message.html == "&lt;b&gt;Phí&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; 5 &lt; 6 &amp;amp;"
    assert html.unescape(message.html) == "<b>Phí</b> & <script>alert(1)</script> 5 < 6 &amp;"


def test_escaping_does_not_push_a_message_over_the_limit() -> None:
    text = "<" * MAX_MESSAGE_UNITS  # 4,096 characters become 16,384 once escaped; Telegram counts parsed text
    [message] = render([Reply(text)])
    assert html.unescape(message.html) == text


def test_buttons_become_an_inline_keyboard_on_the_last_part() -> None:
    text = "\n".join(line(n) for n in range(60))
    messages = render([Reply(text, (Button("Bắt đầu hướng dẫn", "g:khai-sinh"), Button("Gặp cán bộ", "a:gap-can-bo")))])
    assert [m.markup for m in messages[:-1]] == [None]
    keyboard = messages[-1].markup
    assert isinstance(keyboard, InlineKeyboardMarkup)
    assert [[b.callback_data for b in row] for row in keyboard.inline_keyboard] == [["g:khai-sinh"], ["a:gap-can-bo"]]


def test_payload_of_64_bytes_is_callback_data_and_65_is_refused() -> None:
    payload = "g:" + "ệ" * 20 + "x" * 2  # 2 + 60 + 2 = 64 bytes in UTF-8
    assert len(payload.encode()) == 64
    [message] = render([Reply("Chọn", (Button("Đi", payload),))])
    assert isinstance(message.markup, InlineKeyboardMarkup)
    assert message.markup.inline_keyboard[0][0].callback_data == payload
    with pytest.raises(ValueError, match="64"):
        Button("Đi", payload + "x")


def test_phone_request_shows_the_contact_keyboard() -> None:
    [message] = render([Reply("Bấm nút bên dưới để gửi số điện thoại.", ask=Ask.PHONE)])
    assert isinstance(message.markup, ReplyKeyboardMarkup)
    assert message.markup.keyboard[0][0].request_contact is True
    assert message.markup.one_time_keyboard is True


def test_phone_request_with_buttons_sends_both_keyboards() -> None:
    text = "Để tìm lại mã hồ sơ:\nBấm nút gửi số, hoặc chọn cách khác."
    reply = Reply(text, (Button("Nhận mã qua SMS", "r:sms"),), Ask.PHONE)
    first, second = render([reply], private=True)
    assert isinstance(first.markup, ReplyKeyboardMarkup)
    assert first.html == "Để tìm lại mã hồ sơ:"
    assert isinstance(second.markup, InlineKeyboardMarkup)


def test_no_contact_keyboard_in_groups() -> None:
    [message] = render([Reply("Gửi số điện thoại", ask=Ask.PHONE)], private=False)
    assert message.markup is None


def test_the_contact_keyboard_is_removed_afterwards() -> None:
    messages = render(
        [Reply("Đã nhận."), Reply("Hồ sơ của bạn", (Button("Về danh sách chính", "menu"),))], remove_keyboard=True
    )
    assert isinstance(messages[0].markup, ReplyKeyboardRemove)
    assert isinstance(messages[1].markup, InlineKeyboardMarkup)
    # every message has inline buttons: the first one's text carries the removal, its buttons follow
    first, second = render(
        [Reply("Hồ sơ của bạn:\n• HS-1", (Button("Về danh sách chính", "menu"),))], remove_keyboard=True
    )
    assert (first.html, type(first.markup)) == ("Hồ sơ của bạn:", ReplyKeyboardRemove)
    assert (second.html, type(second.markup)) == ("• HS-1", InlineKeyboardMarkup)


def test_commands_are_in_vietnamese() -> None:
    assert [c.command for c in COMMANDS] == ["start", "menu", "huy", "trogiup", "xoa_du_lieu"]
    assert all(c.description and not c.description.isascii() for c in COMMANDS)


def incoming_of(data: dict[str, object]):  # type: ignore[no-untyped-def]
    return to_incoming(Update.de_json(data, None))


def test_text_message_and_deep_link() -> None:
    incoming = incoming_of(message_update(7, 42, "/start khai-sinh"))
    assert incoming is not None
    assert (incoming.channel, incoming.user_id, incoming.chat_id, incoming.text) == (
        "telegram",
        "42",
        "42",
        "/start khai-sinh",
    )
    assert incoming.private_chat
    assert incoming.capabilities == {Capability.BUTTONS, Capability.SHARE_CONTACT}


def test_button_press_carries_the_payload() -> None:
    incoming = incoming_of(callback_update(8, 42, "g:khai-sinh"))
    assert incoming is not None
    assert (incoming.payload, incoming.text, incoming.chat_id) == ("g:khai-sinh", "", "42")


def test_own_contact_other_contact_and_forwarded_contact() -> None:
    own = {"phone_number": "84912345678", "first_name": "Lan", "user_id": 42}
    other = {"phone_number": "+84987654321", "first_name": "Hà", "user_id": 99}
    forward = {"type": "user", "date": 1_790_000_000, "sender_user": {"id": 99, "is_bot": False, "first_name": "Hà"}}
    cases = [
        (message_update(9, 42, contact=own), Contact("84912345678", "42", False)),
        (message_update(10, 42, contact=other), Contact("+84987654321", "99", False)),
        (message_update(11, 42, contact=own, forward_origin=forward), Contact("84912345678", "42", True)),
        (
            message_update(12, 42, contact={"phone_number": "0912345678", "first_name": "X"}),
            Contact("0912345678", None),
        ),
    ]
    for data, expected in cases:
        incoming = incoming_of(data)
        assert incoming is not None and incoming.contact == expected


def test_group_chat_is_not_private_and_cannot_share_contacts() -> None:
    group = {"id": -100123, "type": "supergroup", "title": "Tổ dân phố"}
    incoming = incoming_of(message_update(13, 42, "dang ky khai sinh", chat=group))
    assert incoming is not None
    assert (incoming.chat_id, incoming.user_id, incoming.private_chat) == ("-100123", "42", False)
    assert Capability.SHARE_CONTACT not in incoming.capabilities


def test_updates_we_do_not_answer() -> None:
    assert incoming_of({"update_id": 14, "edited_message": message_update(14, 42, "x")["message"]}) is None
    bot_message = message_update(15, 42, "x")
    bot_message["message"]["from"]["is_bot"] = True
    assert incoming_of(bot_message) is None
