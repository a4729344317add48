"""The portal in a real browser: Debian's Chromium driven by Playwright against `voc serve`.

Marked ``browser`` (not in the default fast run; ``make test`` runs ``pytest -m browser``).
A real server process on a SQLite file with the hashing embedder, the sample analysed
through /v1, one user per role signed in through the form; each page is checked against
the API's figures and saved as a screenshot under docs/screenshots/.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "data" / "sample" / "nps_export.csv"
SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery"
ROLES = {"admin": (), "manager": (), "seller": ("Office=Oslo",), "viewer": ()}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _voc(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "voc.cli", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`voc serve` on a fresh workspace with the sample analysed and one user per role."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    home = tmp_path_factory.mktemp("portal")
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "VOC_DATABASE_URL": f"sqlite:///{home / 'voc.db'}",
        "VOC_EMBEDDING_MODEL": "hashing",
        "VOC_BOOTSTRAP_SAMPLES": "200",
        "VOC_LOG_FORMAT": "text",
        "VOC_USER_PASSWORD": PASSWORD,
    }
    key = _voc(env, "keys", "create", "--workspace", "acme", "--role", "admin").splitlines()[-1]
    log = (home / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "voc.cli", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=home,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        api = httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=120)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if api.get("/readyz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("voc serve did not become ready:\n" + (home / "serve.log").read_text())
        sent = api.post("/v1/uploads", files={"file": ("nps_export.csv", SAMPLE.read_bytes())})
        upload_id = sent.json()["upload"]["id"]
        assert api.post(f"/v1/uploads/{upload_id}/commit").status_code == 200
        job = api.post("/v1/jobs", json={"upload_id": upload_id}).json()
        while job["status"] in ("queued", "running"):
            time.sleep(0.5)
            try:
                job = api.get(f"/v1/jobs/{job['id']}").json()
            except httpx.TransportError:
                # The analysis thread holds the GIL for a while; uvicorn may drop an idle
                # keep-alive connection meanwhile. Ask again on a new one.
                continue
        assert job["status"] == "succeeded", job
        for role, scopes in ROLES.items():
            extra = [a for s in scopes for a in ("--scope", s)]
            _voc(env, "users", "create", "--workspace", "acme", "--email", f"{role}@example.com",
                 "--role", role, *extra)  # fmt: skip
        yield {"base": base, "key": key}
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _sign_in(browser: object, base: str, role: str, lang: str = "en-GB") -> object:
    context = browser.new_context(  # type: ignore[attr-defined]
        base_url=base, viewport={"width": 1280, "height": 900}, locale=lang
    )
    page = context.new_page()
    page.goto("/app/themes")
    assert "/login" in page.url  # signed out: the form, and back to the page asked for
    page.get_by_label("Workspace").fill("acme")
    page.get_by_label("E-mail").fill(f"{role}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/app/themes")
    return page


def _shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_for_every_role(server: dict[str, str], browser: object, role: str) -> None:
    page = _sign_in(browser, server["base"], role)
    api = page.context.request  # type: ignore[attr-defined]  # the page's own session cookie
    _shot(page, f"{role}-themes")
    themes = api.get("/v1/results/themes").json()
    rows = page.locator('[data-testid="themes"] tbody tr')  # type: ignore[attr-defined]
    assert rows.count() == len(themes)
    for theme in themes:
        row = page.locator(f'tr[data-theme="{theme["theme_id"]}"]')  # type: ignore[attr-defined]
        # A theme nobody mentions has no impact: null in the API, "n/a" on the page.
        shown = "n/a" if theme["impact"] is None else f"{theme['impact']:+.1f}"
        assert row.locator('[data-testid="impact"]').inner_text().startswith(shown)

    page.goto("/app/")  # type: ignore[attr-defined]
    nps = api.get("/v1/results/nps").json()
    assert page.get_by_test_id("nps").inner_text() == f"{nps['overall']['nps']:.1f}"  # type: ignore[attr-defined]
    assert page.get_by_test_id("n").inner_text() == str(nps["overall"]["n"])  # type: ignore[attr-defined]
    assert page.locator("svg.chart").count() >= 1  # type: ignore[attr-defined]
    _shot(page, f"{role}-overview")

    # Keyboard: the first Tab reaches the skip link, which moves focus to the content.
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    assert page.evaluate("document.activeElement.className") == "skip"  # type: ignore[attr-defined]

    mentioned = next(t for t in themes if t["n_comments"] > 0)
    page.goto(f"/app/themes/{mentioned['theme_id']}")  # type: ignore[attr-defined]
    assert page.locator("mark").count() > 0  # type: ignore[attr-defined]
    _shot(page, f"{role}-theme-comments")

    page.goto("/app/compare?a_period_to=2025-12&b_period_from=2026-01")  # type: ignore[attr-defined]
    assert page.get_by_test_id("diff").is_visible()  # type: ignore[attr-defined]
    _shot(page, f"{role}-compare")

    page.goto("/app/cases")  # type: ignore[attr-defined]
    cases = api.get("/v1/cases").json()
    assert page.locator('[data-testid="cases"] > li').count() == len(cases)  # type: ignore[attr-defined]
    _shot(page, f"{role}-cases")

    response = page.goto("/app/uploads")  # type: ignore[attr-defined]
    assert response.status == (200 if role in ("admin", "manager") else 403)

    if role == "seller":
        _check_seller_isolation(page, api, server)
    page.context.close()  # type: ignore[attr-defined]


def _check_seller_isolation(page: object, api: object, server: dict[str, str]) -> None:
    comments = api.get("/v1/results/comments?page_size=200").json()  # type: ignore[attr-defined]
    assert comments["total"] > 0
    assert {c["segments"]["Office"] for c in comments["items"]} == {"Oslo"}
    widened = api.get("/v1/results/comments?segment=Office:Bergen").json()  # type: ignore[attr-defined]
    assert widened["total"] == 0
    exported = api.get("/v1/exports/comments.csv").text()  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert rows and {r["Office"] for r in rows} == {"Oslo"}
    everyone = httpx.get(
        server["base"] + "/v1/results/comments",
        headers={"X-API-Key": server["key"]},
        params={"segment": "Office:Oslo", "page_size": 1},
    ).json()
    assert everyone["total"] == comments["total"]
    for path in ("/app/", "/app/themes", "/app/cases", "/app/compare"):
        page.goto(path + "?segment=Office:Bergen")  # type: ignore[attr-defined]
        body = page.content()  # type: ignore[attr-defined]
        for other in ("Bergen", "Stockholm", "Malmö", "Göteborg"):
            assert f">{other}<" not in body, (path, other)
    page.goto("/app/cases")  # type: ignore[attr-defined]
    for office in page.locator(".case .meta").all_inner_texts():  # type: ignore[attr-defined]
        assert "Office: Oslo" in office


def test_sign_in_page_and_swedish_ui(server: dict[str, str], browser: object) -> None:
    context = browser.new_context(base_url=server["base"], locale="sv-SE")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto("/login")
    assert page.get_by_role("button", name="Logga in").is_visible()
    page.get_by_label("Arbetsyta").fill("acme")
    page.get_by_label("E-post").fill("manager@example.com")
    page.get_by_label("Lösenord").fill("wrong password")
    page.get_by_role("button", name="Logga in").click()
    assert "fel" in page.get_by_test_id("login-error").inner_text()
    _shot(page, "login-sv")
    context.close()
