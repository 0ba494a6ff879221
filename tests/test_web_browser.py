"""``derivekit serve`` in a real browser: Debian's headless Chromium driven by Selenium through
Debian's chromedriver (no browser download). One server and one browser for the module.

The server is the real command (``derivekit serve --port 0``), read for the address it
announces. The page is used as a student would: type an answer, watch the preview, press
Check, read the verdict; and screenshots show that KaTeX typeset the math.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_S = 120  # the first answer waits for the grading worker's imports

if not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()):
    if os.environ.get("CI"):
        pytest.fail("CI needs chromium and chromium-driver (.ci/run installs them)",
                    pytrace=False)
    pytest.skip("Debian's chromium and chromium-driver are not installed "
                "(apt-get install chromium chromium-driver; .ci/run does)",
                allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def server():
    """``derivekit serve --port 0``; yields its base URL, stops it with Ctrl-C."""
    process = subprocess.Popen([sys.executable, "-m", "derivekit", "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               stdin=subprocess.DEVNULL)
    announced: list[str] = []
    reader = threading.Thread(target=lambda: announced.append(process.stdout.readline()))
    reader.start()
    reader.join(WAIT_S)
    line = announced[0] if announced else ""
    if not line.startswith("derivekit serve: http://127.0.0.1:"):
        process.kill()
        pytest.fail(f"the server did not start: {line!r} {process.stderr.read()[-2000:]}")
    yield line.split()[2]
    process.send_signal(signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1280,1600",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(WAIT_S)
    yield driver
    driver.quit()


def wait_for(browser, css: str, within=None):  # noqa: ANN001, ANN201
    scope = within or browser
    return WebDriverWait(browser, WAIT_S).until(
        lambda _: scope.find_element(By.CSS_SELECTOR, css), f"no {css} after {WAIT_S} s")


def ink(png: bytes) -> float:
    """The fraction of dark pixels in a screenshot."""
    from PIL import Image

    grey = Image.open(io.BytesIO(png)).convert("L")
    histogram = grey.histogram()
    return sum(histogram[:128]) / max(1, sum(histogram))


def answer(browser, part: str, text: str):  # noqa: ANN001, ANN201
    """Type ``text`` into the part's box, wait for the preview, press Check, return the
    verdict's element."""
    section = browser.find_element(By.CSS_SELECTOR, f"section.dk-part[data-part='{part}']")
    box = section.find_element(By.TAG_NAME, "textarea")
    box.clear()
    box.send_keys(text)
    wait_for(browser, ".dk-preview .katex", within=section)
    section.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    return wait_for(browser, ".dk-result .dk-feedback", within=section)


def test_catalog_lists_problems(server: str, browser) -> None:
    browser.get(server)
    links = browser.find_elements(By.CSS_SELECTOR, "table.dk-catalog a")
    assert len(links) > 40 and "gan-gradients" in [a.text for a in links]


def test_statement_math_is_typeset(server: str, browser, tmp_path: Path) -> None:
    browser.get(f"{server}problems/gan-gradients")
    statement = wait_for(browser, ".dk-statement .katex")
    assert browser.execute_script("return document.querySelectorAll('.katex-error').length") == 0
    loaded = browser.execute_async_script(
        "const done = arguments[0];"
        "document.fonts.ready.then(() => done(document.fonts.check('16px KaTeX_Main') && "
        "document.fonts.check('16px KaTeX_Math')));")
    assert loaded, "KaTeX's fonts did not load from the package"
    formulas = browser.find_elements(By.CSS_SELECTOR, ".dk-statement .katex")
    assert len(formulas) > 10 and all(f.size["width"] > 0 and f.size["height"] > 0
                                      for f in formulas)
    shot = statement.screenshot_as_png
    (tmp_path / "statement-formula.png").write_bytes(shot)
    assert ink(shot) > 0.05, "the typeset formula is blank"
    page = browser.find_element(By.CSS_SELECTOR, ".dk-statement").screenshot_as_png
    assert ink(page) > 0.02


def test_right_and_wrong_answers_get_their_verdicts(server: str, browser) -> None:
    browser.get(f"{server}problems/matrix-gradients")
    right = answer(browser, "trace-ATA", r"2\mathbf{A}")
    assert "dk-equivalent" in right.get_attribute("class")
    assert right.find_element(By.CSS_SELECTOR, ".dk-verdict").text.lower() == "equivalent"
    wrong = answer(browser, "xTx", "2*x.T")
    assert "dk-not-equivalent" in wrong.get_attribute("class")
    assert "wrong layout" in wrong.find_element(By.CSS_SELECTOR, ".dk-diagnosis").text
    counterexample = wrong.find_element(By.CSS_SELECTOR, ".dk-counterexample")
    assert counterexample.find_elements(By.CSS_SELECTOR, ".katex")  # matrices typeset
    assert ink(wrong.screenshot_as_png) > 0.02


def test_preview_says_what_it_cannot_read(server: str, browser) -> None:
    browser.get(f"{server}problems/matrix-gradients")
    section = browser.find_element(By.CSS_SELECTOR, "section.dk-part[data-part='xTx']")
    section.find_element(By.TAG_NAME, "textarea").send_keys("2q")
    message = wait_for(browser, ".dk-preview .dk-unread", within=section)
    assert "unknown symbol 'q'" in message.text


def test_instructor_sheet_shows_verification_and_audit(server: str, browser) -> None:
    browser.get(f"{server}problems/matrix-gradients/sheet")
    sheet = wait_for(browser, ".dk-sheet")
    assert sheet.find_elements(By.CSS_SELECTOR, "table.dk-witnesses")
    assert "verified" in sheet.text and "jax-autodiff" in sheet.text
    assert sheet.find_elements(By.CSS_SELECTOR, ".katex")
