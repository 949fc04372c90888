"""A real SMTP server (aiosmtpd) standing in for the relay Dragoman sends replies through.

    python3 smtp_relay.py PORT DIR

Listens on 127.0.0.1:PORT and prints READY once it accepts connections. Each message it takes
is written to DIR as NNNN.eml (the bytes as received) with NNNN.json beside it (envelope
sender and recipients), numbered in arrival order; the .eml is renamed into place last, so a
reader never sees half a message. While the file DIR/respond exists, DATA is answered with
its first line instead (e.g. "451 4.3.0 try again later" or "550 5.1.1 no such user") and
nothing is stored.
"""

import json
import os
import sys
import threading

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        try:
            with open(os.path.join(self.directory, "respond"), encoding="utf-8") as f:
                return f.readline().strip()
        except FileNotFoundError:
            pass
        with self.lock:
            seq = len([n for n in os.listdir(self.directory) if n.endswith(".eml")]) + 1
            base = os.path.join(self.directory, f"{seq:04}")
            with open(base + ".json", "w", encoding="utf-8") as f:
                json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
            with open(base + ".tmp", "wb") as f:
                f.write(envelope.original_content)
            os.rename(base + ".tmp", base + ".eml")
        return "250 2.0.0 stored"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Store(directory), hostname="127.0.0.1", port=port, decode_data=False)
    controller.start()
    print("READY", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
