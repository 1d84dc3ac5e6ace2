"""The shipped planner's forward pass in numpy, so that ``ask`` plans without importing torch.

Importing torch alone takes about a second on a 2-core laptop, two thirds of the
1.5 s that a whole ``ask`` may take, while the planner is 4 layers of width 256.
This file runs exactly that architecture, ``qwen3_moe`` (grouped-query attention
with per-head q/k RMSNorm, rotary embeddings, softmax top-k routing over SwiGLU
experts), in float32 from the same safetensors file ``llmos.engine`` loads; the
tests hold its logits to the engine's.  Other architectures, quantisation and big
checkpoints are the engine's job: :func:`supports` says which directories this
file takes.

The file is untrusted like any model file: the header is checked by
:mod:`llmos.engine.safetensors_file`, and every tensor the config implies must be
there with the shape it implies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from llmos.engine.errors import ModelError, read_json_object
from llmos.engine.safetensors_file import read_safetensors_header

ARCHITECTURE = "qwen3_moe"
MAX_PARAMETERS = 64 * 1024 * 1024     # float32 copies of everything: bigger models go to the engine


def supports(directory: str | Path) -> bool:
    """Whether this file can run the model in ``directory`` (else use ``llmos.engine``)."""
    try:
        config = read_json_object(Path(directory) / "config.json")
    except ModelError:
        return False
    return (config.get("model_type") == ARCHITECTURE and (Path(directory) / "model.safetensors").is_file()
            and not config.get("quantization_config"))


def _floats(raw: np.ndarray, dtype: str, shape: list[int], where: str) -> np.ndarray:
    if dtype == "BF16":
        # bfloat16 is the top half of a float32: widen by shifting, no rounding involved
        return (raw.view("<u2").astype(np.uint32) << 16).view(np.float32).reshape(shape)
    if dtype == "F16":
        return raw.view("<f2").astype(np.float32).reshape(shape)
    if dtype == "F32":
        return raw.view("<f4").astype(np.float32).reshape(shape)
    raise ModelError(f"{where}: dtype {dtype} is not a float the planner's numpy path reads")


def read_weights(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of one safetensors file as float32 (copies; the file is not kept open)."""
    tensors, data_start = read_safetensors_header(path)
    if sum(int(np.prod(t["shape"])) for t in tensors.values()) > MAX_PARAMETERS:
        raise ModelError(f"{path}: too big for the planner's numpy path; load it with llmos.engine")
    data = np.fromfile(path, dtype=np.uint8)
    return {name: _floats(data[data_start + t["start"]:data_start + t["end"]], t["dtype"], t["shape"],
                          f"{path}: tensor {name!r}")
            for name, t in tensors.items()}


def _int(config: dict, key: str, default: int | None = None) -> int:
    value = config.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ModelError(f"config.json: {key} must be a positive integer, not {value!r}")
    return value


def _rms_norm(x: np.ndarray, weight: np.ndarray, eps: float) -> np.ndarray:
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * weight


def _rotate_half(x: np.ndarray) -> np.ndarray:
    half = x.shape[-1] // 2
    return np.concatenate((-x[..., half:], x[..., :half]), axis=-1)


def _silu(x: np.ndarray) -> np.ndarray:
    return x / (1.0 + np.exp(-x))


class Layer:
    """One decoder block's weights, transposed once so that activations multiply on the left."""

    def __init__(self, w: dict[str, np.ndarray], p: str, n_experts: int) -> None:
        a = f"{p}.self_attn"
        self.norm1 = w[f"{p}.input_layernorm.weight"]
        self.qkv = np.ascontiguousarray(np.concatenate(
            [w[f"{a}.q_proj.weight"], w[f"{a}.k_proj.weight"], w[f"{a}.v_proj.weight"]]).T)
        self.q_norm, self.k_norm = w[f"{a}.q_norm.weight"], w[f"{a}.k_norm.weight"]
        self.o = np.ascontiguousarray(w[f"{a}.o_proj.weight"].T)
        self.norm2 = w[f"{p}.post_attention_layernorm.weight"]
        self.router = np.ascontiguousarray(w[f"{p}.mlp.gate.weight"].T)
        e = f"{p}.mlp.experts"
        self.gate_up = [np.ascontiguousarray(np.concatenate([w[f"{e}.{i}.gate_proj.weight"],
                                                             w[f"{e}.{i}.up_proj.weight"]]).T)
                        for i in range(n_experts)]
        self.down = [np.ascontiguousarray(w[f"{e}.{i}.down_proj.weight"].T) for i in range(n_experts)]


