"""One file per architecture, named after the checkpoint's ``model_type``.

Each exports ``ModelArgs`` (dataclass from config.json), ``Model`` (nn.Module) and
``sanitize(weights, args) -> weights`` (checkpoint keys -> ours, experts stacked).
"""
