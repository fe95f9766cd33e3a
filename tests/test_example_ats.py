"""examples/ats.py runs as a program and tells the story it promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ats.py"
REMINDER = re.compile(r"^(\w+): (.+) \((CX\d+), (overdue by .+|due in .+)\)$")


def run_example(tmp_path: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"CX_RULES_DISABLE_PLUGIN_AUTOLOAD": "1", "PATH": ""},
    )
    assert (done.returncode, done.stderr) == (0, "")
    return done.stdout.splitlines()


def test_the_example_records_guards_and_reminds(tmp_path):
    lines = run_example(tmp_path)
    split = lines.index("-- needs attention on 2026-03-25 --")
    assert lines[:split] == [
        "recorded  ana application_received -> applied (version 1)",
        "recorded  ana application_acknowledged -> applied (version 2)",
        "recorded  ana interview_scheduled -> interviewing (version 3)",
        "recorded  ana interview_held -> interviewing (version 4)",
        "recorded  ana interview_held -> interviewing (version 5)",
        "recorded  ben application_received -> applied (version 1)",
        "recorded  cleo application_received -> applied (version 1)",
        "recorded  cleo application_acknowledged -> applied (version 2)",
        "recorded  cleo interview_scheduled -> interviewing (version 3)",
        "recorded  cleo interview_held -> interviewing (version 4)",
        "recorded  dan application_received -> applied (version 1)",
        "recorded  dan rejected -> rejected (version 2)",
        "",
        "-- this morning --",
        "duplicate ben application_received: already recorded, nothing saved",
        "warning   ana rejected by email would be refused: CX102",
        "recorded  ana rejected -> rejected (version 6)",
        "recorded  ana talent_pool_offered -> rejected (version 7)",
        "refused   ana talent_pool_joined: CX502 talent-pool-consent",
        "recorded  ana talent_pool_joined -> rejected (version 8)",
        "refused   dan offer_made: CX001 illegal-transition",
        "",
    ]
    # The reminder lines' wording belongs to the rules; the example owns who, what and when.
    reminders = [REMINDER.match(line) for line in lines[split + 1 :]]
    assert all(reminders), lines[split + 1 :]
    assert [(m[1], m[3], m[4]) for m in reminders if m] == [
        ("ben", "CX401", "overdue by 9d 3h"),
        ("cleo", "CX104", "overdue by 3h"),
        ("cleo", "CX404", "overdue by 3h"),
        ("ben", "CX104", "due in 21h"),
        ("ben", "CX405", "due in 21h"),
    ]
