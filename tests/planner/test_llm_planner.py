"""The LLM path: a checkpoint with a chat template plans under the same grammar (random weights: nonsense, but valid)."""

from __future__ import annotations

from llmos.planner import plan_request
from llmos.planner.grammar import Grammar, accepts
from llmos.planner.models import LLMPlanner, configured_model, system_prompt
from llmos.tools import Context

from .conftest import random_checkpoint

TEMPLATE = ("{% for m in messages %}<|{{ m.role }}|>{{ m.content }}\n{% endfor %}"
            "{% if tools %}<|tools|>{{ tools | length }}\n{% endif %}"
            "{% if add_generation_prompt %}<|assistant|>{% endif %}")


def test_llm_planner_writes_a_valid_plan(tmp_path, registry, intents):
    path = random_checkpoint(tmp_path / "llm", chat_template=TEMPLATE, seed=3)
    planner = LLMPlanner(path, list(registry))
    grammar = Grammar.for_registry(registry)
    for request in ("kill firefox", "show the biggest files in ~/Downloads"):
        draft = planner.draft(request, grammar, max_new_tokens=64)
        assert draft.decoded.finished
        assert accepts(grammar, request, draft.text), draft.text


def test_routing_calls_the_llm_when_the_embedded_planner_is_unsure(tmp_path, registry, home):
    path = random_checkpoint(tmp_path / "llm", chat_template=TEMPLATE, seed=4)
    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    # a request the embedded planner cannot be sure of; whichever planner wins, the plan is valid
    outcome = plan_request("qwxz zzkq", registry, ctx, model=str(path))
    assert outcome.planner in ("embedded", "llm", "none")
    if outcome.planner == "llm":
        assert all(step.intent in registry for step in outcome.plan.steps)


def test_the_model_comes_from_the_config_file(home):
    assert configured_model() is None
    (home / ".config" / "llmos").mkdir(parents=True)
    (home / ".config" / "llmos" / "config.yaml").write_text("model: ~/models/qwen\n")
    assert configured_model() == str(home / "models" / "qwen")
    assert configured_model("/explicit") == "/explicit"


def test_the_system_prompt_teaches_the_language_with_manifest_examples(registry):
    text = system_prompt(list(registry))
    assert "files.find" in text and "none" in text
