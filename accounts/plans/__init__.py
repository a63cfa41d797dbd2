"""Account plans: per account and period, the answers to PROCESSES.md's three questions
(relationship, needs, action plan) plus revenue targets and risks, reviewed by the
account manager's manager, with every saved change kept as a version."""
