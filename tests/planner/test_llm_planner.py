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


def test_routing_calls_the_llm_when_the_embedded_planner_is_unsure(tmp_path, registry, home, monkeypatch):
    import llmos.planner as planner
    from llmos.planner import models

    path = random_checkpoint(tmp_path / "llm", chat_template=TEMPLATE, seed=4)
    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    calls = []
    real = models.LLMPlanner.draft
    monkeypatch.setattr(models.LLMPlanner, "draft", lambda self, *a, **k: calls.append(a) or real(self, *a, **k))
    monkeypatch.setattr(planner, "CONFIDENT", 2.0)   # nothing is confident enough: the LLM is asked
    outcome = plan_request("find the pdfs in ~/Documents", registry, ctx, model=str(path))
    assert calls, "the configured LLM was not consulted"
    assert outcome.planner in ("embedded", "llm")    # the LLM's plan if valid, else the embedded one
    assert all(step.intent in registry for step in outcome.plan.steps)

    calls.clear()
    monkeypatch.setattr(planner, "CONFIDENT", 0.0)
    again = plan_request("find the pdfs in ~/Documents", registry, ctx, model=str(path))
    if again.planner == "embedded" and again.plan.steps:
        assert not calls   # a confident embedded plan with steps needs no LLM


def test_the_model_comes_from_the_config_file(home):
    assert configured_model() is None
    (home / ".config" / "llmos").mkdir(parents=True)
    (home / ".config" / "llmos" / "config.yaml").write_text("model: ~/models/qwen\n")
    assert configured_model() == str(home / "models" / "qwen")
    assert configured_model("/explicit") == "/explicit"


def test_the_system_prompt_teaches_the_language_with_manifest_examples(registry):
    text = system_prompt(list(registry))
    assert "files.find" in text and "none" in text


def test_a_plan_the_model_nearly_declined_is_declined_without_an_llm(registry, home, monkeypatch):
    import llmos.planner as planner

    ctx = Context(cwd=str(home), home=str(home), dry_run=True)
    request = "find the pdfs in ~/Documents"
    monkeypatch.setattr(planner, "DOUBTS_NONE", 1.01)   # no first choice doubts that much: planned
    planned = plan_request(request, registry, ctx, use_config=False)
    assert [s.intent for s in planned.plan.steps] == ["files.find"]
    monkeypatch.setattr(planner, "DOUBTS_NONE", 0.0)    # every first choice doubts: declined, no steps
    declined = plan_request(request, registry, ctx, use_config=False)
    assert declined.plan.steps == [] and "not sure" in declined.plan.reply
    assert declined.text == planned.text                 # what the model wrote is still reported
