"""Pure credential rules: the status list bitstring, did:web names, baking."""

from __future__ import annotations

import base64
import gzip

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillsreg.credentials import rules


def test_an_empty_status_list_is_sixteen_kilobytes_of_zeros():
    encoded = rules.encode_status_list(set())
    assert encoded.startswith("u")
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert raw == bytes(16 * 1024)


def test_index_zero_is_the_left_most_bit():
    encoded = rules.encode_status_list({0, 9})
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert raw[:2] == bytes([0b1000_0000, 0b0100_0000])


@given(st.sets(st.integers(0, rules.STATUS_LIST_BITS - 1), max_size=20), st.integers(0, 5000))
def test_every_set_index_reads_back_and_no_other(revoked, probe):
    encoded = rules.encode_status_list(revoked)
    assert rules.status_bit(encoded, probe) is (probe in revoked)
    for index in revoked:
        assert rules.status_bit(encoded, index)


def test_an_index_outside_the_list_is_refused():
    with pytest.raises(ValueError, match="outside"):
        rules.encode_status_list({rules.STATUS_LIST_BITS})


@pytest.mark.parametrize(
    ("url", "did"),
    [
        ("https://skills.example.org", "did:web:skills.example.org"),
        ("http://127.0.0.1:5000", "did:web:127.0.0.1%3A5000"),
        ("https://example.org/skills/", "did:web:example.org:skills"),
    ],
)
def test_did_web_names_follow_the_method(url, did):
    assert rules.did_web(url) == did


def test_a_png_without_a_baked_credential_gives_none():
    from skillsreg.credentials.badges import badge_png

    baked = badge_png("a.b.c")
    plain = baked.replace(rules.PNG_KEYWORD, b"somethingelse123456")
    assert rules.unbake_png(baked) == "a.b.c"
    assert rules.unbake_png(plain) is None


def test_the_svg_badge_declares_the_open_badges_namespace():
    svg = rules.badge_svg(title="A & B", subtitle="s", issuer_name="i", jwt="a.b.c")
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg
    assert "<openbadges:credential><![CDATA[a.b.c]]></openbadges:credential>" in svg
    assert "A &amp; B" in svg
