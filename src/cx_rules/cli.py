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
#: Stopped by Ctrl-C, as shells report a SIGINT.
EXIT_INTERRUPTED: Final = 130

_FORMATS: Final = ("text", "json", "csv", "html")
_GROUP_BY: Final = ("job_id", "actor", "month")
_SEVERITIES: Final = ("error", "warning", "info")
_SALT_ENV: Final = "CX_RULES_SALT"
#: Seconds a rule may take on one event before the audit warns about it.
_RULE_BUDGET: Final = 1.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cx-rules",
        description="Check recruitment processes against candidate-experience rules.",
    )
    parser.add_argument("--version", action="version", version=f"cx-rules {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an unexpected error"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    rules = commands.add_parser("rules", help="list the rules and whether the policy enables them")
    rules.add_argument("--policy", metavar="FILE", help="a policy TOML file (or pyproject.toml)")

    rule = commands.add_parser("rule", help="explain one rule")
    rule.add_argument("code", help="the rule's code, such as CX401")

    audit = commands.add_parser(
        "audit",
        help="audit an event log and report a score and findings",
        description=(
            "Replay every case of an event log through the rules and report a score and the "
            "findings to act on. Exit status: 0 done, 1 a violation at or above --fail-on, "
            "2 the audit could not complete, 3 an unexpected error (--debug shows it)."
        ),
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
    audit.add_argument("--policy", metavar="FILE", help="a policy TOML file (or pyproject.toml)")
    audit.add_argument("--map", metavar="FILE", help="a mapping TOML file for the log's names")
    audit.add_argument(
        "--as-of",
        metavar="TIMESTAMP",
        help="the cut-off, with a zone (2026-06-01T00:00:00+02:00); default: the latest event",
    )
    audit.add_argument("--group-by", choices=_GROUP_BY, help="also score per job, actor or month")
    audit.add_argument(
        "--fail-on",
        choices=_SEVERITIES,
        help="exit 1 when a violation of this severity or higher is found",
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
    from .server.command import add_parser as _serve_parser

    _serve_parser(commands)
    for command in (rules, rule, audit):
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
    """Run the command line; returns the exit status (0 done, 1 findings, 2 error, 3 an
    unexpected error, 130 interrupted)."""
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
        return _fail(f"no rule {args.code!r}; `cx-rules rules` lists them")
    print(rule_markdown(info), file=out, end="")
    return EXIT_OK


def _audit(args: argparse.Namespace, out: TextIO) -> int:
    from .auditing import audit
    from .engine import Engine
    from .events import parse_timestamp
    from .exceptions import CxRulesError, NaiveTimestamp
    from .findings import Severity
    from .io import FORMATS, LogMapping
    from .policy import Policy
    from .report import redact

    salt = None
    if args.redact:
        salt = args.salt if args.salt is not None else os.environ.get(_SALT_ENV, "")
        if not salt:
            return _fail(f"--redact needs a salt: give --salt or set {_SALT_ENV}")
    as_of = None
    if args.as_of is not None:
        try:
            as_of = parse_timestamp(args.as_of, where="--as-of")
        except NaiveTimestamp:
            return _fail(
                f"--as-of: {args.as_of!r} has no time zone; give an offset, "
                "e.g. 2026-06-01T00:00:00+02:00"
            )
    if args.format_in is not None and args.format_in not in FORMATS:
        return _fail(
            f"--format-in: unknown format {args.format_in!r} (expected one of {', '.join(FORMATS)})"
        )
    policy = Policy.load(args.policy) if args.policy else None
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
        if progress is not None:
            progress.clear()
    for code, calls in sorted(engine.overruns.items()):
        print(
            f"cx-rules: warning: rule {code} ({engine.plugin_of(code)}) took longer than "
            f"{args.rule_budget:g} s on {calls} event{'' if calls == 1 else 's'}; the report "
            "is complete, but the rule may need a look",
            file=sys.stderr,
        )
    if salt is not None:
        report = redact(report, salt)
    with _collector_paused():
        failed = _emit(args, out, report, render_plugin)
    if failed is not None:
        return failed
    if args.fail_on is not None and report.violations(Severity(args.fail_on)):
        return EXIT_FINDINGS
    return EXIT_OK


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
        write = functools.partial(write_report, report, format=args.format, color=color)
    if args.output is not None:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as handle:
                write(handle)
        except OSError as exc:
            return _fail(f"{args.output}: cannot write the report: {exc.strerror}")
    else:
        _write_with(out, write)
    return None


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
