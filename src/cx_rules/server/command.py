"""The ``cx-rules serve`` sub-command: its options, and running it."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve`` to the CLI's sub-commands."""
    serve = commands.add_parser(
        "serve",
        help="run the engine as an HTTP service and webhook receiver",
        description=(
            "Serve the versioned JSON API (/v1/...), the Greenhouse and Lever webhooks, "
            "health, readiness and Prometheus metrics. Needs pip install 'cx-rules[server]'. "
            "Webhook secrets come from CX_RULES_GREENHOUSE_SECRET and "
            "CX_RULES_LEVER_SIGNATURE_TOKEN; every option also has a CX_RULES_ variable."
        ),
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on (8080)")
    serve.add_argument(
        "--store",
        metavar="URL",
        help="sqlite:///path.db (or a path; default cx-rules.db) or postgresql://...",
    )
    serve.add_argument("--policy", metavar="FILE", help="a policy TOML file")
    serve.add_argument(
        "--tokens", metavar="FILE", help="the tokens file ([[token]] name, sha256, scopes)"
    )
    serve.add_argument("--rate", type=float, help="requests per second per caller (200; 0 off)")
    serve.add_argument("--burst", type=float, help="requests at once per caller (400)")
    serve.add_argument("--max-body", type=int, metavar="BYTES", help="largest body (1 MiB)")
    serve.add_argument(
        "--cors-origin", action="append", metavar="ORIGIN", help="allow a browser origin"
    )
    serve.add_argument(
        "--hash-token",
        action="store_true",
        help="read a token on standard input and print the sha256 a tokens file stores",
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``cx-rules serve`` (or ``--hash-token``); the exit status."""
    from .security import hash_token

    if args.hash_token:
        token = sys.stdin.readline().strip()
        if len(token) < 16:
            print("cx-rules: error: a token needs at least 16 characters", file=sys.stderr)
            return 2
        print(hash_token(token), file=out)
        return 0
    try:
        from . import ServerConfig, serve
        from .app import Service  # noqa: F401  (the extra is installed)
    except ImportError as exc:
        print(f"cx-rules: error: {exc}", file=sys.stderr)
        return 2
    try:
        config = ServerConfig.from_env(
            store=args.store,
            policy=args.policy,
            tokens=args.tokens,
            rate=args.rate,
            burst=args.burst,
            max_body=args.max_body,
            cors_origins=tuple(args.cors_origin) if args.cors_origin else None,
        )
    except ValueError as exc:
        print(f"cx-rules: error: {exc}", file=sys.stderr)
        return 2
    serve(config, host=args.host, port=args.port)
    return 0
