"""The one markdown renderer: formatting survives, nothing that can run script or load content does."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from ports_network.markdown import plain_text, render

# Known XSS payloads (OWASP filter evasion cheat sheet and markdown-specific link tricks).
XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    "![x](https://tracker.example/pixel.gif)",
    "<javascript:alert(1)>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '[x](https://example.org"onmouseover="alert(1))',
    '[x](https://example.org "title" onclick=alert(1))',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    "<object data=x></object><embed src=x>",
    "<form action=https://evil.example><input name=p></form>",
    "<base href=https://evil.example>",
    "<meta http-equiv=refresh content=0;url=https://evil.example>",
    "<details open ontoggle=alert(1)>",
    "`<script>` and ```\n<script>alert(1)</script>\n```",
    "<!-- <script>alert(1)</script> -->",
    "<<script>script>alert(1)<</script>/script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]

SAFE_TAGS = {"a", "blockquote", "br", "code", "del", "em", "hr", "li", "ol", "p", "pre", "s", "strong", "ul"}
SAFE_SCHEMES = {"http", "https", "mailto"}


class Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML (text stays text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _problems(html: str) -> list[str]:
    parser = Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.found:
        if tag not in SAFE_TAGS:
            problems.append(f"tag {tag}")
        for name, value in attrs.items():
            if name not in {"href", "title", "rel", "start"}:
                problems.append(f"attribute {name}")
            if name == "href":
                scheme = urlsplit(value or "").scheme.lower()
                if scheme and scheme not in SAFE_SCHEMES:
                    problems.append(f"scheme {scheme}")
        if tag == "a" and "href" in attrs and attrs.get("rel") != "noopener nofollow ugc":
            problems.append("link without rel")
    return problems


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_known_xss_payload_leaves_nothing_dangerous(payload):
    html = str(render(payload))
    assert _problems(html) == [], html
    assert not re.search(r"<\s*script", html, re.IGNORECASE)


def test_formatting_and_safe_links_survive():
    html = str(
        render("**bold** *it* `code` [site](https://example.org) [mail](mailto:a@example.org)\n\n- one")
    )
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html and "<code>code</code>" in html
    assert '<a href="https://example.org" rel="noopener nofollow ugc">site</a>' in html
    assert '<a href="mailto:a@example.org" rel="noopener nofollow ugc">mail</a>' in html
    assert "<li>one</li>" in html


def test_links_with_other_schemes_lose_their_target():
    html = str(render("[f](ftp://example.org/x) [t](tel:123)"))
    assert "href" not in html


def test_plain_text_keeps_the_words_of_a_markdown_text_on_one_line_without_markup():
    source = "Adopt the **work plan** 2026 & its [annex](https://example.org).\n\n- one <b>two</b>"
    # Raw HTML was never markup (the parser has it off): it stays as the words typed, escaped when shown.
    assert plain_text(source) == "Adopt the work plan 2026 & its annex. one <b>two</b>"
    assert plain_text(None) == plain_text("") == ""
