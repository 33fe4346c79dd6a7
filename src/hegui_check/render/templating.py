"""The jinja2 environments: HTML with autoescape and StrictUndefined; Markdown with its own escaping."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jinja2

from ..resources import templates_dir

if TYPE_CHECKING:
    from ..letterhead import Letterhead


def letterhead_view(letterhead: Letterhead | None) -> dict[str, Any] | None:
    """The letterhead as the templates of every report (single, re-check, industry) show it."""
    if letterhead is None:
        return None
    return {
        "organization": letterhead.organization,
        "contact": letterhead.contact,
        "logo": letterhead.logo_data_uri(),
    }


@lru_cache(maxsize=1)
def html_env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def md_escape(value: object) -> str:
    """Escape text for a Markdown table cell or line: no raw HTML, no table breaks, no stray markup."""
    text = "" if value is None else str(value)
    for ch in ("\\", "|", "*", "_", "`", "[", "]", "<", ">", "#"):
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r", " ").replace("\n", " ")


@lru_cache(maxsize=1)
def md_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["e"] = md_escape
    return env
