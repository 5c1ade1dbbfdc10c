"""资格预审: a rule table of 申报条件 and a pure evaluator, called by the declaration dossier.

Public API: `facts.ApplicantFacts`, `policy.Policy`, `evaluate.precheck`, `evaluate.overall`,
`evaluate.RuleResult`, `rules.RULES` (ADR 0008).
"""
