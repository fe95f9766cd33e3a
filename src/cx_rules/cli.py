"""The ``cx-rules`` command line.

Modules beyond the standard library are imported inside the commands, so ``--version`` and
``--help`` answer at once.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import operator
import os
import sys
import time

from ._version import __version__

# typing itself takes longer to import than argparse: checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from typing import Any, Final, TextIO

    from .events import Event
    from .importers import Importer
    from .report import Report

__all__ = ["main"]

# Exit statuses, documented in the CLI reference.
EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
EXIT_ERROR: Final = 2
#: An error cx-rules (or a plugin) did not expect: a bug to report.
EXIT_INTERNAL: Final = 3
#: ``audit``: the input held no record at all.
EXIT_EMPTY: Final = 4
#: ``audit``: records were read, but not one became an event of a case.
EXIT_NOTHING_MAPPED: Final = 5
#: ``audit --max-input-errors``: more records were rejected than it allows.
EXIT_INPUT_ERRORS: Final = 6
#: Stopped by Ctrl-C, as shells report a SIGINT.
EXIT_INTERRUPTED: Final = 130

_FORMATS: Final = ("text", "json", "csv", "html", "junit", "sarif")
_SEVERITIES: Final = ("error", "warning", "info")
_SALT_ENV: Final = "CX_RULES_SALT"
#: Seconds a rule may take on one event before the audit warns about it.
_RULE_BUDGET: Final = 1.0


#: The exit statuses, as ``--help`` and the CLI reference list them.
_EXIT_TABLE: Final = """exit status:
  0    the command completed (audit: no gate failed)
  1    a gate failed: a violation at or above --fail-on (with --baseline: a new one), or
       the score below --fail-under; diff --fail-on: a new violation
  2    the command could not complete: bad input, policy, options or baseline
  3    an unexpected error (a bug): one line names it, --debug shows the traceback
  4    audit: the input held no record
  5    audit: records were read but none became an event (all rejected or unmapped)
  6    audit: more records rejected than --max-input-errors allows
  130  interrupted (Ctrl-C)
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cx-rules",
        description="Check recruitment processes against candidate-experience rules.",
        epilog=_EXIT_TABLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cx-rules {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an unexpected error"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    rules = commands.add_parser("rules", help="list the rules and whether the policy enables them")
    _policy_arguments(rules)
    rules.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="a table (text), or every rule with its metadata as JSON",
    )

    rule = commands.add_parser("rule", help="explain one rule")
    rule.add_argument("code", help="the rule's code, such as CX401")

    audit = commands.add_parser(
        "audit",
        help="audit an event log and report a score and findings",
        # Lines of their own: the raw formatter that keeps the exit table does not wrap.
        description=(
            "Replay every case of an event log through the rules and report a score and the\n"
            "findings to act on. The policy is --policy FILE, else the first .cx-rules.toml,\n"
            "cx-rules.toml or pyproject.toml with [tool.cx-rules] found from the working\n"
            "directory upwards (--no-config: the defaults)."
        ),
        epilog=_EXIT_TABLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    audit.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="event log files, read in order; - reads standard input (with --format-in)",
    )
    audit.add_argument(
        "--format-in",
        metavar="FORMAT",
        help=(
            "the logs' format when their extension does not say: jsonl, csv, tsv, xes, ocel, "
            "xlsx or parquet (needed for standard input)"
        ),
    )
    audit.add_argument(
        "--encoding",
        metavar="ENCODING",
        help=(
            "the text encoding of CSV and TSV logs, e.g. cp1252 (default: UTF-8, or UTF-16 "
            "after its byte order mark)"
        ),
    )
    audit.add_argument(
        "--from",
        dest="system",
        metavar="SYSTEM",
        help="read the paths as one export of SYSTEM (see `cx-rules import --list`)",
    )
    audit.add_argument(
        "--source",
        metavar="SYSTEM",
        help=(
            "the logs were imported from SYSTEM (`cx-rules import SYSTEM`): judge them by what "
            "SYSTEM records"
        ),
    )
    audit.add_argument(
        "--format",
        default="text",
        metavar="FORMAT",
        help=f"report format: {', '.join(_FORMATS)}, or one a plugin adds (default: text)",
    )
    audit.add_argument("--output", "-o", metavar="FILE", help="write the report here, not stdout")
    _policy_arguments(audit)
    audit.add_argument("--map", metavar="FILE", help="a mapping TOML file for the log's names")
    audit.add_argument(
        "--as-of",
        metavar="TIMESTAMP",
        help="the cut-off, with a zone (2026-06-01T00:00:00+02:00); default: the latest event",
    )
    audit.add_argument(
        "--group-by",
        action="append",
        metavar="KEY",
        help="also score per KEY: job_id, actor, month or any event attribute (department, "
        "owner, ...); repeat for several",
    )
    audit.add_argument(
        "--fail-on",
        choices=_SEVERITIES,
        help=(
            "exit 1 when a violation of this severity or higher is found (with --baseline: "
            "a new one)"
        ),
    )
    audit.add_argument(
        "--fail-under",
        type=_score,
        metavar="SCORE",
        help="exit 1 when the score is below SCORE (0-100), or when nothing was judged",
    )
    audit.add_argument(
        "--max-input-errors",
        type=_error_limit,
        metavar="N|P%",
        help="exit 6 when more than N records (or P%% of those read) were rejected",
    )
    audit.add_argument(
        "--baseline",
        metavar="REPORT",
        help=(
            "a JSON report of an earlier audit: mark each finding new or persisting, list "
            "the fixed ones, and let --fail-on count only new violations"
        ),
    )
    audit.add_argument(
        "--strict", action="store_true", help="stop at the first record that is not an event"
    )
    audit.add_argument(
        "--redact",
        action="store_true",
        help=f"replace case ids, actors and event ids by salted hashes (salt: --salt or {_SALT_ENV})",
    )
    audit.add_argument("--salt", metavar="SALT", help=f"the salt for --redact (else ${_SALT_ENV})")
    audit.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=1,
        metavar="N",
        help="check the cases in N processes (the report is the same; default: 1)",
    )
    audit.add_argument(
        "--rule-budget",
        type=_seconds,
        default=_RULE_BUDGET,
        metavar="SECONDS",
        help=(
            "warn on stderr about rules that take longer than this on one event; the report "
            f"is not affected (default: {_RULE_BUDGET:g}; 0 turns the check off)"
        ),
    )
    from ._engines import add_arguments as _engine_arguments

    _engine_arguments(audit)
    _import_parser(commands)
    _diff_parser(commands)
    from .server.command import add_parser as _serve_parser

    _serve_parser(commands)
    for command in (rules, rule, audit, *_later_commands(commands)):
        # --debug after the command too; SUPPRESS keeps the main parser's default.
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
    return parser


