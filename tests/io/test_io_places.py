"""Where each record is: every reader tells it, under PLACES, as its input errors do."""

from datetime import UTC
from pathlib import Path

import pytest

from cx_rules import Event
from cx_rules.io import InputError, locate, read_path
from cx_rules.io.stream import PLACES, Place

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DATA = Path(__file__).resolve().parent / "data"

FILES = [
    CORPUS / "jsonl" / "wrong-types.jsonl",
    CORPUS / "jsonl" / "bom-crlf.jsonl",
    CORPUS / "csv" / "embedded-newlines.csv",
    CORPUS / "csv" / "missing-and-extra-columns.csv",
    CORPUS / "xes" / "bad-values.xes",
    CORPUS / "ocel" / "wrong-shapes.json",
    CORPUS / "ocel" / "dangling-refs.jsonocel",
    DATA / "small.xes",
    DATA / "small-ocel2.json",
    CORPUS / "gz" / "log.csv.gz",
]


def _placed(path: Path) -> list[tuple[object, Place]]:
    token = PLACES.set(True)
    try:
        stream = read_path(path, default_tz=UTC)
    finally:
        PLACES.reset(token)
    return [(record, stream.place) for record in stream]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_record_is_placed_where_an_input_error_there_says(path: Path) -> None:
    placed = _placed(path)

    assert [record for record, _ in placed] == list(read_path(path, default_tz=UTC))
    errors = [(r, p) for r, p in placed if isinstance(r, InputError)]
    assert [(e.line, e.element) for e, _ in errors] == [tuple(p) for _, p in errors]
    assert all(p != Place(None, None) for _, p in placed)


def test_a_stream_read_without_places_has_none() -> None:
    stream = read_path(CORPUS / "jsonl" / "bom-crlf.jsonl")

    assert len(list(stream)) == 2
    assert stream.place == Place(None, None)


def test_locate_finds_each_event_once_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    line = '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T09:00:00Z"}\n'
    other = line.replace("c1", "c2")
    path.write_text(line + "\n" + other + line, encoding="utf-8")
    event, missing = (
        Event("c1", "rejected", "2026-03-02T09:00:00Z"),
        Event("c3", "x", "2026-03-02T09:00:00Z"),
    )

    places = locate(path, [event, missing, event, event])

    assert places == [Place(1, None), None, Place(4, None), None]
