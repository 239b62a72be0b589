"""Preparing the interview request: the form's questions, the checks of each
answer, the summary with corrections, and the stored interview with its
confirmation e-mail. The Rasa form around it is `actions/request.py`."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Tuple

from overstag import clock, payloads
from overstag.coaching import content as coaching_content
from overstag.facts import (
    FORM_MEMORY_SLOT,
    FORM_SLOTS,
    LANGUAGE_SLOT,
    LANGUAGES,
    MAX_OUTLET_CHARS,
    PREPARE_REQUEST,
    REQUESTED_SLOT,
)
from overstag.follow_up import answers, calendar_file, content, email_draft, moments
from overstag.storage import storage
from overstag.turn import Reply, Turn

logger = logging.getLogger(__name__)
MAX_OFFERED = 6


def offered_concessions(turn: Turn) -> List[str]:
    """Concessions suggested while coaching in this conversation, earliest first."""
    ids: List[str] = []
    try:
        for record in storage().coaching.records(turn.conversation_id):
            ids.extend(record["suggestions"])
    except Exception as error:
        logger.error("Could not read the coaching records (%s)", type(error).__name__)
    known = coaching_content.load().concessions
    return [cid for cid in dict.fromkeys(ids) if cid in known][:MAX_OFFERED]


def language(turn: Turn) -> str:
    """The conversation's language: a bare answer ("Sanne") says nothing about it."""
    current = turn.slot(LANGUAGE_SLOT)
    return current if current in LANGUAGES else turn.language


def _name(turn: Turn) -> str:
    return turn.slot("candidate_name") or "?"


def check(field: str, text: str, turn: Turn) -> Optional[Any]:
    """The answer for `field` in its stored form, or None when it needs asking again."""
    material = content.load()
    if field == "candidate_name":
        return answers.candidate_name(text, material)
    if field == "subject":
        return answers.sentence(text, min_words=3, min_chars=12)
    if field == "outlet":
        return answers.sentence(
            text, min_words=1, min_chars=2, max_chars=MAX_OUTLET_CHARS
        )
    if field == "duration":
        return answers.duration_minutes(text, material)
    if field == "interview_when":
        moment = moments.read(text, clock.now(), material)
        return moments.stored(moment) if moment else None
    if field == "interview_place":
        return answers.place(text)
    if field == "interviewer_name":
        return answers.interviewer_name(text)
    if field in ("interview_form", "review_scope"):
        return answers.choice(text, material.choices(field))
    if field == "review_days":
        return answers.working_days(text, material)
    if field == "sensitive":
        return answers.yes_no(text, material)
    if field == "agreed_concessions":
        result = answers.agreed(text, offered_concessions(turn), material)
        if result is None:
            return None
        return {"concessions": result[0], "own": [result[1]] if result[1] else []}
    return None


def is_stop(turn: Turn) -> bool:
    """The interviewer stops the form (only while it asks something)."""
    return bool(turn.slot(REQUESTED_SLOT)) and answers.is_stop(
        turn.text, content.load()
    )


def cancelled(turn: Turn) -> Reply:
    reply = Reply().say(content.load().text("form.cancelled", language(turn)))
    for slot in (*FORM_SLOTS, REQUESTED_SLOT, FORM_MEMORY_SLOT):
        reply.set(slot, None)
    return reply


def required_slots(slots: List[str], turn: Turn) -> List[str]:
    """Working days to respond are only asked when the candidate reviews something."""
    if turn.slot("review_scope") == "none":
        return [slot for slot in slots if slot != "review_days"]
    return slots


def memory(turn: Turn) -> Dict[str, Any]:
    """What the form heard besides its answers: {"prefilled": {field: value},
    "concessions": [...], "own": [...]} (remarks noted as agreements)."""
    value = turn.slot(FORM_MEMORY_SLOT)
    found = dict(value) if isinstance(value, dict) else {}
    found["prefilled"] = dict(found.get("prefilled") or {})
    found["concessions"] = list(found.get("concessions") or [])
    found["own"] = list(found.get("own") or [])
    return found


# a remark there is an answer: the agreements question, and the summary
NO_REMARKS = ("agreed_concessions", "confirmed")


