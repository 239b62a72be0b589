"""The page shown when sign-in fails: what happened, in both languages, and a way on.

The reason is one of a few fixed kinds; nothing the provider or the browser sent
is echoed into the page.
"""

from __future__ import annotations

import html

from sanic import response
from sanic.response import HTTPResponse

LOGIN_PATH = "/webhooks/chat/login"

REASONS = {
    "expired": (
        "The sign-in took too long or was started in another window.",
        "Het inloggen duurde te lang of is in een ander venster begonnen.",
    ),
    "refused": (
        "Your organisation's sign-in service did not let you in.",
        "De inlogdienst van je organisatie heeft je niet binnengelaten.",
    ),
    "unreachable": (
        "Your organisation's sign-in service cannot be reached right now.",
        "De inlogdienst van je organisatie is nu niet bereikbaar.",
    ),
    "invalid_token": (
        "The answer of the sign-in service could not be verified.",
        "Het antwoord van de inlogdienst kon niet worden gecontroleerd.",
    ),
    "not_allowed": (
        "This Overstag is for another organisation: your e-mail address is not "
        "on its list of allowed domains.",
        "Deze Overstag is voor een andere organisatie: je e-mailadres staat niet "
        "op de lijst van toegestane domeinen.",
    ),
    "no_proxy_user": (
        "The sign-in in front of Overstag did not say who you are.",
        "De aanmelding vóór Overstag gaf niet door wie je bent.",
    ),
}


def failure(kind: str, status: int) -> HTTPResponse:
    english, dutch = REASONS.get(kind, REASONS["refused"])
    retry = (
        ""
        if kind in ("not_allowed", "no_proxy_user")
        else (
            f'<p><a class="button" href="{LOGIN_PATH}">'
            "Try again · Opnieuw proberen</a></p>"
        )
    )
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed · Inloggen mislukt</title>
<link rel="stylesheet" href="/webhooks/chat/static/style.css"></head>
<body><main class="sign-in-failed" data-reason="{html.escape(kind)}">
<h1>Sign-in failed · Inloggen mislukt</h1>
<p>{html.escape(english)}</p><p lang="nl">{html.escape(dutch)}</p>
{retry}
<p class="hint">If this keeps happening, tell whoever runs Overstag for your team.
<span lang="nl">Blijft dit gebeuren, meld het dan bij wie Overstag voor je team
beheert.</span></p>
</main></body></html>"""
    return response.html(body, status=status, headers={"Cache-Control": "no-store"})