def _import_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imports = commands.add_parser(
        "import",
        help="turn a system's export into a cx-rules event log",
        description=(
            "Read the export files of an applicant tracking system as one export and write "
            "the canonical event log (JSONL) to keep, look at or audit. Input errors and "
            "warnings go to stderr. Exit status: 0 done, 2 the import could not complete."
        ),
    )
    imports.add_argument("system", nargs="?", metavar="SYSTEM", help="the system, e.g. greenhouse")
    imports.add_argument("inputs", nargs="*", metavar="INPUT", help="its export files")
    imports.add_argument(
        "--list", action="store_true", help="list the systems and what each records"
    )
    imports.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="the event log to write (JSONL; it keeps message texts, so it is never stdout)",
    )


def _policy_arguments(command: argparse.ArgumentParser) -> None:
    choice = command.add_mutually_exclusive_group()
    choice.add_argument(
        "--policy",
        metavar="FILE",
        help="a policy TOML file (or pyproject.toml); default: the one found from here upwards",
    )
    choice.add_argument(
        "--no-config",
        action="store_true",
        help="ignore any configuration file found: run the built-in defaults",
    )


def _diff_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    diff = commands.add_parser(
        "diff",
        help="say what changed between two audits (their JSON reports)",
        description=(
            "Compare two JSON reports of `cx-rules audit --format json`: per rule, the "
            "violations that are new, fixed and persisting, and the change of the score."
        ),
        epilog=(
            "exit status: 0 compared, 1 with --fail-on: a new violation at or above it, "
            "2 a report cannot be read or is not a cx-rules report of this version"
        ),
    )
    diff.add_argument("old", metavar="OLD", help="the earlier report (JSON)")
    diff.add_argument("new", metavar="NEW", help="the later report (JSON)")
    diff.add_argument("--format", choices=("text", "json"), default="text", help="default: text")
    diff.add_argument(
        "--fail-on",
        choices=_SEVERITIES,
        help="exit 1 when NEW has a new violation of this severity or higher",
    )


