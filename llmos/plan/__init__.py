"""Plans: the model, normalisation, validation and the executor."""

from llmos.plan.model import Plan, Step

__all__ = ["Plan", "Step"]
