"""Scores a trained model on the held-out set (tests/heldout/nlu_<lang>.yml).

Prints per language the macro-F1 over all intents and over the nine objections,
how often two objections in one message are both found, how often the coach
would ask instead of answer, and the confusion matrix of the objections.

    python -m overstag.evaluate [--model models/overstag.tar.gz] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import yaml

from overstag import settings
from overstag.facts import OBJECTIONS_KEY
from overstag.nlu import intent_views

HELDOUT = settings.ROOT / "tests" / "heldout"
FALLBACK = "nlu_fallback"
Example = Tuple[str, str]  # (text, intent)


# held-out file prefix -> the intents whose macro-F1 is reported on their own
SETS = {"nlu": "objection_", "moves": "move_"}


def heldout_examples(
    lang: str, directory: Path = HELDOUT, name: str = "nlu"
) -> List[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    # nlu_en.yml plus topic files such as nlu_follow_up_en.yml
    paths = [
        directory / f"{name}_{lang}.yml",
        *sorted(directory.glob(f"{name}_*_{lang}.yml")),
    ]
    examples: List[Example] = []
    for path in paths:
        data = load_data(str(path))
        examples += [(m.get("text"), gold_label(m)) for m in data.intent_examples]
    return examples


def gold_label(message: Any) -> str:
    """The intent, or every objection of a multi-concern example joined by "+"
    in name order (`also` in the example's metadata)."""
    metadata = (message.get("metadata") or {}).get("example") or {}
    also = metadata.get("also") if isinstance(metadata, dict) else None
    if not also:
        return message.get_full_intent()
    return "+".join(sorted({message.get_full_intent(), *also}))


def guessed_label(parse: Dict, name: str = "nlu") -> str:
    """The best guess; several objections heard are joined like the gold label."""
    heard = parse.get(OBJECTIONS_KEY) or []
    if name == "nlu" and len(heard) > 1:
        return "+".join(sorted(heard))
    return top_intent(parse, name)


def predict(model: str, texts: List[str]) -> List[Dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)

    async def parse_all() -> List[Dict]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(parse_all())


@lru_cache(maxsize=1)
def known_pairs() -> frozenset:
    domain = yaml.safe_load((settings.ROOT / "domain.yml").read_text())
    return frozenset(i for i in domain["intents"] if "+" in i)


def top_intent(parse: Dict, name: str = "nlu") -> str:
    """The best guess in the mode the held-out set belongs to, even where the coach
    would ask first."""
    if intent_views.PROBABILITIES in parse:
        view = intent_views.coach_view if name == "nlu" else intent_views.rehearsal_view
        found = view(parse, known_pairs())
        if found:
            return found[0]
    ranking = [
        r["name"] for r in parse.get("intent_ranking") or [] if r["name"] != FALLBACK
    ]
    return ranking[0] if ranking else parse["intent"]["name"]


def score(examples: List[Example], parses: List[Dict], name: str = "nlu") -> Dict:
    from sklearn.metrics import confusion_matrix, f1_score

    focus = SETS[name]
    gold = [intent for _, intent in examples]
    guess = [guessed_label(p, name) for p in parses]
    others = [
        (g, p, parse)
        for g, p, parse in zip(gold, guess, parses, strict=True)
        if not g.startswith("objection_")
    ]
    single = sorted({g for g in gold if g.startswith(focus) and "+" not in g})
    multi = [(g, p) for g, p in zip(gold, guess, strict=True) if "+" in g]
    on_focus = [(g, p) for g, p in zip(gold, guess, strict=True) if g in single]
    matrix = confusion_matrix(
        [g for g, _ in on_focus], [p for _, p in on_focus], labels=single
    )
    return {
        "examples": len(gold),
        # over the intents; messages with several concerns are scored on their own
        "macro_f1_all": round(
            f1_score(
                gold,
                guess,
                labels=sorted({g for g in gold if "+" not in g}),
                average="macro",
            ),
            4,
        ),
        "macro_f1_focus": round(
            f1_score(*zip(*on_focus, strict=True), labels=single, average="macro"), 4
        ),
        "accuracy": round(
            sum(g == p for g, p in zip(gold, guess, strict=True)) / len(gold), 4
        ),
        "multi_exact": round(sum(g == p for g, p in multi) / len(multi), 4)
        if multi
        else None,
        "multi_one_found": round(
            sum(bool(set(g.split("+")) & set(p.split("+"))) for g, p in multi)
            / len(multi),
            4,
        )
        if multi
        else None,
        "pair_kinds": len({g for g, _ in multi}),
        # a message that is no objection never gets objection advice
        "no_advice_for_others": round(
            sum(
                not p.startswith("objection_") and not parse.get(OBJECTIONS_KEY)
                for _, p, parse in others
            )
            / len(others),
            4,
        )
        if others and name == "nlu"
        else None,
        "asks_instead": round(
            sum(p["intent"]["name"] == FALLBACK for p in parses) / len(parses), 4
        ),
        "labels": single,
        "confusion": matrix.tolist(),
        "errors": Counter(
            f"{g} -> {p}" for g, p in zip(gold, guess, strict=True) if g != p
        ).most_common(12),
    }


RECALLED_MOVES = ("move_pressure", "move_explore")


def read_in_rehearsal(
    examples: List[Example], parses: List[Dict], lang: str
) -> Dict[str, float]:
    """Recall of the moves that matter most, as a rehearsal turn reads them (the
    classifier's moves plus the open-question rule of overstag.rehearsal.turns)."""
    from overstag.rehearsal.turns import moves_in

    recall = {}
    for move in RECALLED_MOVES:
        hits = [
            move in moves_in({**parse, "text": text}, lang)
            for (text, gold), parse in zip(examples, parses, strict=True)
            if move in gold.split("+")
        ]
        recall[move] = round(sum(hits) / len(hits), 4) if hits else None
    return recall


def evaluate(
    model: str, languages: Sequence[str] = ("en", "nl"), name: str = "nlu"
) -> Dict[str, Dict]:
    results = {}
    for lang in languages:
        examples = heldout_examples(lang, name=name)
        parses = predict(model, [t for t, _ in examples])
        results[lang] = score(examples, parses, name)
        if name == "moves":
            results[lang]["recall_in_rehearsal"] = read_in_rehearsal(
                examples, parses, lang
            )
    return results


def tfidf_baseline(
    languages: Sequence[str] = ("en", "nl"), name: str = "nlu"
) -> Dict[str, Dict]:
    """Plain TF-IDF (word 1-2 and char 2-5 n-grams) + logistic regression, same
    training data."""
    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    training = load_data(str(settings.ROOT / "data" / "nlu")).intent_examples
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
    )
    model = make_pipeline(features, LogisticRegression(C=20, max_iter=3000))
    model.fit(
        [m.get("text") for m in training], [m.get_full_intent() for m in training]
    )
    results = {}
    for lang in languages:
        examples = heldout_examples(lang, name=name)
        guesses = model.predict([t for t, _ in examples])
        parses = [
            {"intent": {"name": g}, "intent_ranking": [{"name": g}]} for g in guesses
        ]
        results[lang] = score(examples, parses, name)
    return results


