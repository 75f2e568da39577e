"""PartnerOps: the composition root, the neutral core and the chat platforms."""
