"""``llmosctl model info|run|bench PATH``; ``register(subparsers)`` wires it into llmosctl."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import torch


def _load(args: argparse.Namespace):
    from . import load
    from tqdm import tqdm

    bar = tqdm(total=0, desc="loading", unit="file", disable=not sys.stderr.isatty() or args.quiet, leave=False)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
    try:
        return load(args.path, dtype=args.dtype, quant=args.quant, progress=progress)
    finally:
        bar.close()


def cmd_info(args: argparse.Namespace) -> int:
    from . import kernels
    model = _load(args)
    a = model.args
    total = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())
    experts = [m for m in model.modules() if hasattr(m, "num_experts") and hasattr(m, "intermediate")]
    info = {
        "path": str(args.path),
        "architecture": model.config.get("model_type"),
        "layers": a.num_hidden_layers, "hidden": a.hidden_size, "vocab": a.vocab_size,
        "parameters": total,
        "experts": experts[0].num_experts if experts else 0,
        "experts_per_token": getattr(a, "num_experts_per_tok", 0) if experts else 0,
        "dtype": str(model.dtype).replace("torch.", ""),
        "quant": model.quant or "none",
        "tokenizer": getattr(model.tokenizer, "kind", None),
        "kernel_backend": kernels.backend(),
    }
    if args.json:
        print(json.dumps(info))
    else:
        for key, value in info.items():
            print(f"{key:18s} {value}")
    return 0


def _prompt_ids(model: Any, text: str) -> list[int]:
    tok = model.tokenizer
    if tok is None:
        raise SystemExit("this model has no tokenizer; cannot encode a text prompt")
    if tok.chat_template:
        return tok.apply_chat_template([{"role": "user", "content": text}], tokenize=True)
    return tok.encode(text)


def cmd_run(args: argparse.Namespace) -> int:
    model = _load(args)
    ids = _prompt_ids(model, args.prompt)
    generated: list[int] = []
    printed = ""
    for token in model.generate(ids, max_new_tokens=args.max_new_tokens, temperature=args.temperature,
                                top_k=args.top_k, top_p=args.top_p, seed=args.seed):
        generated.append(token)
        text = model.tokenizer.decode(generated)
        # print only what became stable (a multi-byte character may span tokens)
        if not text.endswith("\ufffd"):
            sys.stdout.write(text[len(printed):])
            sys.stdout.flush()
            printed = text
    sys.stdout.write("\n")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from . import kernels
    if not args.no_build:
        kernels.build()
    model = _load(args)
    vocab = model.args.vocab_size
    ids = torch.randint(0, vocab, (1, args.prompt_tokens), generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        model(ids[:, :8], model.make_cache(1, 16))            # warm-up
        t = time.perf_counter()
        model(ids, model.make_cache(1, args.prompt_tokens + 1), last_only=True)
        prefill = time.perf_counter() - t
    start = None
    n = 0
    t0 = time.perf_counter()
    for n, _ in enumerate(model.generate(ids, max_new_tokens=args.new_tokens + 1, ignore_eos=True)):
        if n == 0:
            start = time.perf_counter()
    ttft = start - t0
    decode = time.perf_counter() - start
    result = {"prefill_tok_s": args.prompt_tokens / prefill, "decode_tok_s": n / decode, "ttft_s": ttft,
              "prompt_tokens": args.prompt_tokens, "new_tokens": n, "dtype": str(model.dtype).replace("torch.", ""),
              "quant": model.quant or "none", "backend": kernels.backend(), "threads": torch.get_num_threads()}
    print(f"prefill {result['prefill_tok_s']:.1f} tok/s   decode {result['decode_tok_s']:.1f} tok/s   "
          f"TTFT {ttft * 1000:.0f} ms   [{result['dtype']}, quant {result['quant']}, {result['backend']}]")
    print(json.dumps(result))
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="model directory (config.json + safetensors) or .gguf file")
    p.add_argument("--dtype", choices=["fp32", "bf16"], default=None)
    p.add_argument("--quant", choices=["int8", "int4"], default=None)
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``model info|run|bench`` to an argparse subparsers object."""
    model = subparsers.add_parser("model", help="inspect, run or benchmark a local model")
    sub = model.add_subparsers(dest="model_command", required=True)
    info = sub.add_parser("info", help="architecture, parameters, dtype/quant, kernel backend")
    _common(info)
    info.add_argument("--json", action="store_true")
    info.set_defaults(func=cmd_info)
    run = sub.add_parser("run", help="generate from a prompt")
    _common(run)
    run.add_argument("prompt")
    run.add_argument("--max-new-tokens", type=int, default=128)
    run.add_argument("--temperature", type=float, default=0.0)
    run.add_argument("--top-k", type=int, default=None)
    run.add_argument("--top-p", type=float, default=None)
    run.add_argument("--seed", type=int, default=None)
    run.set_defaults(func=cmd_run)
    bench = sub.add_parser("bench", help="prefill and decode speed")
    _common(bench)
    bench.add_argument("--prompt-tokens", type=int, default=128)
    bench.add_argument("--new-tokens", type=int, default=64)
    bench.add_argument("--no-build", action="store_true", help="do not compile the C++ kernel first")
    bench.set_defaults(func=cmd_bench)
    return model


def main(argv: list[str] | None = None) -> int:
    from .errors import ModelError
    parser = argparse.ArgumentParser(prog="llmos-model")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ModelError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
