"""PDF report via WeasyPrint: offline, with the CJK font embedded and subset.

Rendering never touches the network or files outside the package's templates and the chosen font:
`LocalOnlyFetcher` refuses every other URL, so user text that looks like a URL or a file reference
cannot make the renderer read or fetch anything (the HTML is also autoescaped).
"""

from __future__ import annotations

import base64
import functools
import gc
import mimetypes
import re
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from ..errors import ReportError
from ..heap import RENDER_YOUNG_OBJECTS, fewer_collections
from ..resources import cjk_font, templates_dir
from .html import render_html

if TYPE_CHECKING:
    from ..scoring import Assessment
    from . import RenderOptions

FONT_FAMILY = "HeguiCJK"
_DATA_IMAGE = "data:image/"
_IMAGE_TYPES = {"image/png", "image/jpeg", "image/svg+xml"}


def font_css(font: Path) -> str:
    """The @font-face rule for the CJK font. Built here, not in the template, from a trusted path."""
    return f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{font.as_uri()}"); }}'


def _make_fetcher(allowed: list[Path]) -> Any:
    import weasyprint

    roots = [p.resolve() for p in allowed]

    class LocalOnlyFetcher(weasyprint.URLFetcher):  # type: ignore[misc]
        """Serves only file:// URLs inside the allowed folders; everything else is skipped."""

        def fetch(self, url: str, headers: Any = None) -> Any:  # noqa: ARG002 - WeasyPrint's signature
            if url.startswith(_DATA_IMAGE):  # the letterhead logo, embedded by the renderer
                head, _, payload = url.partition(",")
                mime = head[5:].split(";")[0]
                if mime in _IMAGE_TYPES and head.endswith(";base64"):
                    return weasyprint.urls.URLFetcherResponse(
                        "data:", body=base64.b64decode(payload), headers={"Content-Type": mime}
                    )
                raise ValueError("外部资源已忽略：data URI")
            parsed = urlparse(url)
            if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
                raise ValueError(f"外部资源已忽略：{url[:80]}")
            path = Path(url2pathname(unquote(parsed.path))).resolve()
            if not any(path.is_relative_to(root) for root in roots) or not path.is_file():
                raise ValueError(f"外部资源已忽略：{url[:80]}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": mime}
            )

    return LocalOnlyFetcher()


# Whitespace before a block-level tag never shows, but WeasyPrint still builds and lays out a box for it.
_BLOCK_GAP = re.compile(
    r">\s+<(?=/?(?:p|div|table|thead|tbody|tr|td|th|colgroup|col|h[1-6]|ul|ol|li|section|svg)[\s>/])"
)
# The stylesheet every report template inlines in its <style> element (report.css): parsed once per
# process and handed to WeasyPrint as a ready stylesheet, instead of once per document.
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
# pydyf compresses every PDF stream at zlib level 9; level 6 makes the same report about 0.3 % larger in
# half the compression time (bench/README.md).
_ZLIB_LEVEL = 6


class _Zlib:
    """What pydyf uses of the zlib module, at ``_ZLIB_LEVEL`` instead of level 9."""

    compress = staticmethod(zlib.compress)

    @staticmethod
    def compressobj(level: int = _ZLIB_LEVEL, **kwargs: Any) -> Any:  # noqa: ARG004 - pydyf passes 9
        return zlib.compressobj(level=_ZLIB_LEVEL, **kwargs)


@functools.lru_cache(maxsize=2)
def _fetcher(font: Path) -> Any:
    """The local-only URL fetcher for ``font``'s folder and the templates, made once per process (pydyf's
    compression level is set then too)."""
    import pydyf

    if getattr(pydyf, "zlib", None) is zlib:
        pydyf.zlib = _Zlib
    return _make_fetcher([templates_dir(), font.parent])


@functools.lru_cache(maxsize=8)
def _stylesheet(text: str, font: Path) -> Any:
    """A template's stylesheet, parsed once. It has no @font-face rule (the renderer adds the font), so it
    needs no font configuration and every document can share it."""
    import weasyprint

    return weasyprint.CSS(string=text, base_url=templates_dir().as_uri() + "/", url_fetcher=_fetcher(font))


@functools.lru_cache(maxsize=2)
def _fonts(font: Path) -> tuple[Any, Any]:
    """(font configuration, @font-face stylesheet) for ``font``, one per process: the font is registered
    once for every report a process renders. WeasyPrint copies the font into a temporary folder that it
    removes only when the configuration is collected, which a batch worker (it ends with os._exit) never
    does: ``_drop_fonts`` runs when any process ends, workers included (multiprocessing's exit hooks)."""
    import multiprocessing.util

    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheet = weasyprint.CSS(string=font_css(font), font_config=fonts, url_fetcher=_fetcher(font))
    multiprocessing.util.Finalize(None, _drop_fonts, exitpriority=10)
    return fonts, sheet


def _drop_fonts() -> None:
    """Let the font configurations go: they sit in reference cycles, so only a collection frees them (and
    removes their copy of the font)."""
    _fonts.cache_clear()
    gc.collect()


def html_to_pdf(html: str, **options: Any) -> bytes:
    """Render report HTML to PDF bytes; ``options`` go to WeasyPrint's write_pdf."""
    found = cjk_font()
    if found is None:
        raise ReportError(
            "找不到中文字体，无法生成 PDF；请运行 hegui-check doctor 查看如何安装（HTML、Markdown、JSON 输出不受影响）"
        )
    font, _ = found
    try:
        import weasyprint

        fetcher = _fetcher(font)
        fonts, font_sheet = _fonts(font)
    except (ImportError, OSError) as exc:
        raise ReportError(
            f"WeasyPrint 或其系统库不可用（{exc}）；请运行 hegui-check doctor 查看如何安装"
        ) from None
    sheets = []
    style = _STYLE.search(html)
    if style is not None:  # the template's own stylesheet (user text is escaped: it has no <style>)
        sheets.append(_stylesheet(style.group(1), font))
        html = html[: style.start()] + html[style.end() :]
    with fewer_collections(RENDER_YOUNG_OBJECTS):  # WeasyPrint makes many short-lived objects
        document = weasyprint.HTML(
            string=_BLOCK_GAP.sub("><", html), base_url=templates_dir().as_uri() + "/", url_fetcher=fetcher
        )
        return document.write_pdf(  # type: ignore[no-any-return]
            stylesheets=[*sheets, font_sheet], font_config=fonts, **options
        )


def render_pdf(a: Assessment, options: RenderOptions | None = None) -> bytes:
    return html_to_pdf(render_html(a, options))
