#!/usr/bin/env python3
"""The chaos run's own mail capture server (scripts/chaos-test.sh): like the one of scripts/infra.sh
(aiosmtpd, every message kept in a Maildir, nothing delivered) but slow — each RCPT and each end of
data answered after DELAY seconds — so that `ece-bench chaos`, killing Missions at a mail in flight,
lands mid-conversation or between the end of the data and the 250.

    var/venv/bin/python scripts/smtp-lent.py PORT MAILDIR [DELAY]
"""
import asyncio
import signal
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox


class Lent(Mailbox):
    def __init__(self, maildir, delay):
        super().__init__(maildir)
        self.delay = delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Kept before the answer, as a relay queues then says 250: a sender killed meanwhile did deliver.
        answer = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(self.delay)
        return answer


def main():
    port, maildir = int(sys.argv[1]), sys.argv[2]
    delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0.15
    controller = Controller(Lent(maildir, delay), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"slow capture server on 127.0.0.1:{port}, {delay} s per RCPT and end of data, Maildir {maildir}", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
