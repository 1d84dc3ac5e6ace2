"""Benchmark the MoE engine against transformers on the same random weights (not a test).

    python bench/engine.py --small          # quick: a small granitemoe-shaped model
    python bench/engine.py                  # granite-3.1-1b-a400m shape (2.7 GB bf16 checkpoint)
    python bench/engine.py --ops            # per-op speed and quantisation error

Every engine runs in a fresh subprocess (peak RSS is that process's VmHWM) on the same
checkpoint with the same thread count: prefill of --prompt tokens (TTFT, prefill tok/s),
then greedy decode of --decode tokens (decode tok/s). Decode is also reported as a share
of the roofline BW / bytes-per-token, with BW measured by summing 1 GiB. Prints a table
with ratios against transformers bf16 (grouped_mm, its default and faster path) and one
JSON line. A llama.cpp column is added when ``llama_cpp`` imports (never required).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import torch

# granite-3.1-1b-a400m (config.json on the Hub), and a small model of the same family
GRANITE = dict(vocab_size=49155, hidden_size=1024, intermediate_size=512, num_hidden_layers=24,
               num_attention_heads=16, num_key_value_heads=8, num_local_experts=32, num_experts_per_tok=8,
               max_position_embeddings=4096, rms_norm_eps=1e-6, tie_word_embeddings=True,
               embedding_multiplier=12.0, attention_multiplier=0.015625, residual_multiplier=0.22,
               logits_scaling=6.0, bos_token_id=0, eos_token_id=0, pad_token_id=0)
SMALL = dict(GRANITE, vocab_size=8192, hidden_size=512, intermediate_size=256, num_hidden_layers=6,
             num_attention_heads=8, num_key_value_heads=4, num_local_experts=16, num_experts_per_tok=4)

ENGINES = ["hf-bf16-grouped_mm", "hf-bf16-eager", "ours-fp32", "ours-bf16", "ours-int8", "ours-int4"]
BASELINE = "hf-bf16-grouped_mm"
# bytes per weight read at decode (int8: per-row bf16 scales; int4: bf16 scale+zero per 128)
WEIGHT_BYTES = {"fp32": 4.0, "bf16": 2.0, "int8": 1.0, "int4": 0.5 + 4 / 128, "Q8_0": 34 / 32}


# ---------------------------------------------------------------- the model

def build_checkpoint(directory: Path, shape: dict[str, Any], seed: int = 0) -> None:
    """Random granitemoe checkpoint in bf16, routers widened so routing really varies."""
    from transformers import AutoConfig, AutoModelForCausalLM
    config = AutoConfig.for_model("granitemoe", **shape)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("router.layer.weight"):
                p.normal_(0, 0.4)
    model.save_pretrained(directory)


def bytes_per_token(shape: dict[str, Any], precision: str, ctx: float) -> float:
    """Weights and KV one decode step reads: attention, k routed experts, router, lm_head."""
    H, I, L = shape["hidden_size"], shape["intermediate_size"], shape["num_hidden_layers"]
    h, kv = shape["num_attention_heads"], shape["num_key_value_heads"]
    d = H // h
    attn = H * (h + 2 * kv) * d + h * d * H
    experts = shape["num_experts_per_tok"] * 3 * H * I
    weights = L * (attn + experts) + shape["vocab_size"] * H
    router = L * shape["num_local_experts"] * H * (4 if precision.startswith("ours") else 2)
    kv_bytes = 4 if precision.endswith("fp32") else 2
    kv_reads = 2 * L * kv * d * ctx * kv_bytes
    return weights * WEIGHT_BYTES[precision.rsplit("-", 1)[-1]] + router + kv_reads


def bandwidth(threads: int) -> float:
    """GiB/s of a 1 GiB torch.sum, best of 5."""
    torch.set_num_threads(threads)
    x = torch.ones(256 * 1024 * 1024)
    x.sum()
    best = min(_timed(lambda: x.sum()) for _ in range(5))
    return 1 / best


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


# ---------------------------------------------------------------- workers (one per subprocess)

def worker(engine: str, model_dir: Path, prompt: int, decode: int, repeat: int, threads: int) -> dict[str, Any]:
    torch.set_num_threads(threads)
    vocab = json.loads((model_dir / "config.json").read_text())["vocab_size"]
    ids = torch.randint(1, vocab, (1, prompt), generator=torch.Generator().manual_seed(0))
    backend = None
    if engine.startswith("ours"):
        from llmos.engine import kernels
        kernels.build()                 # the compiled decode op (cached; about 30 s the first time), not timed
        backend = kernels.backend()
    t = time.perf_counter()
    if engine.startswith("ours"):
        run = _ours(engine, model_dir)
    elif engine.startswith("hf"):
        run = _hf(engine, model_dir)
    else:
        run = _llama_cpp(engine, model_dir, prompt + decode + 8, threads)
    load_s = time.perf_counter() - t
    run(ids[:, :16], 4)                                 # warm-up
    ttft, steps = [], []
    for _ in range(repeat):
        first, step_times = run(ids, decode)
        ttft.append(first)
        steps += step_times
    # The machine is shared and interference only ever slows things down: prefill is the
    # best of the runs, decode the median step time over all runs (robust to bursts).
    return {"engine": engine, "load_s": load_s, "ttft_s": min(ttft), "prefill_tok_s": prompt / min(ttft),
            "decode_tok_s": 1 / statistics.median(steps), "decode_tok_s_mean": len(steps) / sum(steps),
            "peak_rss_gb": _vm_hwm_gb(), **({"backend": backend} if backend else {})}


def _steps(tokens) -> list[float]:
    """Seconds between successive items of an iterator (one per decode step)."""
    times, t = [], time.perf_counter()
    for _ in tokens:
        now = time.perf_counter()
        times.append(now - t)
        t = now
    return times


def _ours(engine: str, model_dir: Path):
    import llmos.engine
    precision = engine.split("-")[1]
    model = (llmos.engine.load(model_dir, quant=precision) if precision in ("int8", "int4")
             else llmos.engine.load(model_dir, dtype=precision))

    def run(ids: torch.Tensor, n: int) -> tuple[float, list[float]]:
        t0 = time.perf_counter()
        it = model.generate(ids, max_new_tokens=n, ignore_eos=True)
        next(it)
        return time.perf_counter() - t0, _steps(it)
    return run


def _hf(engine: str, model_dir: Path):
    from transformers import AutoModelForCausalLM
    impl = engine.split("-", 2)[2]
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.bfloat16, experts_implementation=impl)
    model.eval()

    @torch.inference_mode()
    def run(ids: torch.Tensor, n: int) -> tuple[float, list[float]]:
        t0 = time.perf_counter()
        out = model(ids, use_cache=True)
        state = [out.past_key_values, out.logits[:, -1].argmax(-1, keepdim=True)]
        t1 = time.perf_counter()

        def tokens():
            for _ in range(n - 1):
                o = model(state[1], past_key_values=state[0], use_cache=True)
                state[0], state[1] = o.past_key_values, o.logits[:, -1].argmax(-1, keepdim=True)
                yield
        return t1 - t0, _steps(tokens())
    return run


def _llama_cpp(engine: str, model_dir: Path, n_ctx: int, threads: int):
    import llama_cpp  # optional: built on the machine, never in CI
    qtype = engine.split("-", 1)[1]
    gguf_path = model_dir / f"model-{qtype}.gguf"
    if not gguf_path.exists():
        _write_gguf(model_dir, gguf_path, qtype)
    llm = llama_cpp.Llama(str(gguf_path), n_ctx=n_ctx, n_threads=threads, n_batch=512, verbose=False)

    def run(ids: torch.Tensor, n: int) -> tuple[float, list[float]]:
        llm.reset()
        t0 = time.perf_counter()
        llm.eval(ids[0].tolist())
        t1 = time.perf_counter()

        def tokens():
            for _ in range(n - 1):
                yield llm.eval([int(llm.scores[llm.n_tokens - 1].argmax())])
        return t1 - t0, _steps(tokens())
    return run


def _write_gguf(model_dir: Path, out: Path, qtype: str) -> None:
    from llmos.engine.gguf import write_gguf
    from llmos.engine.loader import load_safetensors_dir
    config = json.loads((model_dir / "config.json").read_text())
    # llama.cpp insists on a vocabulary: byte tokens, one merge (it refuses a BPE vocabulary
    # without merges), then placeholders
    from transformers.convert_slow_tokenizer import bytes_to_unicode
    tokens = list(bytes_to_unicode().values()) + ["ĠĠ"]
    tokens += [f"<t{i}>" for i in range(config["vocab_size"] - len(tokens))]
    spec = {"model": "gpt2", "pre": "default", "tokens": tokens, "token_type": [1] * len(tokens),
            "merges": ["Ġ Ġ"], "bos_token_id": 0, "eos_token_id": 0}
    write_gguf(out, config, load_safetensors_dir(model_dir), qtype, spec)


def _vm_hwm_gb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024 / 1024
    return float("nan")


# ---------------------------------------------------------------- per-op measurements

def ops(threads: int, shape: dict[str, Any]) -> list[dict[str, Any]]:
    """Speed (M=1 and M=128) and relative error of each weight format on the model's matmuls."""
    import torch.nn.functional as F

    from llmos.engine.quant import Int4Linear, Int8Linear

    torch.set_num_threads(threads)
    H, I = shape["hidden_size"], shape["intermediate_size"]
    h, kv = shape["num_attention_heads"], shape["num_key_value_heads"]
    d = H // h
    mats = {"qkv": ((h + 2 * kv) * d, H), "expert gate_up": (2 * I, H), "expert down": (H, I),
            "lm_head": (shape["vocab_size"], H)}
    rows = []
    g = torch.Generator().manual_seed(0)
    for name, (N, K) in mats.items():
        w = torch.randn(N, K, generator=g) * 0.02
        for M in (1, 128):
            x = torch.randn(M, K, generator=g)
            ref = F.linear(x, w)
            fmts = {"fp32": lambda x: F.linear(x, w), "bf16": (lambda wb: lambda x: F.linear(x.bfloat16(), wb))(w.bfloat16()),
                    "int8": Int8Linear(w), "int4-g128": Int4Linear(w, group_size=128),
                    "int4-g32": Int4Linear(w, group_size=32)}
            for fmt, fn in fmts.items():
                xin = x.bfloat16() if fmt != "fp32" else x
                fn(xin)
                reps = 50 if M == 1 else 5
                t = min(_timed(lambda: fn(xin)) for _ in range(reps))
                err = ((fn(xin).float() - ref).norm() / ref.norm()).item()
                rows.append({"op": name, "N": N, "K": K, "M": M, "format": fmt, "us": t * 1e6, "rel_err": err})
    return rows


