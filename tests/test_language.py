from overstag.language import detect, requested_language


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