def heard_before(text: str, turn: Turn, kept: Dict[str, Any], asked: str) -> None:
    """Answers to later questions found in this one ("..., voor het personeelsblad")."""
    material = content.load()
    outlet = answers.outlet_in(text, material)
    if outlet and asked != "outlet" and not turn.slot("outlet"):
        kept["prefilled"].setdefault("outlet", outlet)


def is_remark(field: str, turn: Turn, answers_it: bool) -> bool:
    """An objection or remark typed mid-form ("wait, she doesn't want a photo"): a
    cue word, or an objection the classifier is sure of in a message that does not
    answer the question ("an hour" reads as a time objection, and is an answer)."""
    if field in NO_REMARKS:
        return False
    material = content.load()
    if answers.remark_cue(turn.text, material):
        return True
    threshold = float(material.raw["form"]["reading"]["remark_confidence"])
    sure = bool(turn.objections) and (turn.confidence or 0.0) >= threshold
    return sure and not answers_it


def remark(field: str, turn: Turn, kept: Dict[str, Any]) -> Reply:
    """Coach the remark briefly, note it as an agreement, and ask `field` again."""
    material = content.load()
    lang = language(turn)
    noted = answers.strip_remark_lead(turn.text, material)
    concession = answers.remark_agreement(noted, material)
    if concession and concession in material.raw["agreements"]:
        if concession not in kept["concessions"]:
            kept["concessions"].append(concession)
        agreement = material.agreement(concession, lang)
    else:
        kept["own"].append(noted[:300])
        agreement = noted[:300]
    reply = Reply().say(material.text("form.remark.noted", lang, agreement=agreement))
    if turn.objections:
        coaching = coaching_content.load()
        category = turn.objections[0]
        acknowledgement = coaching.objections[category]["acknowledgements"][lang][0]
        reply.say(
            material.text(
                "form.remark.coach",
                lang,
                label=coaching.label(category, lang).lower(),
                acknowledgement=acknowledgement,
            )
        )
    reply.say(material.text("form.remark.resume", lang))
    return reply.set(field, None).set(FORM_MEMORY_SLOT, kept)


def validated(field: str, value: Any, turn: Turn) -> Reply:
    """The checked answer as the slot's value; None and a re-ask when it is unusable.
    A remark is noted and the same question comes again; a "yes" to an answer heard
    earlier takes that answer."""
    material = content.load()
    kept = memory(turn)
    text = str(value or "")
    earlier = kept["prefilled"].get(field)
    if earlier is not None and answers.yes_no(text, material) is True:
        kept["prefilled"].pop(field)
        return Reply().set(field, earlier).set(FORM_MEMORY_SLOT, kept)
    checked = check(field, text, turn)
    if is_remark(field, turn, checked is not None):
        return remark(field, turn, kept)
    reply = Reply().set(field, checked)
    if checked is None:
        reply.say(material.text(f"form.reasks.{field}", language(turn)))
    else:
        kept["prefilled"].pop(field, None)
        heard_before(text, turn, kept, field)
        if field == "review_days" and answers.is_period_in_words(text, material):
            reply.say(material.text("form.read_as_days", language(turn), days=checked))
    return reply.set(FORM_MEMORY_SLOT, kept)


def confirmation(value: Any, turn: Turn) -> Reply:
    """ "yes", or a correction of one line of the summary, which is then asked again."""
    material = content.load()
    lang = language(turn)
    text = str(value or "")
    fix = answers.correction(text, material)
    if fix is None:
        if answers.yes_no(text, material):
            return Reply().set("confirmed", True)
        return (
            Reply()
            .say(material.text("form.reasks.confirmed", lang))
            .set("confirmed", None)
        )
    field, new_value = fix
    reply = Reply()
    if new_value is not None:
        checked = check(field, new_value, turn)
        if checked is not None:
            reply.say(material.text("form.corrected", lang))
            return reply.set(field, checked).set("confirmed", None)
        reply.say(material.text(f"form.reasks.{field}", lang))
    # emptied, so the form asks it again and then shows the summary again
    return reply.set(field, None).set("confirmed", None)


