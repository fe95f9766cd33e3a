"""Readers stream: the first record arrives before the rest of the source is read."""

import io

from cx_rules.io import read_csv, read_jsonl, read_xes

LINE = '{"case_id": "c1", "activity": "rejected", "timestamp": "2026-03-02T09:30:00Z"}\n'


class _Lines(io.StringIO):
    """A text stream that counts the lines taken from it (iteration goes through readline)."""

    taken = 0

    def readline(self, size=-1):
        self.taken += 1
        return super().readline(size)


class _Chunks(io.BytesIO):
    """A byte stream that counts the reads made on it."""

    reads = 0

    def read(self, size=-1):
        self.reads += 1
        return super().read(size)


def test_jsonl_reads_one_line_per_record():
    source = _Lines(LINE * 1000)
    stream = read_jsonl(source)
    next(stream)
    assert source.taken == 1
    next(stream)
    assert source.taken == 2


def test_csv_reads_the_header_and_one_row_per_record():
    source = _Lines("case_id,activity,timestamp\n" + "c1,rejected,2026-03-02T09:30:00Z\n" * 1000)
    stream = read_csv(source)
    next(stream)
    assert source.taken == 2


def test_xes_yields_events_after_the_first_chunk():
    event = (
        '<event><string key="concept:name" value="rejected"/>'
        '<date key="time:timestamp" value="2026-03-02T09:30:00Z"/></event>\n'
    )
    text = '<log><trace><string key="concept:name" value="c1"/>' + event * 5000 + "</trace></log>"
    source = _Chunks(text.encode("utf-8"))
    assert len(text) > 4 * 65536
    stream = read_xes(source)
    next(stream)
    assert source.reads == 1
    assert sum(1 for _ in stream) == 4999
    assert source.reads == len(text) // 65536 + 2
