#!/usr/bin/python3
"""A capturing SMTP server built on aiosmtpd, for bench/run.

Keeps every message's bytes in memory (as a test harness built on aiosmtpd would) and reports
how many it holds:

    aiosmtpd_capture.py [--listen HOST:PORT]

stdout: `listening on HOST:PORT` once the socket accepts connections (port 0 picks a free port).
On SIGTERM or SIGINT it prints `captured N messages B bytes` and exits 0.
"""
import argparse
import asyncio
import signal
import sys

from aiosmtpd.smtp import SMTP


class CaptureHandler:
    """Holds the content of every accepted message."""

    def __init__(self):
        self.messages = []
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        self.bytes += len(envelope.original_content)
        return "250 OK"


def parse_listen(text):
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"--listen expects HOST:PORT, got {text!r}")
    return host or "127.0.0.1", int(port)


async def serve(host, port):
    handler = CaptureHandler()
    loop = asyncio.get_running_loop()
    # 64 MiB: room for the 10 MB load; aiosmtpd's default limit is 32 MiB.
    server = await loop.create_server(
        lambda: SMTP(handler, data_size_limit=64 * 1024 * 1024, decode_data=False, enable_SMTPUTF8=True),
        host=host, port=port)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    real_port = server.sockets[0].getsockname()[1]
    print(f"listening on {host}:{real_port}", flush=True)
    await stop.wait()
    server.close()
    print(f"captured {len(handler.messages)} messages {handler.bytes} bytes", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=parse_listen, default=("127.0.0.1", 0))
    args = parser.parse_args()
    asyncio.run(serve(*args.listen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
