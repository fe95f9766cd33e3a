"""Run the fuzz targets of ``fuzz/targets.py`` for as long as you like.

    python fuzz/run.py                       # every target, 1 minute each
    python fuzz/run.py xes ocel --minutes 30
    python fuzz/run.py --engine hypothesis --seconds 60

With atheris installed (``pip install atheris``) each target runs coverage-guided under
libFuzzer, in a process of its own, starting from the seeds (``targets.SEEDS``) and keeping
the inputs that reach new code in ``--work``; an input that makes a target fail is saved
there as ``crash-*`` and the run of that target stops.  Without atheris (or with
``--engine hypothesis``) Hypothesis draws random and mutated inputs for the same time.  The
exit status is 1 when any target failed.  See ``fuzz/README.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
# The names of targets.TARGETS, known without importing cx_rules (see _atheris_child).
_NAMES = ("jsonl", "csv", "xes", "ocel", "gzip", "audit", "policy", "mapping", "case")


def _targets() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cx_rules_fuzz_targets", HERE / "targets.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parser(names: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fuzz/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=f"of {', '.join(names)}")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, help="per target")
    length.add_argument("--seconds", type=float, help="per target (default 60)")
    parser.add_argument(
        "--engine", choices=("auto", "atheris", "hypothesis"), default="auto", help="the fuzzer"
    )
    parser.add_argument("--work", type=Path, help="where corpora and crashes are kept")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the chosen targets; 0 when none failed, 1 when one did."""
    args = _parser(_NAMES).parse_args(argv)
    seconds = args.minutes * 60 if args.minutes is not None else args.seconds or 60.0
    work = args.work or Path(tempfile.mkdtemp(prefix="cx-rules-fuzz-work-"))
    if args.child:
        # Before anything imports cx_rules: atheris must instrument it as it is imported.
        return _atheris_child(args.child, seconds, work)
    names = list(_targets().TARGETS)
    assert names == list(_NAMES), "fuzz/run.py lists the targets of fuzz/targets.py"
    chosen = args.targets or names
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        print(f"fuzz: unknown target(s) {', '.join(unknown)}; known: {', '.join(names)}")
        return 2
    engine = args.engine
    if engine == "auto":
        engine = "atheris" if importlib.util.find_spec("atheris") is not None else "hypothesis"
    print(f"fuzz: {engine}, {seconds:.0f} s per target, work in {work}")
    failed = []
    for name in chosen:
        ok = (
            _atheris(name, seconds, work)
            if engine == "atheris"
            else _hypothesis(name, seconds, work)
        )
        print(f"fuzz: {name}: {'ok' if ok else 'FAILED'}", flush=True)
        if not ok:
            failed.append(name)
    if failed:
        print(f"fuzz: failed: {', '.join(failed)} (inputs saved under {work})")
        return 1
    return 0


# -- atheris (coverage-guided) ---------------------------------------------------------------


def _atheris(name: str, seconds: float, work: Path) -> bool:
    # libFuzzer ends the process when it stops, so each target runs in a child.
    command = [sys.executable, str(Path(__file__).resolve()), "--child", name]
    command += ["--seconds", str(seconds), "--work", str(work)]
    return subprocess.run(command, check=False).returncode == 0


def _atheris_child(name: str, seconds: float, work: Path) -> int:
    import atheris

    # Coverage is measured in the code being fuzzed: instrument cx_rules as it is imported.
    with atheris.instrument_imports(include=["cx_rules"]):
        targets = _targets()
    corpus = work / name
    corpus.mkdir(parents=True, exist_ok=True)
    for number, seed in enumerate(targets.seeds_for(name)):
        (corpus / f"seed-{number}").write_bytes(seed)
    argv = [
        sys.argv[0],
        str(corpus),
        f"-max_total_time={max(1, int(seconds))}",
        f"-artifact_prefix={work}/{name}-",
        "-rss_limit_mb=3072",
        "-timeout=60",
        "-print_final_stats=1",
    ]
    atheris.Setup(argv, targets.TARGETS[name])
    atheris.Fuzz()
    return 0  # pragma: no cover - Fuzz() exits the process


# -- Hypothesis (random and mutated inputs) --------------------------------------------------


def _hypothesis(name: str, seconds: float, work: Path) -> bool:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from hypothesis.database import DirectoryBasedExampleDatabase

    from cx_rules.testing.strategies import mutated

    targets = _targets()
    target = targets.TARGETS[name]
    seeds = targets.seeds_for(name)
    database = DirectoryBasedExampleDatabase(str(work / "hypothesis"))
    ran = 0

    @settings(
        max_examples=500,
        deadline=None,
        database=database,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.one_of(st.binary(max_size=4096), mutated(seeds)))
    def batch(data: bytes) -> None:
        nonlocal ran
        ran += 1
        try:
            target(data)
        except Exception:
            (work / f"{name}-failing-input").write_bytes(data)
            raise

    work.mkdir(parents=True, exist_ok=True)
    # Hypothesis has no time limit of its own: batches run until the time is up.
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            batch()
        except Exception as exc:
            print(f"fuzz: {name}: {type(exc).__name__}: {exc}")
            return False
    print(f"fuzz: {name}: {ran} inputs")
    return True


if __name__ == "__main__":
    sys.exit(main())
