"""A short run of every fuzz target of ``fuzz/targets.py``, in every test run.

Each target gets random bytes and mutations of its seed files (a few hundred inputs in all);
``python fuzz/run.py --minutes 30`` runs the same targets for longer, coverage-guided when
atheris is installed.  The ``@example`` inputs are what fuzzing found: each once made a
target fail, and stays here so it never comes back.
"""

from __future__ import annotations

import gzip
import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cx_rules.testing.strategies import mutated

FUZZ = Path(__file__).resolve().parent.parent / "fuzz"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"cx_rules_fuzz_{name}", FUZZ / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


targets = _load("targets")
# A lone surrogate as a JSON escape: reports holding one could not be written (UnicodeEncodeError).
SURROGATE = (
    b'{"case_id": "c\\ud800", "activity": "rejected", "timestamp": "2026-03-02T09:00:00Z"}\n'
)
SHORT = settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))


def _inputs(name: str) -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=512), mutated(targets.seeds_for(name)))


def _run(name: str) -> Callable[[bytes], None]:
    target: Callable[[bytes], None] = targets.TARGETS[name]
    return target


@SHORT
@given(_inputs("jsonl"))
@example(b'{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T09:00:00"}\n')
def test_fuzz_jsonl(data: bytes) -> None:
    _run("jsonl")(data)


@SHORT
@given(_inputs("csv"))
@example(b'case_id,activity,timestamp\nc1,rejected,"2026\n')
def test_fuzz_csv(data: bytes) -> None:
    _run("csv")(data)


def test_fuzz_csv_date_with_a_zone_but_no_time() -> None:
    # Found by atheris: with a default zone, a date with a 'Z' but no time ('2026-03-02Z') made
    # kinds.parse_moment raise ValueError (Python 3.11 reads the date as zone-less); see
    # jsonl/date-only-offset.jsonl in the corpus.  Read with a zone here, as the bug needed.
    data = b"case_id,activity,timestamp\nc1,rejected,2026-03-02Z\n"
    targets._check_records(targets._file(".csv", data), default_tz=True)


@SHORT
@given(_inputs("xes"))
# Found by fuzzing: an XML declaration naming an unknown codec raised LookupError, and
# others (utf-7, idna) ValueError or UnicodeError, from inside expat.
@example(b'<?xml version="1.0" encoding="ATF-8"?>\n<log/>')
@example(b'<?xml version="1.0" encoding="utf-7"?>\n<log/>')
@example(b'<?xml version="1.0" encoding="idna"?>\n<log/>')
def test_fuzz_xes(data: bytes) -> None:
    _run("xes")(data)


@SHORT
@given(_inputs("ocel"))
@example(b'{"objects": [], "events": ' + b"[" * 50_000 + b"]" * 50_000 + b"}")
def test_fuzz_ocel(data: bytes) -> None:
    _run("ocel")(data)


@SHORT
@given(st.one_of(_inputs("gzip"), _inputs("jsonl").map(gzip.compress)))
@example(b"\x1f\x8b\x08\x00garbage")
@example(gzip.compress(b'{"case_id": "c1"}\n' * 40)[:-9])
def test_fuzz_gzip(data: bytes) -> None:
    _run("gzip")(data)


@SHORT
@given(_inputs("audit"))
@example(SURROGATE)
def test_fuzz_audit(data: bytes) -> None:
    _run("audit")(data)


@SHORT
@given(_inputs("policy"))
@example(b'timezone = "../../etc/passwd"\n')
@example(b'select = ["CX401"]\n# \xff\n')  # not UTF-8: tomllib's UnicodeDecodeError escaped
@example(b'plugins = ""\n')
def test_fuzz_policy(data: bytes) -> None:
    _run("policy")(data)


def test_fuzz_policy_that_is_not_utf8() -> None:
    # Policy.load let tomllib's UnicodeDecodeError out for a file that is not UTF-8.
    _run("policy")(b"\x80")


@SHORT
@given(_inputs("mapping"))
@example(b"\x80")  # found by fuzzing: tomllib's UnicodeDecodeError escaped
def test_fuzz_mapping(data: bytes) -> None:
    _run("mapping")(data)


@SHORT
@given(_inputs("case"))
# Found by fuzzing and review: deep nesting raised RecursionError, an integer of 5000 digits
# ValueError.
@example(b"[" * 100_000 + b"]" * 100_000)
@example(b'{"format": "cx-rules.case", "version": 1, "case_id": 1' + b"0" * 5000 + b"}")
def test_fuzz_stored_case(data: bytes) -> None:
    _run("case")(data)


def test_every_target_runs_here() -> None:
    here = {
        name.removeprefix("test_fuzz_").replace("stored_case", "case")
        for name in globals()
        if name.startswith("test_fuzz_")
        and name
        not in ("test_fuzz_policy_that_is_not_utf8", "test_fuzz_csv_date_with_a_zone_but_no_time")
    }

    assert sorted(targets.TARGETS) == sorted(here)


def test_every_target_has_seeds() -> None:
    assert [name for name in targets.TARGETS if len(targets.seeds_for(name)) < 2] == []
