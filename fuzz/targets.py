"""Fuzz targets: one per reader of cx-rules, plus the audit, the policy and stored cases.

Each target takes arbitrary bytes and fails (raises) only when cx-rules misbehaves on them:
an exception that is not one of the documented errors, a record that is neither an event nor
an input error, an error that does not name the file and the place, or a report that is not
valid in its format.  The same functions serve both fuzzers:

- the test suite runs each one on a bounded number of Hypothesis examples
  (``tests/test_reliability_fuzz.py``), so every test run fuzzes a little;
- ``python fuzz/run.py`` runs them for as long as asked, coverage-guided with atheris when it
  is installed, else with Hypothesis (see ``fuzz/README.md``).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import tomllib
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Final

from cx_rules import Engine, Event, PluginError, Policy, PolicyError
from cx_rules.auditing import audit
from cx_rules.exceptions import CaseFormatError
from cx_rules.io import InputError, LogError, LogMapping, read_path
from cx_rules.report import render
from cx_rules.serialize import case_from_json, case_to_json

__all__ = ["SEEDS", "TARGETS", "seeds_for"]

ROOT: Final = Path(__file__).resolve().parent.parent

#: Where each target's seed inputs live: the corpus of hostile files and the readers' test
#: data.  A fuzzer starts from these and mutates them.
SEEDS: Final = (ROOT / "tests" / "corpus", ROOT / "tests" / "io" / "data", ROOT / "examples")

_scratch: Path | None = None


def _check(ok: bool, what: object) -> None:
    """Fail the target (a fuzzer's crash) with ``what`` unless ``ok``; unlike ``assert``, it
    also holds under ``python -O``."""
    if not ok:
        raise AssertionError(what)


def _file(suffix: str, data: bytes) -> Path:
    """A scratch file holding ``data``; one directory per process, files overwritten."""
    global _scratch
    if _scratch is None:
        _scratch = Path(tempfile.mkdtemp(prefix="cx-rules-fuzz-"))
    path = _scratch / f"input{suffix}"
    path.write_bytes(data)
    return path


def _check_records(path: Path, default_tz: bool) -> None:
    """Read ``path`` to the end: only events, input errors and a named LogError may come."""
    name = str(path)
    try:
        stream = read_path(path, default_tz=UTC if default_tz else None)
        records = list(stream)
    except LogError as exc:
        message = str(exc)
        _check(message.startswith(name + ":"), message)
        return
    for record in records:
        if isinstance(record, InputError):
            _check(record.file == name, record)
            _check(record.line is not None or record.element is not None, record)
            _check(bool(record.message), record)
        else:
            _check(isinstance(record, Event), record)
    skipped = stream.skipped
    _check(all(count > 0 for count in skipped.values()), skipped)


def _reader(suffix: str) -> Callable[[bytes], None]:
    def target(data: bytes) -> None:
        # Half the inputs are read with a default zone, so zone-less timestamps go further.
        zone = len(data) % 2 == 1
        _check_records(_file(suffix, data), default_tz=zone)

    target.__name__ = f"read{suffix.replace('.', '_')}"
    return target


def audit_jsonl(data: bytes) -> None:
    """Audit ``data`` as JSONL and render every format: each must be valid and encodable."""
    path = _file(".jsonl", data)
    try:
        report = audit(path)
    except LogError as exc:
        _check(str(exc).startswith(str(path) + ":"), str(exc))
        return
    i = report.input
    _check(i.lines == i.events + i.rejected + i.unmapped + i.after_as_of, i)
    for format in ("text", "json", "csv", "html"):
        out = render(report, format)
        out.encode("utf-8")  # a lone surrogate would make the report unwritable
        if format == "json":
            json.loads(out)
        elif format == "csv":
            rows = list(csv.reader(io.StringIO(out, newline="")))
            found = [r for r in rows[1:] if r[0] == "finding"]
            _check(len(found) == len(report.findings), (len(found), len(report.findings)))


def policy_toml(data: bytes) -> None:
    """Load ``data`` as a policy file and build an engine: only a PolicyError may come."""
    path = _file(".toml", data)
    try:
        Engine(Policy.load(path), guard=True)
    except PolicyError as exc:
        _check(str(exc).startswith(str(path) + ":"), str(exc))
    except PluginError as exc:  # an allow-list naming a plugin that is not installed
        _check("plugin" in str(exc), str(exc))


def mapping_toml(data: bytes) -> None:
    """Load ``data`` as a mapping file: only a PolicyError naming the file may come."""
    path = _file(".toml", data)
    try:
        LogMapping.load(path)
    except PolicyError as exc:
        _check(str(exc).startswith(str(path) + ":"), str(exc))


def stored_case(data: bytes) -> None:
    """Read ``data`` as a stored case: a CaseFormatError or a case that stores unchanged."""
    try:
        case = case_from_json(data)
    except CaseFormatError:
        return
    _check(case_from_json(case_to_json(case)) == case, "the case changed when stored")


#: The targets by name; ``fuzz/run.py`` and the test suite run these.
TARGETS: Final[dict[str, Callable[[bytes], None]]] = {
    "jsonl": _reader(".jsonl"),
    "csv": _reader(".csv"),
    "xes": _reader(".xes"),
    "ocel": _reader(".json"),
    "gzip": _reader(".jsonl.gz"),
    "audit": audit_jsonl,
    "policy": policy_toml,
    "mapping": mapping_toml,
    "case": stored_case,
}

_SEED_SUFFIXES: Final = {
    "jsonl": (".jsonl",),
    "csv": (".csv",),
    "xes": (".xes",),
    "ocel": (".json", ".jsonocel"),
    "gzip": (".gz",),
    "audit": (".jsonl",),
    "policy": (".toml",),
    "mapping": (".toml",),
    "case": (".case.json",),
}


def _known_bugs() -> set[Path]:
    """Corpus files of bugs not fixed yet (``xfail`` in the manifest): as seeds they would
    make a target fail at once, every run, and hide whatever else there is to find."""
    corpus = ROOT / "tests" / "corpus"
    manifest = tomllib.loads((corpus / "manifest.toml").read_text(encoding="utf-8"))
    return {
        corpus / entry["file"]
        for kind in ("log", "policy", "mapping", "case")
        for entry in manifest.get(kind, [])
        if "xfail" in entry
    }


def seeds_for(target: str) -> list[bytes]:
    """The seed inputs of ``target``: files under :data:`SEEDS` with its suffixes, sorted by
    path, but for those of known bugs (at least one, an empty input, when there are none)."""
    suffixes = _SEED_SUFFIXES[target]
    skipped = _known_bugs()
    found: list[bytes] = []
    for folder in SEEDS:
        for path in sorted(folder.rglob("*")):
            name = path.name.lower()
            if not path.is_file() or not name.endswith(suffixes) or path in skipped:
                continue
            if target in ("ocel",) and name.endswith(".case.json"):
                continue
            if path.stat().st_size <= 1 << 20:
                found.append(path.read_bytes())
    return found or [b""]
