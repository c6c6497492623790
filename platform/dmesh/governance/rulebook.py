"""The rule book: every global rule, gathered from the modules that define them.

The policy pack, `dmesh validate` (override checks), `dmesh rules`, `dmesh preview` and the reports
all read this one tuple; a rule is defined only beside its check, in its module.
"""

from __future__ import annotations

from . import (
    encryption_rules,
    glue_catalog_rules,
    iam_rules,
    kubernetes_rules,
    lifecycle_rules,
    monitoring_rules,
    principal_rules,
    s3_rules,
    tag_rules,
)
from .rule import Rule

RULE_MODULES = (s3_rules, principal_rules, encryption_rules, iam_rules, tag_rules, lifecycle_rules, kubernetes_rules, glue_catalog_rules,
                monitoring_rules)
RULES: tuple[Rule, ...] = tuple(rule for module in RULE_MODULES for rule in module.RULES)


def rules_by_name() -> dict[str, Rule]:
    return {rule.name: rule for rule in RULES}
