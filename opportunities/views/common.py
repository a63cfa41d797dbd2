"""What the opportunity pages share."""

PROCESS = "opportunities"