class PlannerModel:
    """``qwen3_moe`` in numpy: :meth:`session` gives a fresh KV cache and a feed function."""

    def __init__(self, directory: str | Path) -> None:
        directory = Path(directory)
        config = read_json_object(directory / "config.json")
        if config.get("model_type") != ARCHITECTURE:
            raise ModelError(f"{directory}: the planner's numpy path runs {ARCHITECTURE}, "
                             f"not {config.get('model_type')!r}; load it with llmos.engine")
        H = self.hidden = _int(config, "hidden_size")
        self.heads = _int(config, "num_attention_heads")
        self.kv_heads = _int(config, "num_key_value_heads", self.heads)
        self.head_dim = _int(config, "head_dim", H // self.heads)
        self.n_experts = _int(config, "num_experts", config.get("num_local_experts"))
        self.top_k = _int(config, "num_experts_per_tok")
        n_layers = _int(config, "num_hidden_layers")
        vocab = _int(config, "vocab_size")
        inter = _int(config, "moe_intermediate_size")
        self.max_positions = _int(config, "max_position_embeddings")
        self.norm_topk = bool(config.get("norm_topk_prob", False))
        self.eps = float(config.get("rms_norm_eps", 1e-6))
        if self.heads % self.kv_heads or self.top_k > self.n_experts or self.head_dim % 2:
            raise ModelError(f"{directory}/config.json: inconsistent heads, experts or head_dim")
        if config.get("mlp_only_layers") or config.get("decoder_sparse_step", 1) != 1:
            raise ModelError(f"{directory}: dense layers are not supported by the numpy path; use llmos.engine")
        rope = config.get("rope_parameters") or config.get("rope_scaling") or {}
        if rope.get("rope_type", "default") != "default":
            raise ModelError(f"{directory}: rope type {rope.get('rope_type')!r} is not supported by the numpy path")
        theta = float(rope.get("rope_theta", config.get("rope_theta", 10000.0)))

        weights = read_weights(directory / "model.safetensors")
        q, kv, d = self.heads * self.head_dim, self.kv_heads * self.head_dim, self.head_dim
        expected = {"model.embed_tokens.weight": (vocab, H), "model.norm.weight": (H,)}
        if not config.get("tie_word_embeddings", False):
            expected["lm_head.weight"] = (vocab, H)
        for i in range(n_layers):
            p, a = f"model.layers.{i}", f"model.layers.{i}.self_attn"
            expected.update({f"{p}.input_layernorm.weight": (H,), f"{p}.post_attention_layernorm.weight": (H,),
                             f"{a}.q_proj.weight": (q, H), f"{a}.k_proj.weight": (kv, H),
                             f"{a}.v_proj.weight": (kv, H), f"{a}.o_proj.weight": (H, q),
                             f"{a}.q_norm.weight": (d,), f"{a}.k_norm.weight": (d,),
                             f"{p}.mlp.gate.weight": (self.n_experts, H)})
            for e in range(self.n_experts):
                x = f"{p}.mlp.experts.{e}"
                expected.update({f"{x}.gate_proj.weight": (inter, H), f"{x}.up_proj.weight": (inter, H),
                                 f"{x}.down_proj.weight": (H, inter)})
        for name, shape in expected.items():
            if name not in weights:
                raise ModelError(f"{directory}/model.safetensors: missing tensor {name!r}")
            if tuple(weights[name].shape) != shape:
                raise ModelError(f"{directory}/model.safetensors: tensor {name!r} has shape "
                                 f"{list(weights[name].shape)}, the config implies {list(shape)}")

        self.embed = weights["model.embed_tokens.weight"]
        self.head = weights.get("lm_head.weight", self.embed)
        self.norm = weights["model.norm.weight"]
        self.layers = [Layer(weights, f"model.layers.{i}", self.n_experts) for i in range(n_layers)]
        self.inter = inter
        self.inv_freq = 1.0 / theta ** (np.arange(0, d, 2, dtype=np.float64) / d)
        self._rope(self.max_positions)

    def _rope(self, n: int) -> None:
        # cos/sin for positions 0..n-1; like the engine, positions past max_position_embeddings
        # are computed on demand rather than refused (a long request still gets a plan)
        angles = np.outer(np.arange(n, dtype=np.float64), self.inv_freq)
        angles = np.concatenate((angles, angles), axis=-1)
        self.cos, self.sin = np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)

    def session(self, max_len: int) -> Callable[[list[int]], np.ndarray]:
        """A fresh KV cache of ``max_len`` positions; feed tokens, get the last position's logits."""
        if max_len > self.cos.shape[0]:
            self._rope(max_len)
        shape = (len(self.layers), self.kv_heads, max_len, self.head_dim)
        keys, values = np.zeros(shape, np.float32), np.zeros(shape, np.float32)
        length = [0]

        def feed(tokens: list[int]) -> np.ndarray:
            n0, T = length[0], len(tokens)
            if n0 + T > max_len:
                raise ModelError(f"the planner's context holds {max_len} tokens")
            ids = np.asarray(tokens, dtype=np.int64)
            if ids.min() < 0 or ids.max() >= self.embed.shape[0]:
                raise ModelError("token id out of the planner's vocabulary")
            x = self.embed[ids]
            for i, layer in enumerate(self.layers):
                x = x + self._attention(layer, _rms_norm(x, layer.norm1, self.eps), keys[i], values[i], n0)
                x = x + self._experts(layer, _rms_norm(x, layer.norm2, self.eps))
            length[0] = n0 + T
            return self.head @ _rms_norm(x[-1], self.norm, self.eps)
        return feed

    def _attention(self, layer: Layer, h: np.ndarray, keys: np.ndarray, values: np.ndarray, n0: int) -> np.ndarray:
        T, d, nh, nkv = h.shape[0], self.head_dim, self.heads, self.kv_heads
        qkv = h @ layer.qkv
        q = qkv[:, :nh * d].reshape(T, nh, d)
        k = qkv[:, nh * d:(nh + nkv) * d].reshape(T, nkv, d)
        v = qkv[:, (nh + nkv) * d:].reshape(T, nkv, d)
        cos, sin = self.cos[n0:n0 + T, None, :], self.sin[n0:n0 + T, None, :]
        q = _rms_norm(q, layer.q_norm, self.eps)
        k = _rms_norm(k, layer.k_norm, self.eps)
        q = q * cos + _rotate_half(q) * sin
        k = k * cos + _rotate_half(k) * sin
        n = n0 + T
        keys[:, n0:n] = k.transpose(1, 0, 2)
        values[:, n0:n] = v.transpose(1, 0, 2)
        group = nh // nkv
        qg = q.transpose(1, 0, 2).reshape(nkv, group * T, d)                   # heads of a kv group together
        scores = (qg @ keys[:, :n].transpose(0, 2, 1)) / np.float32(np.sqrt(d))  # (nkv, group*T, n)
        scores = scores.reshape(nkv, group, T, n)
        future = np.arange(n)[None, :] > (n0 + np.arange(T))[:, None]         # causal: no later keys
        scores = np.where(future, np.float32(-np.inf), scores)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probs = (scores / scores.sum(axis=-1, keepdims=True)).reshape(nkv, group * T, n)
        out = (probs @ values[:, :n]).reshape(nh, T, d).transpose(1, 0, 2).reshape(T, nh * d)
        return out @ layer.o

    def _experts(self, layer: Layer, h: np.ndarray) -> np.ndarray:
        logits = h @ layer.router
        probs = np.exp(logits - logits.max(axis=-1, keepdims=True))
        probs /= probs.sum(axis=-1, keepdims=True)
        chosen = np.argsort(-probs, axis=-1, kind="stable")[:, :self.top_k]  # ties: the lower index, as torch.topk
        weight = np.take_along_axis(probs, chosen, axis=-1)
        if self.norm_topk:
            weight /= weight.sum(axis=-1, keepdims=True)
        out = np.zeros_like(h)
        for e in np.unique(chosen):
            rows, slot = np.nonzero(chosen == e)
            gate_up = h[rows] @ layer.gate_up[e]
            act = _silu(gate_up[:, :self.inter]) * gate_up[:, self.inter:]
            out[rows] += weight[rows, slot][:, None] * (act @ layer.down[e])
        return out
