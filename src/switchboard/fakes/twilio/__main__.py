"""`python -m switchboard.fakes.twilio --port 9000 --account-sid AC… --auth-token … --number +1…`"""

from __future__ import annotations

import argparse
import sys

from switchboard.fakes.twilio.server import build_server
from switchboard.fakes.twilio.state import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, FakeTwilioState
from switchboard.fakes.twilio.wire import is_e164


def main(argv: list[str] | None = None) -> int:
    """Serve the fake until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m switchboard.fakes.twilio", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--account-sid", default=DEFAULT_ACCOUNT_SID)
    parser.add_argument("--auth-token", default=DEFAULT_AUTH_TOKEN)
    parser.add_argument(
        "--number", action="append", default=[], help="seed an owned number (repeatable)"
    )
    args = parser.parse_args(argv)
    bad = [n for n in args.number if not is_e164(n)]
    if bad:
        parser.error(f"--number must be E.164: {', '.join(bad)}")
    state = FakeTwilioState(account_sid=args.account_sid, auth_token=args.auth_token)
    for number in args.number:
        state.add_number(number)
    sys.stderr.write(
        f"Twilio fake on http://{args.host}:{args.port} (account {args.account_sid}); "
        f"set TWILIO_API_BASE_URL=http://{args.host}:{args.port}\n"
    )
    build_server(state, args.host, args.port).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
