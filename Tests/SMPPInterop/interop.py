#!/usr/bin/env python3
"""Interoperability checks: SMPP software written elsewhere against this package's server.

Runs the SMPPInteropServer executable (built by `swift build --product SMPPInteropServer`) and drives it with
smpplib (binds, a bad password, submits with windowing, throttling, delivery receipts, MO deliver_sm, enquire_link,
USSD TLVs in submit_sm, graceful unbind on shutdown) and with aiosmpplib (a USSD deliver_sm whose ussd_service_op
and its_session_info it must parse). Prints one line per check and ends with `N passed, M failed`; exits non-zero on
any failure.

Usage: python3 Tests/SMPPInterop/interop.py [path/to/smpp-interop-server]
Needs: python3 -m pip install smpplib aiosmpplib
"""
import asyncio
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.smpp

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.dirname(os.path.dirname(HERE))
DEFAULT_SERVER = os.path.join(PACKAGE, ".build", "debug", "SMPPInteropServer")
TIMEOUT = 20  # seconds; a failure bound, never a synchronisation

results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else f"  ({detail})"), flush=True)


class Server:
    """The Swift server as a subprocess; its stdout lines are the events it reports."""

    def __init__(self, binary, *args):
        self.process = subprocess.Popen([binary, "--port", "0", *args], stdout=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._pump, daemon=True).start()
        first = self.expect("LISTENING")
        self.port = int(first.split()[1])

    def _pump(self):
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, prefix, timeout=TIMEOUT):
        """The next event line starting with prefix (earlier lines are kept in self.seen)."""
        for line in self.seen:
            if line.startswith(prefix):
                self.seen.remove(line)
                return line
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no server line starting with {prefix!r}; seen {self.seen}")
            line = self.lines.get(timeout=remaining)
            if line.startswith(prefix):
                return line
            self.seen.append(line)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=TIMEOUT)


def client(port):
    c = smpplib.client.Client("127.0.0.1", port, timeout=TIMEOUT, allow_unknown_opt_params=True)
    c.connect()
    return c


def submit_pdu(c, **kwargs):
    fields = dict(source_addr_ton=1, source_addr_npi=1, source_addr="22890112233", dest_addr_ton=3, dest_addr_npi=0,
                  destination_addr="145", short_message=b"hello", data_coding=0)
    fields.update(kwargs)
    return smpplib.smpp.make_pdu("submit_sm", client=c, **fields)


