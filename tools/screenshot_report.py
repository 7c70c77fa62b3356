"""Regenerate docs/report.png: run the demo, open the report in headless Chromium,
select the first key player and take a screenshot of the network and its evidence.

Usage: python tools/screenshot_report.py [demo-output/report.html] [docs/report.png]
Needs Debian's chromium and chromium-driver.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def main() -> None:
    report = Path(sys.argv[1] if len(sys.argv) > 1 else "demo-output/report.html").resolve()
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/report.png")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    profile = tempfile.mkdtemp()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1400,1000", "--hide-scrollbars"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(report.as_uri())
        driver.execute_script(
            "var data = JSON.parse(document.getElementById('crosslink-data').textContent);"
            "var kp = data.graph.nodes.find(function (n) { return n.key_player; });"
            "if (kp) { window.crosslinkNetwork.selectNodes([kp.id]); window.crosslinkShowNode(kp.id); }"
            "document.getElementById('network').scrollIntoView();"
            "window.scrollBy(0, -60);"
        )
        time.sleep(1.0)
        driver.save_screenshot(str(out))
    finally:
        driver.quit()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
