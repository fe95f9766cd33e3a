import subprocess
import sys

import pytest

import cx_rules


def test_every_public_name_resolves_and_is_listed():
    for name in cx_rules.__all__:
        assert getattr(cx_rules, name) is not None
    assert set(cx_rules.__all__) <= set(dir(cx_rules))


def test_audit_is_the_function_even_after_its_module_is_imported():
    import cx_rules.auditing

    assert cx_rules.audit is cx_rules.auditing.audit
    assert callable(cx_rules.audit)


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="module 'cx_rules' has no attribute 'NoSuchThing'"):
        cx_rules.NoSuchThing  # noqa: B018


def test_import_loads_no_engine_until_asked():
    code = "import sys, cx_rules; print(sorted(m for m in sys.modules if m.startswith('cx_rules')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['cx_rules', 'cx_rules._version']"


def test_py_typed_ships():
    from importlib.resources import files

    assert files("cx_rules").joinpath("py.typed").is_file()
