"""AWS policy evaluation: identity permissions (Allow minus Deny, capped by the permissions boundary
and SCPs) and resource/trust policies (who can call, and whether a condition pins them).

It follows the published evaluation logic:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""
