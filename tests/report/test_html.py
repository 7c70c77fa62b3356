"""The analyst's report: escaping, structure, and (in Chromium) a click that shows evidence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crosslink.report import render_report

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _data() -> dict:
    report = {"title": HOSTILE, "originator": "Kent Police", "scheme": "uk-3x5x2", "grading": "1B",
              "handling": "P", "protected": False}
    entities = {
        "a": {"label": HOSTILE, "kind": "person", "schema": "Person", "role": "organiser", "protected": False,
              "group": 0, "key_player": True, "broker": None, "drawn": True,
              "scores": {"degree": 2, "pagerank": 0.3, "betweenness": 0.5},
              "evidence": [{"prop": "phone", "value": "+447911123456", "reports": ["r1"]}]},
        "b": {"label": "Dilan RASHID", "kind": "person", "schema": "Person", "role": "driver", "protected": False,
              "group": 0, "key_player": False, "broker": "liaison", "drawn": True, "scores": None, "evidence": []},
        "c": {"label": "Migrant One", "kind": "person", "schema": "Person", "role": "migrant", "protected": True,
              "group": 0, "key_player": False, "broker": None, "drawn": True, "scores": None, "evidence": []},
        "d": {"label": "Not Drawn", "kind": "person", "schema": "Person", "role": "driver", "protected": False,
              "group": 0, "key_player": False, "broker": None, "drawn": False, "scores": None,
              "evidence": [{"prop": "name", "value": "Not Drawn", "reports": ["r1"]}]},
    }
    nodes = [
        {"id": node_id, "label": e["label"], "kind": e["kind"], "protected": e["protected"], "group": 0,
         "key_player": e["key_player"], "broker": e["broker"], "size": 14, "show_label": True,
         "x": 150 * k, "y": 0}
        for k, (node_id, e) in enumerate(entities.items()) if e["drawn"]
    ]
    edges = [{"id": "e0", "from": "a", "to": "b", "kinds": "Call", "weight": 3.0,
              "evidence": [{"what": "Call", "reports": ["r1"]}]}]
    member = {"id": "a", "label": HOSTILE, "role": "organiser", "protected": False, "key_player": True}
    undrawn = {"id": "d", "label": "Not Drawn", "role": "driver", "protected": False, "key_player": False}
    return {
        "title": "Test report", "subtitle": HOSTILE, "marking": "SYNTHETIC",
        "overview": {"cards": [("reports", 1)], "sources": [{"originator": HOSTILE, "kind": "force",
                     "scheme": "uk-3x5x2", "reports": 1, "statements": 2}], "stages": [("ingest", 0.1)]},
        "graph": {"nodes": nodes, "edges": edges, "note": "note"},
        "entities": entities,
        "groups": [{"id": 0, "label": HOSTILE, "size": 3, "facilitators": 2, "members": [member, undrawn],
                    "key_players": [member], "money": [{"payer": HOSTILE, "beneficiary": "B", "amount": "2500",
                    "currency": "GBP", "date": "2024-03-01", "reports": ["r1"]}],
                    "phones": [], "vehicles": [], "timeline": [{"date": "2024-03-01", "what": HOSTILE, "reports": ["r1"]}]}],
        "plan": {"k": 1, "chosen": [{"id": "a", "label": HOSTILE}], "fragmentation_before": 0.1,
                 "fragmentation_after": 0.6, "largest_component_before": 3, "largest_component_after": 1,
                 "baselines": {"degree": {"fragmentation_after": 0.5}}},
        "policy_note": "note",
        "reports": {"r1": report},
        "evaluation": {"note": "evaluation", "figures": [("pairwise F1", "0.99")]},
    }


def test_every_data_value_is_escaped():
    html = render_report(_data())
    body, _, scripts = html.partition('<script type="application/json"')
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert" in body
    # Inside the JSON payload no tag can close the script element.
    payload = scripts.split("</script>", 1)[0]
    assert "<script>" not in payload and "</" not in payload


def test_report_is_self_contained():
    html = render_report(_data())
    assert "vis.Network" in html and "http://" not in html.split("<script>", 1)[0]
    assert 'src="http' not in html and "href=\"http" not in html


@pytest.mark.browser
def test_clicking_a_node_shows_its_evidence(tmp_path: Path):
    chromedriver = shutil.which("chromedriver")
    chromium = shutil.which("chromium")
    if not chromedriver or not chromium:
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    page = tmp_path / "report.html"
    page.write_text(render_report(_data()), encoding="utf-8")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        driver.get(page.as_uri())
        driver.execute_script("document.getElementById('network').scrollIntoView()")
        canvas = driver.find_element(By.CSS_SELECTOR, "#graph canvas")
        point = driver.execute_script(
            "var p = window.crosslinkNetwork.getPositions(['a'])['a'];"
            "return window.crosslinkNetwork.canvasToDOM(p);"
        )
        size = canvas.size
        ActionChains(driver).move_to_element_with_offset(
            canvas, int(point["x"] - size["width"] / 2), int(point["y"] - size["height"] / 2)
        ).click().perform()
        panel = driver.find_element(By.ID, "panel")
        assert panel.get_attribute("data-selected") == "a"
        text = panel.text
        assert "Evidence (1)" in text and "+447911123456" in text and "1B" in text and "Kent Police" in text
        # The hostile label is shown as text, not run.
        assert HOSTILE in text
        assert driver.execute_script("return document.querySelectorAll('img[src=x]').length") == 0
        # A listed name that the picture does not draw still opens its evidence.
        driver.execute_script("document.querySelector('#groups [data-node=\"d\"]').click()")
        assert panel.get_attribute("data-selected") == "d"
        assert "Not drawn in the picture" in panel.text and "Evidence (1)" in panel.text
        # The find box: a phone typed in national format finds its holder; a miss says so.
        find = driver.find_element(By.ID, "find")
        find.send_keys("07911 123456\n")
        assert panel.get_attribute("data-selected") == "a"
        find.clear()
        find.send_keys("nobody at all\n")
        assert "Not found" in driver.find_element(By.ID, "find-results").text
    finally:
        driver.quit()
