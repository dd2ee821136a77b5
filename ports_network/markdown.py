"""The one renderer for user-written markdown: markdown-it without raw HTML, then an nh3 allowlist."""

from html import unescape as html_unescape

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML is off at the parser, and nh3 still cleans the output: two independent layers, so a parser
# quirk alone cannot let markup through.
_parser = MarkdownIt("commonmark", {"html": False}).enable("strikethrough").disable("image")

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "li", "ol", "p", "pre", "s", "strong", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener nofollow ugc"
# Built once: nh3.clean() would compile the same allowlist again for every message.
_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_SCHEMES,
    link_rel=LINK_REL,
    strip_comments=True,
)


def render(source: str | None) -> Markup:
    """Sanitised HTML for a markdown text; safe to insert in a page as it is."""
    html = _parser.render(source or "")
    return Markup(_cleaner.clean(html))  # safe: the output of nh3's allowlist


_text_only = nh3.Cleaner(tags=set(), attributes={}, strip_comments=True)


def plain_text(source: str | None) -> str:
    """A markdown text as one line of plain words (for a title taken from it): no markup, no entities."""
    html = _parser.render(source or "")
    return " ".join(html_unescape(_text_only.clean(html)).split())
