"""Lever, Merge and Odoo: an export's files in any order, and one dump split across files,
give the same events and the same report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cx_rules
from cx_rules.importers import ImportResult, get_importer
from cx_rules.io.native import event_to_dict
from cx_rules.report import render

DATA = Path(__file__).parent / "data"
SYSTEMS = {
    "lever": sorted(str(p) for p in (DATA / "lever").iterdir()),
    "merge": sorted(str(p) for p in (DATA / "merge").iterdir()),
    "odoo": sorted(str(p) for p in (DATA / "odoo" / "api").iterdir()),
}


def _events(result: ImportResult) -> list[str]:
    return sorted(json.dumps(event_to_dict(e), sort_keys=True) for e in result.events)


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_the_files_order_changes_nothing(system: str) -> None:
    importer = get_importer(system)
    files = SYSTEMS[system]
    forward = ImportResult.of(importer.read(files))
    backward = ImportResult.of(importer.read(files[::-1]))
    assert _events(forward) == _events(backward)
    assert sorted(map(str, forward.errors)) == sorted(map(str, backward.errors))
    one = json.loads(render(cx_rules.audit(files, importer=importer), "json"))
    two = json.loads(render(cx_rules.audit(files[::-1], importer=importer), "json"))
    assert (one["findings"], one["rules"]) == (two["findings"], two["rules"])


def test_odoo_messages_split_across_files_import_as_one(tmp_path: Path) -> None:
    odoo = get_importer("odoo")
    files = SYSTEMS["odoo"]
    messages = json.loads((DATA / "odoo" / "api" / "mail_message.json").read_text("utf-8"))
    first, second = messages["result"][:5], messages["result"][5:]
    (tmp_path / "mail_message-1.json").write_text(json.dumps(first), encoding="utf-8")
    (tmp_path / "mail_message-2.jsonl").write_text(
        "".join(json.dumps(m) + "\n" for m in second), encoding="utf-8"
    )
    split = [f for f in files if not f.endswith("mail_message.json")] + [
        str(tmp_path / "mail_message-1.json"),
        str(tmp_path / "mail_message-2.jsonl"),
    ]
    whole = ImportResult.of(odoo.read(files))
    parts = ImportResult.of(odoo.read(split))
    assert _events(parts) == _events(whole)
    assert (len(parts.errors), dict(parts.skipped)) == (len(whole.errors), dict(whole.skipped))
