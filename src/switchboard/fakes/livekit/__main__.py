"""`python -m switchboard.fakes.livekit --port 7880 --api-key K --api-secret S [--mode cloud|oss]
[--server-version released|head]`."""

from __future__ import annotations

import argparse
import socket

from switchboard.fakes.livekit.server import build_server
from switchboard.fakes.livekit.state import SERVER_VERSIONS, FakeState


def main(argv: list[str] | None = None) -> None:
    """Serve the fake until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m switchboard.fakes.livekit", description=__doc__
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7880)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--api-secret", required=True)
    parser.add_argument("--mode", choices=("cloud", "oss"), default="cloud")
    parser.add_argument(
        "--server-version",
        choices=SERVER_VERSIONS,
        default="released",
        help="released: livekit v1.13.5 + sip v1.11.0; head: livekit HEAD (TransferSIPParticipant "
        "answers a TransferSIPParticipantResponse)",
    )
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="multiply every ringing delay by this"
    )
    args = parser.parse_args(argv)
    state = FakeState(
        mode=args.mode, server_version=args.server_version, time_scale=args.time_scale
    )
    server = build_server(state, args.api_key, args.api_secret)
    sock = socket.create_server((args.host, args.port))
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