def summary(turn: Turn, lang: str) -> str:
    material = content.load()
    fields = material.fields

    def line(field: str, value: str) -> str:
        return f"• **{fields[field]['label'][lang]}**: {value}"

    lines = [
        line("candidate_name", _name(turn)),
        line("subject", turn.slot("subject") or "-"),
        line("outlet", turn.slot("outlet") or "-"),
    ]
    moment = moments.parsed(turn.slot("interview_when"))
    if moment:
        lines.append(line("interview_when", moments.describe(moment, lang, material)))
    if turn.slot("interview_place"):
        lines.append(line("interview_place", turn.slot("interview_place")))
    if turn.slot("duration"):
        minutes = int(turn.slot("duration"))
        lines.append(
            line("duration", answers.describe_minutes(minutes, lang, material))
        )
    form = turn.slot("interview_form")
    if form:
        lines.append(
            line(
                "interview_form", material.choice("interview_form", form, lang)["label"]
            )
        )
    scope = turn.slot("review_scope")
    if scope:
        lines.append(
            line("review_scope", material.choice("review_scope", scope, lang)["label"])
        )
    if scope != "none" and turn.slot("review_days"):
        lines.append(line("review_days", str(int(turn.slot("review_days")))))
    sensitive = material.raw["form"]["buttons"][
        "yes" if turn.slot("sensitive") else "no"
    ][lang]
    lines.append(line("sensitive", sensitive))
    agreed = agreements(turn)
    extras = [material.agreement(cid, lang) for cid in agreed["concessions"]]
    extras += agreed["own"]
    lines.append(line("agreed_concessions", "" if extras else "-"))
    lines += [f"    ◦ {extra}" for extra in extras]  # one bullet per agreement
    if turn.slot("interviewer_name"):
        lines.append(line("interviewer_name", turn.slot("interviewer_name")))
    return "\n".join(lines)


def agreements(turn: Turn) -> Dict[str, List[str]]:
    """The agreements picked or described at their question plus the remarks noted
    during the form, each once."""
    agreed = turn.slot("agreed_concessions") or {}
    kept = memory(turn)
    concessions = list(agreed.get("concessions") or []) + kept["concessions"]
    own = list(agreed.get("own") or []) + kept["own"]
    return {
        "concessions": list(dict.fromkeys(concessions)),
        "own": list(dict.fromkeys(own)),
    }


def question(slot: str, turn: Turn) -> Reply:
    """The form's question for `slot`, in the conversation's language, with the
    usual answers as buttons whose payload is the answer itself."""
    lang = turn.language if turn.intent == PREPARE_REQUEST else language(turn)
    kept = memory(turn)
    if turn.intent == PREPARE_REQUEST and not any(turn.slot(s) for s in FORM_SLOTS):
        kept = memory(Turn(turn.sender_id, {}, {}))  # a new form forgets the last one
        heard_before(turn.text, turn, kept, slot)
    if slot == "interviewer_name" and slot not in kept["prefilled"]:
        known = _known_interviewer(turn)
        if known:
            kept["prefilled"][slot] = known
    text, labels = _question(slot, turn, lang)
    earlier = kept["prefilled"].get(slot)
    if earlier is not None and slot != "confirmed":
        text = content.load().text("form.prefilled", lang, question=text, value=earlier)
        labels = content.load().button_labels(lang, "yes")
    buttons = [{"title": label, "payload": label} for label in labels]
    reply = Reply().say(text, buttons or None).set(LANGUAGE_SLOT, lang)
    return reply.set(FORM_MEMORY_SLOT, kept)


def _known_interviewer(turn: Turn) -> Optional[str]:
    try:
        return storage().interviewer_names.of(turn.owner)
    except Exception as error:
        logger.error("Could not read the interviewer's name (%s)", type(error).__name__)
        return None


