"""Phrases of /xoa_du_lieu: what is deleted, what is kept and why (Law 91/2025/QH15, Decree 356/2025)."""

from __future__ import annotations

COMMAND = "/xoa_du_lieu"
CONFIRM = (
    "Bạn muốn xóa dữ liệu của mình trong trợ lý này? Khi bạn xác nhận, tôi xóa ngay:\n"
    "• cuộc trò chuyện đang dở và các lựa chọn đã lưu;\n"
    "• tiến độ các hướng dẫn từng bước và lời nhắc đã hẹn;\n"
    "• kết quả xác minh số điện thoại, các mã xác minh gửi cho cuộc trò chuyện này và lần đồng ý của bạn;\n"
    "• câu hỏi bạn đã gửi cán bộ.\n"
    "Không thể hoàn tác. Hồ sơ bạn đã nộp ở cơ quan nhà nước không bị ảnh hưởng."
)
CONFIRM_AGAIN = "Bạn bấm «Xóa dữ liệu của tôi» để xác nhận, hoặc «Không xóa» để giữ nguyên. Tôi chưa xóa gì."
BTN_ERASE = "Xóa dữ liệu của tôi"
BTN_KEEP = "Không xóa"
DONE = (
    "Đã xóa dữ liệu của bạn trong trợ lý. Những gì còn giữ và lý do:\n"
    "• Nhật ký an ninh các lần gửi, kiểm tra mã xác minh và lần xóa này (thời điểm, kênh, mã cuộc trò chuyện, "
    "kết quả), không còn số điện thoại: giữ 1 năm để phát hiện gian lận, rồi tự xóa.\n"
    "• Số lần mã đã gửi tới một số điện thoại trong 24 giờ qua, chỉ ở dạng mã hóa một chiều và không gắn với bạn: "
    "giữ tối đa 2 ngày để chống dùng trợ lý gửi tin nhắn quấy rối người khác, rồi tự xóa.\n"
    "• Số liệu thống kê ẩn danh (số tin nhắn, thủ tục được hỏi), không gắn với bạn.\n"
    "• Hồ sơ hành chính do cơ quan giải quyết quản lý, không thuộc dữ liệu của trợ lý.\n"
    "Tin nhắn còn hiện trong ứng dụng trò chuyện của bạn thì bạn tự xóa trên ứng dụng. "
    "Bạn vẫn dùng trợ lý bình thường, như người mới."
)
