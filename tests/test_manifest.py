import json
import textwrap

import pytest

from llmos.errors import ManifestError
from llmos.intents import parse_manifest
from llmos.intents.registry import package_intents_dir

GOOD = textwrap.dedent("""\
    name: demo.find
    title: Find demo
    description: Finds demo things for the tests.
    parameters:
      type: object
      properties:
        path: {type: string, format: path}
        limit: {type: integer, minimum: 1}
      required: [path]
    effects:
      reads: [path]
    examples:
      - {lang: en, text: find in docs, args: {path: ~/Documents}}
    handler: builtin:tests.handlers:echo
    """)


def test_good_manifest_parses_into_an_intent_and_an_mcp_tool():
    intent = parse_manifest(GOOD, "demo.find.yaml")
    assert intent.name == "demo.find" and intent.required == ["path"]
    tool = intent.to_mcp()
    assert tool["inputSchema"]["properties"]["path"]["format"] == "path"
    assert set(tool) >= {"name", "title", "description", "inputSchema"}


@pytest.mark.parametrize("change, line, field", [
    (("name: demo.find", "name: Demo Find"), 1, "name"),
    (("    limit: {type: integer, minimum: 1}", "    limit: {type: integr}"), 8, "parameters.properties.limit.type"),
    (("  reads: [path]", "  reads: [where]"), 11, "effects.reads[0]"),
    (("  - {lang: en, text: find in docs, args: {path: ~/Documents}}",
      "  - {lang: en, text: find in docs, args: {folder: ~/Documents}}"), 13, "examples[0].args.folder"),
    (("handler: builtin:tests.handlers:echo", "handler: run this please"), 14, "handler"),
    (("  required: [path]", "  required: [paht]"), 9, "parameters.required[0]"),
])
def test_broken_manifest_names_file_line_and_field(change, line, field):
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(ManifestError) as info:
        parse_manifest(text, "demo.find.yaml")
    e = info.value
    assert (e.file, e.line, e.field) == ("demo.find.yaml", line, field), str(e)
    assert str(e).startswith(f"demo.find.yaml:{line}")


def test_yaml_syntax_error_has_a_line():
    with pytest.raises(ManifestError) as info:
        parse_manifest(GOOD.replace("title: Find demo", "title: [unclosed"), "x.yaml")
    assert info.value.line is not None and "YAML" in str(info.value)


def test_missing_required_key_and_unknown_key_are_refused():
    with pytest.raises(ManifestError, match="handler"):
        parse_manifest(GOOD.replace("handler: builtin:tests.handlers:echo\n", ""), "x.yaml")
    with pytest.raises(ManifestError, match="surprise"):
        parse_manifest(GOOD + "surprise: 1\n", "x.yaml")


def test_not_a_mapping():
    with pytest.raises(ManifestError, match="mapping"):
        parse_manifest("- just\n- a list\n", "x.yaml")


def test_shipped_schema_is_itself_valid():
    import jsonschema
    from llmos.intents.manifest import manifest_schema
    jsonschema.Draft202012Validator.check_schema(manifest_schema())


def test_package_intents_dir_is_found():
    assert package_intents_dir() is not None
