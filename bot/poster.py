"""A printable A4 poster (PNG or PDF) with a QR code of a volunteer's referral link."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
DPI = 150
WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi
MARGIN = 90
BLUE, INK, GREY, PALE = "#0b4f8a", "#1a1a1a", "#555555", "#eef4fa"
FORMATS = {".png": "PNG", ".pdf": "PDF"}


class PosterError(Exception):
    """The poster cannot be made (missing font, unknown file type)."""


@dataclass(frozen=True, slots=True)
class PosterContent:
    """What the poster says; the links are already built for this volunteer and procedure."""

    topic: str
    volunteer_name: str
    volunteer_unit: str
    volunteer_code: str
    web_link: str
    short_code: str
    telegram_link: str | None = None


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    if not path.is_file():
        raise PosterError(
            f"Thiếu phông chữ có dấu tiếng Việt: {path} (font missing). Cài bằng: apt-get install fonts-dejavu-core"
        )
    return ImageFont.truetype(str(path), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap by measured width."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _text(draw: ImageDraw.ImageDraw, y: int, text: str, font: ImageFont.FreeTypeFont, fill: str, center: bool) -> int:
    """Draw wrapped text from `y`; returns the y below it."""
    height = int(font.size * 1.3)
    for line in _wrap(draw, text, font, WIDTH - 2 * MARGIN):
        x = (WIDTH - draw.textlength(line, font=font)) / 2 if center else MARGIN
        draw.text((x, y), line, font=font, fill=fill)
        y += height
    return y


def qr_image(link: str, size: int) -> Image.Image:
    """A QR code of `link` as a black-on-white square of about `size` pixels, quiet zone included."""
    code = segno.make(link, error="m", micro=False)
    rows = list(code.matrix_iter(scale=1, border=4))
    scale = max(1, size // len(rows))
    image = Image.new("1", (len(rows) * scale, len(rows) * scale), 1)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                draw.rectangle((x * scale, y * scale, (x + 1) * scale - 1, (y + 1) * scale - 1), fill=0)
    return image


def render(content: PosterContent) -> Image.Image:
    """The poster as an A4 image at 150 dpi."""
    title, big, body, small = (_font(FONT_BOLD, 46), _font(FONT_BOLD, 54), _font(FONT_REGULAR, 32), 26)
    note = _font(FONT_REGULAR, small)
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 150), fill=BLUE)
    _text(draw, 28, "TRỢ LÝ DỊCH VỤ CÔNG", title, "white", center=True)
    _text(draw, 92, "Hướng dẫn thủ tục hành chính trực tuyến — miễn phí", note, "white", center=True)
    y = _text(draw, 200, f"Quét mã để được hướng dẫn làm {content.topic} trên điện thoại", big, INK, center=True)
    qr = qr_image(content.web_link, 620)
    image.paste(qr, ((WIDTH - qr.width) // 2, y + 20))
    y = _text(draw, y + 40 + qr.height, f"Hoặc mở: {content.web_link}", note, GREY, center=True)
    steps = [
        "1. Mở camera điện thoại (hoặc Zalo → Quét mã QR) và hướng vào mã ở trên.",
        "2. Bấm vào đường link hiện ra: trợ lý hướng dẫn từng bước, giấy tờ cần chuẩn bị và lệ phí.",
        f"3. Dùng Zalo? Nhắn mã «{content.short_code}» cho Trợ lý Dịch vụ công.",
    ]
    box_top = y + 30
    text_width = WIDTH - 2 * MARGIN - (300 if content.telegram_link else 0)
    lines = [line for step in steps for line in _wrap(draw, step, body, text_width - 40)]
    box_bottom = box_top + 40 + len(lines) * int(body.size * 1.3)
    draw.rounded_rectangle((MARGIN - 20, box_top, WIDTH - MARGIN + 20, box_bottom), radius=24, fill=PALE)
    for i, line in enumerate(lines):
        draw.text((MARGIN + 10, box_top + 20 + i * int(body.size * 1.3)), line, font=body, fill=INK)
    if content.telegram_link:
        small_qr = qr_image(content.telegram_link, 240)
        x = WIDTH - MARGIN - small_qr.width
        image.paste(small_qr, (x, box_top + 10))
        draw.text((x + 20, box_top + 16 + small_qr.height), "Dùng Telegram", font=note, fill=GREY)
    footer = [
        f"Người giới thiệu: {content.volunteer_name} — {content.volunteer_unit} (mã {content.volunteer_code})",
        "Trợ lý không bao giờ hỏi mật khẩu, mã OTP hay passcode VNeID của bạn.",
    ]
    y = HEIGHT - MARGIN - 2 * int(small * 1.3) - 40
    draw.line((MARGIN, y, WIDTH - MARGIN, y), fill=BLUE, width=3)
    for line in footer:
        y = _text(draw, y + 20, line, note, INK, center=True) - 20
    return image


def save(content: PosterContent, out: Path) -> None:
    """Render and save as PNG or PDF, chosen by the file's suffix."""
    kind = FORMATS.get(out.suffix.lower())
    if kind is None:
        raise PosterError(f"{out}: chỉ hỗ trợ .png hoặc .pdf (only .png or .pdf)")
    image = render(content)
    out.parent.mkdir(parents=True, exist_ok=True)
    if kind == "PDF":
        image.save(out, kind, resolution=DPI)
    else:
        image.save(out, kind, dpi=(DPI, DPI))
