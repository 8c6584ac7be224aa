"""The sentence encoder: all-MiniLM-L6-v2, run by ONNX Runtime.

A message becomes one 384-number vector whose direction carries its meaning,
so that paraphrases, typos and context land near each other ("how long does
it take to grow the cells" near "manufacturing time"). The weights come from
a pinned PyPI wheel (`encoder.lock.json`) and are converted to ONNX once, at
set-up, by `python -m bot.understanding.build`; nothing is fetched at run time.

At run time only `tokenizers` (the WordPiece tokenizer of the model) and
`onnxruntime` are needed: no TensorFlow, no torch. `make bench` compares this
with the other ways of running the same weights.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np

DIMENSIONS = 384
# The model was trained on up to 256 word pieces; longer messages are cut there.
MAX_TOKENS = 256
ONNX_FILE = "encoder.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "manifest.json"
ENCODER_FILES = (ONNX_FILE, TOKENIZER_FILE, MANIFEST_FILE)


class EncoderMissing(RuntimeError):
    """The converted encoder is not where it should be (run `make model`)."""


class SentenceEncoder:
    """Encodes texts into L2-normalised mean-pooled MiniLM sentence vectors."""

    def __init__(self, model_dir: Path, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        missing = [name for name in ENCODER_FILES if not (model_dir / name).is_file()]
        if missing:
            raise EncoderMissing(
                f"sentence encoder files missing in {model_dir}: {', '.join(missing)}; "
                "run `make model` (python -m bot.understanding.build)")
        self.manifest = json.loads((model_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
        self._tokenizer = Tokenizer.from_file(str(model_dir / TOKENIZER_FILE))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, int(threads))
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(model_dir / ONNX_FILE), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """One row per text, float32, each of length 1 (an empty text gives zeros)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        encodings = self._tokenizer.encode_batch([text or "" for text in texts])
        # Similar lengths together: less padding, same results.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for begin in range(0, len(order), batch_size):
            rows = order[begin:begin + batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int32)
            mask = np.zeros((len(rows), width), dtype=np.int32)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            vectors = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            out[rows] = vectors
        empty = [i for i, text in enumerate(texts) if not (text or "").strip()]
        out[empty] = 0.0
        return out

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]
