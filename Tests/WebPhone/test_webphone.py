"""The web phone in a real Chromium (Debian's, through Playwright), against a real `sika serve --demo`.

Run by scripts/webphone-test.sh after `swift build`. Each test starts from the seeded demo world
(POST /api/admin/demo/reset, which also empties the simulated inboxes) and a fresh page.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from playwright.sync_api import expect, sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIKA = os.environ.get("SIKA_BIN", os.path.join(ROOT, ".build", "debug", "sika"))
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SCREENSHOT = os.environ.get("SIKA_WEBPHONE_SCREENSHOT")

KOFI, AMA, AKOSUA = "22890112233", "22890445566", "22896112233"


def free_port_block(count):
    """A first port with `count` free ports after it (the provider simulators)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count > 65535:
            continue
        try:
            for offset in range(count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
    raise RuntimeError("no free ports")


@pytest.fixture(scope="session")
def server():
    directory = tempfile.mkdtemp(prefix="sika-webphone-")
    db = os.path.join(directory, "sika.sqlite")
    log = open(os.path.join(directory, "serve.log"), "w")
    process = subprocess.Popen(
        [SIKA, "serve", "--demo", "--db", db, "--line-port", "0", "--http-port", "0", "--smpp-port", "0", "--provider-port", str(free_port_block(2))],
        stdout=log, stderr=subprocess.STDOUT, cwd=directory)
    tokens = db + ".tokens"
    deadline = time.time() + 60
    values = {}
    while time.time() < deadline:
        if os.path.exists(tokens):
            values = dict(line.split("=", 1) for line in open(tokens).read().splitlines() if "=" in line and not line.startswith("#"))
            if "SIKA_HTTP" in values:
                break
        if process.poll() is not None:
            raise RuntimeError("sika serve exited: " + open(log.name).read())
        time.sleep(0.1)
    else:
        raise RuntimeError("sika serve did not start: " + open(log.name).read())
    yield {"http": values["SIKA_HTTP"], "admin": values["SIKA_ADMIN_TOKEN"], "db": db, "directory": directory}
    process.terminate()
    process.wait(timeout=30)
    log.close()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        # Root in a container: Chromium's sandbox needs namespaces it may not have.
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(server, browser):
    request = urllib.request.Request(
        server["http"] + "/api/admin/demo/reset", method="POST", data=b"{}",
        headers={"Authorization": "Bearer " + server["admin"], "Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=30).read()
    # Put away the phones a previous test left open.
    network = json.load(urllib.request.urlopen(server["http"] + "/simulator/api/network", timeout=10))
    for phone in network["phones"]:
        urllib.request.urlopen(urllib.request.Request(server["http"] + "/simulator/api/phones/" + phone["msisdn"], method="DELETE"), timeout=10)
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # No request may leave this server.
    page.on("request", lambda request: errors.append("external request " + request.url) if not request.url.startswith(server["http"]) and not request.url.startswith("data:") else None)
    page.goto(server["http"] + "/")
    expect(page.locator("#live")).to_have_attribute("data-state", "open")
    yield page
    context.close()
    assert errors == []


def add_contact(page, msisdn):
    page.select_option("#contact", msisdn)
    page.locator("#add-contact button[type=submit]").click()
    phone = page.locator(f'article.phone[data-msisdn="{msisdn}"]')
    expect(phone).to_be_visible()
    return phone


def add_number(page, msisdn):
    page.fill("#number", msisdn)
    page.press("#number", "Enter")
    phone = page.locator(f'article.phone[data-msisdn="{msisdn}"]')
    expect(phone).to_be_visible()
    return phone


def screen(phone):
    return phone.locator(".screen-text")


def dial(phone, code):
    phone.locator("input.dial").fill(code)
    phone.locator("input.dial").press("Enter")
    expect(phone).not_to_have_attribute("data-state", "waiting")


def reply(phone, text):
    box = phone.locator("input.reply")
    expect(box).to_be_focused()
    box.fill(text)
    box.press("Enter")
    expect(phone).not_to_have_attribute("data-state", "waiting")


def test_on_net_transfer_receipts_arrive_live_in_both_inboxes_and_the_script_replays(page, server, tmp_path):
    kofi = add_contact(page, KOFI)
    ama = add_number(page, AMA)
    expect(kofi.locator(".meta")).to_contain_text("T-Money")
    expect(kofi.locator(".meta")).to_contain_text("Français")
    # The keypad types into the dial box.
    for key in "*145#":
        kofi.locator(f'.keypad button[data-key="{key}"]').click()
    expect(kofi.locator("input.dial")).to_have_value("*145#")
    kofi.locator("button.call").click()
    expect(screen(kofi)).to_have_text("T-Money\n1. Envoyer de l'argent\n2. Retrait\n3. Achat de credit\n4. Mon compte")
    expect(kofi.locator(".screen-status")).to_contain_text("/182")
    reply(kofi, "1")
    reply(kofi, "1")
    expect(screen(kofi)).to_have_text("Numero du beneficiaire:")
    reply(kofi, "90445566")
    reply(kofi, "5000")
    expect(screen(kofi)).to_have_text("Envoyer 5 000 FCFA a AMA M. (90445566)\nFrais: 50 FCFA\nTotal: 5 050 FCFA\n1. Confirmer\n2. Annuler")
    # Mid-transfer, two phones side by side.
    shot = str(tmp_path / "phone.png")
    page.locator("#phones").screenshot(path=shot)
    assert_not_blank(page, shot)
    if SCREENSHOT:
        shutil.copyfile(shot, SCREENSHOT)
    reply(kofi, "1")
    expect(screen(kofi)).to_have_text("Entrez votre code secret:")
    reply(kofi, "2580")
    expect(kofi).to_have_attribute("data-state", "ended")
    expect(screen(kofi)).to_contain_text("Envoi de 5 000 FCFA a AMA M. reussi")
    expect(screen(kofi)).to_contain_text("Nouveau solde: 44 950 FCFA")
    expect(kofi.locator(".screen-status")).to_contain_text("Session terminée")
    # Live, without reloading: both receipts, with the exact balances, and an unread badge.
    expect(ama.locator(".sms-list li").first).to_contain_text("Vous avez recu 5 000 FCFA")
    expect(ama.locator(".sms-list li").first).to_contain_text("Nouveau solde: 30 000 FCFA")
    expect(kofi.locator(".sms-list li").first).to_contain_text("Nouveau solde: 44 950 FCFA")
    expect(ama.locator(".badge")).to_have_text("1")
    expect(ama.locator(".sms-list li time").first).to_have_text(re.compile(r"^\d{2}:\d{2}:\d{2}$"))
    ama.locator("button.mark-read").click()
    expect(ama.locator(".badge")).to_be_hidden()
    # The developer panel: the session id and the line protocol's words.
    kofi.locator(".dev summary").click()
    expect(kofi.locator(".log li").first).to_contain_text(re.compile(r"→ BEGIN web-\d+ 22890112233 \*145#"))
    expect(kofi.locator(".log li").nth(6)).to_contain_text(re.compile(r"← END web-\d+ Envoi de 5 000 FCFA"))
    expect(kofi.locator(".log li").first.locator(".ms")).to_contain_text(" ms")
    kofi.locator("button.export").click()
    script = kofi.locator("textarea.script").input_value()
    assert 'dial: "*145#"' in script and 'answer: "2580"' in script
    path = tmp_path / "exported.yaml"
    path.write_text(script)
    replay = subprocess.run([SIKA, "script", "run", str(path)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert "1 passed, 0 failed" in replay.stdout


def test_off_net_transfer_tmoney_to_flooz(page):
    kofi = add_contact(page, KOFI)
    akosua = add_contact(page, AKOSUA)
    expect(akosua.locator(".meta")).to_contain_text("Flooz")
    dial(kofi, "*145#")
    reply(kofi, "1")
    reply(kofi, "2")
    expect(screen(kofi)).to_have_text("Numero Flooz du beneficiaire:")
    reply(kofi, "96112233")
    reply(kofi, "5000")
    expect(screen(kofi)).to_have_text("Envoyer 5 000 FCFA vers Flooz (96112233)\nFrais hors reseau: 100 FCFA\nTotal: 5 100 FCFA\n1. Confirmer\n2. Annuler")
    reply(kofi, "1")
    reply(kofi, "2580")
    expect(screen(kofi)).to_contain_text("Envoi de 5 000 FCFA vers Flooz (96112233) reussi")
    expect(screen(kofi)).to_contain_text("Nouveau solde: 44 900 FCFA")
    expect(akosua.locator(".sms-list")).to_contain_text("Vous avez recu 5 000 FCFA de 22890112233 (T-Money)", timeout=20000)
    expect(akosua.locator(".sms-list")).to_contain_text("Nouveau solde: 35 000 FCFA")
    expect(kofi.locator(".sms-list")).to_contain_text("Frais: 100 FCFA")


def test_wrong_pin_cancelled_confirmation_and_network_error(page):
    kofi = add_contact(page, KOFI)
    dial(kofi, "*145*1*1*90445566*5000#")
    expect(screen(kofi)).to_contain_text("Frais: 50 FCFA")
    reply(kofi, "1")
    reply(kofi, "1111")
    expect(screen(kofi)).to_have_text("Code secret incorrect. Il vous reste 2 essai(s).")
    expect(kofi).to_have_attribute("data-state", "ended")
    # Answering 2 on the confirmation cancels.
    dial(kofi, "*145*1*1*90445566*5000#")
    reply(kofi, "2")
    expect(screen(kofi)).to_have_text("Operation annulee.")
    # The Cancel button (or Escape) hangs up.
    dial(kofi, "*145#")
    kofi.locator("input.reply").press("Escape")
    expect(kofi.locator(".screen-status")).to_have_text("Session annulée")
    expect(kofi.locator("input.dial")).to_be_focused()
    # Another operator's code: the phone's own words for a network error.
    dial(kofi, "*155#")
    expect(screen(kofi)).to_have_text("Problème de connexion ou code IHM non valide")
    page.locator('.lang[data-lang="en"]').click()
    dial(kofi, "*155#")
    expect(screen(kofi)).to_have_text("Connection problem or invalid MMI code")
    expect(kofi.locator(".sms-list li")).to_have_count(0)


def test_a_lost_signal_is_offered_back_and_a_hang_up_is_not(page, server, tmp_path):
    kofi = add_contact(page, KOFI)
    dial(kofi, "*145#")
    reply(kofi, "1")
    reply(kofi, "1")
    reply(kofi, "90445566")
    expect(screen(kofi)).to_have_text("Montant a envoyer (FCFA):")
    kofi.locator("button.drop").click()
    expect(kofi.locator(".screen-status")).to_have_text("Réseau perdu : recomposez le code pour reprendre")
    expect(kofi.locator("input.dial")).to_be_focused()
    dial(kofi, "*145#")
    expect(screen(kofi)).to_have_text("Reprendre l'operation en cours?\n1. Oui\n2. Non")
    reply(kofi, "1")
    expect(screen(kofi)).to_have_text("Montant a envoyer (FCFA):")
    reply(kofi, "5000")
    reply(kofi, "1")
    reply(kofi, "2580")
    expect(screen(kofi)).to_contain_text("Envoi de 5 000 FCFA a AMA M. reussi")
    # Cancel hangs up: the next dial is a fresh menu.
    dial(kofi, "*145#")
    reply(kofi, "4")
    kofi.locator("button.cancel").click()
    expect(kofi.locator(".screen-status")).to_have_text("Session annulée")
    dial(kofi, "*145#")
    expect(screen(kofi)).to_have_text("T-Money\n1. Envoyer de l'argent\n2. Retrait\n3. Achat de credit\n4. Mon compte")
    # The log shows the protocol's words for both; the exported script marks the drop only, and replays.
    requests = kofi.locator(".log .out")
    expect(requests.filter(has_text=re.compile(r"ABORT web-\d+$"))).to_have_count(1)
    expect(requests.filter(has_text=re.compile(r"ABORT web-\d+ cancel$"))).to_have_count(1)
    kofi.locator(".dev summary").click()
    kofi.locator("button.export").click()
    script = kofi.locator("textarea.script").input_value()
    assert script.count("abort: true") == 1
    path = tmp_path / "lost-signal.yaml"
    path.write_text(script)
    result = subprocess.run([SIKA, "script", "run", str(path)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_long_mini_statement_pages_with_98_and_0_goes_back(page):
    kofi = add_contact(page, KOFI)
    for _ in range(6):
        dial(kofi, "*145*1*1*90445566*1000#")
        reply(kofi, "1")
        reply(kofi, "2580")
        expect(screen(kofi)).to_contain_text("Ref: TM")
    dial(kofi, "*145*4*2#")
    expect(screen(kofi)).to_have_text("Mini-releve\nEntrez votre code secret:")
    reply(kofi, "2580")
    expect(screen(kofi)).to_contain_text("Mini-releve:")
    expect(screen(kofi)).to_have_text(re.compile(r"\n98\. Suite$"))
    length = len(screen(kofi).text_content())
    assert length <= 182
    expect(kofi.locator(".screen-status")).to_have_text(f"{length}/182 caractères")
    reply(kofi, "98")
    expect(kofi).to_have_attribute("data-state", "ended")
    expect(screen(kofi)).not_to_contain_text("98. Suite")
    expect(screen(kofi)).to_contain_text(re.compile(r"TM\d{6}\.\d+"))
    # 0 goes back, 00 home.
    dial(kofi, "*145#")
    reply(kofi, "4")
    expect(screen(kofi)).to_contain_text("Mon compte")
    reply(kofi, "1")
    reply(kofi, "0")
    expect(screen(kofi)).to_contain_text("Mon compte")
    reply(kofi, "00")
    expect(screen(kofi)).to_have_text("T-Money\n1. Envoyer de l'argent\n2. Retrait\n3. Achat de credit\n4. Mon compte")
    # The exported script of the whole visit replays too, dates and references matched by pattern.
    kofi.locator(".dev summary").click()
    kofi.locator("button.export").click()
    script = kofi.locator("textarea.script").input_value()
    assert "regex:" in script and "abort: true" not in script


def test_phone_sized_viewport_and_keyboard_only(browser, server, page):
    small = browser.new_context(viewport={"width": 375, "height": 740}, locale="en-GB")
    mobile = small.new_page()
    mobile.goto(server["http"] + "/")
    expect(mobile.locator("#live")).to_have_attribute("data-state", "open")
    expect(mobile.locator("h1")).to_have_text("Sika web phone")
    # Keyboard alone: Tab to the number field, type, Enter; the new phone's dial box takes the focus.
    mobile.locator("#number").focus()
    mobile.keyboard.type(KOFI)
    mobile.keyboard.press("Enter")
    phone = mobile.locator(f'article.phone[data-msisdn="{KOFI}"]')
    expect(phone.locator("input.dial")).to_be_focused()
    mobile.keyboard.type("*145#")
    mobile.keyboard.press("Enter")
    expect(phone.locator("input.reply")).to_be_focused()
    expect(phone.locator(".screen-text")).to_contain_text("1. Envoyer de l'argent")
    box = phone.bounding_box()
    assert box["width"] <= 375
    # Labelled for screen readers.
    expect(phone).to_have_attribute("aria-label", re.compile("Phone 22890112233, T-Money"))
    expect(phone.get_by_label("Reply")).to_be_visible()
    expect(phone.get_by_role("button", name="Send")).to_be_visible()
    small.close()


def assert_not_blank(page, path):
    """The screenshot has real content: many colours, and not one colour over most of it."""
    import base64

    data = base64.b64encode(open(path, "rb").read()).decode()
    stats = page.evaluate(
        """async (data) => {
            const image = new Image();
            image.src = "data:image/png;base64," + data;
            await image.decode();
            const canvas = document.createElement("canvas");
            canvas.width = image.width; canvas.height = image.height;
            const context = canvas.getContext("2d");
            context.drawImage(image, 0, 0);
            const pixels = context.getImageData(0, 0, image.width, image.height).data;
            const counts = new Map();
            for (let i = 0; i < pixels.length; i += 16) {
                const key = (pixels[i] >> 3) << 10 | (pixels[i + 1] >> 3) << 5 | (pixels[i + 2] >> 3);
                counts.set(key, (counts.get(key) || 0) + 1);
            }
            const top = Math.max(...counts.values());
            return { width: image.width, height: image.height, colours: counts.size, top: top / (pixels.length / 16) };
        }""",
        data,
    )
    assert stats["width"] >= 600 and stats["height"] >= 400, stats
    assert stats["colours"] > 40 and stats["top"] < 0.8, stats
