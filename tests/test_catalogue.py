"""The shipped catalogue: every intent of the public API, with examples that really validate."""

import pytest

from llmos.intents import Registry
from llmos.intents.registry import package_intents_dir
from llmos.plan import Step
from llmos.plan.executor import handler_of, prepare_step
from tests.test_cli import CATALOGUE

REGISTRY = Registry([package_intents_dir()])


def test_catalogue_is_complete_and_clean():
    assert REGISTRY.errors == []
    assert set(REGISTRY.names()) == CATALOGUE


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_intent_has_examples_in_both_languages(name):
    intent = REGISTRY.get(name)
    langs = [e.lang for e in intent.examples]
    assert langs.count("en") >= 8 and langs.count("zh") >= 4
    assert len({e.text for e in intent.examples}) == len(intent.examples), "duplicate example texts"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_example_normalises_and_validates(name, ctx):
    intent = REGISTRY.get(name)
    for example in intent.examples:
        prepare_step(REGISTRY, Step(name, example.args), 0, ctx)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_handler_exists_and_annotations_are_honest(name):
    intent = REGISTRY.get(name)
    assert callable(handler_of(intent))
    hints = intent.annotations
    if hints.get("readOnlyHint"):
        assert not set(intent.effects) & {"writes", "deletes", "exec", "signals"}
    if set(intent.effects) & {"deletes"} and name != "files.move":
        assert hints.get("destructiveHint") is True
