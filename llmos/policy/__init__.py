"""The policy engine: who may do what, decided by rules the user controls.

Pure core: :func:`decide` over frozen values (``types``).  I/O at the edges:
``canonical_effects`` (symlinks, modes, processes), ``load_rules`` (YAML rule
files), ``GrantStore`` (remembered answers), consent channels, and
:func:`authorize`, the one call the executor makes.  Format and defaults are
described in ``llmos/policy/README.md``.
"""

from llmos.policy.consent import (AutoYes, Consent, ConsentAnswer, ConsentRequest, NoConsent,
                                  TerminalConsent, resolve)
from llmos.policy.engine import decide
from llmos.policy.facts import canonical_effects, current_principal
from llmos.policy.gate import authorize, executor_hooks
from llmos.policy.grants import GrantsFileError, GrantStore, new_grant
from llmos.policy.rules import PolicyFileError, default_rules, load_rule_file, load_rules
from llmos.policy.types import (ALLOW, ASK, DENY, Decision, Effect, EffectDecision, Facts, Grant,
                                Principal, Rule)

__all__ = [
    "ALLOW", "ASK", "DENY", "AutoYes", "Consent", "ConsentAnswer", "ConsentRequest", "Decision",
    "Effect", "EffectDecision", "Facts", "Grant", "GrantStore", "GrantsFileError", "NoConsent",
    "PolicyFileError", "Principal", "Rule", "TerminalConsent", "authorize", "canonical_effects",
    "current_principal", "decide", "default_rules", "executor_hooks", "load_rule_file",
    "load_rules", "new_grant", "resolve",
]
