"""The one-line and web-link rules shared by every form."""

import pytest

from ports_network.errors import DomainError
from ports_network.services.text_input import HTTPS_ONLY, MAX_LINK, bounded_line, one_line, web_link


def test_one_line_joins_runs_of_whitespace_and_trims():
    assert one_line("  Puerto\tdel\n\nCallao  ") == "Puerto del Callao"
    assert one_line(None) == ""


def test_bounded_line_is_none_when_empty_and_refuses_longer_text_with_the_message_given():
    assert bounded_line("   ", 10, "place", "too long") is None
    assert bounded_line(" Lima ", 4, "place", "too long") == "Lima"
    with pytest.raises(DomainError) as refused:
        bounded_line("Valparaíso", 4, "place", "Keep the place short.")
    assert (refused.value.field, str(refused.value)) == ("place", "Keep the place short.")


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "ftp://example.org/file",
        "https://",
        "https://example.org/a b",
        "https://example.org/\x07",
        "https://example.org/" + "a" * MAX_LINK,
    ],
)
def test_web_link_refuses_anything_but_a_web_address(link):
    with pytest.raises(DomainError) as refused:
        web_link(link, "link", "Enter the link starting with https://.")
    assert refused.value.field == "link"


def test_web_link_keeps_http_and_https_unless_told_https_only():
    assert web_link("  ", "link", "bad") is None
    assert web_link(" http://sela.org/puertos ", "link", "bad") == "http://sela.org/puertos"
    assert web_link("https://sela.org", "link", "bad", schemes=HTTPS_ONLY) == "https://sela.org"
    with pytest.raises(DomainError):
        web_link("http://sela.org", "link", "bad", schemes=HTTPS_ONLY)
