"""Headless Chromium through the pages: log in, search, profile, network, audit."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from crosslink.api import create_app
from tests.api.conftest import PASSWORD, build


@pytest.fixture
def served(tmp_path: Path):
    import uvicorn

    path = tmp_path / "ws.duckdb"
    build(path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(path), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)  # a thread: nothing forked
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.mark.browser
def test_log_in_search_profile_network_and_audit(served: str, tmp_path: Path):
    chromedriver, chromium = shutil.which("chromedriver"), shutil.which("chromium")
    if not chromedriver or not chromium:
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1000"):
        options.add_argument(flag)
    from selenium.webdriver.support.ui import WebDriverWait

    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.implicitly_wait(20)  # a shared, busy machine: wait for elements, never sleep

    def at(fragment: str) -> None:
        WebDriverWait(driver, 30).until(lambda d: fragment in d.current_url)

    def log_in(user: str) -> None:
        driver.get(served + "/login")
        driver.find_element(By.NAME, "username").send_keys(user)
        driver.find_element(By.NAME, "password").send_keys(PASSWORD + "\n")

    try:
        driver.get(served + "/entities/e-open")
        at("/login")  # no session: sent to log in
        log_in("ana")
        at("/search")
        box = driver.find_element(By.NAME, "q")
        box.send_keys("07911 123456\n")  # a phone in national format finds its holder
        driver.find_element(By.LINK_TEXT, "Karwan Aziz").click()
        at("/entities/e-open")
        body = driver.find_element(By.TAG_NAME, "main").text
        assert "+447911123456" in body and "r-open" in body and "1B" in body
        driver.find_element(By.LINK_TEXT, "network").click()
        at("/network")
        assert driver.execute_script("return typeof vis") == "object"
        assert driver.find_elements(By.CSS_SELECTOR, "#network canvas")
        assert "Soran Barzani" not in driver.page_source  # OP-KESTREL: not ana's
        driver.find_element(By.CSS_SELECTOR, "header form button").click()  # log out
        at("/login")
        log_in("aud")
        at("/audit")
        driver.get(served + "/audit?user=ana")
        rows = driver.find_elements(By.CSS_SELECTOR, "table tr")
        assert len(rows) > 3 and "e-open" in driver.find_element(By.TAG_NAME, "main").text
    finally:
        driver.quit()
