"""The ``cx-rules`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from ._version import __version__

__all__ = ["main"]

# Exit statuses, documented in the CLI reference.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cx-rules",
        description="Check recruitment processes against candidate-experience rules.",
    )
    parser.add_argument("--version", action="version", version=f"cx-rules {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    rules = commands.add_parser("rules", help="list the rules and whether the policy enables them")
    rules.add_argument("--policy", metavar="FILE", help="a policy TOML file (or pyproject.toml)")

    rule = commands.add_parser("rule", help="explain one rule")
    rule.add_argument("code", help="the rule's code, such as CX401")
    return parser


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (0 done, 1 findings, 2 error)."""
    out = stdout if stdout is not None else sys.stdout
    parser = _parser()
    args = parser.parse_args(argv)
    from .exceptions import CxRulesError

    try:
        if args.command == "rules":
            return _rules(args, out)
        if args.command == "rule":
            return _rule(args, out)
    except CxRulesError as exc:
        print(f"cx-rules: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    parser.print_help(out)
    return EXIT_OK


def _rules(args: argparse.Namespace, out: TextIO) -> int:
    from .engine import Engine
    from .policy import Policy

    policy = Policy.load(args.policy) if args.policy else Policy()
    engine = Engine(policy)
    rows = [("code", "name", "practice", "severity", "enabled", "plugin")]
    for code, info in engine.available.items():
        enabled = code in engine.rules
        severity = engine.severity(code) if enabled else info.rule.severity
        rows.append(
            (
                code,
                info.rule.name,
                info.rule.practice,
                severity.value,
                "yes" if enabled else "no",
                info.plugin,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip(), file=out
        )
    return EXIT_OK


def _rule(args: argparse.Namespace, out: TextIO) -> int:
    from .explain import rule_markdown
    from .plugins import collect_rules, plugin_manager

    infos = collect_rules(plugin_manager())
    info = infos.get(args.code.upper())
    if info is None:
        print(
            f"cx-rules: error: no rule {args.code!r}; `cx-rules rules` lists them",
            file=sys.stderr,
        )
        return EXIT_ERROR
    print(rule_markdown(info), file=out, end="")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