def summary(named: Dict[str, Dict[str, Dict]]) -> str:
    lines = [
        "",
        "held-out                   macro-F1 all (en / nl)  single objections "
        "(en / nl)  several, all found (en / nl)",
    ]
    for name, results in named.items():
        if "moves" in name:
            continue
        en, nl = results["en"], results["nl"]
        lines.append(
            f"{name:<26} {en['macro_f1_all']:.3f} / {nl['macro_f1_all']:.3f}"
            f"          {en['macro_f1_focus']:.3f} / {nl['macro_f1_focus']:.3f}"
            f"                 {en['multi_exact'] or 0:.3f} / "
            f"{nl['multi_exact'] or 0:.3f}"
        )
    return "\n".join(lines)


def _short(label: str) -> str:
    return (
        label.replace("objection_", "")
        .replace("move_offer_", "")
        .replace("move_", "")[:8]
    )


def report(name: str, results: Dict[str, Dict], focus: str = "objections") -> str:
    lines = [f"== {name} =="]
    for lang, r in results.items():
        lines.append(
            f"[{lang}] n={r['examples']}  "
            f"macro-F1 all intents {r['macro_f1_all']:.3f}  "
            f"{focus} {r['macro_f1_focus']:.3f}  accuracy {r['accuracy']:.3f}  "
            f"several concerns ({r['pair_kinds']} kinds): all exactly "
            f"{r['multi_exact'] or 0:.3f}, at least one "
            f"{r['multi_one_found'] or 0:.3f}  "
            + (
                f"no objection advice for other messages "
                f"{r['no_advice_for_others']:.3f}  "
                if r["no_advice_for_others"] is not None
                else ""
            )
            + f"would ask first {r['asks_instead']:.3f}"
        )
        if r.get("recall_in_rehearsal"):
            lines.append(
                "  recall as a rehearsal reads the moves: "
                + ", ".join(
                    f"{_short(move)} {value:.3f}"
                    for move, value in r["recall_in_rehearsal"].items()
                    if value is not None
                )
            )
        header = " " * 10 + " ".join(f"{_short(label):>8}" for label in r["labels"])
        lines.append(header)
        for label, row in zip(r["labels"], r["confusion"], strict=True):
            lines.append(f"{_short(label):>9} " + " ".join(f"{n:>8}" for n in row))
        if r["errors"]:
            lines.append(
                "  most frequent errors: "
                + "; ".join(f"{e} x{n}" for e, n in r["errors"][:6])
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--model", default=str(settings.ROOT / "models" / "overstag.tar.gz")
    )
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--untuned", help="also score this model (the rasa init config, bench/)"
    )
    parser.add_argument(
        "--tfidf", action="store_true", help="also score a TF-IDF + LR baseline"
    )
    args = parser.parse_args()
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.disable(logging.WARNING)
    named = {"Overstag": evaluate(args.model)}
    print(report("Overstag: what candidates say", named["Overstag"]))
    if (HELDOUT / "moves_en.yml").exists():
        moves = evaluate(args.model, name="moves")
        print(report("Overstag: interviewer moves in rehearsal", moves, focus="moves"))
        named["Overstag (rehearsal moves)"] = moves
    if args.untuned:
        named["untuned rasa init"] = evaluate(args.untuned)
    if args.tfidf:
        named["TF-IDF + LR baseline"] = tfidf_baseline()
    if len(named) > 1:
        print(summary(named))
    if args.json:
        Path(args.json).write_text(json.dumps(named, indent=2))


if __name__ == "__main__":
    main()
