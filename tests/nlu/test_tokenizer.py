"""The tokenizer on hostile text: runs of symbols that make spaCy's tokenizer
quadratic are cut short, and every token still points into the text as sent."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from overstag.nlu.bilingual_tokenizer import BilingualSpacyTokenizer, shortened


@pytest.mark.parametrize("run", ['"' * 5000, "'\"" * 2500, "\U0001f642" * 4000])
def test_a_long_run_of_symbols_is_cut_and_offsets_stay_true(run):
    text = f"she said {run} no time"
    short, origin = shortened(text)
    assert len(short) == len("she said ") + 10 + len(" no time")
    assert all(text[i] == c for c, i in zip(short, origin, strict=True))
    tokenizer = BilingualSpacyTokenizer(BilingualSpacyTokenizer.get_default_config())
    message = Message(data={TEXT: text})
    tokenizer.process([message])
    tokens = message.get("text_tokens")
    assert len(tokens) <= 15
    for token in tokens:
        assert text[token.start : token.start + len(token.text)] == token.text


def test_ordinary_text_is_left_as_it_is():
    text = 'Ze zei: "geen tijd!!!" (echt...) :-)))'
    assert shortened(text) == (text, None)
