"""Settings -> Workflows: the rules, their editor, history, run log and test."""
