"""A stand-in for TensorFlow in a server whose model uses no TensorFlow component.

Rasa 3.6 imports TensorFlow (about 330 MB and 3 s) from modules that every
server loads, such as the policy base class and the component registry, even
when the model only has Overstag's scikit-learn classifier and the rule policy.
`overstag.serve` installs this stand-in only after checking that every component
of the model is on TF_FREE below, so a model that does need TensorFlow gets the
real one. The stand-in satisfies import-time use (base classes, decorators,
constants, annotations); any real use gets inert placeholders, which is why
it is never installed for training or for other models.
"""

from __future__ import annotations

import abc
import importlib.abc
import importlib.machinery
import json
import sys
import tarfile
import types
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set

# modules whose components run without TensorFlow (prefixes of "uses" in a model's
# graph)
TF_FREE = (
    "overstag.",
    "rasa.graph_components.",
    "rasa.core.policies.ensemble.",
    "rasa.core.policies.rule_policy.",
    "rasa.core.policies.memoization.",
    "rasa.nlu.classifiers.fallback_classifier.",
    "rasa.nlu.classifiers.regex_message_handler.",
    "rasa.nlu.classifiers.keyword_intent_classifier.",
    "rasa.nlu.featurizers.sparse_featurizer.",
    "rasa.nlu.tokenizers.whitespace_tokenizer.",
    "rasa.nlu.extractors.entity_synonyms.",
    "rasa.nlu.extractors.regex_entity_extractor.",
)


class _Placeholder(abc.ABCMeta):
    """Any attribute of a placeholder is another placeholder. Calling one with a single
    function returns the function (decorators keep working); any other call returns the
    placeholder itself. Classes built on a placeholder (Rasa's Keras models) stay
    ordinary classes."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _placeholder(f"{cls.__name__}.{name}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if not cls.__dict__.get("_stand_in"):
            return super().__call__(*args, **kwargs)
        if (
            len(args) == 1
            and not kwargs
            and callable(args[0])
            and not isinstance(args[0], _Placeholder)
        ):
            return args[0]
        return cls

    def __iter__(cls) -> Any:
        return iter(())

    def __len__(cls) -> int:
        return 0

    def __bool__(cls) -> bool:
        return False

    def __or__(cls, other: Any) -> Any:  # `tf.Tensor | None` in annotations
        return cls

    __ror__ = __or__

    def __getitem__(cls, item: Any) -> Any:
        return cls


class _Base(metaclass=_Placeholder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass


_PLACEHOLDERS: Dict[str, type] = {}


def _placeholder(name: str) -> type:
    if name not in _PLACEHOLDERS:
        _PLACEHOLDERS[name] = _Placeholder(name, (_Base,), {"_stand_in": True})
    return _PLACEHOLDERS[name]


class _PlaceholderModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return sys.modules.get(f"{self.__name__}.{name}") or _placeholder(
            f"{self.__name__}.{name}"
        )


STUBBED = (
    "tensorflow",
    "tensorflow_addons",
    "tensorflow_text",
    "tensorflow_hub",
    "tensorflow_probability",
    "tensorflow_io_gcs_filesystem",
    "keras",
    "tf_keras",
)


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname.split(".")[0] in STUBBED:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec: Any) -> types.ModuleType:
        module = _PlaceholderModule(spec.name)
        module.__path__ = []
        module.__version__ = "2.12.0"  # the release Rasa 3.6 pins; version checks pass
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


def needs_tensorflow(components: Iterable[str]) -> bool:
    return any(not name.startswith(TF_FREE) for name in components)


def install() -> None:
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def model_archive(argv: List[str]) -> Optional[Path]:
    """The archive `rasa run --model` loads: that file, or the newest in that folder."""
    path = (
        Path(argv[argv.index("--model") + 1])
        if "--model" in argv[:-1]
        else Path("models")
    )
    if path.is_dir():
        archives = sorted(path.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        return archives[-1] if archives else None
    return path if path.is_file() else None


def model_components(archive: Path) -> Optional[Set[str]]:
    """The dotted paths of a model's components, from the archive's metadata.json."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = next(
                (m for m in tar if m.name.lstrip("./") == "metadata.json"), None
            )
            metadata = json.load(tar.extractfile(member)) if member else None
    except (OSError, tarfile.TarError, ValueError):
        return None
    if not metadata:
        return None
    return {
        node["uses"]
        for schema in ("train_schema", "predict_schema")
        for node in metadata.get(schema, {}).get("nodes", {}).values()
    }
