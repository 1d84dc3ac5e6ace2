"""Sandboxed intents: every handler runs in a worker confined to what its call declared.

    from llmos.sandbox import sandboxed_runner
    executor = Executor(registry, ctx, runner=sandboxed_runner())

``sandbox_config`` (``grants.py``) turns an intent's effects with the call's concrete
arguments into a kernel sandbox; the fork-server (``worker.py``) forks a pre-imported
worker per call that confines itself with ``kernelspace.confine``; the runner
(``runner.py``) prepares what only the trusted side may do (pidfds, connections to
approved hosts, cgroups) and supervises.  See ``llmos/sandbox/README.md``.
"""

from llmos.sandbox.grants import Grant, sandbox_config, sandbox_error
from llmos.sandbox.runner import LAUNCHED, SandboxedRunner, sandboxed_runner, shutdown

__all__ = ["Grant", "LAUNCHED", "SandboxedRunner", "sandbox_config", "sandbox_error",
           "sandboxed_runner", "shutdown"]
