"""Call patterns ("draw call patterns that maximise the seller's expected return"):
how many visits each account gets (optimiser), in which week and day and in what order
(routing), and accepting weeks into planned calls."""
