"""Insight: observers of cadences or of the whole install, and dashboard sign-in links."""
