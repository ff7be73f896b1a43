"""Every fixed phrase a citizen sees, in one place."""

from __future__ import annotations

import datetime as dt

GREETING = (
    "Xin chào! Tôi là Trợ lý Dịch vụ công.\n"
    "Tôi giúp bạn tìm đúng thủ tục, hướng dẫn nộp hồ sơ trực tuyến từng bước "
    "và cách theo dõi hồ sơ đã nộp.\n"
    "Bạn cứ gõ câu hỏi, ví dụ: «làm giấy khai sinh cho con», «đổi bằng lái xe», "
    "hoặc chọn một mục bên dưới."
)
MENU = "Bạn muốn làm gì? Chọn một mục hoặc gõ câu hỏi của bạn."
HELP = (
    "Cách dùng trợ lý:\n"
    "• Gõ điều bạn cần, có dấu hay không dấu đều được (ví dụ: «dang ky tam tru»).\n"
    "• Bấm nút, hoặc gõ số thứ tự của nút.\n"
    "• /menu — về danh sách chính\n"
    "• /huy — dừng việc đang làm\n"
    "• /trogiup — xem lại hướng dẫn này\n"
    "• /xoa_du_lieu — xóa dữ liệu của bạn trong trợ lý\n"
    "Tôi không bao giờ hỏi mật khẩu, mã OTP hay passcode VNeID của bạn."
)
CANCELLED = "Đã dừng. Bạn có thể bắt đầu lại bất cứ lúc nào."
NOTHING_TO_CANCEL = "Hiện không có việc gì đang làm dở."
ASK_QUESTION = "Bạn cần làm thủ tục gì? Hãy gõ vài chữ, ví dụ: «cấp lại căn cước» hoặc «dang ky ket hon»."
EMPTY = "Tôi chưa nhận được nội dung nào. Bạn hãy gõ câu hỏi hoặc chọn một mục bên dưới."
THANKS = "Dạ, không có gì ạ. Khi cần làm thủ tục gì, bạn cứ nhắn cho tôi hoặc chọn một mục bên dưới."
NOT_UNDERSTOOD = "Xin lỗi, tôi chưa hiểu tin nhắn này. Bạn hãy gõ bằng chữ điều bạn cần, hoặc chọn một mục bên dưới."
TOO_LONG = "Tin nhắn khá dài nên tôi chỉ đọc phần đầu. Lần sau bạn gõ ngắn gọn điều cần làm là được."
STALE_BUTTON = "Nút này đã cũ hoặc không còn dùng được. Mời bạn chọn lại từ danh sách dưới đây."
CONTACT_UNEXPECTED = "Cảm ơn bạn. Hiện tôi không cần số điện thoại; tôi không lưu số này."
UNKNOWN_COMMAND = "Tôi không biết lệnh này. Các lệnh dùng được: /menu, /huy, /trogiup, /xoa_du_lieu."
OUT_OF_SCOPE = (
    "Xin lỗi, tôi chỉ hỗ trợ các thủ tục hành chính và dịch vụ công trực tuyến, "
    "nên chưa trả lời được câu này.\n"
    "Bạn có thể chọn một mục bên dưới, hoặc nhờ cán bộ hỗ trợ."
)
CLARIFY = "Bạn đang hỏi về thủ tục nào dưới đây?"
CLARIFY_NONE_OF_THESE = "Không phải các mục trên"
ERROR = (
    "Xin lỗi, hệ thống đang gặp trục trặc nên chưa xử lý được tin nhắn này. "
    "Bạn vui lòng thử lại sau ít phút. Nếu cần gấp, gọi tổng đài Cổng Dịch vụ công quốc gia 18001096 (miễn phí)."
)

# Button labels.
BTN_SEARCH = "Tìm thủ tục"
BTN_LOOKUP = "Tra cứu hồ sơ"
BTN_RECOVER = "Quên mã hồ sơ"
BTN_STAFF = "Gặp cán bộ"
BTN_MENU = "Về danh sách chính"
BTN_START_GUIDE = "Bắt đầu hướng dẫn"
BTN_DOCUMENTS = "Giấy tờ cần chuẩn bị"
BTN_OTHER = "Tìm thủ tục khác"

