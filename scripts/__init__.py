"""Tools for people working on Overstag (not part of the running assistant)."""
