"""People apart from conversations.

ids.py composes the namespaced ids every channel uses; the users and the
conversations they own are kept by overstag/storage/accounts.py, sign-in lives
in overstag/auth/.
"""
