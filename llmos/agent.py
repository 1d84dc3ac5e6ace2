"""The agent: one way to get an executor, with policy and sandbox always in place.

Every front end (``llmosctl``, ``ask``, later the daemon) builds its executor
here, so no front end can run a handler undecided or unconfined.
"""

from __future__ import annotations

from llmos.intents import Registry
from llmos.plan.executor import Executor
from llmos.tools import Context


def guarded_executor(registry: Registry, ctx: Context, *, assume_yes: bool = False) -> Executor:
    """An executor whose every call is decided by the policy (asking through the
    terminal, or ``--yes``), audited, and run in a sandboxed worker."""
    from llmos.policy.gate import executor_hooks
    from llmos.sandbox import sandboxed_runner
    return Executor(registry, ctx, **executor_hooks(assume_yes=assume_yes, runner=sandboxed_runner()))
