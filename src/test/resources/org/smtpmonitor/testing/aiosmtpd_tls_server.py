#!/usr/bin/env python3
"""aiosmtpd, an independent SMTP server, as the peer of our clients' TLS and AUTH tests.

Listens on 127.0.0.1 and an ephemeral port, prints "listening PORT" once ready, and stores
each message as received (dot-unstuffed, not otherwise touched) in DIR/N.eml, with its
envelope, TLS protocol and authenticated user in DIR/N.json. Each file is written under
another name first and renamed, so a reader that counts them never sees half of one.

  aiosmtpd_tls_server.py DIR --mode plain|starttls|implicit [--cert C --key K]
                         [--user NAME:PASSWORD ...]

With --user, AUTH is offered (PLAIN and LOGIN built in, CRAM-MD5 here), over TLS only.
"""
import argparse
import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import os
import ssl
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, MISSING


class StoringHandler:
    def __init__(self, directory, users):
        self.directory = directory
        self.users = users
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        number = next(self.numbers)
        ssl_object = server.transport.get_extra_info("ssl_object")
        login = session.login_data
        facts = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "tls": ssl_object.version() if ssl_object else None,
            "auth": login.decode() if isinstance(login, bytes) else login,
        }
        self.store("%d.eml" % number, envelope.original_content)
        self.store("%d.json" % number, json.dumps(facts).encode())
        return "250 OK stored as %d" % number

    def store(self, name, data):
        path = os.path.join(self.directory, name)
        with open(path + ".part", "wb") as out:
            out.write(data)
        os.rename(path + ".part", path)

    async def auth_CRAM__MD5(self, server, args):
        """RFC 2195: the client answers a challenge with the HMAC-MD5 of it, keyed with the password."""
        challenge = ("<%d.%d@aiosmtpd.test>" % (os.getpid(), time.time_ns())).encode()
        response = await server.challenge_auth(challenge)
        if response is MISSING:
            return AuthResult(success=False, handled=True)
        user, _, digest = response.partition(b" ")
        password = self.users.get(user.decode(errors="replace"))
        expected = hmac.new((password or "").encode(), challenge, hashlib.md5).hexdigest().encode()
        if password is None or not hmac.compare_digest(expected, digest):
            return AuthResult(success=False, handled=False)  # handled=False: aiosmtpd answers 535
        return AuthResult(success=True, auth_data=LoginPassword(user, b""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--mode", choices=["plain", "starttls", "implicit"], default="plain")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user", action="append", default=[])
    args = parser.parse_args()
    users = dict(user.split(":", 1) for user in args.user)
    handler = StoringHandler(args.directory, users)

    context = None
    if args.mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode(errors="replace")
        password = auth_data.password.decode(errors="replace")
        if users.get(login) != password:
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=auth_data)

    def make_session():
        options = dict(hostname="aiosmtpd.test", data_size_limit=64 * 1024 * 1024)
        if args.mode == "starttls":
            options["tls_context"] = context
        if users:
            options["authenticator"] = authenticator
            # Over implicit TLS, aiosmtpd does not know the session is secure, so it is told.
            options["auth_require_tls"] = args.mode == "starttls"
        else:
            options["auth_exclude_mechanism"] = ["LOGIN", "PLAIN", "CRAM-MD5"]
        return SMTP(handler, **options)

    async def serve():
        server = await asyncio.get_running_loop().create_server(
            make_session, "127.0.0.1", 0, ssl=context if args.mode == "implicit" else None)
        print("listening %d" % server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