def smpplib_checks(binary):
    server = Server(binary)
    try:
        # A bad password is refused with ESME_RINVPASWD (0x0E); an unknown system_id with ESME_RINVSYSID (0x0F).
        bad = client(server.port)
        try:
            bad.bind_transceiver(system_id="esme", password="wrong")
            check("smpplib: bad password refused", False, "bound")
        except smpplib.exceptions.PDUError as error:
            check("smpplib: bad password refused with ESME_RINVPASWD", error.args[1] == smpplib.consts.SMPP_ESME_RINVPASWD, error)
        try:
            bad.bind_transceiver(system_id="nobody", password="secret")
            check("smpplib: unknown system_id refused", False, "bound")
        except smpplib.exceptions.PDUError as error:
            check("smpplib: unknown system_id refused with ESME_RINVSYSID", error.args[1] == smpplib.consts.SMPP_ESME_RINVSYSID, error)
        # The same connection may bind after a refusal.
        bad.bind_transmitter(system_id="esme", password="secret")
        check("smpplib: binds on the same connection after a refusal", bad.state == smpplib.consts.SMPP_CLIENT_STATE_BOUND_TX)
        bad.unbind()
        bad.disconnect()

        c = client(server.port)
        c.bind_transceiver(system_id="esme", password="secret")
        check("smpplib: bind_transceiver", c.state == smpplib.consts.SMPP_CLIENT_STATE_BOUND_TRX, c.state)

        # enquire_link is answered.
        c.send_pdu(smpplib.smpp.make_pdu("enquire_link", client=c))
        resp = c.read_pdu()
        check("smpplib: enquire_link answered", resp.command == "enquire_link_resp" and resp.status == 0, resp.command)

        # A submit asking for a receipt: submit_sm_resp with the id, then the DLR as deliver_sm.
        c.send_pdu(submit_pdu(c, registered_delivery=1, short_message=b"Transfert recu"))
        resp = c.read_pdu()
        message_id = resp.message_id.decode() if isinstance(resp.message_id, bytes) else resp.message_id
        check("smpplib: submit_sm accepted with a message id", resp.command == "submit_sm_resp" and resp.status == 0 and message_id.startswith("iop-"), resp.command)
        dlr = c.read_pdu()
        text = dlr.short_message.decode("ascii", "replace") if dlr.short_message else ""
        receipted = dlr.receipted_message_id.decode() if isinstance(dlr.receipted_message_id, bytes) else dlr.receipted_message_id
        check("smpplib: DLR arrives as deliver_sm with esm_class 0x04", dlr.command == "deliver_sm" and dlr.esm_class == 0x04, (dlr.command, dlr.esm_class))
        check("smpplib: DLR text has id, stat:DELIVRD and the text", f"id:{message_id} " in text and "stat:DELIVRD" in text and "text:Transfert recu" in text, text)
        check("smpplib: DLR TLVs receipted_message_id and message_state", receipted == message_id and dlr.message_state == 2, (receipted, dlr.message_state))
        check("smpplib: DLR comes from the original destination", dlr.source_addr in (b"145", "145") and dlr.destination_addr in (b"22890112233", "22890112233"), (dlr.source_addr, dlr.destination_addr))
        c._message_received(dlr)  # smpplib's own deliver_sm_resp
        check("smpplib: deliver_sm_resp accepted by the server", server.expect("DLR-ACKED"))

        # An MO message: a submit to `echo` comes back as deliver_sm.
        c.send_pdu(submit_pdu(c, destination_addr="echo", short_message=b"ping"))
        resp = c.read_pdu()
        mo = c.read_pdu()
        check("smpplib: MO deliver_sm received", resp.status == 0 and mo.command == "deliver_sm" and mo.short_message == b"echo: ping", (mo.command, mo.short_message))
        c._message_received(mo)
        check("smpplib: MO deliver_sm_resp accepted by the server", server.expect("MO-ACKED"))

        # Windowing: ten submits in a row, then ten responses, matched by sequence number.
        sent = []
        for n in range(10):
            pdu = submit_pdu(c, short_message=f"w{n}".encode())
            c.send_pdu(pdu)
            sent.append(pdu.sequence)
        answers = [c.read_pdu() for _ in range(10)]
        check("smpplib: 10 pipelined submits all answered", sorted(a.sequence for a in answers) == sorted(sent) and all(a.status == 0 for a in answers), [(a.sequence, a.status) for a in answers])

        # USSD TLVs in submit_sm (smpplib can send them).
        c.send_pdu(submit_pdu(c, service_type="USSD", source_addr="145", destination_addr="22890112233", short_message=b"1. Envoyer 2. Solde", ussd_service_op=2, its_session_info=(17 << 8) | (1 << 1)))
        resp = c.read_pdu()
        line = server.expect("USSD-SUBMIT")
        check("smpplib: submit_sm with ussd_service_op and its_session_info", resp.status == 0 and "op=2" in line and "session=17" in line and "text=1. Envoyer 2. Solde" in line, line)

        # Graceful shutdown: the server sends unbind; smpplib answers it; the server exits cleanly.
        server.process.send_signal(signal.SIGTERM)
        unbind = c.read_pdu()
        check("smpplib: server shutdown sends unbind", unbind.command == "unbind", unbind.command)
        response = smpplib.smpp.make_pdu("unbind_resp", client=c)
        response.sequence = unbind.sequence
        c.send_pdu(response)
        code = server.process.wait(timeout=TIMEOUT)
        check("smpplib: server stops after unbind_resp", code == 0 and server.expect("STOPPED"), code)
        c.disconnect()
    finally:
        server.stop()

    # Throttling: a server with a bucket of 5 and almost no refill.
    server = Server(binary, "--throttle", "0.001", "5")
    try:
        c = client(server.port)
        c.bind_transmitter(system_id="esme", password="secret")
        for n in range(10):
            c.send_pdu(submit_pdu(c, short_message=f"t{n}".encode()))
        statuses = [c.read_pdu().status for _ in range(10)]
        check("smpplib: throttling answers ESME_RTHROTTLED beyond the bucket",
              statuses.count(0) == 5 and statuses.count(smpplib.consts.SMPP_ESME_RTHROTTLED) == 5, statuses)
        c.unbind()
        c.disconnect()
    finally:
        server.stop()

    # smpplib cannot parse ussd_service_op in deliver_sm (its DeliverSM has no such parameter).
    server = Server(binary)
    try:
        c = client(server.port)
        c.bind_receiver(system_id="ussd", password="secret")
        # Not a check of ours: a note on smpplib, which is why aiosmpplib parses the USSD deliver_sm below.
        try:
            pdu = c.read_pdu()
            print(f"NOTE smpplib parsed the USSD deliver_sm: ussd_service_op={getattr(pdu, 'ussd_service_op', None)}")
        except Exception as error:  # smpplib's DeliverSM has no ussd_service_op parameter
            print(f"NOTE smpplib cannot parse ussd_service_op in deliver_sm: {type(error).__name__}: {error}")
        c.disconnect()
    finally:
        server.stop()


