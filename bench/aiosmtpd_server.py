#!/usr/bin/env python3
"""aiosmtpd as a peer in bench/compare.sh: accepts mail for every recipient and, like
smtp-monitor, appends each message to a per-user file <address>.txt (without fsync:
aiosmtpd users do not sync either). Run: python3 aiosmtpd_server.py PORT DIR"""
import asyncio
import os
import sys

from aiosmtpd.controller import Controller


class AppendHandler:
    def __init__(self, directory):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        for rcpt in envelope.rcpt_tos:
            with open(os.path.join(self.directory, rcpt.lower() + ".txt"), "ab") as mailbox:
                mailbox.write(data)
        return "250 OK"


def main():
    port = int(sys.argv[1])
    directory = sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    controller = Controller(AppendHandler(directory), hostname="127.0.0.1", port=port,
                            data_size_limit=64 * 1024 * 1024)
    controller.start()
    print("aiosmtpd listening on 127.0.0.1:%d" % port, flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
