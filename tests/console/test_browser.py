"""The console as a person uses it, in Debian's Chromium driven by Playwright, against a real
`switchboard serve` on a SQLite file, with the CLI alongside.

Skipped, with the reason, when /usr/bin/chromium or the playwright package is missing (.ci/run
installs the `chromium` package). A failing test leaves a screenshot in test-screenshots/.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

pytestmark = pytest.mark.entrypoint

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
ADMIN, EMPLOYEE, VICTIM = "ada@example.com", "priya@example.com", "locked@example.com"
PASSWORD = "correct horse battery"

if not CHROMIUM.exists():
    pytest.skip(
        "/usr/bin/chromium is not installed (apt-get install chromium)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")


class Site:
    def __init__(self, tmp: Path) -> None:
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "SWITCHBOARD_DATA_DIR": str(tmp / "data"),
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'sb.db'}",
            "TWILIO_VALIDATE_SIGNATURES": "false",
            "CONSOLE_SESSION_SECRET": "b" * 48,
            "SWITCHBOARD_LLM": "offline",
            "COLUMNS": "200",
        }
        for name in ("SWITCHBOARD_ENV", "TWILIO_AUTH_TOKEN", "SMTP_HOST", "TWILIO_ACCOUNT_SID"):
            self.env.pop(name, None)
        self.cwd = tmp
        self.base = ""

    def cli(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "switchboard", *args], input=stdin, capture_output=True,
            text=True, env=self.env, cwd=self.cwd, timeout=180, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"switchboard {' '.join(args)}: {done.stdout}{done.stderr}"
        return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _recent_weekday_morning() -> str:
    """10:00 in Chicago on the last weekday before today (within the overview's 7 days)."""
    day = datetime.now(ZoneInfo("America/Chicago")).date() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return f"{day.isoformat()}T10:00:00-06:00"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = Site(tmp_path_factory.mktemp("console"))
    site.cli("directory", "demo")
    site.cli("users", "add", ADMIN, "--role", "admin", "--password-stdin", stdin=PASSWORD)
    for email in (EMPLOYEE, VICTIM):
        site.cli("users", "add", email, "--role", "employee", "--employee", "priya-raman",
                 "--password-stdin", stdin=PASSWORD)  # fmt: skip
    turns = ["I'd like to leave a message for Priya Raman.", "This is Ann Lee.",
             "The number I'm calling from is fine.", "Yes.", "The samples arrived, thank you.",
             "bye"]  # fmt: skip
    site.cli("call", "--pace", "0", "--at", _recent_weekday_morning(), stdin="\n".join(turns))
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "switchboard", "serve", "--port", str(port)],
        env=site.env, cwd=site.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    site.base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(site.base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"serve did not start: {server.stderr.read() if server.stderr else ''}"
                )
            time.sleep(0.3)
        yield site
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object, site: Site, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(base_url=site.base, viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def log_in(page: object, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")  # type: ignore[attr-defined]
    page.get_by_label("Email").fill(email)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]


def test_log_in_and_see_the_charts_with_the_right_numbers(page: object, site: Site) -> None:
    page.goto("/")  # type: ignore[attr-defined]
    assert page.url.startswith(site.base + "/login")  # type: ignore[attr-defined]
    log_in(page, ADMIN)
    week = page.locator('[data-period="7 days"]')  # type: ignore[attr-defined]
    sync_api.expect(week.locator('[data-figure="calls"]')).to_have_text("1")
    bar = week.locator('[data-chart^="Calls by outcome"] g.bar[data-label="message_taken"]')
    sync_api.expect(bar).to_have_attribute("data-value", "1")
    assert float(bar.locator("rect").get_attribute("width")) > 0  # drawn, not just listed
    assert (
        week.locator("svg[role=img]")
        .first.get_attribute("aria-label")
        .startswith("Calls by outcome")
    )


def test_a_wrong_password_then_lock_out(page: object) -> None:
    log_in(page, VICTIM, "not the password")
    sync_api.expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")  # type: ignore[attr-defined]
    for _ in range(4):
        log_in(page, VICTIM, "still guessing")
    log_in(page, VICTIM, PASSWORD)
    sync_api.expect(page.get_by_role("alert")).to_contain_text("Too many failed logins")  # type: ignore[attr-defined]


def test_an_employee_is_denied_the_directory(page: object) -> None:
    log_in(page, EMPLOYEE)
    assert page.url.endswith("/messages")  # type: ignore[attr-defined]
    response = page.goto("/directory")  # type: ignore[attr-defined]
    assert response.status == 403
    sync_api.expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()  # type: ignore[attr-defined]


def test_edit_an_employee_and_see_it_in_the_cli(page: object, site: Site) -> None:
    log_in(page, ADMIN)
    page.goto("/directory?q=marcus")  # type: ignore[attr-defined]
    page.get_by_role("link", name="Marcus Bell").click()  # type: ignore[attr-defined]
    page.get_by_label("Title").fill("Head of Billing")  # type: ignore[attr-defined]
    page.get_by_label("Status").select_option("dnd")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Save").click()  # type: ignore[attr-defined]
    sync_api.expect(page.get_by_role("status")).to_have_text("Saved marcus-bell.")  # type: ignore[attr-defined]
    shown = site.cli("directory", "show", "marcus-bell")
    assert re.search(r"title\s+Head of Billing", shown)
    assert re.search(r"status\s+dnd", shown)


def test_a_bad_csv_shows_the_row_error_and_changes_nothing(
    page: object, site: Site, tmp_path: Path
) -> None:
    before = site.cli("directory", "list", "--json")
    bad = tmp_path / "people.csv"
    bad.write_text("id,name,phone\nnew-one,New One,+13125550123\nbad-one,Bad One,12\n")
    log_in(page, ADMIN)
    page.goto("/directory")  # type: ignore[attr-defined]
    page.get_by_label("A directory file").set_input_files(str(bad))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Import").click()  # type: ignore[attr-defined]
    problems = page.locator("#import-problems")  # type: ignore[attr-defined]
    sync_api.expect(problems).to_contain_text("Nothing was imported")
    sync_api.expect(problems).to_contain_text("row 3 (id=bad-one): phone")
    assert site.cli("directory", "list", "--json") == before


def test_a_simulated_message_is_in_the_inbox_with_its_delivery(page: object) -> None:
    log_in(page, EMPLOYEE)
    row = page.locator("tr[data-message]").filter(has_text="Ann Lee")  # type: ignore[attr-defined]
    sync_api.expect(row).to_contain_text("The samples arrived")
    state = row.locator(".state").inner_text()
    assert state in {"pending", "sent", "delivered", "failed", "not delivered"}
    row.get_by_role("link").click()
    sync_api.expect(page.locator("#delivery-state")).to_have_text(state)  # type: ignore[attr-defined]
    sync_api.expect(page.locator("#timeline tr[data-channel]").first).to_be_visible()  # type: ignore[attr-defined]


def test_every_input_is_labelled_and_the_flow_works_from_the_keyboard(page: object) -> None:
    page.goto("/login")  # type: ignore[attr-defined]
    # The email field takes the focus on its own (autofocus): no mouse from here on.
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'email'")  # type: ignore[attr-defined]
    page.keyboard.type(ADMIN)  # type: ignore[attr-defined]
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    page.keyboard.type(PASSWORD)  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    sync_api.expect(page.get_by_role("heading", level=1)).to_have_text("Overview")  # type: ignore[attr-defined]
    for path in ("/", "/messages", "/calls", "/directory", "/directory/priya-raman", "/setup"):
        page.goto(path)  # type: ignore[attr-defined]
        unlabelled = page.evaluate(  # type: ignore[attr-defined]
            """() => [...document.querySelectorAll('input, select, textarea')]
                 .filter(e => e.type !== 'hidden' && e.labels.length === 0)
                 .map(e => e.name)"""
        )
        assert unlabelled == [], path
    page.goto("/messages")  # type: ignore[attr-defined]
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    focused = page.evaluate("() => document.activeElement.textContent")  # type: ignore[attr-defined]
    assert focused == "Skip to content"
    for _ in range(40):  # Tab to the first message's link, open it with Enter
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        href = page.evaluate("() => document.activeElement.getAttribute('href') || ''")  # type: ignore[attr-defined]
        if href.startswith("/messages/"):
            break
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url("**/messages/*")  # type: ignore[attr-defined]
    sync_api.expect(page.get_by_role("heading", level=1)).to_contain_text("Message from")  # type: ignore[attr-defined]


STORE_VOICEMAIL = """
import asyncio, sys
from datetime import UTC, datetime
from switchboard.adapters.sqlalchemy import open_storage
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.domain.messages import Message, RecipientKind

async def main() -> None:
    storage = await open_storage(sys.argv[1])
    try:
        message = Message(sys.argv[2], RecipientKind.EMPLOYEE, "priya-raman", "Voicemail",
                          "+16125550177", "Voicemail (1 s): call me about the samples",
                          datetime.now(UTC), recording_url=sys.argv[3])
        await SqlAlchemyMessageOutbox(storage.engine).add(message, [])
    finally:
        await storage.dispose()

asyncio.run(main())
"""


def test_a_voicemails_recording_plays_on_its_message_page(page: object, site: Site) -> None:
    """The agent's WAV in VOICEMAIL_DIR, stored as the message's file:// link (as the agent
    does), plays in the page's <audio> under the console's CSP, and downloads."""
    from tests.console.support import write_wav

    folder = Path(site.env["SWITCHBOARD_DATA_DIR"]) / "voicemails"
    folder.mkdir(parents=True, exist_ok=True)
    wav = write_wav(folder / "voicemail-browser.wav", seconds=1.0)
    subprocess.run(
        [sys.executable, "-c", STORE_VOICEMAIL, site.env["DATABASE_URL"], "msg_vm_browser",
         wav.as_uri()], env=site.env, cwd=site.cwd, check=True, timeout=120,
    )  # fmt: skip
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)  # type: ignore[attr-defined]
    log_in(page, EMPLOYEE)
    page.goto("/messages/msg_vm_browser")  # type: ignore[attr-defined]
    sync_api.expect(page.locator("blockquote.text")).to_contain_text("call me about the samples")  # type: ignore[attr-defined]
    player = page.locator("audio#recording-player")  # type: ignore[attr-defined]
    sync_api.expect(player).to_be_visible()
    assert player.get_attribute("controls") is not None
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => document.querySelector('#recording-player').readyState >= 1"
    )
    assert player.evaluate("a => a.error") is None
    assert abs(player.evaluate("a => a.duration") - 1.0) < 0.05
    started = player.evaluate(
        "a => { a.muted = true; return a.play().then(() => 'playing', e => e.name) }"
    )
    assert started == "playing"
    page.wait_for_function("() => document.querySelector('#recording-player').currentTime > 0")  # type: ignore[attr-defined]
    href = page.locator("#recording-download").get_attribute("href")  # type: ignore[attr-defined]
    download = page.request.get(href)  # type: ignore[attr-defined]
    assert download.status == 200
    assert download.headers["content-type"] == "audio/wav"
    assert download.body() == wav.read_bytes()
    assert refused == []