def aiosmpplib_checks(binary):
    from aiosmpplib import ESME
    from aiosmpplib.hook import AbstractHook
    from aiosmpplib.protocol import DeliverSm
    from aiosmpplib.state import BindMode

    server = Server(binary)

    class Recorder(AbstractHook):
        def __init__(self):
            self.delivered = asyncio.get_running_loop().create_future()

        async def sending(self, smpp_message, pdu, client_id):
            pass

        async def received(self, smpp_message, pdu, client_id):
            if isinstance(smpp_message, DeliverSm) and not self.delivered.done():
                self.delivered.set_result(smpp_message)

        async def send_error(self, smpp_message, error, client_id):
            pass

    async def run():
        hook = Recorder()
        esme = ESME(smsc_host="127.0.0.1", smsc_port=server.port, system_id="ussd", password="secret",
                    bind_mode=BindMode.RECEIVER, hook=hook, log_level=logging.WARNING)
        task = asyncio.create_task(esme.start())
        try:
            message = await asyncio.wait_for(hook.delivered, TIMEOUT)
        finally:
            await esme.stop()
            task.cancel()
        return message

    try:
        message = asyncio.run(run())
        params = {int(p.tag): p.value for p in message.optional_params}
        # aiosmpplib types both TLVs as octet strings (ASCII-decoded, a trailing NUL dropped), not as integers.
        def octets(value, size):
            raw = value.encode("latin-1") if isinstance(value, str) else bytes([value]) if isinstance(value, int) else bytes(value)
            return raw.ljust(size, b"\0")
        op = params.get(0x0501)
        check("aiosmpplib: parses ussd_service_op (PSSR indication = 1) in deliver_sm", op is not None and octets(op, 1) == b"\x01", params)
        session = params.get(0x1383)
        check("aiosmpplib: parses its_session_info (session 17, sequence 0, not ended)", session is not None and octets(session, 2) == bytes([17, 0]), params)
        check("aiosmpplib: service_type USSD and the dialed string", message.service_type == "USSD" and message.short_message == "*145#", (message.service_type, message.short_message))
        check("aiosmpplib: answered the deliver_sm with ESME_ROK", server.expect("USSD-DELIVERED"))
    finally:
        server.stop()


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SERVER
    if not os.path.exists(binary):
        sys.exit(f"{binary} not found: run `swift build --product SMPPInteropServer` first")
    for checks in (smpplib_checks, aiosmpplib_checks):
        try:
            checks(binary)
        except Exception as error:  # a crash in a group is a failure, not a stop
            check(f"{checks.__name__} ran to the end", False, f"{type(error).__name__}: {error}")
    passed = sum(results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
