"""Train the embedded planner: data from the live registry → tokenizer → small MoE → HF layout.

    python -m llmos.planner.train                      # the shipped model (≈ 50 min on 2 cores)
    python -m llmos.planner.train --steps 3 --size tiny --out /tmp/p   # prove the pipeline

Development tooling: it imports transformers (never imported by llmos at run
time) and writes config.json + model.safetensors + tokenizer.model, which
``llmos.engine.load`` runs.  Fixed seed, CPU only, 2 threads by default.
See docs/planner.md for retraining after adding intents.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import logging
import math
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

log = logging.getLogger("llmos.planner.train")

SIZES = {
    # hidden 256, 4 layers, 8 experts top-2: ≈ 8M parameters, ≈ 16 MB in bf16
    "full": dict(hidden_size=256, num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=2,
                 head_dim=64, moe_intermediate_size=256, intermediate_size=512, num_experts=8,
                 num_experts_per_tok=2, vocab=4096),
    "tiny": dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=1,
                 head_dim=16, moe_intermediate_size=32, intermediate_size=64, num_experts=4,
                 num_experts_per_tok=2, vocab=600),
}
MAX_LEN = 160


def registry_digest(intents: dict) -> str:
    """What the model was trained for: names and argument names of every intent."""
    sig = sorted((n, sorted(i.properties)) for n, i in intents.items())
    return hashlib.sha256(json.dumps(sig).encode()).hexdigest()[:16]


def build_tokenizer(texts: list[str], intents: dict, vocab_size: int, out_prefix: str, seed: int) -> None:
    import sentencepiece as spm
    from llmos.planner.tokenizer import SEPARATOR, user_symbols

    # sentencepiece needs room for every character it keeps, plus bytes and our symbols
    floor = len(set("".join(texts))) + 256 + len(user_symbols(intents.values())) + 8
    vocab_size = max(vocab_size, floor)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(t.replace("\n", " ") for t in texts))
        corpus = f.name
    try:
        spm.SentencePieceTrainer.train(
            input=corpus, model_prefix=out_prefix, vocab_size=vocab_size, model_type="unigram",
            byte_fallback=True, split_digits=True, character_coverage=0.9995,
            normalization_rule_name="identity", remove_extra_whitespaces=False,
            user_defined_symbols=user_symbols(intents.values()), control_symbols=[SEPARATOR],
            # every character of the plan language on its own, so no prefix of a symbol is a dead end
            required_chars="".join(sorted(set("=;.:/~-_\\0123456789abcdefghijklmnopqrstuvwxyz")
                                          - set(user_symbols(intents.values())))),
            hard_vocab_limit=False, num_threads=2, seed_sentencepiece_size=200000,
            shuffle_input_sentence=False, minloglevel=2)
    finally:
        os.unlink(corpus)


def encode_samples(samples, tok, intents) -> list[tuple[list[int], int]]:
    """(ids, prompt length) per sample; loss is on what follows the prompt."""
    from llmos.planner.language import render_plan

    out = []
    for s in samples:
        prompt = tok.prompt(s.request)
        plan = tok.encode_plan(render_plan(list(s.steps), intents)) + [tok.vocab.eos]
        if len(prompt) + len(plan) <= MAX_LEN:
            out.append((prompt + plan, len(prompt)))
    return out


class BatchStream:
    """Shuffled batches of similar lengths (little padding), forever, from a fixed seed."""

    def __init__(self, data: list[tuple[list[int], int]], batch: int, rng: random.Random) -> None:
        self.data, self.batch, self.rng = data, batch, rng
        self.queue: list[list[int]] = []

    def _refill(self) -> None:
        order = self.rng.sample(range(len(self.data)), len(self.data))
        chunk = self.batch * 32
        batches = []
        for k in range(0, len(order) - self.batch + 1, chunk):
            part = sorted(order[k:k + chunk], key=lambda i: len(self.data[i][0]))
            batches += [part[j:j + self.batch] for j in range(0, len(part) - self.batch + 1, self.batch)]
        self.rng.shuffle(batches)
        self.queue = batches

    def next(self):
        import torch

        if not self.queue:
            self._refill()
        batch = [self.data[i] for i in self.queue.pop()]
        T = max(len(seq) for seq, _ in batch)
        ids = torch.zeros(len(batch), T, dtype=torch.long)
        labels = torch.full((len(batch), T), -100, dtype=torch.long)
        mask = torch.zeros(len(batch), T, dtype=torch.long)
        for b, (seq, plen) in enumerate(batch):
            ids[b, :len(seq)] = torch.tensor(seq)
            labels[b, plen:len(seq)] = torch.tensor(seq[plen:])
            mask[b, :len(seq)] = 1
        return ids, labels, mask


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=str(Path(__file__).with_name("model")), help="model directory to write")
    p.add_argument("--size", choices=sorted(SIZES), default="full")
    p.add_argument("--steps", type=int, default=5000, help="optimizer steps")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--per-template", type=int, default=100, help="samples drawn from each phrasing template")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--minutes", type=float, default=50,
                   help="stop after this long, the learning rate decayed to fit (0: no limit)")
    p.add_argument("--log", help="also append the log to this file")
    p.add_argument("--save-every", type=int, default=0, help="also save the model every N steps (to evaluate a run early)")
    p.add_argument("--init", metavar="DIR",
                   help="go on training a model this script wrote (its tokenizer and weights) instead of "
                        "starting afresh: to teach a trained model new phrasings or intents in less time")
    p.add_argument("--compile", action="store_true",
                   help="torch.compile the model (needs a C compiler; ≈ 20%% more steps an hour after ≈ 1 min)")
    ns = p.parse_args(argv)

    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if ns.log:
        handlers.append(logging.FileHandler(ns.log))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", handlers=handlers)

    # On a shared 2-core machine spinning OpenMP workers burn the CPU they wait for:
    # measured 3.3 s/step spinning vs 0.57 s/step passive under the same load.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch
    from transformers import Qwen3MoeConfig, Qwen3MoeForCausalLM

    from llmos.intents import Registry
    from llmos.planner.average import history
    from llmos.planner.data import Generator
    from llmos.planner.language import render_plan
    from llmos.planner.spelling import WORDS_FILE, vocabulary, write_vocabulary
    from llmos.planner.tokenizer import PlannerTokenizer

    torch.manual_seed(ns.seed)
    random.seed(ns.seed)
    torch.set_num_threads(ns.threads)
    started = time.monotonic()
    size = SIZES[ns.size]

    intents = {i.name: i for i in Registry()}
    gen = Generator(intents, seed=ns.seed)
    samples = gen.generate("train", ns.per_template)
    log.info("data: %d training samples from %d intents", len(samples), len(intents))

    out = Path(ns.out)
    work = Path(tempfile.mkdtemp(prefix="planner-train-"))
    init = Path(ns.init) if ns.init else None
    if init:
        # the pieces the weights were trained on; words new since then are spelled in them
        shutil.copy(init / "tokenizer.model", work / "tokenizer.model")
    else:
        texts = [s.request for s in samples] + [render_plan(list(s.steps), intents) for s in samples]
        build_tokenizer(texts, intents, size["vocab"], str(work / "tokenizer"), ns.seed)
    # the words of its requests, for mending typos before the model reads (llmos.planner.spelling)
    # (most of the samples of one template: a typo the generator made is in a few)
    write_vocabulary(vocabulary((s.request for s in samples if s.lang == "en" and s.category != "typo"),
                                min_count=max(5, round(0.9 * ns.per_template))), work / WORDS_FILE)
    tok = PlannerTokenizer(work / "tokenizer.model")
    data = encode_samples(samples, tok, intents)
    log.info("tokenizer: %d pieces; %d sequences, mean length %.1f", tok.sp.get_piece_size(), len(data),
             sum(len(d) for d, _ in data) / max(1, len(data)))

    if init:
        model = Qwen3MoeForCausalLM.from_pretrained(init, dtype=torch.float32)
        earlier = json.loads((init / "planner.json").read_text())
        # planner.json tells every run that made the weights, the earliest first
        last = history(earlier)
        runs = last.pop("after", []) + [last]
        log.info("going on from %s: %s", init, f"an average of {len(last['averaged'])} models" if "averaged" in last
                 else f"{last.get('steps')} steps on {last.get('samples')} samples")
        size_name = earlier.get("size", ns.size)
    else:
        model = Qwen3MoeForCausalLM(Qwen3MoeConfig(
            vocab_size=tok.sp.get_piece_size(), hidden_size=size["hidden_size"],
            intermediate_size=size["intermediate_size"], moe_intermediate_size=size["moe_intermediate_size"],
            num_hidden_layers=size["num_hidden_layers"], num_attention_heads=size["num_attention_heads"],
            num_key_value_heads=size["num_key_value_heads"], head_dim=size["head_dim"],
            num_experts=size["num_experts"], num_experts_per_tok=size["num_experts_per_tok"],
            norm_topk_prob=True, max_position_embeddings=256, tie_word_embeddings=True,
            rope_theta=10000.0, rms_norm_eps=1e-6, router_aux_loss_coef=0.01, output_router_logits=True,
            bos_token_id=tok.vocab.bos, eos_token_id=tok.vocab.eos, pad_token_id=0))
        runs, size_name = [], ns.size
    config = model.config
    config.output_router_logits = True
    # grouped_mm runs the experts ~10x faster than the eager per-expert loop on CPU;
    # it is an implementation choice of training only (the weights are the same), read
    # from the config on every forward
    config._experts_implementation = "grouped_mm"
    model.train()
    n_params = sum(p.numel() for p in model.parameters())
    log.info("model: qwen3_moe, %.2fM parameters", n_params / 1e6)

    opt = torch.optim.AdamW(model.parameters(), lr=ns.lr, betas=(0.9, 0.98), weight_decay=0.01)
    warmup = max(1, min(200, ns.steps // 10))

    budget = ns.minutes * 60

    def lr_at(step: int, elapsed: float = 0.0) -> float:
        if step < warmup:
            return ns.lr * (step + 1) / warmup
        progress = (step - warmup) / max(1, ns.steps - warmup)
        if budget:  # with a time budget the schedule follows whichever runs out first
            progress = max(progress, elapsed / budget)
        return ns.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))

    from transformers.models.qwen3_moe.modeling_qwen3_moe import load_balancing_loss_func

    # the compiled body shares the model's parameters; only the training loop calls it
    body = torch.compile(model.model, dynamic=True) if ns.compile else model.model
    batches = BatchStream(data, ns.batch, random.Random(ns.seed))
    loss_avg = None
    step = 0
    from tqdm import tqdm

    bar = tqdm(total=ns.steps, desc="training", unit="step", disable=not sys.stderr.isatty())
    for step in range(ns.steps):
        bar.update(1)
        ids, labels, mask = batches.next()
        for g in opt.param_groups:
            g["lr"] = lr_at(step, time.monotonic() - started)
        hidden = body(input_ids=ids, attention_mask=mask, output_router_logits=True)
        # the head only where there is a target: prompt positions need no logits
        targets = labels[:, 1:]
        keep = targets != -100
        logits = model.lm_head(hidden.last_hidden_state[:, :-1][keep])
        loss = torch.nn.functional.cross_entropy(logits.float(), targets[keep])
        aux = load_balancing_loss_func(hidden.router_logits, config.num_experts, config.num_experts_per_tok, mask)
        opt.zero_grad(set_to_none=True)
        (loss + config.router_aux_loss_coef * aux).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        value = loss.item()
        loss_avg = value if loss_avg is None else 0.98 * loss_avg + 0.02 * value
        elapsed = time.monotonic() - started
        if step % 25 == 0 or step == ns.steps - 1:
            eta = elapsed / (step + 1) * (ns.steps - step - 1)
            log.info("step %d/%d loss %.4f (avg %.4f) lr %.2e elapsed %.0fs eta %.0fs",
                     step + 1, ns.steps, value, loss_avg, lr_at(step, elapsed), elapsed, eta)
        if ns.save_every and (step + 1) % ns.save_every == 0:
            snapshot = copy.deepcopy(model)
            save(snapshot, copy.deepcopy(config), tok, work, out, intents, dict(
                seed=ns.seed, steps=step + 1, size=size_name, per_template=ns.per_template, samples=len(samples),
                loss=loss_avg, minutes=round(elapsed / 60, 1), partial=True, **({'after': runs} if runs else {})))
            del snapshot
            log.info("snapshot saved at step %d", step + 1)
        if budget and elapsed > budget:
            log.info("time budget reached after %d steps", step + 1)
            break
    bar.close()

    save(model, config, tok, work, out, intents, dict(
        seed=ns.seed, steps=step + 1, size=size_name, per_template=ns.per_template, samples=len(samples),
        loss=loss_avg, minutes=round((time.monotonic() - started) / 60, 1), **({'after': runs} if runs else {})))
    shutil.rmtree(work, ignore_errors=True)
    log.info("saved to %s", out)
    return 0


def save(model, config, tok, work: Path, out: Path, intents: dict, meta: dict) -> None:
    import torch

    out.mkdir(parents=True, exist_ok=True)
    config.output_router_logits = False  # training-only; the engine never needs it
    model = model.to(torch.bfloat16).eval()
    model.config.output_router_logits = False
    model.save_pretrained(out, safe_serialization=True)
    shutil.copy(work / "tokenizer.model", out / "tokenizer.model")
    shutil.copy(work / "words.txt", out / "words.txt")   # llmos.planner.spelling.WORDS_FILE
    (out / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "LlamaTokenizer", "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
        "add_bos_token": False, "add_eos_token": False, "model_max_length": 256,
        "additional_special_tokens": ["<plan>"]}, indent=2) + "\n")
    for extra in ("generation_config.json",):
        (out / extra).unlink(missing_ok=True)
    (out / "planner.json").write_text(json.dumps({
        "format": 1, "prompt": "<s> REQUEST <plan> PLAN </s>", "registry": registry_digest(intents),
        "intents": sorted(intents), **meta}, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
