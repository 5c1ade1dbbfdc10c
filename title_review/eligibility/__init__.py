"""资格预审: a rule table of 申报条件 and a pure evaluator, called by the declaration dossier; and the
诚信档案 (integrity records) whose bans the precheck reads.

Public API: `facts.ApplicantFacts`, `policy.Policy`, `evaluate.precheck`, `evaluate.overall`,
`evaluate.RuleResult`, `rules.RULES`, `selectors.active_ban_until`, `selectors.active_restrictions`, `services.record_integrity_ban`,
`services.lift_integrity_ban` (ADR 0008, ADR 0040).
"""
