"""Preparing the interview request (data/rules/request.yml): the Rasa form
`interview_form`, its questions (`action_ask_<slot>`), the checks of every answer
(`validate_interview_form`), and the stored interview with its e-mail."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.base import TurnAction, send, turn_of, utter
from overstag.facts import FORM
from overstag.follow_up import request
from overstag.turn import Reply, Turn

Checked = Dict[Text, Any]


class ValidateInterviewForm(FormValidationAction):
    def name(self) -> Text:
        return f"validate_{FORM}"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        return request.required_slots(domain_slots, turn_of(tracker))

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        turn = turn_of(tracker)
        if request.is_stop(turn):
            return send(dispatcher, request.cancelled(turn))
        return await super().run(dispatcher, tracker, domain)

    @staticmethod
    def _check(
        slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Checked:
        reply = request.validated(slot, value, turn_of(tracker))
        utter(dispatcher, reply)
        return reply.slots

    def validate_candidate_name(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Checked:
        return self._check("candidate_name", value, dispatcher, tracker)

    def validate_subject(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Checked:
        return self._check("subject", value, dispatcher, tracker)

    def validate_outlet(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Checked:
        return self._check("outlet", value, dispatcher, tracker)

    def validate_duration(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Checked:
        return self._check("duration", value, dispatcher, tracker)

    def validate_interview_form(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Checked:
        return self._check("interview_form", value, dispatcher, tracker)

    def validate_interview_when(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Checked:
        return self._check("interview_when", value, dispatcher, tracker)

    def validate_interview_place(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Checked:
        return self._check("interview_place", value, dispatcher, tracker)

    def validate_interviewer_name(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Checked:
        return self._check("interviewer_name", value, dispatcher, tracker)

    def validate_review_scope(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Checked:
        return self._check("review_scope", value, dispatcher, tracker)

    def validate_review_days(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Checked:
        return self._check("review_days", value, dispatcher, tracker)

    def validate_sensitive(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Checked:
        return self._check("sensitive", value, dispatcher, tracker)

    def validate_agreed_concessions(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Checked:
        return self._check("agreed_concessions", value, dispatcher, tracker)

    def validate_confirmed(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Checked:
        reply = request.confirmation(value, turn_of(tracker))
        utter(dispatcher, reply)
        return reply.slots


class AskSlotAction(TurnAction):
    """Asks for one slot of the form (`action_ask_<slot>`)."""

    @property
    @abstractmethod
    def slot(self) -> str: ...

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def answer(self, turn: Turn) -> Reply:
        return request.question(self.slot, turn)


class AskCandidateName(AskSlotAction):
    slot = "candidate_name"


class AskSubject(AskSlotAction):
    slot = "subject"


class AskOutlet(AskSlotAction):
    slot = "outlet"


class AskDuration(AskSlotAction):
    slot = "duration"


class AskInterviewForm(AskSlotAction):
    slot = "interview_form"


class AskInterviewWhen(AskSlotAction):
    slot = "interview_when"


class AskInterviewPlace(AskSlotAction):
    slot = "interview_place"


class AskInterviewerName(AskSlotAction):
    slot = "interviewer_name"


class AskReviewScope(AskSlotAction):
    slot = "review_scope"


class AskReviewDays(AskSlotAction):
    slot = "review_days"


class AskSensitive(AskSlotAction):
    slot = "sensitive"


class AskAgreedConcessions(AskSlotAction):
    slot = "agreed_concessions"


class AskConfirmed(AskSlotAction):
    slot = "confirmed"


class ActionSubmitInterview(TurnAction):
    """Stores the prepared interview and hands over the confirmation e-mail."""

    def name(self) -> Text:
        return "action_submit_interview"

    def answer(self, turn: Turn) -> Reply:
        return request.submit(turn)
