"""Letterhead for service teams (`--letterhead FILE`): organisation, logo and contact line on reports."""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import HeguiCheckError
from .yamlio import read_document

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


def load_letterhead(path: Path) -> Letterhead:
    """Read and validate a letterhead YAML file; raises HeguiCheckError naming the file and field."""
    try:
        doc = read_document(Path(path))
    except FileNotFoundError:
        raise HeguiCheckError(f"{path}: 信头文件不存在") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise HeguiCheckError(f"{path}: 信头文件无法读取：{exc}") from None
    data = doc.data if isinstance(doc.data, dict) else None
    if data is None:
        raise HeguiCheckError(f"{path}: 信头文件应为键值映射：organization、logo、contact")
    try:
        head = Letterhead.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"])
        line = doc.line(list(err["loc"]))
        where = f"{path}:{line}" if line else str(path)
        hint = "允许的字段：organization（机构名称，必填）、logo（图片路径）、contact（联系方式）"
        raise HeguiCheckError(f"{where}: {field}: {err['msg']}；{hint}") from None
    if head.logo is not None:
        logo = (Path(path).parent / head.logo).resolve()
        if logo.suffix.lower() not in LOGO_TYPES:
            raise HeguiCheckError(f"{path}: logo: 只支持 PNG、JPG 或 SVG 图片，实际是“{logo.name}”")
        if not logo.is_file():
            raise HeguiCheckError(f"{path}: logo: 图片文件 {logo} 不存在")
        if logo.stat().st_size > MAX_LOGO_BYTES:
            raise HeguiCheckError(f"{path}: logo: 图片超过 2 MB，请缩小后再用")
        mime = mimetypes.guess_type(logo.name)[0]
        if mime not in LOGO_TYPES.values():
            raise HeguiCheckError(f"{path}: logo: 无法识别的图片类型")
        head = head.model_copy(update={"logo": logo})
    return head
