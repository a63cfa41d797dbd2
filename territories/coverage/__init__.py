"""Coverage ("how do I make sure each gets the right service?") and territory balance."""
