"""kernelspace: the kernel-facing sandbox of llmos (standard library only).

    from kernelspace import Config, run
    r = run(Config(rw=("/tmp/work",), timeout=10), ["sh", "-c", "echo hi > /tmp/work/x"])

See ``kernelspace.sandbox`` for the order in which mechanisms are applied and
``python -m kernelspace --help`` for the command line.
"""

from .landlock import abi_version
from .sandbox import (ADMIN_CONF, Config, ConfigError, Result, SandboxRefused, admin_degraded,
                      confine, prepare, run)

__all__ = ["ADMIN_CONF", "Config", "ConfigError", "Result", "SandboxRefused", "abi_version",
           "admin_degraded", "confine", "prepare", "run"]
