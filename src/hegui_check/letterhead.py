"""Letterhead for service teams (`--letterhead FILE`): organisation, logo and contact line on reports."""

from __future__ import annotations

import base64
import io
import mimetypes
import re
from pathlib import Path
from typing import Optional
from xml.etree import ElementTree

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import HeguiCheckError
from .limits import limit_text, shorten
from .yamlio import DocumentError, read_document, read_error

LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
MAX_LOGO_BYTES = 2 * 1024 * 1024


class Letterhead(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    organization: str = Field(min_length=1, max_length=80)
    contact: Optional[str] = Field(default=None, max_length=160)
    logo: Optional[Path] = None  # resolved against the letterhead file's folder

    def logo_data_uri(self) -> str | None:
        """The logo as a data: URI, so reports embed it and nothing is fetched at render time."""
        if self.logo is None:
            return None
        mime = LOGO_TYPES[self.logo.suffix.lower()]
        return f"data:{mime};base64," + base64.b64encode(self.logo.read_bytes()).decode("ascii")


MAX_LOGO_PIXELS = 25_000_000  # a logo decoded to more pixels than this is a decompression bomb
_SVG_EXTERNAL = re.compile(r"""(?:href|src)\s*=\s*["'](?!#|data:)""", re.IGNORECASE)


def _error(message: str, code: str = "bad-letterhead") -> HeguiCheckError:
    return HeguiCheckError(message, code=code)


def check_logo(path: Path, logo: Path) -> None:
    """Raise unless ``logo`` decodes as the image its suffix says: PNG/JPG through Pillow (dimensions
    bounded), SVG as plain XML without entities and without references to other files."""
    data = logo.read_bytes()
    if logo.suffix.lower() == ".svg":
        text = data.decode("utf-8", errors="replace")
        if "<!ENTITY" in text or "<!DOCTYPE" in text:
            raise _error(f"{path}: logo: SVG 图片不能包含 DOCTYPE 或 ENTITY 声明")
        if _SVG_EXTERNAL.search(text):
            raise _error(f"{path}: logo: SVG 图片引用了其他文件或网址；请只用内嵌内容的 SVG，或改用 PNG")
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError as exc:
            raise _error(f"{path}: logo: 图片 {logo.name} 无法解码（SVG 格式错误：{exc}）") from None
        if not root.tag.endswith("svg"):
            raise _error(f"{path}: logo: {logo.name} 不是 SVG 图片")
        return
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            kind = image.format
            if width * height > MAX_LOGO_PIXELS:
                raise _error(
                    f"{path}: logo: 图片 {width}×{height} 像素{limit_text('', MAX_LOGO_PIXELS, ' 像素')}",
                    "limit-exceeded",
                )
            image.verify()
    except HeguiCheckError:
        raise
    except ImportError:  # pragma: no cover - Pillow comes with WeasyPrint
        return
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds of errors on a damaged image
        raise _error(
            f"{path}: logo: 图片 {logo.name} 无法解码（{type(exc).__name__}），请换一张 PNG 或 JPG 图片"
        ) from None
    expected = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}[logo.suffix.lower()]
    if kind != expected:
        raise _error(f"{path}: logo: {logo.name} 的内容是 {kind or '未知'} 格式，与扩展名不符")


def load_letterhead(path: Path) -> Letterhead:
    """Read and validate a letterhead YAML file; raises HeguiCheckError naming the file and field."""
    try:
        doc = read_document(Path(path))
    except FileNotFoundError:
        raise _error(f"{path}: 信头文件不存在", "unreadable") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        code = exc.code if isinstance(exc, DocumentError) else "unreadable"
        raise _error(f"{path}: 信头文件无法读取：{read_error(exc, '信头文件')}", code) from None
    data = doc.data if isinstance(doc.data, dict) else None
    if data is None:
        raise _error(f"{path}: 信头文件应为键值映射：organization、logo、contact")
    try:
        head = Letterhead.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"])
        line = doc.line(list(err["loc"]))
        where = f"{path}:{line}" if line else str(path)
        hint = "允许的字段：organization（机构名称，必填）、logo（图片路径）、contact（联系方式）"
        raise _error(f"{where}: {shorten(field, 40)}: {shorten(err['msg'], 120)}；{hint}") from None
    if head.logo is not None:
        folder = Path(path).resolve().parent
        written = folder / head.logo
        logo = written.resolve()
        if logo.suffix.lower() not in LOGO_TYPES:
            raise _error(f"{path}: logo: 只支持 PNG、JPG 或 SVG 图片，实际是“{shorten(logo.name, 40)}”")
        if not logo.is_relative_to(folder):
            raise _error(
                f"{path}: logo: 图片必须放在信头文件所在的文件夹（或其子文件夹）中，"
                f"“{shorten(str(head.logo), 60)}”指向了这个文件夹以外"
            )
        if not written.exists():
            raise _error(f"{path}: logo: 图片文件 {shorten(str(written), 120)} 不存在")
        if not logo.is_file():
            raise _error(f"{path}: logo: {shorten(str(written), 120)} 不是普通文件")
        if logo.stat().st_size > MAX_LOGO_BYTES:
            raise _error(f"{path}: logo: 图片超过 2 MB，请缩小后再用", "limit-exceeded")
        mime = mimetypes.guess_type(logo.name)[0]
        if mime not in LOGO_TYPES.values():
            raise _error(f"{path}: logo: 无法识别的图片类型")
        check_logo(Path(path), logo)
        head = head.model_copy(update={"logo": logo})
    return head
