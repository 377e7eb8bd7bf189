#!/usr/bin/env python3
"""A private Postfix instance for the SMTP client's interop tests (Debian's postfix, sasl2-bin, libsasl2-modules).

Started by the Swift tests as a subprocess, as root (Postfix's master needs it; it drops to the postfix user),
on a loopback port. Everything lives in a fresh directory under /tmp: its own main.cf and master.cf, queue,
Cyrus sasldb and a self-signed certificate for "localhost". It never touches /etc/postfix or port 25.

The relay offers STARTTLS, and AUTH PLAIN and LOGIN only over TLS, for the user "sika" with the password given
by --password. Mail for example.tg is delivered to a Maildir (one file per message, LF line endings):
  kofi@example.tg, ama@example.tg     delivered
  defer@example.tg                    451 4.3.0 at RCPT (a transient refusal)
  anything else @example.tg           550 5.1.1 user unknown (a permanent one)
Mail to other domains is refused unless the client authenticated, and then bounced at once: nothing is ever
delivered off this machine.

Prints `READY <port> <certificate> <maildir new/ directory>` once the relay accepts connections, and stops Postfix
and removes the directory when its standard input closes.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
local     unix - n n - - local
virtual   unix - n n - - virtual
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
"""

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {root}/queue
data_directory = {root}/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = relay.sika.test
mydestination =
mynetworks = 127.0.0.0/8
relay_domains =
smtputf8_enable = no
maillog_file = {root}/maillog
maillog_file_prefixes = {root}
virtual_mailbox_domains = example.tg
virtual_mailbox_base = {root}/mail
virtual_mailbox_maps = texthash:{root}/conf/vmailbox
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
smtpd_tls_cert_file = {root}/conf/cert.pem
smtpd_tls_key_file = {root}/conf/key.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
smtpd_sasl_local_domain = relay.sika.test
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access texthash:{root}/conf/access
# Nothing ever leaves this machine: no DNS, and any non-local destination fails at once.
smtp_dns_support_level = disabled
default_transport = error:the test relay delivers nowhere else
relay_transport = error:the test relay delivers nowhere else
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*command):
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--password", required=True)
    args = parser.parse_args()

    root = tempfile.mkdtemp(prefix="sika-postfix-", dir="/tmp")
    os.chmod(root, 0o755)
    conf = os.path.join(root, "conf")
    for name in ("conf", "conf/sasl", "queue", "data", "mail"):
        os.makedirs(os.path.join(root, name), exist_ok=True)
    shutil.chown(os.path.join(root, "data"), "postfix")
    shutil.chown(os.path.join(root, "mail"), "nobody", "nogroup")
    port = free_port()

    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", os.path.join(conf, "key.pem"), "-out", os.path.join(conf, "cert.pem"), "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost")
    with open(os.path.join(conf, "main.cf"), "w") as f:
        f.write(MAIN_CF.format(root=root))
    with open(os.path.join(conf, "master.cf"), "w") as f:
        f.write(MASTER_CF.format(port=port))
    with open(os.path.join(conf, "vmailbox"), "w") as f:
        f.write("kofi@example.tg inbox/\nama@example.tg inbox/\ndefer@example.tg inbox/\n")
    with open(os.path.join(conf, "access"), "w") as f:
        f.write("defer@example.tg 451 4.3.0 Deferred for the test\n")
    # Debian's Postfix reads Cyrus's smtpd.conf from <config_directory>/sasl.
    sasldb = os.path.join(conf, "sasl", "sasldb2")
    with open(os.path.join(conf, "sasl", "smtpd.conf"), "w") as f:
        f.write("pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: PLAIN LOGIN\nsasldb_path: %s\n" % sasldb)
    subprocess.run(["saslpasswd2", "-p", "-c", "-f", sasldb, "-u", "relay.sika.test", "sika"],
                   input=args.password.encode(), check=True)
    shutil.chown(sasldb, "postfix")
    os.chmod(sasldb, 0o600)

    try:
        # A previous test's instance may still be winding down (`postfix stop` does not wait for the master to exit):
        # try a few times before giving up, and say why when it does.
        for attempt in range(10):
            started = subprocess.run(["postfix", "-c", conf, "start"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if started.returncode == 0:
                break
            if attempt == 9:
                raise SystemExit("postfix start failed: " + started.stderr.decode(errors="replace"))
            time.sleep(1)
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("postfix did not start listening: " + open(os.path.join(root, "maillog")).read())
                time.sleep(0.1)
        print("READY %d %s %s" % (port, os.path.join(conf, "cert.pem"), os.path.join(root, "mail", "inbox", "new")),
              flush=True)
        sys.stdin.read()
    finally:
        subprocess.run(["postfix", "-c", conf, "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # `postfix stop` only signals the master: wait until it is gone, so the next instance can start.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = subprocess.run(["postfix", "-c", conf, "status"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if status.returncode != 0:
                break
            time.sleep(0.2)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
