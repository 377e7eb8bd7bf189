#!/usr/bin/env python3
"""Python ESMEs, written elsewhere, against the SMPP server of a running Sika (the simulated operator network).

smpplib checks binds and auth failures, enquire_link, submit_sm into a simulated phone's inbox, delivery receipts,
windowing, throttling, MO SMS from a phone, and USSD TLVs in submit_sm. aiosmpplib then serves a whole USSD
dialogue dialled on a simulated phone: it parses ussd_service_op and its_session_info in deliver_sm, which smpplib
cannot (its DeliverSM has no ussd_service_op parameter; see the NOTE line). The phones are driven through the web
simulator's JSON API, as the page does.

Accounts the server must have (Tests/SMPPFrontTests/PythonESMETests.swift starts it so): shop/shop-pw owning 8080
and *384#; slow/slow-pw owning 8070, throttled to a bucket of 3 with almost no refill.

Prints one line per check, ends with `N passed, M failed`, exits non-zero on any failure.
Usage: python3 Tests/SMPPInterop/sika_interop.py --smpp-port N --http-port N
Needs: python3 -m pip install smpplib aiosmpplib
"""
import argparse
import asyncio
import json
import logging
import threading
import urllib.request

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.smpp

TIMEOUT = 20  # seconds; a failure bound, never a synchronisation
KOFI = "22890112233"
results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else f"  ({detail})"), flush=True)


