"""Selectors in adverts, in the forms the scorer, the queue and the network compare."""

from __future__ import annotations

import pytest

from crosslink.online import find_selectors


def values(text: str, hint: str | None = None) -> list[tuple[str, str]]:
    return [(s.type, s.value) for s in find_selectors(text, hint)]


@pytest.mark.parametrize(("text", "phone"), [
    ("واتساب ٠٠٤٤٧٧٠٠٩٠٠١٢٣ للحجز", "+447700900123"),  # Arabic-Indic digits, 00 prefix
    ("تماس: ۰۷۷۰۰ ۹۰۰۴۵۶", "+447700900456"),  # Persian digits, national UK form
    ("0️⃣7️⃣7️⃣0️⃣0️⃣ 9️⃣0️⃣0️⃣ 1️⃣2️⃣3️⃣", "+447700900123"),  # keycap emoji
    ("Call 213-555-0142 now", "+12135550142"),  # North America without +1
    ("London office 020 7946 0321", "+442079460321"),
    ("AU +61 491 570 156", "+61491570156"),
])
def test_phones_in_any_digits_read_as_e164(text, phone):
    assert ("phone", phone) in values(text)


def test_a_whatsapp_link_gives_the_phone_and_the_link():
    assert values("write wa.me/447700900321.") == [("url", "https://wa.me/447700900321"), ("phone", "+447700900321")]


def test_handles_lose_the_at_sign_and_case_and_keep_their_platform():
    [sel] = find_selectors("Telegram: @Safar_UK")
    assert (sel.type, sel.value, sel.platform) == ("handle", "safar_uk", "telegram")
    [persian] = find_selectors("تلگرام: safar_uk")
    assert (persian.value, persian.platform) == ("safar_uk", "telegram")


def test_urls_get_a_scheme_a_lower_case_host_and_lose_trailing_punctuation():
    assert values("details https://Example.COM/Offer?x=1).") == [("url", "https://example.com/Offer?x=1")]
    assert ("url", "https://t.me/Boza_Trip") in values("see t.me/Boza_Trip!")


def test_prices_counts_and_dates_are_not_phones():
    assert values("Only 3500 euro, 12 people, 45 minutes, leaving 2025-06-01") == []


def test_link_in_bio_hosts_are_links_and_short_words_after_a_full_stop_are_not():
    assert values("all our trips: linktr.ee/safar_uk") == [("url", "https://linktr.ee/safar_uk")]
    assert values("Kosto 800 euro.Sa kushton për fëmijë? Ok.Jo.") == []


def test_a_drama_range_number_in_a_whatsapp_link_is_a_valid_phone():
    phones = [s for s in find_selectors("http://wa.me/+447700900555?text=hi") if s.type == "phone"]
    assert [(s.value, s.valid) for s in phones] == [("+447700900555", True)]


def test_a_short_link_after_a_platform_word_is_a_link_not_a_user_called_wa_me():
    got = values("WhatsApp/Viber: wa.me/447700900747")
    assert ("handle", "wa.me") not in got
    assert ("url", "https://wa.me/447700900747") in got and ("phone", "+447700900747") in got
