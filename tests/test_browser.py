"""The app in a real browser: headless Chromium driven by Playwright, as a person uses it.

Needs Debian's chromium (`.ci/run` installs it). Screenshots of every page are saved
under tests/artifacts/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ropakg.paths import Paths
from ropakg.server import free_port

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGES = ["Overview", "Data flows", "ROPA", "Findings", "Evidence", "Compare", "SPARQL workbench"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def app_url(seeds: Paths) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "ROPA_HOME": str(seeds.root), "ROPA_BUILD_DIR": str(seeds.build_dir)}
    ropa = Path(sys.executable).parent / "ropa"  # the app as users start it: `ropa app`
    process = subprocess.Popen(
        [
            str(ropa),
            "--home",
            str(seeds.root),
            "--build-dir",
            str(seeds.build_dir),
            "app",
            "--headless",
            "--port",
            str(port),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_click_through_every_page_and_run_a_saved_question(app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(app_url)
        expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("stMetric").get_by_text("Processing activities", exact=True)).to_be_visible()
        for title in PAGES:
            page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
            heading = {"ROPA": "Record of processing activities", "Compare": "Compare controllers"}.get(title, title)
            expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=60_000)
            page.wait_for_timeout(1500)
            assert page.get_by_test_id("stException").count() == 0, f"{title} shows an exception"
            page.screenshot(path=str(ARTIFACTS / f"{title.lower().replace(' ', '-')}.png"))

        # SPARQL workbench: pick a saved question and run it
        page.get_by_test_id("stSelectbox").first.click()
        page.keyboard.type("processors-outside-eea")
        page.get_by_role("option", name="Processors and recipients outside the EEA (processors-outside-eea)").click()
        page.get_by_role("button", name="Run query").click()
        expect(page.get_by_text("3 rows in")).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("stDataFrame")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "sparql-result.png"))
        assert "name=processors-outside-eea" in page.url

        # the share link reopens the same question in a new page
        shared = browser.new_page()
        shared.goto(page.url)
        expect(shared.get_by_role("heading", name="SPARQL workbench")).to_be_visible(timeout=60_000)
        saved = shared.get_by_role("combobox", name="Saved question")
        expect(saved).to_have_value(re.compile("processors-outside-eea"), timeout=30_000)
        shared.screenshot(path=str(ARTIFACTS / "shared-link.png"))
        browser.close()