class Phones:
    """The web simulator's JSON API."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}/simulator/api"

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def inbox(self, msisdn):
        return self.call("GET", f"/phones/{msisdn}/inbox")[1].get("messages", [])


def client(port):
    c = smpplib.client.Client("127.0.0.1", port, timeout=TIMEOUT, allow_unknown_opt_params=True)
    c.connect()
    return c


def submit_pdu(c, **kwargs):
    fields = dict(source_addr_ton=3, source_addr_npi=0, source_addr="8080", dest_addr_ton=1, dest_addr_npi=1, destination_addr=KOFI,
                  short_message=b"hello", data_coding=0)
    fields.update(kwargs)
    return smpplib.smpp.make_pdu("submit_sm", client=c, **fields)


def text(value):
    return value.decode("ascii", "replace") if isinstance(value, bytes) else (value or "")


def smpplib_checks(smpp_port, phones):
    bad = client(smpp_port)
    for system_id, password, status, name in (("shop", "wrong", smpplib.consts.SMPP_ESME_RINVPASWD, "ESME_RINVPASWD"),
                                              ("nobody", "x", smpplib.consts.SMPP_ESME_RINVSYSID, "ESME_RINVSYSID")):
        try:
            bad.bind_transceiver(system_id=system_id, password=password)
            check(f"smpplib: {system_id}/{password} refused", False, "bound")
        except smpplib.exceptions.PDUError as error:
            check(f"smpplib: {system_id}/{password} refused with {name}", error.args[1] == status, error)
    bad.bind_transmitter(system_id="shop", password="shop-pw")
    check("smpplib: binds on the same connection after refusals", bad.state == smpplib.consts.SMPP_CLIENT_STATE_BOUND_TX)
    bad.unbind()
    bad.disconnect()

    c = client(smpp_port)
    c.bind_transceiver(system_id="shop", password="shop-pw")
    check("smpplib: bind_transceiver", c.state == smpplib.consts.SMPP_CLIENT_STATE_BOUND_TRX, c.state)
    c.send_pdu(smpplib.smpp.make_pdu("enquire_link", client=c))
    resp = c.read_pdu()
    check("smpplib: enquire_link answered", resp.command == "enquire_link_resp" and resp.status == 0, resp.command)

    status, _ = phones.call("POST", "/phones", {"msisdn": KOFI})
    check("phone opened on the web simulator", status == 201, status)

    # An SMS asking for a receipt: submit_sm_resp with the id, the text in the phone's inbox, the receipt as deliver_sm.
    c.send_pdu(submit_pdu(c, registered_delivery=1, short_message=b"Votre colis arrive"))
    resp = c.read_pdu()
    message_id = text(resp.message_id)
    check("smpplib: submit_sm accepted with a decimal message id", resp.command == "submit_sm_resp" and resp.status == 0 and message_id.isdigit(),
          (resp.command, resp.status, message_id))
    dlr = c.read_pdu()
    body = text(dlr.short_message)
    check("smpplib: receipt as deliver_sm with esm_class 0x04", dlr.command == "deliver_sm" and dlr.esm_class == 0x04, (dlr.command, dlr.esm_class))
    check("smpplib: receipt text id:, stat:DELIVRD, err:000, text:", body.startswith(f"id:{message_id} sub:001 dlvrd:001 submit date:")
          and " stat:DELIVRD err:000 text:Votre colis arrive" in body, body)
    check("smpplib: receipt TLVs receipted_message_id and message_state",
          text(dlr.receipted_message_id) == message_id and dlr.message_state == 2, (dlr.receipted_message_id, dlr.message_state))
    check("smpplib: receipt from the original destination to the original source",
          text(dlr.source_addr) == KOFI and text(dlr.destination_addr) == "8080", (dlr.source_addr, dlr.destination_addr))
    c._message_received(dlr)  # smpplib's own deliver_sm_resp
    inbox = phones.inbox(KOFI)
    check("the SMS is in the phone's inbox, from the short code",
          any(m["from"] == "8080" and m["text"] == "Votre colis arrive" for m in inbox), inbox)

    # Windowing: ten submits in a row, then ten answers, matched by sequence number.
    sent = []
    for n in range(10):
        pdu = submit_pdu(c, short_message=f"w{n}".encode())
        c.send_pdu(pdu)
        sent.append(pdu.sequence)
    answers = [c.read_pdu() for _ in range(10)]
    check("smpplib: 10 pipelined submits all answered", sorted(a.sequence for a in answers) == sorted(sent) and all(a.status == 0 for a in answers),
          [(a.sequence, a.status) for a in answers])

    # An MO SMS: the phone texts the short code on the page; the ESME gets it as deliver_sm.
    status, _ = phones.call("POST", f"/phones/{KOFI}/sms", {"to": "8080", "text": "SUIVI 42"})
    check("phone sends an SMS to 8080", status == 202, status)
    mo = c.read_pdu()
    check("smpplib: the phone's SMS as deliver_sm", mo.command == "deliver_sm" and mo.short_message == b"SUIVI 42"
          and text(mo.source_addr) == KOFI and text(mo.destination_addr) == "8080", (mo.command, mo.short_message, mo.source_addr))
    c._message_received(mo)

    # smpplib can send the USSD TLVs in submit_sm: a screen for a dialogue that is not open is refused.
    c.send_pdu(submit_pdu(c, service_type="USSD", source_addr="*384#", short_message=b"1. Menu", ussd_service_op=2,
                          its_session_info=(9 << 8) | (1 << 1)))
    resp = c.read_pdu()
    check("smpplib: USSD submit_sm for no open dialogue refused with ESME_RSUBMITFAIL", resp.status == 0x45, resp.status)
    c.unbind()
    c.disconnect()

    # Throttling: a bucket of 3 and almost no refill.
    slow = client(smpp_port)
    slow.bind_transmitter(system_id="slow", password="slow-pw")
    for n in range(6):
        slow.send_pdu(submit_pdu(slow, source_addr="8070", short_message=f"t{n}".encode()))
    statuses = [slow.read_pdu().status for _ in range(6)]
    check("smpplib: throttling answers ESME_RTHROTTLED beyond the bucket",
          statuses.count(0) == 3 and statuses.count(smpplib.consts.SMPP_ESME_RTHROTTLED) == 3, statuses)
    slow.unbind()
    slow.disconnect()

    # A note on smpplib, not a check of ours: why aiosmpplib serves the USSD dialogue below.
    print("NOTE smpplib's DeliverSM has no ussd_service_op parameter: "
          f"{'ussd_service_op' in smpplib.command.DeliverSM.params}", flush=True)


def aiosmpplib_checks(smpp_port, phones):
    from aiosmpplib import ESME, PhoneNumber
    from aiosmpplib.hook import AbstractHook
    from aiosmpplib.protocol import DeliverSm, SubmitSm
    from aiosmpplib.state import ITS_SESSION_INFO, NPI, TON, USSD_SERVICE_OP, BindMode, OptionalParam

    seen = []

    class Application(AbstractHook):
        """Serves *384#: a menu, then the last screen naming the choice."""

        def __init__(self):
            self.esme = None
            self.done = asyncio.get_running_loop().create_future()

        async def sending(self, smpp_message, pdu, client_id):
            pass

        async def send_error(self, smpp_message, error, client_id):
            pass

        async def received(self, smpp_message, pdu, client_id):
            try:
                await self.serve(smpp_message)
            except Exception as error:  # an exception here would end aiosmpplib's receiving task: report it instead
                seen.append(("error", repr(error)))
                if not self.done.done():
                    self.done.set_result(False)

        async def serve(self, smpp_message):
            if not isinstance(smpp_message, DeliverSm):
                return
            params = {int(p.tag): p.value for p in (smpp_message.optional_params or [])}
            op = params.get(USSD_SERVICE_OP, "")
            # aiosmpplib reads both TLVs as octet strings and drops a trailing NUL: put it back.
            session = params.get(ITS_SESSION_INFO, "").ljust(2, "\0")
            op = ord(op) if op else 0
            number, marker = ord(session[0]), ord(session[1])
            seen.append((smpp_message.service_type, op, smpp_message.short_message, number, marker))
            if op == 1:  # PSSR indication: the phone dialled
                reply, next_op, end = "Boutique\n1. Commander\n2. Suivi", 2, 0
            elif op == 18 and marker is not None and marker & 1 == 0:  # USSR confirm: the phone answered
                reply, next_op, end = f"Choix {smpp_message.short_message} note", 17, 1
            else:
                return
            sequence = ((marker >> 1) + 1) & 0x7F
            await self.esme.broker.enqueue(SubmitSm(
                short_message=reply, source=PhoneNumber(smpp_message.destination.number),
                destination=PhoneNumber(smpp_message.source.number, TON.INTERNATIONAL, NPI.ISDN), service_type="USSD",
                registered_delivery=0, log_id=f"ussd-{len(seen)}",
                optional_params=[OptionalParam(USSD_SERVICE_OP, chr(next_op)),
                                 OptionalParam(ITS_SESSION_INFO, chr(number) + chr(sequence << 1 | end))]))
            if end and not self.done.done():
                self.done.set_result(True)

    def phone_walk(outcome):
        """The person at the phone: dials *384#, answers 2."""
        try:
            first = phones.call("POST", f"/phones/{KOFI}/dial", {"dial": "*384#"})[1]
            last = phones.call("POST", f"/sessions/{first.get('session')}/answer", {"input": "2"})[1]
            outcome.append((first, last))
        except Exception as error:  # reported as a failed check below
            outcome.append((error, None))

    async def run():
        hook = Application()
        esme = ESME(smsc_host="127.0.0.1", smsc_port=smpp_port, system_id="shop", password="shop-pw",
                    bind_mode=BindMode.TRANSCEIVER, hook=hook, log_level=logging.WARNING)
        hook.esme = esme
        task = asyncio.create_task(esme.start())
        outcome = []
        try:
            # The phone dials once the ESME is bound (polled, at most TIMEOUT as a failure bound).
            from aiosmpplib.state import SmppSessionState
            deadline = asyncio.get_running_loop().time() + TIMEOUT
            while esme.session_state != SmppSessionState.BOUND_TRX and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.02)
            walker = threading.Thread(target=phone_walk, args=(outcome,), daemon=True)
            walker.start()
            await asyncio.wait_for(hook.done, TIMEOUT)
            await asyncio.get_running_loop().run_in_executor(None, walker.join, TIMEOUT)
        finally:
            await esme.stop()
            task.cancel()
        return outcome

    outcome = asyncio.run(run())
    first, last = outcome[0] if outcome else (None, None)
    check("aiosmpplib: PSSR indication with service_type USSD, the dialled string and session info",
          len(seen) >= 1 and seen[0][0] == "USSD" and seen[0][1] == 1 and seen[0][2] == "*384#" and seen[0][4] == 0, seen)
    check("aiosmpplib: the phone answered as a USSR confirm in the same dialogue",
          len(seen) >= 2 and seen[1][1] == 18 and seen[1][2] == "2" and seen[1][3] == seen[0][3], seen)
    check("the ESME's first screen shows on the phone", isinstance(first, dict) and first.get("screen") == "Boutique\n1. Commander\n2. Suivi"
          and first.get("final") is False, first)
    check("the ESME's last screen ends the dialogue on the phone", isinstance(last, dict) and last.get("screen") == "Choix 2 note"
          and last.get("final") is True, last)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smpp-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    arguments = parser.parse_args()
    phones = Phones(arguments.http_port)
    for checks in (smpplib_checks, aiosmpplib_checks):
        try:
            checks(arguments.smpp_port, phones)
        except Exception as error:  # a crash in a group is a failure, not a stop
            check(f"{checks.__name__} ran to the end", False, f"{type(error).__name__}: {error}")
    passed = sum(results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed", flush=True)
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
