"""Reading hostile input: compressed files, what XML may make the reader fetch or decode,
and errors that stay useful (and private) after redaction.  The corpus
(``test_hostile_corpus.py``) has the files; these are the cases that need a live server, a
mapping or a comparison.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from cx_rules import Event
from cx_rules.auditing import audit
from cx_rules.io import InputError, LogError, LogMapping, format_for, read_path, write_jsonl
from cx_rules.report import pseudonym, redact, render

CORPUS = Path(__file__).resolve().parent / "corpus"
ACK = (
    '{"case_id": "c1", "activity": "application_acknowledged", '
    '"timestamp": "2026-03-02T10:00:00+01:00"}\n'
)
RECEIVED = (
    '{"case_id": "c1", "activity": "application_received", '
    '"timestamp": "2026-03-02T09:00:00+01:00"}\n'
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("log.jsonl.gz", "jsonl"),
        ("log.ndjson.GZ", "jsonl"),
        ("export.csv.gz", "csv"),
        ("bpi.xes.gz", "xes"),
        ("ocel.jsonocel.gz", "ocel"),
        ("ocel2.json.gz", "ocel"),
        ("2026.03.export.csv.gz", "csv"),
    ],
)
def test_a_gz_suffix_is_read_as_the_format_before_it(name: str, expected: str) -> None:
    assert expected == format_for(name)


def test_gz_alone_names_no_format() -> None:
    with pytest.raises(LogError) as info:
        format_for("export.gz")

    assert str(info.value) == (
        "export.gz: unknown log extension '.gz' (expected one of .csv, .json, .jsonl, "
        ".jsonocel, .ndjson, .parquet, .pq, .tab, .tsv, .xes, .xlsm, .xlsx, each also as .gz); "
        "name the format with --format-in (jsonl, csv, tsv, xes, ocel, xlsx, parquet), or "
        "format= in Python"
    )


def test_a_compressed_log_gives_the_same_records_as_the_plain_one(tmp_path: Path) -> None:
    plain = tmp_path / "log.jsonl"
    plain.write_text(RECEIVED + "not json\n" + ACK, encoding="utf-8")
    packed = tmp_path / "log.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))

    records = list(read_path(packed))

    assert [str(r) if isinstance(r, InputError) else r for r in records] == [
        str(r).replace(str(plain), str(packed)) if isinstance(r, InputError) else r
        for r in read_path(plain)
    ]
    assert len(records) == 3


def test_a_log_written_in_several_gzip_members_is_read_whole(tmp_path: Path) -> None:
    # gzip -c a >> log.gz; gzip -c b >> log.gz: appending exports is common.
    path = tmp_path / "log.jsonl.gz"
    path.write_bytes(gzip.compress(RECEIVED.encode()) + gzip.compress(ACK.encode()))

    assert [e.activity for e in read_path(path) if isinstance(e, Event)] == [
        "application_received",
        "application_acknowledged",
    ]


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("log.jsonl", "log.jsonl.gz"),
        ("log.csv", "log.csv.gz"),
        ("log.xes", "log.xes.gz"),
        ("log.json", "log.json.gz"),
    ],
)
def test_every_format_is_read_compressed_by_its_name_and_refused_without_it(
    tmp_path: Path, name: str, kept: str
) -> None:
    packed = (CORPUS / "gz" / kept).read_bytes()
    (tmp_path / kept.upper()).write_bytes(packed)
    (tmp_path / name).write_bytes(packed)

    assert [e.activity for e in read_path(tmp_path / kept.upper()) if isinstance(e, Event)] == [
        "application_received",
        "application_acknowledged",
    ]
    with pytest.raises(LogError) as info:
        list(read_path(tmp_path / name))
    assert str(info.value).startswith(f"{tmp_path / name}:1: ")
    assert str(info.value).endswith("(the file looks gzip-compressed: name it .gz)")


# -- XML fetches nothing ---------------------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        body = b'<!ENTITY leak "fetched">'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    """A real web server on localhost that records every request made to it."""
    _Recorder.requests = []
    httpd = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE log SYSTEM "{url}/log.dtd">',
        '<!DOCTYPE log [<!ENTITY xxe SYSTEM "{url}/secret">]>',
        '<!DOCTYPE log [<!ENTITY % remote SYSTEM "{url}/remote.dtd"> %remote;]>',
    ],
)
def test_xml_that_asks_for_a_url_fetches_nothing(doctype: str, server: str, tmp_path: Path) -> None:
    path = tmp_path / "log.xes"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + doctype.format(url=server)
        + '\n<log><trace><string key="concept:name" value="&xxe;"/></trace></log>\n',
        encoding="utf-8",
    )

    with pytest.raises(LogError) as info:
        audit(path)

    assert str(info.value).startswith(f"{path}:2: DOCTYPE declaration refused")
    assert _Recorder.requests == []


def _xes(encoding: str, case: bytes) -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'.encode()
        + b'<log><trace><string key="concept:name" value="'
        + case
        + b'"/><event><string key="concept:name" value="rejected"/>'
        + b'<date key="time:timestamp" value="2026-03-02T09:00:00Z"/></event></trace></log>'
    )


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "latin1", "windows-1252", "ISO-8859-15"])
def test_the_single_byte_encodings_of_older_exporters_are_read(
    encoding: str, tmp_path: Path
) -> None:
    path = tmp_path / "log.xes"
    path.write_bytes(_xes(encoding, b"Ren\xe9"))

    assert [e.case_id for e in read_path(path) if isinstance(e, Event)] == ["Ren\u00e9"]


def test_a_byte_the_declared_encoding_does_not_have_is_named(tmp_path: Path) -> None:
    path = tmp_path / "log.xes"
    path.write_bytes(_xes("US-ASCII", b"Ren\xe9"))

    with pytest.raises(LogError) as info:
        list(read_path(path))

    assert str(info.value) == (
        f"{path}:2: not well-formed XML (invalid token); expected an XES log"
    )


def test_utf16_with_its_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "log.xes"
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<log><trace>'
        '<string key="concept:name" value="c1"/><event>'
        '<string key="concept:name" value="rejected"/>'
        '<date key="time:timestamp" value="2026-03-02T09:00:00Z"/></event></trace></log>'
    )
    path.write_bytes(text.encode("utf-16"))

    assert [e.case_id for e in read_path(path) if isinstance(e, Event)] == ["c1"]


# -- OCEL object types of the wrong kind -----------------------------------------------------


def test_an_ocel_object_type_that_is_not_a_string_is_no_type(tmp_path: Path) -> None:
    path = tmp_path / "log.json"
    path.write_text(
        json.dumps(
            {
                "objects": [
                    {"id": "a1", "type": "application"},
                    {"id": "v1", "type": ["vacancy"]},
                ],
                "events": [
                    {
                        "id": "e1",
                        "type": "application_received",
                        "time": "2026-03-02T09:00:00Z",
                        "relationships": [{"objectId": "a1"}, {"objectId": "v1"}],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    # A mapping that carries vacancies as a column makes the reader compare object types.
    mapping = LogMapping(columns={"vacancy": "job_id"})

    events = [e for e in read_path(path, mapping=mapping) if isinstance(e, Event)]

    assert [(e.case_id, e.get("job_id")) for e in events] == [("a1", None)]


# -- redaction reaches the errors ------------------------------------------------------------


def test_redaction_rewrites_the_case_an_xes_error_names(tmp_path: Path) -> None:
    path = tmp_path / "log.xes"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<log><trace>'
        '<string key="concept:name" value="ingeborg (1987)"/><event>'
        '<string key="concept:name" value="rejected"/>'
        '<date key="time:timestamp" value="yesterday"/></event></trace></log>\n',
        encoding="utf-8",
    )
    report = audit(path)

    redacted = redact(report, "pepper")

    assert [e.element for e in report.errors] == ["trace 1 (case ingeborg (1987)), event 1"]
    assert [e.element for e in redacted.errors] == [
        f"trace 1 (case {pseudonym('case', 'ingeborg (1987)', 'pepper')}), event 1"
    ]
    assert all("ingeborg" not in render(redacted, f) for f in ("text", "json", "csv", "html"))


def test_redaction_rewrites_ocel_event_ids_and_quoted_objects() -> None:
    report = audit(CORPUS / "ocel" / "dangling-refs.json")

    redacted = redact(report, "pepper")

    event = pseudonym("event", "e2", "pepper")
    ghost = pseudonym("object", "ghost", "pepper")
    assert [(e.element, e.message) for e in redacted.errors] == [
        (
            f'events["{event}"]',
            f"refers to object '{ghost}', which is not among the log's objects "
            "(2 unknown reference(s))",
        )
    ]


def test_redaction_rewrites_a_case_id_holding_a_quote(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    events = [
        Event("o'brien", "application_received", "2026-03-02T09:00:00+01:00", event_id="e1"),
        Event("o'brien", "rejected", "2026-03-03T09:00:00+01:00", event_id="e1"),
    ]
    write_jsonl(events, path)
    report = audit(path)

    redacted = redact(report, "pepper")

    assert [e.message.split(":")[0] for e in report.errors] == ['case "o\'brien"']
    hidden = pseudonym("case", "o'brien", "pepper")
    assert [e.message.split(":")[0] for e in redacted.errors] == [f"case {hidden!r}"]
