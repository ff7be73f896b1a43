"""Fixed phrases of dossier lookup and code recovery, and the status vocabulary in plain Vietnamese."""

from __future__ import annotations

# Status vocabulary of the registry (import, connector) → label, meaning, next action.
STATUS_LABELS = {
    "received": "Đã tiếp nhận",
    "processing": "Đang giải quyết",
    "needs_more_papers": "Cần bổ sung giấy tờ",
    "result_ready": "Đã có kết quả",
    "returned": "Bị trả lại / từ chối",
}
STATUSES = frozenset(STATUS_LABELS)
STATUS_MEANING = {
    "received": "Cơ quan đã nhận hồ sơ và đang kiểm tra thành phần giấy tờ.",
    "processing": "Hồ sơ hợp lệ và đang được cán bộ giải quyết.",
    "needs_more_papers": "Cơ quan cần bạn bổ sung hoặc sửa một số giấy tờ trước khi giải quyết tiếp.",
    "result_ready": "Hồ sơ đã giải quyết xong, kết quả đã sẵn sàng.",
    "returned": "Cơ quan trả lại hoặc từ chối giải quyết hồ sơ này.",
}
STATUS_NEXT = {
    "received": "Chưa cần làm gì. Bạn sẽ nhận tin nhắn hoặc email khi có kết quả hay cần bổ sung.",
    "processing": "Chờ đến ngày hẹn trả kết quả; giữ điện thoại để nhận thông báo.",
    "needs_more_papers": (
        "Đăng nhập bằng VNeID, mở «Quản lý hồ sơ», đọc yêu cầu bổ sung rồi tải giấy tờ lên; "
        "hoặc mang giấy tờ đến cơ quan giải quyết. Làm sớm để hồ sơ không bị trả lại."
    ),
    "result_ready": (
        "Nhận kết quả theo cách bạn đã chọn khi nộp: bản điện tử trong «Quản lý hồ sơ», qua bưu điện, "
        "hoặc đến nhận trực tiếp (mang căn cước và giấy tiếp nhận)."
    ),
    "returned": (
        "Xem lý do trong thông báo trên cổng (mục «Quản lý hồ sơ»). Sửa theo hướng dẫn rồi nộp hồ sơ mới, "
        "hoặc hỏi cơ quan giải quyết nếu chưa rõ lý do."
    ),
}
WHERE_PROCEDURE = "{portal} — {url}; cơ quan giải quyết: {agency}"
WHERE_GENERIC = (
    "Cổng Dịch vụ công quốc gia — https://dichvucong.gov.vn, mục «Tra cứu hồ sơ», hoặc cơ quan đã nhận hồ sơ"
)
PROCEDURE_UNKNOWN = "thủ tục mã {id}"

# Lookup by code.
LOOKUP_ASK = (
    "Bạn gửi mã hồ sơ cho tôi nhé. Mã in trên giấy tiếp nhận, hoặc trong tin nhắn, email báo tiếp nhận; "
    "có dạng 000.00.12.H62-201105-0004."
)
LOOKUP_BAD_FORMAT = (
    "Tôi chưa thấy mã hồ sơ trong tin nhắn này. Mã có dạng 000.00.12.H62-201105-0004: "
    "mã cơ quan, ngày nộp (6 số năm-tháng-ngày) và số thứ tự.\n"
    "Bạn gõ lại mã, hoặc bấm «Quên mã hồ sơ» nếu không còn giữ mã."
)
LOOKUP_CARD = (
    "📁 Hồ sơ {code}\n"
    "• Thủ tục: {procedure}\n"
    "• Ngày nộp: {submitted}\n"
    "• Trạng thái: {label} (cập nhật {updated})\n"
    "{meaning}\n"
    "👉 Việc cần làm: {next}\n"
    "📍 Ở đâu: {where}"
)
LOOKUP_UNKNOWN = (
    "Tôi không tìm thấy hồ sơ mã {code}.\n"
    "• Bạn kiểm tra lại từng ký tự: số 0 và chữ O, dấu chấm, dấu gạch ngang.\n"
    "• Hồ sơ mới nộp có thể chưa có trong dữ liệu của tôi; bạn tra thêm trên https://dichvucong.gov.vn, "
    "mục «Tra cứu hồ sơ».\n"
    "Nếu không còn giữ mã đúng, tôi có thể giúp tìm lại qua số điện thoại đã khai khi nộp."
)
LOOKUP_LIMITED = (
    "Bạn đã tra cứu nhiều lần trong một giờ qua. Để bảo vệ thông tin hồ sơ, vui lòng thử lại sau, "
    "hoặc tra trên https://dichvucong.gov.vn, mục «Tra cứu hồ sơ»."
)
BTN_LOOKUP_ANOTHER = "Tra mã khác"
BTN_SHOW_DOSSIER = "Xem {code}"

