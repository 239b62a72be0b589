"""Overstag's custom actions: thin Rasa actions over plain modules.

content   - the editable coaching material (content/*.yml), loaded and validated
coaching  - picks what to suggest, without repeating, for one or more objections
messages  - turns advice into chat messages and buttons
storage   - the action server's own tables (SQLAlchemy)
lang      - which language to answer in
coach_actions - the Rasa actions
rehearsal*    - the rehearsal: personas, the candidate's state machine, its messages and actions
follow_up_content, request_answers, email_draft, follow_through, interview_storage
              - preparing the request and following it through (content/follow_up.yml)
prepare_actions, follow_through_actions - their Rasa actions (the request form, status,
              my interviews, deletion, reminders)
"""
