"""DeepSeek-V3: DeepSeek-V2's latent attention with sigmoid routing, an ``e_score_correction_bias``
used only to choose experts, noaux_tc group selection, renormalisation and a routed scale."""

from __future__ import annotations

from dataclasses import dataclass

from ..moe import route_noaux_tc
from . import deepseek_v2


@dataclass
class ModelArgs(deepseek_v2.ModelArgs):
    topk_method: str = "noaux_tc"
    norm_topk_prob: bool = True


def route(args: ModelArgs):
    k, groups, keep = args.num_experts_per_tok, args.n_group or 1, args.topk_group or 1
    renorm, scale = args.norm_topk_prob, args.routed_scaling_factor
    return lambda logits, router: route_noaux_tc(logits, router.e_score_correction_bias, k, groups, keep, renorm, scale)


class Model(deepseek_v2.Model):
    def __init__(self, args: ModelArgs) -> None:
        super().__init__(args, route_fn=route, correction_bias=True)


sanitize = deepseek_v2.sanitize
