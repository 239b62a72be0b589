"""A user's data read out whole, erased whole, and kept no longer than needed
(docs/privacy.md). records.py: export and erase; retention.py: the periods;
__main__.py: the administrators' command."""