def _question(slot: str, turn: Turn, lang: str) -> Tuple[str, List[str]]:
    material = content.load()
    name = _name(turn)
    if slot == "agreed_concessions":
        return _agreements_question(turn, lang)
    if slot == "confirmed":
        text = material.text(
            "form.questions.confirmed", lang, summary=summary(turn, lang)
        )
        return text, material.button_labels(lang, "yes")
    text = material.text(f"form.questions.{slot}", lang, name=name)
    starting = turn.intent == PREPARE_REQUEST and not any(
        turn.slot(s) for s in FORM_SLOTS
    )
    if slot == "candidate_name" and starting:
        text = f"{material.text('form.start', lang)}\n\n{text}"
    if slot in ("interview_form", "review_scope"):
        return text, [
            option[lang]["label"] for option in material.choices(slot).values()
        ]
    labels = {
        "duration": ("duration",),
        "review_days": ("review_days",),
        "sensitive": ("yes", "no"),
    }.get(slot, ())
    return text, material.button_labels(lang, *labels)


def _agreements_question(turn: Turn, lang: str) -> Tuple[str, List[str]]:
    material = content.load()
    offered = offered_concessions(turn)
    name = _name(turn)
    if not offered:
        text = material.text("form.questions.agreed_concessions_open", lang, name=name)
        return text, material.button_labels(lang, "none")
    coaching = coaching_content.load()
    options = "\n".join(
        f"{number}. {coaching.concession(cid, lang)['title']}"
        for number, cid in enumerate(offered, start=1)
    )
    text = material.text(
        "form.questions.agreed_concessions", lang, name=name, options=options
    )
    return text, material.button_labels(lang, "all", "none")


def interview_answers(turn: Turn) -> Dict[str, Any]:
    agreed = agreements(turn)
    scope = turn.slot("review_scope")
    return {
        "candidate_name": turn.slot("candidate_name"),
        "subject": turn.slot("subject"),
        "outlet": turn.slot("outlet"),
        "duration": int(turn.slot("duration")),
        "interview_form": turn.slot("interview_form"),
        "review_scope": scope,
        "review_days": turn.slot("review_days") if scope != "none" else None,
        "sensitive": bool(turn.slot("sensitive")),
        "concessions": agreed["concessions"],
        "own_agreements": agreed["own"],
    }


def letter_facts(turn: Turn) -> Dict[str, Any]:
    """What the e-mail and the calendar file say beside the stored interview."""
    return {
        "when": moments.parsed(turn.slot("interview_when")),
        "place": turn.slot("interview_place"),
        "interviewer_name": turn.slot("interviewer_name"),
    }


def submit(turn: Turn) -> Reply:
    """Stores the prepared interview and hands over the confirmation e-mail."""
    reply = Reply()
    for slot in (*FORM_SLOTS, FORM_MEMORY_SLOT):
        reply.set(slot, None)
    if turn.slot("confirmed") is not True:
        return reply  # stopped on request; the form already said so
    lang = language(turn)
    material = content.load()
    interview = interview_answers(turn)
    now = clock.now()
    interview["id"] = storage().interviews.create(
        turn.conversation_id, interview, lang, now
    )
    letter = {**interview, **letter_facts(turn)}
    if letter["interviewer_name"]:
        try:
            storage().interviewer_names.remember(turn.owner, letter["interviewer_name"])
        except Exception as error:
            logger.error(
                "Could not keep the interviewer's name (%s)", type(error).__name__
            )
    subject, body = email_draft.compose(letter, material, lang)
    name = interview["candidate_name"]
    reply.say(material.text("email.ready", lang, name=name))
    # chat channels split a text at blank lines; single line breaks keep the e-mail in
    # one bubble, and the web page swaps in the exact text from the attached payload
    lines = (line for line in f"{subject}\n\n{body}".splitlines() if line.strip())
    ics = calendar_file.invitation(letter, subject, body, material, lang, now)
    attached = payloads.email(
        subject=subject,
        body=body,
        eml=email_draft.to_eml(subject, body, now, ics),
        txt_filename=email_draft.filename(interview, "txt"),
        eml_filename=email_draft.filename(interview, "eml"),
        interview_id=interview["id"],
        ics=ics or "",
        ics_filename=email_draft.filename(interview, "ics"),
    )
    reply.say("\n".join(lines), json_message=attached)
    return reply.set(LANGUAGE_SLOT, lang)