def _later_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> list[argparse.ArgumentParser]:
    # The commands added after the first three that take --debug after their name too.
    return [
        commands.choices[name] for name in ("import", "diff", "serve") if name in commands.choices
    ]


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"expected a score from 0 to 100, got {text!r}")
    return value


def _error_limit(text: str) -> tuple[float, bool]:
    """``50`` as (50, False), ``2%`` as (2.0, True)."""
    share = text.endswith("%")
    number = text[:-1] if share else text
    try:
        value = float(number) if share else int(number)
    except ValueError:
        value = -1
    if not value >= 0 or (share and value > 100):
        raise argparse.ArgumentTypeError(
            f"expected a count of records (50) or a share of those read (2%), got {text!r}"
        )
    return (float(value), share)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return value


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes >= 1, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (see the table of ``cx-rules --help``:
    0 done, 1 a gate failed, 2 error, 3 an unexpected error, 4 to 6 the audit's input gates,
    130 interrupted)."""
    if stdout is None:
        _encodable(sys.stdout)
        _encodable(sys.stderr)
    out = stdout if stdout is not None else sys.stdout
    parser = _parser()
    args = parser.parse_args(argv)
    from .exceptions import CxRulesError

    try:
        if args.command == "rules":
            return _rules(args, out)
        if args.command == "rule":
            return _rule(args, out)
        if args.command == "audit":
            return _audit(args, out)
        if args.command == "import":
            return _import(args, out)
        if args.command == "diff":
            return _diff(args, out)
        if args.command == "serve":
            from .server.command import run as _serve

            return _serve(args, out)
    except CxRulesError as exc:
        return _fail(str(exc))
    except _WriteFailed as exc:
        _silence(out)
        return _fail(f"cannot write the report to standard output: {exc.reason}")
    except KeyboardInterrupt:
        print("cx-rules: interrupted; no report was made", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SystemExit as exc:
        # Nothing of cx-rules' own exits from inside a command: a plugin (or a library it
        # called) did, and must not end the audit as if it had succeeded.
        # Its code is shown when it is a number; a message may quote anything.
        code = exc.code if exc.code is None or isinstance(exc.code, int) else "..."
        return _unexpected(exc, args.debug, f"sys.exit({code}) was called")
    except Exception as exc:
        return _unexpected(exc, args.debug, type(exc).__name__)
    parser.print_help(out)
    return EXIT_OK


def _encodable(stream: TextIO) -> None:
    """Let ``stream`` write any character: UTF-8 when it is a pipe or a file and nobody chose
    an encoding (``PYTHONIOENCODING``), else its own encoding with what it cannot encode
    written as escapes (``\\u2192``), so a cp1252 console shows a report instead of a
    traceback."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None:
        return
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    if encoding in ("utf-8", "utf8"):
        return
    try:
        if not _isatty(stream) and not os.environ.get("PYTHONIOENCODING"):
            reconfigure(encoding="utf-8", errors="backslashreplace")
        else:
            reconfigure(errors="backslashreplace")
    except (ValueError, OSError, LookupError):  # a stream that was written to already
        pass


def _fail(message: str) -> int:
    from .report.as_text import printable

    # printable: a file name or id may hold control sequences that would drive the terminal.
    print(f"cx-rules: error: {printable(message)}", file=sys.stderr)
    return EXIT_ERROR


