"""Who is on the web page: one local user (make run), or a team signed in.

config.py reads the mode from the environment, sessions.py signs the session
cookie, oidc.py is the OpenID Connect sign-in, identity.py says who a request
comes from (cookie, trusted proxy header, or the local user), pages.py is the
page shown when sign-in fails. The routes are in overstag/channels/sign_in.py.
"""
