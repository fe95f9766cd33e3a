import pytest

from cx_rules import InvalidEvent, Policy, PolicyError
from cx_rules.io import LogMapping


def test_from_dict_reads_every_table():
    mapping = LogMapping.from_dict(
        {
            "object_type": "applications",
            "columns": {"Candidate": "case_id"},
            "activities": {"send rejection": "rejected"},
            "values": {"channel": {"E-mail": "email"}},
            "attributes": {"send rejection": {"channel": "email", "template": True}},
        },
        source="m.toml",
    )
    expected = LogMapping(
        columns={"Candidate": "case_id"},
        activities={"send rejection": "rejected"},
        values={"channel": {"E-mail": "email"}},
        attributes={"send rejection": {"channel": "email", "template": True}},
        object_type="applications",
    )
    assert expected == mapping
    assert mapping.source == "m.toml"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"colums": {}},
            "m.toml: mapping: unknown key 'colums' (expected one of object_type, columns, "
            "activities, values, attributes, timestamp_format, assume_timezone, sheet, wide)",
        ),
        ({"object_type": 3}, "m.toml: mapping.object_type: expected a non-empty string, got 3"),
        ({"columns": ["a"]}, "m.toml: mapping.columns: expected a table of names, got list"),
        (
            {"activities": {"x": 1}},
            "m.toml: mapping.activities.x: expected a non-empty string, got 1",
        ),
        (
            {"values": {"channel": "email"}},
            "m.toml: mapping.values.channel: expected a table, got str",
        ),
        ({"attributes": []}, "m.toml: mapping.attributes: expected a table of tables, got list"),
    ],
)
def test_from_dict_names_the_bad_key(table, message):
    with pytest.raises(PolicyError) as info:
        LogMapping.from_dict(table, source="m.toml")
    assert message == str(info.value)


def test_load_reads_the_mapping_table_or_the_top_level(tmp_path):
    nested = tmp_path / "policy.toml"
    nested.write_text('[mapping]\nobject_type = "x"\n[mapping.activities]\n"a" = "b"\n', "utf-8")
    flat = tmp_path / "flat.toml"
    flat.write_text('object_type = "x"\n[activities]\n"a" = "b"\n', "utf-8")
    expected = LogMapping(activities={"a": "b"}, object_type="x")
    assert expected == LogMapping.load(nested)
    assert expected == LogMapping.load(flat)
    assert str(flat) == LogMapping.load(flat).source


def test_load_errors_name_the_file(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[mapping\n", "utf-8")
    with pytest.raises(PolicyError) as info:
        LogMapping.load(broken)
    assert str(info.value).startswith(f"{broken}: not valid TOML: ")
    with pytest.raises(PolicyError) as info:
        LogMapping.load(tmp_path / "missing.toml")
    assert (
        f"{tmp_path / 'missing.toml'}: cannot read the mapping: No such file or directory"
        == str(info.value)
    )


def test_a_policy_mapping_table_is_a_mapping():
    policy = Policy.from_mapping(
        {"mapping": {"activities": {"send rejection": "rejected"}}}, source="cx.toml"
    )
    assert LogMapping(activities={"send rejection": "rejected"}) == LogMapping.from_policy(policy)
    bad = Policy.from_mapping({"mapping": {"typo": 1}}, source="cx.toml")
    with pytest.raises(PolicyError) as info:
        LogMapping.from_policy(bad)
    assert str(info.value).startswith("cx.toml: mapping: unknown key 'typo'")


def test_apply_renames_maps_and_adds_constants():
    mapping = LogMapping(
        columns={"Kandidat": "case_id", "medium": "channel"},
        activities={"send rejection": "rejected"},
        values={"channel": {"E-mail": "email"}, "thanked": {"ja": True}},
        attributes={"send rejection": {"template": True, "channel": "letter"}},
    )
    record = {
        "Kandidat": "c1",
        "concept:name": "send rejection",
        "medium": "E-mail",
        "thanked": "ja",
        "job": "j1",
    }
    expected = {
        "case_id": "c1",
        "activity": "rejected",
        "channel": "email",
        "thanked": True,
        "job": "j1",
        "template": True,
    }
    assert expected == mapping.apply(record)


def test_unmapped_activities_pass_through():
    assert LogMapping().apply({"activity": "assign recruiter"}) == {"activity": "assign recruiter"}


def test_two_keys_landing_on_one_name_is_an_error_unless_one_is_blank():
    mapping = LogMapping(columns={"Kandidat": "case_id"})
    assert mapping.apply({"Kandidat": "c1", "case:concept:name": ""}) == {"case_id": "c1"}
    with pytest.raises(InvalidEvent) as info:
        mapping.apply({"Kandidat": "c1", "case:concept:name": "c2"})
    assert str(info.value) == "keys 'Kandidat' and 'case:concept:name' both give 'case_id'"