def _unexpected(exc: BaseException, debug: bool, what: str) -> int:
    """Report an error nobody expected: one line naming it and where it happened (never its
    text, which may quote the log), or with ``--debug`` the whole traceback."""
    import traceback

    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        module = "/".join(last.filename.replace("\\", "/").split("/")[-2:])
        where = f" in {module}:{last.lineno} ({last.name})"
    print(
        f"cx-rules: internal error: {what}{where}; no report was made. This is a bug in "
        "cx-rules or a plugin: --debug shows the traceback",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


class _WriteFailed(Exception):
    """Standard output refused the report (a full disk, a closed pipe)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _write(out: TextIO, text: str) -> None:
    try:
        out.write(text)
        out.flush()
    except OSError as exc:
        raise _WriteFailed(exc.strerror or type(exc).__name__) from None


def _write_with(out: TextIO, write: Callable[[TextIO], object]) -> None:
    try:
        write(out)
        out.flush()
    except OSError as exc:
        raise _WriteFailed(exc.strerror or type(exc).__name__) from None


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector frozen and off while the report is written: rendering
    makes millions of short-lived acyclic values, and full collections would walk the
    whole report each time.  Restored however the block ends."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _silence(out: TextIO) -> None:
    # What is left in the buffer would fail again when Python flushes it at exit.
    if out is sys.stdout:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass


def _rules(args: argparse.Namespace, out: TextIO) -> int:
    from .config import choose_policy
    from .engine import Engine

    chosen = choose_policy(args.policy, no_config=args.no_config)
    engine = Engine(chosen.policy)
    if args.format == "json":
        _write(out, _rules_json(engine, chosen.path))
        return EXIT_OK
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


def _rules_json(engine: Any, policy: str | None) -> str:
    """Every rule the engine knows, by code, with its metadata and what the policy makes of
    it (``enabled``, ``severity``, the options' values), as JSON text."""
    import json

    from .explain import rule_url

    def plain(value: object) -> object:
        return list(value) if isinstance(value, tuple) else value

    rules = []
    for code, info in engine.available.items():
        rule = info.rule
        enabled = code in engine.rules
        values = engine.rules[code].option_values if enabled else {}
        options = []
        for name, spec in rule.option_specs().items():
            options.append(
                {
                    "name": name,
                    "type": spec.kind,
                    "default": plain(spec.default),
                    "value": plain(values.get(name, spec.default)),
                    "minimum": spec.minimum if spec.range else None,
                    "maximum": spec.maximum if spec.range else None,
                    "choices": None if spec.choices is None else list(spec.choices),
                    "doc": spec.doc,
                }
            )
        rules.append(
            {
                "code": code,
                "name": rule.name,
                "summary": rule.summary,
                "why": rule.why,
                "practice": rule.practice,
                "default_severity": rule.severity.value,
                "severity": (engine.severity(code) if enabled else rule.severity).value,
                "enabled": enabled,
                "plugin": info.plugin,
                "activities": sorted(
                    engine.rules[code].subscriptions() if enabled else rule.activities
                ),
                "evidence": sorted(rule.evidence),
                "options": options,
                "url": rule_url(info),
            }
        )
    document = {"schema": "cx-rules.rules/1", "policy": policy, "rules": rules}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _rule(args: argparse.Namespace, out: TextIO) -> int:
    from .explain import rule_markdown
    from .plugins import collect_rules, plugin_manager

    infos = collect_rules(plugin_manager())
    info = infos.get(args.code.upper())
    if info is None:
        return _fail(f"no rule {args.code!r}; `cx-rules rules` lists them")
    print(rule_markdown(info), file=out, end="")
    return EXIT_OK


def _audit(args: argparse.Namespace, out: TextIO) -> int:
    import attrs

    from .auditing import audit
    from .config import choose_policy
    from .engine import Engine
    from .events import OutOfRange, parse_timestamp
    from .exceptions import CxRulesError, InvalidEvent, NaiveTimestamp
    from .io import FORMATS, LogMapping
    from .report import redact

    salt = None
    if args.redact:
        salt = args.salt if args.salt is not None else os.environ.get(_SALT_ENV, "")
        if not salt:
            return _fail(f"--redact needs a salt: give --salt or set {_SALT_ENV}")
    as_of = None
    if args.as_of is not None:
        # An option's value is quoted back, deliberately: the user typed it (see "No value
        # from the input in any message" in docs/reliability.md); values read never are.
        try:
            as_of = parse_timestamp(args.as_of, where="--as-of")
        except NaiveTimestamp:
            return _fail(
                f"--as-of: {args.as_of!r} has no time zone; give an offset, "
                "e.g. 2026-06-01T00:00:00+02:00"
            )
        except OutOfRange as exc:
            return _fail(str(exc).replace("the time", repr(args.as_of), 1))
        except InvalidEvent:
            return _fail(
                f"--as-of: {args.as_of!r} is not an ISO 8601 time with a zone; expected e.g. "
                "2026-06-01T00:00:00+02:00"
            )
    if args.format_in is not None and args.format_in not in FORMATS:
        return _fail(
            f"--format-in: unknown format {args.format_in!r} (expected one of {', '.join(FORMATS)})"
        )
    chosen = choose_policy(args.policy, no_config=args.no_config)
    policy = chosen.policy
    baseline = None
    if args.baseline is not None:
        from .report.baseline import load_listed

        baseline = load_listed(args.baseline)
    render_plugin = None
    if args.format not in _FORMATS:
        from .plugins import collect_report_formats, plugin_manager

        plugin_formats = collect_report_formats(
            plugin_manager(allow=policy.plugins if policy is not None else None), _FORMATS
        )
        render_plugin = plugin_formats.get(args.format)
        if render_plugin is None:
            known = ", ".join((*_FORMATS, *plugin_formats))
            return _fail(f"--format: unknown format {args.format!r} (expected one of {known})")
    mapping = LogMapping.load(args.map) if args.map else None
    importer = coverage = None
    if args.source is not None:
        from .importers import get_importer
        from .plugins import plugin_manager

        if args.system is not None:
            return _fail("--source names where a log came from; --from reads the export itself")
        coverage = get_importer(
            args.source, plugin_manager(allow=policy.plugins if policy is not None else None)
        ).coverage
    if args.system is not None:
        from .importers import get_importer
        from .plugins import plugin_manager

        if mapping is not None:
            return _fail("--map applies to event logs, not to an export read with --from")
        importer = get_importer(
            args.system, plugin_manager(allow=policy.plugins if policy is not None else None)
        )
    run: Callable[..., Report] = audit
    if args.engine is not None:
        from ._engines import cli_audit

        run = cli_audit(args)  # the same arguments, on Spark or Dask
    progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
    engine = Engine(policy, guard=False, rule_budget=args.rule_budget or None)
    warned = contextlib.ExitStack()
    said = warned.enter_context(_warnings_said())
    try:
        report: Report = run(
            args.paths,
            engine=engine,
            as_of=as_of,
            mapping=mapping,
            strict=args.strict,
            group_by=args.group_by,
            progress=progress,
            jobs=args.jobs,
            importer=importer,
            format=args.format_in,
            encoding=args.encoding,
            coverage=coverage,
        )
    except CxRulesError as exc:
        if salt is None:
            raise
        # --strict stops at a record: its error names ids that --redact promises to hide.
        from .report.redact import redact_text

        return _fail(redact_text(str(exc), salt))
    finally:
        warned.close()
        if progress is not None:
            progress.clear()
    for message in said:
        print(f"cx-rules: warning: {message}", file=sys.stderr)
    for code, calls in sorted(engine.overruns.items()):
        print(
            f"cx-rules: warning: rule {code} ({engine.plugin_of(code)}) took longer than "
            f"{args.rule_budget:g} s on {calls} event{'' if calls == 1 else 's'}; the report "
            "is complete, but the rule may need a look",
            file=sys.stderr,
        )
    if salt is not None:
        report = redact(report, salt)
    report = attrs.evolve(report, policy=chosen.path)
    if baseline is not None:
        from .report.baseline import compare

        report = attrs.evolve(
            report,
            baseline=compare(report, baseline.findings, file=args.baseline, score=baseline.score),
        )
    with _collector_paused():
        failed = _emit(args, out, report, render_plugin)
    if failed is not None:
        return failed
    return _gates(args, report)


@contextlib.contextmanager
def _warnings_said() -> Iterator[list[str]]:
    """The warnings cx-rules itself gives while the block runs (such as ``--jobs`` falling
    back to one process), collected to be said as ``cx-rules: warning:`` lines; other
    libraries' warnings are shown as Python shows them."""
    import warnings

    from .report.as_text import printable

    said: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        yield said
    for w in caught:
        if w.category.__module__.split(".")[0] == "cx_rules":
            said.append(printable(str(w.message)))
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def _gates(args: argparse.Namespace, report: Report) -> int:
    """The exit status of an audit whose report was written: the input gates first (an
    audit of nothing proves nothing), then --max-input-errors, then the findings gates.
    Each gate that fails says so on standard error."""
    from .findings import Severity

    read = report.input
    if read.lines == 0 and read.events == 0:
        return _gate(EXIT_EMPTY, "the input held no record: nothing was audited")
    if read.events == 0:
        return _gate(
            EXIT_NOTHING_MAPPED,
            f"none of the {read.lines} records read became an event ({read.rejected} "
            f"rejected, {read.unmapped} with an activity the process model does not know, "
            f"{read.after_as_of} after --as-of): nothing was audited",
        )
    if args.max_input_errors is not None:
        limit, share = args.max_input_errors
        allowed = read.lines * limit / 100 if share else limit
        if read.rejected > allowed:
            shown = f"{limit:g}% of {read.lines} records read" if share else f"{limit:g}"
            return _gate(
                EXIT_INPUT_ERRORS,
                f"{read.rejected} records were rejected, more than --max-input-errors "
                f"allows ({shown})",
            )
    if report.baseline is not None:
        counts = report.baseline.counts(report)
        print(
            f"cx-rules: against the baseline {args.baseline}: {counts['new']} new, "
            f"{counts['persisting']} persisting and {counts['fixed']} fixed violations",
            file=sys.stderr,
        )
    failed = False
    if args.fail_on is not None:
        at_least = Severity(args.fail_on)
        if report.baseline is not None:
            found = report.baseline.new_violations(report, at_least)
            what = "new violations"
        else:
            found = report.violations(at_least)
            what = "violations"
        if found:
            print(
                f"cx-rules: --fail-on {args.fail_on}: {found} {what} of severity "
                f"{args.fail_on} or higher",
                file=sys.stderr,
            )
            failed = True
    if args.fail_under is not None:
        if report.score is None:
            print(
                f"cx-rules: --fail-under {args.fail_under:g}: no check was judged, so there "
                "is no score",
                file=sys.stderr,
            )
            failed = True
        elif round(report.score, 1) < args.fail_under:
            print(
                f"cx-rules: --fail-under {args.fail_under:g}: the score is {report.score:.1f}",
                file=sys.stderr,
            )
            failed = True
    return EXIT_FINDINGS if failed else EXIT_OK


def _gate(status: int, message: str) -> int:
    print(f"cx-rules: {message} (exit status {status})", file=sys.stderr)
    return status


def _emit(
    args: argparse.Namespace,
    out: TextIO,
    report: Report,
    render_plugin: Callable[[Any], str] | None,
) -> int | None:
    """Render and write the report; returns the exit code of a failure, else ``None``."""
    write: Callable[[TextIO], object]
    if render_plugin is not None:
        from .plugins import run_report_format

        text = run_report_format(args.format, render_plugin, report)
        write = operator.methodcaller("write", text)
    else:
        from .report import write as write_report

        to_terminal = args.output is None and _isatty(out)
        color = args.format == "text" and to_terminal and not os.environ.get("NO_COLOR")
        # Streamed: the report's text is never held whole.
        write = functools.partial(
            write_report, report, format=args.format, color=color, path=args.output
        )
    if args.output is not None:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as handle:
                write(handle)
        except OSError as exc:
            return _fail(f"{args.output}: cannot write the report: {exc.strerror}")
    else:
        _write_with(out, write)
    return None


def _diff(args: argparse.Namespace, out: TextIO) -> int:
    import json

    from .findings import Severity
    from .report.baseline import diff, load_listed

    old = load_listed(args.old, "report")
    new = load_listed(args.new, "report")
    changes = diff(old, new)
    if args.format == "json":
        document = {
            "schema": "cx-rules.diff/1",
            "old": {"file": args.old, "score": changes["old_score"]},
            "new": {"file": args.new, "score": changes["new_score"]},
            "score_change": changes["score_change"],
            "violations": changes["violations"],
            "rules": changes["rules"],
        }
        _write(out, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        _write(out, _diff_text(args.old, args.new, changes))
    if args.fail_on is not None:
        at_least = Severity(args.fail_on)
        if any(
            Severity(row["severity"]).rank >= at_least.rank and row["new"]
            for row in changes["rules"]
        ):
            return EXIT_FINDINGS
    return EXIT_OK


def _diff_text(old: str, new: str, changes: Mapping[str, Any]) -> str:
    from .report.as_text import printable

    def score(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1f}"

    change = changes["score_change"]
    lines = [
        f"cx-rules diff {printable(old)} -> {printable(new)}",
        f"Score: {score(changes['old_score'])} -> {score(changes['new_score'])}"
        + ("" if change is None else f" ({change:+.1f})"),
        f"Violations: {changes['violations']['new']} new, "
        f"{changes['violations']['fixed']} fixed, "
        f"{changes['violations']['persisting']} persisting",
    ]
    rows = [r for r in changes["rules"] if r["new"] or r["fixed"] or r["persisting"]]
    if rows:
        lines.append("")
        header = ("rule", "severity", "new", "fixed", "persisting")
        table = [header] + [
            (
                f"{r['code']} {r['name']}".strip(),
                r["severity"],
                str(r["new"]),
                str(r["fixed"]),
                str(r["persisting"]),
            )
            for r in rows
        ]
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        for row in table:
            cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
            cells += [cell.rjust(w) for cell, w in zip(row[2:], widths[2:], strict=True)]
            lines.append(printable("  ".join(cells).rstrip()))
    return "\n".join(lines) + "\n"


def _same_file(one: str, other: str) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:  # either is missing: they cannot be the same file
        return False


def _import(args: argparse.Namespace, out: TextIO) -> int:
    from .importers import get_importer, importers

    if args.list:
        if args.system is not None or args.inputs:
            return _fail("import --list takes no SYSTEM or INPUT")
        _list_importers(importers(), out)
        return EXIT_OK
    if args.system is None or not args.inputs:
        return _fail("import needs a SYSTEM and its INPUT files (or --list)")
    if args.output is None:
        return _fail("import needs --output FILE: the log keeps message texts")
    from .importers import ImportStream
    from .io import write_jsonl
    from .io.records import InputError

    if any(_same_file(args.output, path) for path in args.inputs):
        return _fail(f"{args.output}: is one of the inputs; name another --output FILE")
    importer = get_importer(args.system)
    stream: ImportStream = importer.read(args.inputs)
    errors: list[InputError] = []

    def events() -> Iterator[Event]:
        for record in stream:
            if isinstance(record, InputError):
                errors.append(record)
            else:
                yield record

    from .exceptions import CxRulesError

    try:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            written = write_jsonl(events(), handle)
    except OSError as exc:
        return _fail(f"{args.output}: cannot write the log: {exc.strerror}")
    except CxRulesError:
        # A file of the export cannot be read: no half-written log is left behind.
        os.unlink(args.output)
        raise
    finally:
        stream.close()
    from .report.as_text import printable

    for error in errors:
        print(f"cx-rules: input error: {printable(str(error))}", file=sys.stderr)
    for warning in stream.warnings:
        print(f"cx-rules: warning: {printable(str(warning))}", file=sys.stderr)
    skipped = sum(stream.skipped.values())
    partial = len(stream.partial)
    print(
        f"cx-rules: imported {written} events from {len(args.inputs)} file"
        f"{'' if len(args.inputs) == 1 else 's'} of {importer.name} to {args.output}; "
        f"{len(errors)} input errors, {len(stream.warnings)} warnings, {skipped} records "
        f"skipped, {partial} partial cases",
        file=sys.stderr,
    )
    return EXIT_OK


def _list_importers(found: Mapping[str, Importer], out: TextIO) -> None:
    for name, importer in found.items():
        coverage = importer.coverage
        print(f"{name}: {importer.title}", file=out)
        if importer.summary:
            print(f"  reads: {importer.summary}", file=out)
        print(f"  activities: {', '.join(sorted(coverage.activities))}", file=out)
        for activity, attributes in coverage.attributes.items():
            print(f"    {activity}: {', '.join(sorted(attributes))}", file=out)
        if coverage.never:
            print("  never recorded:", file=out)
            for key, why in coverage.never.items():
                print(f"    {key}: {why}", file=out)


def _isatty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty()) if isatty is not None else False


class _Progress:
    """A one-line progress report on a terminal, rewritten in place at most every 0.2 s.

    It measures elapsed time with a monotonic clock for the rate it shows; nothing it reads
    reaches the report.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._start = time.monotonic()
        self._shown = 0.0
        self._phase = ""

    def __call__(self, phase: str, records: int, cases: int) -> None:
        now = time.monotonic()
        if phase != self._phase:
            self._phase, self._start = phase, now
        elif now - self._shown < 0.2:
            return
        self._shown = now
        elapsed = now - self._start
        rate = f", {records / elapsed:,.0f} records/s" if elapsed > 0 and records else ""
        done = f", {cases:,} cases done" if phase == "checking" else ""
        self._stream.write(f"\r\033[Kcx-rules: {phase} {records:,} records{done}{rate}")
        self._stream.flush()

    def clear(self) -> None:
        self._stream.write("\r\033[K")
        self._stream.flush()
