"""Facts that the Python code and the YAML files share, stated once.

The names are contracts: intents, entities, slots, forms and actions are named in
`domain.yml` and `data/rules/*.yml`; the categories and statuses key the files in
`content/`. `tests/project/test_facts.py` fails when a YAML file and this module
disagree.
"""

from __future__ import annotations

from typing import List, Optional

LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"

# -- intents ---------------------------------------------------------------------
CATEGORIES = (
    "objection_privacy",
    "objection_modesty",
    "objection_sensitive_topic",
    "objection_culture",
    "objection_time",
    "objection_control",
    "objection_approval",
    "objection_format",
    "objection_refusal",
)
REFUSAL = "objection_refusal"

# the interviewer's moves in a rehearsal; the offers are what can meet a concern
OFFER_MOVES = (
    "move_explain_purpose",
    "move_offer_questions_in_advance",
    "move_offer_review",
    "move_offer_company",
    "move_offer_format",
    "move_offer_off_the_record",
    "move_offer_privacy",
    "move_offer_time",
)
MOVES = (
    "move_empathize",
    "move_explore",
    *OFFER_MOVES,
    "move_pressure",
    "move_accept_no",
)

# intents answered by a reply of the same name in content/replies.yml
SMALL_TALK_INTENTS = (
    "ask_about_overstag",
    "greet",
    "goodbye",
    "thank",
    "help",
    "bot_challenge",
    "out_of_scope",
    "deny",
)
AFFIRM = "affirm"
SWITCH_LANGUAGE = "switch_language"
START_OVER = "start_over"
ASK_DIFFERENT_OBJECTION = "ask_different_objection"
PREPARE_REQUEST = "prepare_request"
FALLBACK_INTENT = "nlu_fallback"
# "he's still hesitating": a concern without a word of what it is
UNCLEAR_HESITATION = "unclear_hesitation"

# Any number of concerns in one message: the intent is the likeliest objection, and
# the parse result's `objections` lists every objection heard, likeliest first
# (overstag/nlu/multi_label_classifier.py). Only rehearsal moves still come as
# pair intents ("move_empathize+move_offer_review").
PAIR_SEPARATOR = "+"
OBJECTIONS_KEY = "objections"
MAX_OBJECTIONS = 3


def pair_intent(first: str, second: str) -> str:
    return PAIR_SEPARATOR.join(sorted((first, second)))


def intent_parts(intent: Optional[str]) -> List[str]:
    return (intent or "").split(PAIR_SEPARATOR)


def categories_of(intent: Optional[str]) -> List[str]:
    """The objection categories an intent names; empty unless every part is one."""
    parts = intent_parts(intent)
    found = [part for part in parts if part in CATEGORIES]
    return found if len(found) == len(parts) else []


def moves_of(intent: Optional[str]) -> List[str]:
    """The rehearsal moves an intent (or a pair of them) names."""
    return [part for part in intent_parts(intent) if part in MOVES]


# -- entities, only set by buttons: /interview_status{"interview_id": "3"} -------
INTERVIEW_ID = "interview_id"
INTERVIEW_STATUS = "interview_status"
# the other concerns of a "both" button: /objection_time{"also_objection": "..."}
ALSO_OBJECTION = "also_objection"

# -- slots -----------------------------------------------------------------------
MODE_SLOT = "mode"
MODE_COACH, MODE_REHEARSE = "coach", "rehearse"
LANGUAGE_SLOT = "language"
LANGUAGE_CHOICE_SLOT = "language_choice"
OBJECTIONS_SLOT = "objections"
SHOWN_SLOT = "shown"
REHEARSAL_SLOT = "rehearsal"
PENDING_DELETE_SLOT = "pending_delete"
PENDING_ERASE_SLOT = "pending_erase"
DUE_REMINDER_SLOT = "due_reminder"
REQUESTED_SLOT = "requested_slot"

# -- the request form --------------------------------------------------------------
FORM = "interview_form"
FORM_SLOTS = (
    "candidate_name",
    "subject",
    "outlet",
    "duration",
    "interview_form",
    "interview_when",
    "interview_place",
    "review_scope",
    "review_days",
    "sensitive",
    "agreed_concessions",
    "interviewer_name",
    "confirmed",
)
# what the form heard besides the answer it asked for: answers given before their
# question (confirmed when it comes) and remarks noted as agreements
FORM_MEMORY_SLOT = "form_memory"
# the interview's life after the request; the later a status, the further along
STATUSES = ("requested", "agreed", "held", "published", "aftercare_done")

# -- actions the Rasa server runs by name ------------------------------------------
REMINDER_ACTION = "action_follow_up_reminder"

# -- limits ------------------------------------------------------------------------
MAX_SENDER_CHARS = 128  # the width of every conversation_id column
MAX_USER_ID_CHARS = MAX_SENDER_CHARS  # namespaced ids longer than this are hashed
MAX_MESSAGE_CHARS = 5000
MAX_CANDIDATE_NAME_CHARS = 40
MAX_OUTLET_CHARS = 200
MAX_INTERVIEWER_NAME_CHARS = 60