# Recovery: consent.
CONSENT_VERSION = "recover-v1"
CONSENT_PURPOSE = "dossier-recovery"
RECOVER_EXPLAIN = (
    "Tôi giúp tìm lại mã hồ sơ qua số điện thoại bạn đã khai khi nộp:\n"
    "1. Bạn cho biết số điện thoại di động đó.\n"
    "2. Tôi gửi mã xác minh 6 số qua SMS đến số ấy; bạn gõ lại mã ở đây.\n"
    "3. Khi đúng, tôi hiện các hồ sơ của số này: mã hồ sơ, thủ tục, ngày nộp, trạng thái.\n"
    "Tôi lưu lần đồng ý này và nhật ký xác minh, trong đó số điện thoại chỉ ở dạng mã hóa một chiều, "
    "để chống dò số; tôi không lưu mã xác minh. Mục đích duy nhất: giúp bạn tìm lại hồ sơ của chính mình.\n"
    "Lưu ý: tin nhắn SMS có thể bị kẻ gian chiếm nếu SIM bị làm lại trái phép. Cách không cần SMS: "
    "đăng nhập https://dichvucong.gov.vn bằng VNeID, mục «Quản lý hồ sơ», hoặc hỏi trực tiếp bộ phận một cửa.\n"
    "Bạn đồng ý tiếp tục chứ?"
)
BTN_AGREE = "Đồng ý"
BTN_DECLINE = "Không, cảm ơn"
BTN_CANCEL = "Hủy"
CONSENT_FIRST = "Bạn bấm «Đồng ý» để tiếp tục, hoặc «Không, cảm ơn» để quay lại. Tôi chưa nhận số điện thoại nào."

# Recovery: phone and code.
ASK_PHONE = "Bạn gõ số điện thoại di động đã khai khi nộp hồ sơ, ví dụ 0912 345 678."
ASK_PHONE_OR_SHARE = (
    "Bấm «Chia sẻ số điện thoại» bên dưới (nhanh nhất, không cần SMS), "
    "hoặc gõ số điện thoại di động đã khai khi nộp hồ sơ, ví dụ 0912 345 678."
)
PHONE_INVALID = "Số này chưa đúng dạng số di động Việt Nam. Bạn gõ lại, ví dụ 0912 345 678 hoặc +84 912 345 678."
CODE_SENT = (
    "Nếu {masked} là số di động đang hoạt động, mã xác minh 6 số sẽ đến trong ít phút. "
    "Mã có hiệu lực 5 phút và chỉ dùng một lần; bạn gõ mã vào đây.\n"
    "Đừng đọc mã này cho ai, kể cả người xưng là cán bộ."
)
SEND_LIMITED = (
    "Số này hoặc cuộc trò chuyện này đã yêu cầu nhiều mã trong thời gian ngắn. Vui lòng đợi rồi thử lại "
    "(mỗi số nhận tối đa 1 mã mỗi phút, 3 mã mỗi giờ, 5 mã mỗi ngày)."
)
SMS_UNAVAILABLE = (
    "Hiện tôi chưa gửi được tin nhắn xác minh. Bạn có thể đăng nhập https://dichvucong.gov.vn bằng VNeID, "
    "mục «Quản lý hồ sơ», hoặc hỏi bộ phận một cửa nơi đã nộp."
)
CODE_FORMAT = "Mã xác minh gồm đúng 6 chữ số, ví dụ 123456. Bạn gõ lại mã trong tin nhắn SMS."
CODE_WRONG = "Mã không đúng hoặc đã hết hạn. Bạn kiểm tra tin nhắn rồi gõ lại, hoặc bấm «Gửi mã mới»."
CODE_LOCKED = "Mã này đã bị khóa vì nhập sai 5 lần. Bấm «Gửi mã mới» để nhận mã khác."
PHONE_LOCKED = (
    "Số điện thoại này tạm khóa xác minh vì có quá nhiều lần nhập sai. Vui lòng thử lại sau 1 giờ, "
    "hoặc hỏi bộ phận một cửa."
)
ASK_PHONE_AGAIN = "Bạn gõ lại số điện thoại di động để nhận mã mới."
BTN_NEW_CODE = "Gửi mã mới"
OFF_TOPIC = "Tôi đang chờ {waiting} để tìm lại mã hồ sơ. Nếu bạn muốn làm việc khác, bấm nút bên dưới."
WAITING_PHONE = "số điện thoại của bạn"
WAITING_CODE = "mã xác minh 6 số trong tin nhắn SMS"
CONTACT_REFUSED = (
    "Tôi chỉ nhận số điện thoại của chính bạn, gửi bằng nút «Chia sẻ số điện thoại» trong cuộc trò chuyện "
    "riêng với tôi; không nhận danh bạ của người khác hay tin chuyển tiếp. "
    "Bạn cũng có thể gõ số để nhận mã qua SMS."
)

# Recovery: the verified list.
LIST_HEADER = "✅ Đã xác minh số {masked}. Các hồ sơ của số này:"
LIST_LINE = "{n}. {code} — {procedure} — nộp {date} — {status}"
LIST_MORE = "… và {count} hồ sơ khác."
LIST_FOOTER = "Bấm một mã để xem chi tiết. Kết quả xác minh có hiệu lực 10 phút."
LIST_EMPTY = (
    "✅ Đã xác minh số {masked}, nhưng tôi không tìm thấy hồ sơ nào khai số này. Có thể khi nộp bạn khai số khác, "
    "hoặc hồ sơ chưa có trong dữ liệu của tôi. Bạn xem mục «Quản lý hồ sơ» trên https://dichvucong.gov.vn "
    "(đăng nhập VNeID) hoặc hỏi cơ quan đã nhận hồ sơ."
)
VERIFIED_EXPIRED = "Phiên xác minh đã hết hạn (sau 10 phút). Nếu cần, bạn bắt đầu lại mục «Quên mã hồ sơ»."
BTN_SHOW_LIST = "Xem lại danh sách"
