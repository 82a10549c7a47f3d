"""A real SMTP server for the notification tests: aiosmtpd on 127.0.0.1, on a free port, that
keeps every message it accepts. It can refuse an address for good (550), answer "try later"
(451) for one, and be stopped and started again on its port (the mail server down)."""

import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CollectingHandler:
    def __init__(self):
        self.messages = []  # email.message.EmailMessage, in the order received
        self.refused = {}  # address → the SMTP reply to RCPT TO
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refused.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.handler = CollectingHandler()
        self.port = free_port()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        with self.handler.lock:
            return list(self.handler.messages)

    def to(self, address):
        return [m for m in self.messages if address in m["To"]]

    def refuse(self, address, code=550):
        self.handler.refused[address.lower()] = (
            "550 5.1.1 Recipient address rejected: User unknown"
            if code == 550
            else "451 4.3.0 Temporary failure, try again later"
        )

    def accept(self, address):
        self.handler.refused.pop(address.lower(), None)
