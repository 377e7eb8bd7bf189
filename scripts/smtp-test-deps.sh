#!/usr/bin/env bash
# Installs what the interop tests need: aiosmtpd (PyPI) for InteropTests, and Debian's Postfix with Cyrus SASL
# for PostfixInteropTests (skipped, and reported as skipped, when these are missing or the tests do not run as root).
# Python's `cryptography` must be importable (the aiosmtpd fixture makes its certificate with it); openssl makes
# Postfix's.
set -euo pipefail
python3 -m pip install --quiet aiosmtpd
python3 -c 'import aiosmtpd, cryptography' || { echo "aiosmtpd or cryptography missing" >&2; exit 1; }
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    # Installing postfix tries to start the system instance; the tests run their own instance instead.
    install() { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postfix sasl2-bin libsasl2-modules openssl >/dev/null; }
    install || { apt-get update -qq && install; }
fi
