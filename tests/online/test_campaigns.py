"""Near-duplicate campaigns: the same advert re-posted with another number, price or word."""

from __future__ import annotations

from crosslink.online import group_near_duplicates
from crosslink.online.campaigns import comparable
from crosslink.online.model import model_text

ADVERT = ("Boat to UK this week 100% guaranteed, price 1500 euro, message wa.me/447700900123 for places. "
          "Safe and fast, 20 people a trip, pay half now.")


def test_reposted_variants_share_a_campaign_and_other_posts_do_not():
    texts = [
        ADVERT,
        ADVERT.replace("1500", "1400").replace("this week", "tonight").replace("wa.me/447700900123", "+44 7700 900456"),
        "🚤 " + ADVERT.replace("Safe and fast", "Fast and safe") + " 🇬🇧",
        "Warning: people selling boat places to the UK take your money. Do not pay anyone; ask the helpline.",
        "Lorry from Calais every night, hidden place, 3000 pounds, Telegram @taxi_game_uk",
    ]
    ids = ["a", "b", "c", "d", "e"]
    groups = group_near_duplicates(ids, [model_text(t) for t in texts])
    assert groups[0] is not None and groups[0] == groups[1] == groups[2]
    assert groups[3] is None and groups[4] is None
    # stable: the same posts get the same campaign id on every run, in any order
    again = group_near_duplicates(ids[::-1], [model_text(t) for t in texts[::-1]])
    assert again[::-1] == groups


def test_identical_reposts_are_one_campaign_with_the_variants():
    texts = [ADVERT, ADVERT, ADVERT.replace("1500", "1450"), "An unrelated post about a football match on Sunday."]
    groups = group_near_duplicates(["x3", "x1", "x2", "x4"], [model_text(t) for t in texts])
    assert groups[0] == groups[1] == groups[2] is not None and groups[3] is None


def _campaigns(texts: list[str]) -> list[str | None]:
    return group_near_duplicates([f"p{i}" for i in range(len(texts))], [comparable(model_text(t)) for t in texts])


def test_a_repost_in_capitals_without_accents_or_with_words_moved_is_the_same_campaign():
    # Re-posts differ in case, accents, emoji and punctuation far more than in words.
    first = ("Chuyến mới từ bờ biển Pháp 🛥️ xuồng to, tài xế có kinh nghiệm, đảm bảo 100%, "
             "bị bắt thì đi lại miễn phí. Zalo 07700 900111")
    repost = ("CHUYEN MOI 🛥️🇬🇧 bo bien Phap, xuong to + tai xe co kinh nghiem. Dam bao 100%, "
              "bi bat thi di lai mien phi nha. zalo 07700900222")
    other = ("Cảnh báo: nhiều người mất tiền vì các chuyến xuồng từ bờ biển Pháp. Đừng trả tiền "
             "trước, hãy gọi đường dây hỗ trợ.")
    groups = _campaigns([first, repost, other])
    assert groups[0] is not None and groups[0] == groups[1]
    assert groups[2] is None


def test_two_adverts_on_the_same_route_by_different_posters_stay_apart():
    a = "Boat from Dunkirk tonight, 1200 euro, strong engine, experienced captain, call 07700 900333"
    b = "Lorry places from Calais to Dover every week, safe hidden space, ask for prices on Telegram"
    assert _campaigns([a, b]) == [None, None]
