"""Phrases of the hand-off to a person: what the citizen sees, and what the staff group sees."""

from __future__ import annotations

# Citizen.
ASK = (
    "Bạn hãy gõ câu hỏi cho cán bộ trong một tin nhắn: thủ tục gì, bạn đang vướng ở đâu.\n"
    "Không gửi mật khẩu, mã OTP hay số căn cước."
)
ASK_AGAIN = "Bạn hãy gõ câu hỏi bằng chữ trong một tin nhắn."
CONFIRM = "Gửi câu hỏi này cho cán bộ?\n«{question}»"
TRUNCATED = "(Câu hỏi dài nên tôi chỉ gửi {limit} ký tự đầu.)"
BTN_SEND = "Gửi cho cán bộ"
BTN_EDIT = "Sửa lại câu hỏi"
BTN_CANCEL = "Hủy, không gửi"
BTN_CLOSE = "Đóng yêu cầu"
BTN_KEEP = "Tiếp tục chờ cán bộ"
DRAFT_CANCELLED = "Đã hủy, chưa gửi gì cho cán bộ."
SENT = "Đã gửi câu hỏi cho cán bộ (yêu cầu số {id}). Cán bộ sẽ trả lời ngay tại cuộc trò chuyện này."
IN_HOURS = "Cán bộ đang trong giờ làm việc và sẽ trả lời bạn sớm."
OUT_OF_HOURS = "Bây giờ là ngoài giờ làm việc. Cán bộ sẽ trả lời từ {when}."
WHILE_OPEN = (
    "Trong lúc chờ, tin nhắn bạn gõ thêm sẽ được chuyển cho cán bộ (trợ lý tạm im lặng). "
    "Gõ /huy để đóng yêu cầu, /menu để xem danh sách chính."
)
FORWARDED = "✓ Đã chuyển cho cán bộ (yêu cầu số {id})."
ALREADY_OPEN = (
    "Bạn đang có yêu cầu số {id} chờ cán bộ trả lời. Cứ gõ thêm điều bạn muốn nói, tin nhắn sẽ được chuyển cho cán bộ."
)
CLOSE_OFFER = "Bạn muốn đóng yêu cầu số {id}? Sau khi đóng, cán bộ sẽ không trả lời tiếp ở đây nữa."
KEPT = "Yêu cầu số {id} vẫn mở. Tin nhắn bạn gõ sẽ được chuyển cho cán bộ."
CLOSED_BY_CITIZEN = "Đã đóng yêu cầu số {id}. Bạn có thể hỏi tiếp trợ lý hoặc chọn một mục bên dưới."
MENU_WHILE_OPEN = (
    "Yêu cầu số {id} vẫn đang mở: tin nhắn bạn gõ sẽ được chuyển cho cán bộ. "
    "Bạn vẫn bấm được các nút bên dưới; gõ /huy để đóng yêu cầu."
)
TEXT_ONLY = "Hiện tôi chỉ chuyển được tin nhắn chữ cho cán bộ. Bạn hãy gõ nội dung bằng chữ."
NO_CONTACT = "Tôi không chuyển số điện thoại cho cán bộ. Nếu cán bộ cần liên lạc, họ sẽ hỏi bạn tại đây."
STAFF_REPLY = "👤 Cán bộ trả lời (yêu cầu số {id}):\n{text}"
CLOSED_BY_STAFF = (
    "Cán bộ đã đóng yêu cầu số {id}. Cảm ơn bạn!\nTrợ lý tiếp tục hỗ trợ bạn: gõ câu hỏi hoặc chọn một mục bên dưới."
)
NO_STAFF_ONLINE = "Hiện chưa có cán bộ trực tuyến qua trợ lý này, nên tôi chưa chuyển được câu hỏi cho ai."
NOT_SENT = "Câu hỏi bạn vừa gõ CHƯA được gửi đi; hãy gọi tổng đài hoặc gửi email theo thông tin trên."

# Staff group (Telegram). Every message names its ticket as "#<id>": replying to any of them answers it.
CHANNELS = {"telegram": "Telegram", "zalo": "Zalo", "web": "Web", "console": "Console"}
CARD = "🆘 Yêu cầu #{id} · {channel} · {opened}"
CARD_CONTEXT_WALK = "Đang làm: {title} — {where}"
CARD_CONTEXT_ANSWER = "Vừa xem: {title}"
CARD_QUESTION = "Câu hỏi:\n{question}"
CARD_HOW = "↩️ Trả lời (Reply) tin nhắn này để trả lời người dân; trả lời /dong để đóng yêu cầu."
CARD_OUT_OF_HOURS = "(Gửi ngoài giờ làm việc; người dân đã được báo cán bộ trả lời từ {when}.)"
WALK_PHASES = {"q": "đang trả lời câu hỏi ban đầu", "docs": "đang xem giấy tờ", "tick": "đang đánh dấu giấy tờ"}
WALK_STEP = "bước {n}/{total} «{step}»"
FOLLOW_UP = "💬 Yêu cầu #{id} · người dân viết thêm:\n{text}"
CITIZEN_CLOSED = "🔒 Yêu cầu #{id}: người dân đã đóng yêu cầu."
RELAYED = "✓ Đã chuyển tới người dân (yêu cầu #{id})."
STAFF_CLOSED = "🔒 Đã đóng yêu cầu #{id}; người dân đã được báo."
ALREADY_CLOSED = "Yêu cầu #{id} đã đóng; tin nhắn không được chuyển."
NOT_FOUND = "Không tìm thấy yêu cầu này. Hãy trả lời (Reply) đúng tin nhắn yêu cầu, hoặc gõ /dong <số yêu cầu>."
STAFF_TEXT_ONLY = "Chỉ chuyển được tin nhắn chữ cho người dân."
