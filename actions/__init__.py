"""Overstag's Rasa actions: thin glue between Rasa's SDK and `overstag/`.

One module per rules file in data/rules/ (coaching, conversation, rehearsal,
request, follow_up, privacy); each action reads the tracker as an
`overstag.turn.Turn`, asks the feature in `overstag/` for a `Reply`, and sends
it. `base.py` holds the abstract base they share, which never registers as an
action.
"""
