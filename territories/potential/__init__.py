"""Potential value and tiers ("who are the biggest customers and prospects?").

An account's potential = the admin's yearly value for its industry and size band
+ revenue won with it over the last 12 months + its open pipeline, unless a rep has
overridden it (with a reason). Tiers A-D follow by thresholds or by share of the
territory's accounts; each tier's policy says what attention it deserves.
"""
