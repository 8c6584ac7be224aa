"""Train the Rasa model only when what it is built from has changed.

The model's inputs (config, domain, training data, custom NLU components and
the code they call, the pinned dependencies) are hashed by content; the hash
of the inputs of the current model sits beside it. Same hash: reuse the model.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "cik.tar.gz"
STAMP = ROOT / "models" / "cik.inputs.sha256"
INPUT_FILES = ["config.yml", "domain.yml"]
# Packages whose version changes what the model is (others do not retrain it).
MODEL_PACKAGES = ("rasa", "rasa-sdk", "spacy", "tensorflow", "numpy", "scikit-learn", "onnxruntime",
                  "tokenizers", "rapidfuzz")
INPUT_DIRS = ["data", "components", "bot/safety", "bot/nlp", "bot/understanding"]
# The converted sentence encoder the model is trained with (its hashes).
ENCODER_MANIFEST = Path("models") / "encoder" / "manifest.json"


def inputs_digest(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    paths = [root / name for name in INPUT_FILES]
    for folder in INPUT_DIRS:
        base = root / folder
        if base.is_dir():
            paths += [p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    paths.append(root / ENCODER_MANIFEST)
    lock = root / "requirements.lock"
    if lock.exists():
        pins = [line for line in lock.read_text().splitlines()
                if line.split("==")[0].lower() in MODEL_PACKAGES]
        digest.update("\n".join(sorted(pins)).encode())
    for path in sorted(set(paths)):
        if path.exists():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def main() -> int:
    current = inputs_digest()
    if MODEL.exists() and STAMP.exists() and STAMP.read_text().strip() == current:
        print(f"Model {MODEL.relative_to(ROOT)} is up to date; not training.")
        return 0
    print("Training the model (data, domain, config or components changed)...", flush=True)
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--fixed-model-name", "cik",
         "--out", "models", "--augmentation", "0", "--force"],
        cwd=ROOT, env=env,
    )
    if result.returncode != 0:
        return result.returncode
    STAMP.write_text(current + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
