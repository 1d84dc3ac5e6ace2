"""Average the weights of planner models that went on from one model: a model soup.

    python -m llmos.planner.average --out llmos/planner/model \\
        llmos/planner/model /tmp/run-seed0 /tmp/run-seed1 --weights 2 1 1

A run that goes on from the shipped model (``train --init``) learns the new phrasings and
unlearns a little of what the model knew, a different little for each seed.  The mean of
the start and such runs keeps more of both than any one of them (Wortsman et al. 2022,
"Model soups"; "Robust fine-tuning of zero-shot models", WiSE-FT): the models share a
start, so their weights lie in one basin and their mean is a model of it too.  Measured in
docs/planner.md.

Every model must have the same config, tokenizer and registry digest, and the same
tensors; the mean is taken in float32 and stored in each tensor's own dtype.  The spelling
vocabulary is the union of theirs (a word at its highest count).  ``planner.json`` lists
the models averaged with their weights and their own histories.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from llmos.planner.spelling import WORDS_FILE, read_vocabulary, write_vocabulary

# the files that describe the model apart from its weights; they must agree
SHARED_FILES = ("config.json", "tokenizer.model", "tokenizer_config.json")
# planner.json keys every model of one registry shares; the rest is its history
META_KEYS = ("format", "prompt", "registry", "intents")


class AverageError(ValueError):
    """Models that cannot be averaged, with what to do about it."""


def history(meta: dict) -> dict:
    """What made a model's weights: planner.json without the keys every model shares."""
    return {k: v for k, v in meta.items() if k not in META_KEYS}


def average(models: list[Path], weights: list[float], out: Path) -> None:
    """Write to ``out`` the weighted mean of ``models`` (``out`` may be one of them)."""
    import torch
    from safetensors.torch import load_file, save_file

    if len(models) < 2:
        raise AverageError("give at least two model directories to average")
    if len(weights) != len(models) or any(not w > 0 for w in weights):
        raise AverageError(f"give one positive weight per model ({len(models)} models, weights {weights})")
    for m in models:
        missing = [f for f in (*SHARED_FILES, "model.safetensors", "planner.json") if not (m / f).is_file()]
        if missing:
            raise AverageError(f"{m} is not a planner model written by llmos.planner.train (no {', '.join(missing)})")
    first = models[0]
    for m in models[1:]:
        for f in SHARED_FILES:
            if (m / f).read_bytes() != (first / f).read_bytes():
                raise AverageError(f"{m}/{f} differs from {first}/{f}: only runs that went on from one "
                                   "model (train --init) share a basin and can be averaged")
    metas = [json.loads((m / "planner.json").read_text()) for m in models]
    if any({k: meta.get(k) for k in META_KEYS} != {k: metas[0].get(k) for k in META_KEYS} for meta in metas):
        raise AverageError("the models were trained on different registries; retrain them on one")

    own = {*SHARED_FILES, "model.safetensors", "planner.json", WORDS_FILE}
    if out.exists() and (not out.is_dir() or {p.name for p in out.iterdir()} - own):
        raise AverageError(f"{out} holds more than a planner model, and the average replaces it whole: "
                           "write it to a new folder or to a model's")

    total = sum(weights)
    shares = [w / total for w in weights]
    tensors = [load_file(m / "model.safetensors") for m in models]
    for m, t in zip(models[1:], tensors[1:]):
        if {k: (v.shape, v.dtype) for k, v in t.items()} != {k: (v.shape, v.dtype) for k, v in tensors[0].items()}:
            raise AverageError(f"{m} has other tensors than {first}")
    mean = {name: sum(s * t[name].float() for s, t in zip(shares, tensors)).to(tensors[0][name].dtype)
            for name in tensors[0]}

    words: dict[str, int] = {}
    for m in models:
        if (m / WORDS_FILE).is_file():
            for w, n in read_vocabulary(m / WORDS_FILE).items():
                words[w] = max(n, words.get(w, 0))
    shared = {f: (first / f).read_bytes() for f in SHARED_FILES}
    meta = {k: metas[0][k] for k in META_KEYS if k in metas[0]}
    if "size" in metas[0]:  # one config, one size: what a run going on from this model keeps
        meta["size"] = metas[0]["size"]
    meta["averaged"] = [{"weight": round(s, 6), **history(h)} for s, h in zip(shares, metas)]

    # written beside out and swapped in whole: out may be one of the models, and a run that
    # fails half-way must not leave weights of one model beside the words of another
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    # mkdtemp makes it private; the model keeps the mode of the folder it replaces (or the umask's)
    umask = os.umask(0)
    os.umask(umask)
    work.chmod(out.stat().st_mode & 0o7777 if out.exists() else 0o777 & ~umask)
    try:
        for f, data in shared.items():
            (work / f).write_bytes(data)
        save_file(mean, work / "model.safetensors", metadata={"format": "pt"})
        if words:
            write_vocabulary(Counter(words), work / WORDS_FILE)
        (work / "planner.json").write_text(json.dumps(meta, indent=2) + "\n")
        if out.exists():
            old = work.with_name(work.name + ".old")
            out.rename(old)
            work.rename(out)
            shutil.rmtree(old)
        else:
            work.rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="+", type=Path, help="model directories written by llmos.planner.train")
    p.add_argument("--weights", nargs="+", type=float, help="one per model (default: equal)")
    p.add_argument("--out", type=Path, required=True, help="directory to write the averaged model to")
    ns = p.parse_args(argv)
    try:
        average(ns.models, ns.weights or [1.0] * len(ns.models), ns.out)
    except AverageError as e:
        print(f"llmos.planner.average: {e}", file=sys.stderr)
        return 2
    print(f"averaged {len(ns.models)} models into {ns.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
