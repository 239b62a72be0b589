import pytest

from overstag.nlu.language import detect, own_words, reply_language, requested_language


def test_detects_dutch_and_english_in_short_messages():
    assert detect("Ik ben helemaal niet interessant")[0] == "nl"
    assert detect("she's afraid her words end up online")[0] == "en"
    assert detect("nee joh")[0] == "nl"
    assert detect("no time, sorry")[0] == "en"


def test_undecided_messages_get_no_language():
    for text in ("ok", "👍", "", "/greet", "hmm"):
        assert detect(text) == (None, 0.0)


def test_named_language_in_a_switch_request():
    assert requested_language("in English please") == "en"
    assert requested_language("graag in het Nederlands") == "nl"
    assert requested_language("kun je in het Engels antwoorden?") == "en"
    assert requested_language("thanks") is None


def test_lookup_lemmas_match_spacys_lemmatizer_on_all_training_text():
    """overstag.nlu.lemmas replaces spaCy's lookup lemmatiser to save memory; the
    lemmas, and so the model's features, must stay exactly the same."""
    import spacy
    from rasa.shared.nlu.training_data.loading import load_data

    from overstag.nlu.lemmas import LookupLemmatizer
    from support.servers import ROOT

    texts = [
        m.get("text") for m in load_data(str(ROOT / "data" / "nlu")).intent_examples
    ]
    assert len(texts) > 3000
    for code in ("nl", "en"):
        reference = spacy.blank(code)
        reference.add_pipe("lemmatizer", config={"mode": "lookup"})
        reference.initialize()
        ours = LookupLemmatizer(code)
        checked = changed = 0
        for doc in reference.pipe(texts):
            for token in doc:
                checked += 1
                assert ours(token.text) == token.lemma_, (code, token.text)
                changed += ours(token.text) != token.text
        assert checked > 30000 and changed > 1000


# -- which language to answer in -------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ('Ze zei letterlijk: "I really have no time for this right now"', "nl"),
        ("Hij antwoordde “I'd rather not be in the magazine”, wat nu?", "nl"),
        ("She told me 'ik wil echt niet met mijn naam erin' — help", "en"),
        ("hallo!", "nl"),
        ("goedemorgen", "nl"),
        ("Goedemiddag, ik heb een vraag", "nl"),
        ("good morning", "en"),
    ],
)
def test_the_interviewers_own_words_decide(text, expected):
    assert reply_language({"text": text}, None) == expected


def test_a_language_asked_for_holds_until_changed():
    english = {"text": "She says she has no time at all this month"}
    assert reply_language(english, "nl") == "en"  # no choice made: her words
    assert reply_language(english, "nl", chosen="nl") == "nl"
    switch = {"text": "in English please", "intent": {"name": "switch_language"}}
    assert reply_language(switch, "nl", chosen="nl") == "en"


def test_quotes_are_taken_out_but_apostrophes_stay():
    assert own_words('Hij zei: "no way" en toen') == "Hij zei:   en toen"
    assert own_words("she doesn't want it") == "she doesn't want it"
