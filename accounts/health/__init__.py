"""Account health: a score from 0 to 100 with its reasons, the weighted sum of the signals
each process registers with `salesproc.registry` (accounts knows none of them by import)."""
