"""The Rasa server as Overstag runs it: `python -m overstag.serve run <rasa run options>`.

Before Rasa loads, what the model does not need is kept out of the process:
TensorFlow, when no component of the model uses it (overstag/tensorflow_stub.py:
about 330 MB and 3 s of start-up), and JAX, which TensorFlow's TFLite helpers
import whenever it is installed (about 65 MB; TensorFlow treats it as optional).
`overstag.speedups` replaces Rasa's per-reply schema rebuild. The launcher runs
plain `python -m rasa` instead when OVERSTAG_STOCK_RASA=1 (the benchmark's baseline).
"""
from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path
from typing import List, Optional, Set


def model_archive(argv: List[str]) -> Optional[Path]:
    """The archive `rasa run --model` will load: the file, or the newest in the folder."""
    path = Path(argv[argv.index("--model") + 1]) if "--model" in argv[:-1] else Path("models")
    if path.is_dir():
        archives = sorted(path.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        return archives[-1] if archives else None
    return path if path.is_file() else None


def model_components(archive: Path) -> Optional[Set[str]]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = next((m for m in tar if m.name.lstrip("./") == "metadata.json"), None)
            metadata = json.load(tar.extractfile(member)) if member else None
    except (OSError, tarfile.TarError, ValueError):
        return None
    if not metadata:
        return None
    return {node["uses"] for schema in ("train_schema", "predict_schema")
            for node in metadata.get(schema, {}).get("nodes", {}).values()}


def main(argv: Optional[List[str]] = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    from overstag import tensorflow_stub

    archive = model_archive(args)
    components = model_components(archive) if archive else None
    if components and not tensorflow_stub.needs_tensorflow(components):
        tensorflow_stub.install()
    # None in sys.modules makes `import jax` raise ImportError, which TensorFlow catches
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]
    from overstag import speedups

    speedups.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
