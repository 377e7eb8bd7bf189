#!/usr/bin/env python3
"""An aiosmtpd server for the SMTP client's interop tests.

Started by the Swift tests as a subprocess. It binds 127.0.0.1 on a port the kernel picks, prints one line
`READY <port> <certificate path or ->` on stdout, serves until its standard input closes (so it never outlives
the test process), and writes every accepted message into --maildir as NNNN.eml (the DATA content exactly as
received, after the server removed dot-stuffing) and NNNN.json (envelope, AUTH login, TLS state).

Options:
  --maildir DIR            where messages (and the generated certificate) go
  --starttls               offer STARTTLS with a self-signed certificate for "localhost", generated here
  --implicit-tls           TLS from the first byte (port 465 style), same certificate
  --auth USER:PASSWORD     offer AUTH PLAIN and LOGIN, accept only this pair, require AUTH before MAIL
  --defer-first-rcpt       answer the first RCPT TO of the server's life with 451, accept later ones
  --reject RCPT            answer RCPT TO for this address with 550 5.1.1
  --port N                 listen on this port instead of one the kernel picks (to come back on the same one)
  --stall-first-rcpt S     hold the answer to the first RCPT TO of the server's life for S seconds (then 250)
  --stall-first-data S     write the first message's data as received, then hold its answer for S seconds (then
                           250): a client killed meanwhile cannot know the server has it. The file "stalling"
                           exists in --maildir while an answer is held.
"""

import argparse
import asyncio
import datetime
import json
import os
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def make_certificate(directory):
    """A self-signed certificate for localhost (the test passes it as the only trust root)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(
            # A name only, no IP entry: NIOSSL accepts an IP entry matching the peer whatever name it was told
            # to expect, and the tests want to show that a wrong name is refused.
            x509.SubjectAlternativeName([x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = os.path.join(directory, "server-cert.pem")
    key_path = os.path.join(directory, "server-key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context, cert_path


class Handler:
    def __init__(self, maildir, defer_first_rcpt, rejected, stall_rcpt, stall_data):
        self.maildir = maildir
        self.defer_first_rcpt = defer_first_rcpt
        self.rejected = {address.lower() for address in rejected}
        self.stall_rcpt = stall_rcpt
        self.stall_data = stall_data
        # A server started again on the same maildir goes on numbering after the messages already there.
        self.count = len([name for name in os.listdir(maildir) if name.endswith(".eml")])

    def log_rcpt(self, code, address):
        with open(os.path.join(self.maildir, "rcpt.log"), "a") as f:
            f.write("%s %s\n" % (code, address))

    async def stall(self, seconds):
        marker = os.path.join(self.maildir, "stalling")
        open(marker, "w").close()
        await asyncio.sleep(seconds)
        os.remove(marker)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.stall_rcpt:
            seconds, self.stall_rcpt = self.stall_rcpt, None
            await self.stall(seconds)
        if self.defer_first_rcpt:
            self.defer_first_rcpt = False
            self.log_rcpt(451, address)
            return "451 4.3.0 Try again later"
        if address.lower() in self.rejected:
            self.log_rcpt(550, address)
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        self.log_rcpt(250, address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.maildir, "%04d" % self.count)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        meta = {
            "mail_from": envelope.mail_from,
            "mail_options": envelope.mail_options,
            "rcpt_tos": envelope.rcpt_tos,
            # True for STARTTLS and for implicit TLS alike: is this transport encrypted?
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "login": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            "helo": session.host_name,
        }
        with open(base + ".json", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        number = self.count
        if self.stall_data:
            seconds, self.stall_data = self.stall_data, None
            await self.stall(seconds)
        return "250 2.0.0 OK queued as %04d" % number


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth")
    parser.add_argument("--defer-first-rcpt", action="store_true")
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--stall-first-rcpt", type=float)
    parser.add_argument("--stall-first-data", type=float)
    args = parser.parse_args()

    os.makedirs(args.maildir, exist_ok=True)
    tls_context, cert_path = (None, None)
    if args.starttls or args.implicit_tls:
        tls_context, cert_path = make_certificate(args.maildir)

    handler = Handler(args.maildir, args.defer_first_rcpt, args.reject, args.stall_first_rcpt, args.stall_first_data)
    kwargs = {"decode_data": False, "hostname": "fixture.test", "ident": "sika-fixture aiosmtpd"}
    if args.starttls:
        kwargs["tls_context"] = tls_context
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == user
                and auth_data.password.decode() == password
            )
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
        # The client is the one under test for "never AUTH in plaintext"; the server allows it so that a
        # loopback test without TLS can exercise AUTH at all.
        kwargs["auth_require_tls"] = False

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(
            lambda: SMTP(handler, **kwargs),
            host="127.0.0.1",
            port=args.port,
            reuse_address=True,
            ssl=tls_context if args.implicit_tls else None,
        )
    )
    port = server.sockets[0].getsockname()[1]
    print("READY %d %s" % (port, cert_path or "-"), flush=True)

    def wait_for_stdin_eof():
        sys.stdin.read()
        loop.call_soon_threadsafe(loop.stop)

    threading.Thread(target=wait_for_stdin_eof, daemon=True).start()
    loop.run_forever()
    server.close()


if __name__ == "__main__":
    main()