# ---------------------------------------------------------------- driver

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", action="store_true", help="small granitemoe-shaped model (a quick run)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--prompt", type=int, default=128)
    ap.add_argument("--decode", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per engine (best prefill, median decode step)")
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, from: " + ", ".join(ENGINES))
    ap.add_argument("--llama-cpp", default="Q8_0,BF16", help="GGUF types for the llama.cpp column when it imports")
    ap.add_argument("--dir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "llmos-bench")
    ap.add_argument("--ops", action="store_true", help="per-op speed and quantisation error instead")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    shape = SMALL if a.small else GRANITE

    if a.worker:
        print(json.dumps(worker(a.worker, a.model, a.prompt, a.decode, a.repeat, a.threads)))
        return
    if a.ops:
        rows = ops(a.threads, shape)
        print(f"{'op':15s} {'N x K':>12s} {'M':>4s} {'format':10s} {'time us':>9s} {'rel err':>8s}")
        for r in rows:
            print(f"{r['op']:15s} {r['N']:>6d}x{r['K']:<5d} {r['M']:>4d} {r['format']:10s} {r['us']:9.0f} {r['rel_err']:8.4f}")
        print(json.dumps({"bench": "engine-ops", "threads": a.threads, "rows": rows}))
        return

    model_dir = a.dir / ("granitemoe-small" if a.small else "granitemoe-1b-a400m")
    if not (model_dir / "config.json").exists():
        print(f"building random checkpoint in {model_dir} ...", file=sys.stderr)
        _subprocess([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
                     f"from engine import build_checkpoint, {'SMALL' if a.small else 'GRANITE'} as S; "
                     f"from pathlib import Path; build_checkpoint(Path({str(model_dir)!r}), S)"])
    engines = [e for e in a.engines.split(",") if e]
    try:
        import llama_cpp  # noqa: F401
        engines += [f"llama.cpp-{q}" for q in a.llama_cpp.split(",") if q]
    except ImportError:
        pass
    bw = bandwidth(a.threads)
    ctx = a.prompt + a.decode / 2
    results = {}
    for engine in engines:
        print(f"running {engine} ...", file=sys.stderr)
        out = _subprocess([sys.executable, __file__, "--worker", engine, "--model", str(model_dir),
                           "--prompt", str(a.prompt), "--decode", str(a.decode), "--repeat", str(a.repeat),
                           "--threads", str(a.threads)], a.threads)
        if out is None:
            continue
        r = json.loads(out.strip().splitlines()[-1])
        precision = engine.replace("hf-bf16-grouped_mm", "hf-bf16").replace("hf-bf16-eager", "hf-bf16")
        precision = precision.replace("llama.cpp-", "cpp-").replace("cpp-BF16", "cpp-bf16")
        r["bytes_per_token"] = bytes_per_token(shape, precision, ctx)
        r["roofline_tok_s"] = bw * 2**30 / r["bytes_per_token"]
        r["roofline_pct"] = 100 * r["decode_tok_s"] / r["roofline_tok_s"]
        results[engine] = r
        print(f"  {json.dumps(r)}", file=sys.stderr)      # partial results survive an interrupted run
    report(results, bw, shape, a)


def _subprocess(cmd: list[str], threads: int = 2) -> str | None:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode:
        print(f"  failed ({p.returncode}): {p.stderr.strip().splitlines()[-1:] or ''}", file=sys.stderr)
        return None
    return p.stdout


def report(results: dict[str, dict[str, Any]], bw: float, shape: dict[str, Any], a: argparse.Namespace) -> None:
    base = results.get(BASELINE)
    print(f"\n{'small' if a.small else 'granite-3.1-1b-a400m'}-shaped random model, {a.threads} threads, "
          f"prompt {a.prompt}, decode {a.decode}, bandwidth {bw:.1f} GiB/s")
    print(f"{'engine':20s} {'prefill t/s':>11s} {'decode t/s':>10s} {'TTFT ms':>8s} {'peak RSS GB':>11s} "
          f"{'% roofline':>10s} {'prefill x':>9s} {'decode x':>8s}")
    for name, r in results.items():
        px = r["prefill_tok_s"] / base["prefill_tok_s"] if base else float("nan")
        dx = r["decode_tok_s"] / base["decode_tok_s"] if base else float("nan")
        print(f"{name:20s} {r['prefill_tok_s']:11.1f} {r['decode_tok_s']:10.2f} {r['ttft_s'] * 1e3:8.0f} "
              f"{r['peak_rss_gb']:11.2f} {r['roofline_pct']:9.0f}% {px:9.2f} {dx:8.2f}")
    print(f"(x = ratio to {BASELINE}; roofline = BW / bytes read per decode token)")
    print(json.dumps({"bench": "engine", "shape": "small" if a.small else "granite-3.1-1b-a400m",
                      "threads": a.threads, "prompt": a.prompt, "decode": a.decode, "bandwidth_gib_s": bw,
                      "baseline": BASELINE, "results": results}))


if __name__ == "__main__":
    main()
