"""Fixed phrases for volunteers (/thongke, account links, short codes) and the staff reports."""

from __future__ import annotations

# Citizens typing a short code from a poster.
SHORT_CODE_UNKNOWN = (
    "Mã «{code}» không đúng hoặc đã ngừng dùng. Bạn kiểm tra lại mã trên tờ hướng dẫn, "
    "hoặc cứ gõ điều bạn cần, ví dụ: «làm giấy khai sinh cho con»."
)

# Volunteers.
LINKED = (
    "Đã liên kết tài khoản chat này với tình nguyện viên {name} ({unit}), mã {code}.\n"
    "Gõ /thongke bất cứ lúc nào để xem số người bạn đã giúp."
)
LINK_INVALID = "Đường liên kết này không hợp lệ, đã được dùng hoặc đã hết hạn. Bạn nhờ cán bộ tạo đường liên kết mới."
NOT_A_VOLUNTEER = (
    "Lệnh /thongke dành cho tình nguyện viên đã liên kết tài khoản chat. "
    "Nếu bạn là tình nguyện viên, hãy nhờ cán bộ gửi đường liên kết một lần."
)
STATS_HEADER = "📊 Thống kê của {name} ({unit}), mã {code}:"
STATS_LINE = "• {label}: {week} trong 7 ngày, {month} trong 30 ngày"
STATS_LABELS = {
    "referral": "Mở đường link hoặc quét mã của bạn",
    "started": "Bắt đầu hướng dẫn từng bước",
    "finished": "Làm hết các bước hướng dẫn",
    "recovered": "Lấy lại được mã hồ sơ",
}
STATS_FOOTER = "Chỉ đếm số lượt, không lưu tên hay số điện thoại của người dân. Cảm ơn bạn đã hỗ trợ!"

# Staff reports.
UNANSWERED_HEADER = "❓ Câu hỏi bot chưa hiểu trong 7 ngày qua (nhiều nhất trước):"
UNANSWERED_LINE = "{rank}. «{text}» — {count} lần"
UNANSWERED_NONE = "Tuần này chưa có câu hỏi nào bot không hiểu. 🎉"
UNANSWERED_FOOTER = (
    "Thêm cách hỏi mới: docs/huong-dan-bien-tap.md, mục 5. Cả danh sách: python -m bot report unanswered"
)
STOPS_HEADER = "🧱 Các bước người dân dừng lại nhiều nhất trong 30 ngày qua:"
STOPS_LINE = "{rank}. {procedure} — bước «{step}»: {stuck} lần báo kẹt, {abandoned} lần bỏ dở"
STOPS_NONE = "Trong 30 ngày qua chưa ai báo kẹt hay bỏ dở giữa chừng."
STOPS_FOOTER = "Xem thêm: python -m bot report stuck"
