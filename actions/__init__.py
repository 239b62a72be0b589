"""Overstag's custom actions: thin Rasa actions over plain modules.

content   - the editable coaching material (content/*.yml), loaded and validated
coaching  - picks what to suggest, without repeating, for one or more objections
messages  - turns advice into chat messages and buttons
storage   - the action server's own tables (SQLAlchemy)
lang      - which language to answer in
coach_actions - the Rasa actions
"""