# Procedure card.
LEVEL_LABELS = {
    "toan-trinh": "Toàn trình — làm hoàn toàn trực tuyến",
    "mot-phan": "Một phần — nộp trực tuyến, có bước phải đến cơ quan",
    "truc-tiep": "Chưa nộp trực tuyến được — cần đến cơ quan",
}
CARD_WHERE = "Nộp ở đâu"
CARD_LEVEL = "Hình thức"
CARD_AGENCY = "Cơ quan giải quyết"
CARD_FEE = "Lệ phí"
CARD_TIME = "Thời gian giải quyết"
CARD_LOGIN = "Đăng nhập"
CARD_REVIEWED = "Thông tin được rà soát ngày {date}. Phí và thời hạn có thể thay đổi; hãy xem lại trên trang thủ tục."
FEE_EXPIRED = "(Mức miễn, giảm này áp dụng đến {date}; đã hết hạn, hãy kiểm tra mức phí mới trên trang thủ tục.)"
FEE_UNTIL = "(áp dụng đến {date})"
DOCUMENTS_HEADER = "Giấy tờ cần chuẩn bị cho «{title}»:"
DOCUMENT_OPTIONAL = "(nếu có)"
DOCUMENTS_FOOTER = "Ảnh chụp giấy tờ cần rõ nét, đủ 4 góc, định dạng jpg hoặc pdf."
FAQ_FOOTER = "Bạn cần hỏi thêm gì không?"
EN_NOTE = "I answer in Vietnamese; here is the procedure in brief:"


def format_date(value: object) -> str:
    """Vietnamese day/month/year."""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


# Built-in conversations, until the dossier registry and staff hand-off land.
LOOKUP_INFO = (
    "Để xem hồ sơ đã nộp đang ở bước nào:\n"
    "1. Vào dichvucong.gov.vn, mục «Tra cứu hồ sơ».\n"
    "2. Nhập mã hồ sơ (in trên giấy tiếp nhận hoặc trong tin nhắn, email xác nhận) và mã bảo mật.\n"
    "3. Bấm «Tra cứu» để xem trạng thái và việc cần làm tiếp.\n"
    "Nếu đã đăng nhập bằng VNeID, mục «Quản lý hồ sơ» liệt kê mọi hồ sơ của bạn."
)
RECOVER_INFO = (
    "Quên mã hồ sơ vẫn tìm lại được:\n"
    "1. Đăng nhập dichvucong.gov.vn bằng tài khoản VNeID đã dùng khi nộp.\n"
    "2. Mở mục «Quản lý hồ sơ» (hoặc «Dịch vụ công của tôi»): mọi hồ sơ của bạn hiện ra kèm mã và trạng thái.\n"
    "3. Xem lại tin nhắn SMS hoặc email báo tiếp nhận hồ sơ; mã hồ sơ có trong đó.\n"
    "Nếu vẫn không thấy, gọi cơ quan đã nhận hồ sơ và đọc số định danh cá nhân để được tra giúp."
)
STAFF_INFO = (
    "Bạn có thể nhờ người hỗ trợ:\n"
    "• Tổng đài Cổng Dịch vụ công quốc gia: 18001096 (miễn phí), email dichvucong@chinhphu.vn.\n"
    "• Trung tâm Phục vụ hành chính công của tỉnh, thành phố hoặc bộ phận một cửa UBND xã, phường: "
    "có cán bộ và đoàn viên thanh niên hướng dẫn nộp trực tuyến.\n"
    "Khi gọi, bạn không cần và không nên đọc mật khẩu, mã OTP cho bất kỳ ai."
)

# Staff.
RELOAD_OK = "Đã nạp lại danh mục: {procedures} thủ tục đang phục vụ."
RELOAD_FAILED = (
    "Tệp danh mục có lỗi nên CHƯA nạp lại; bot vẫn dùng danh mục cũ ({procedures} thủ tục).\n"
    "Sửa các lỗi sau rồi thử lại (kiểm tra bằng: python -m bot validate):\n{problems}"
)
RELOAD_MORE = "… và {count} lỗi khác."
RELOAD_UNAVAILABLE = "Chức năng nạp lại chưa được bật trên máy chủ này."
