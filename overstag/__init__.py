"""Everything of Overstag but the Rasa SDK glue in actions/: features, storage,
NLU components, channels, the API, the launcher and what reaches into Rasa."""
