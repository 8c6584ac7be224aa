"""Red flags by meaning, for what the rules have no words for.

Two readers of the MiniLM sentence vector the assistant computes for every
message anyway (`bot.understanding`):

- **examples** (`examples.yml`): cosine similarity to each category's
  examples, against calm examples; a category counts at `THRESHOLD` when it
  is also `MARGIN` closer than any calm example;
- **a classifier** (`training.jsonl` with the examples): multinomial logistic
  regression over the vectors, trained with the model; a category counts
  when its probability is at least `CLASSIFIER_THRESHOLD`.

`best(vector)` names the strongest reading or None. The detector uses it only
where the rules found nothing and no word of the message negates anything,
and then reads time, person and intent strictly (`bot.safety.context`).

The classifier also learns the assistant's own training examples of every
other intent (greetings, FAQ questions, intake answers) as ordinary messages,
and the meaning is not read at all in messages of fewer than `MIN_WORDS`
words. `training.jsonl` was written by two helper sessions that had seen neither
the patterns nor the evaluation sets (tests/safety): 900 emergencies (60 per
category) and 600 ordinary messages that share their words, in many voices.
A later session added 49 suicidal statements in the indirect forms the rules
cannot list (a score of zero for wanting to live, a goodbye, a plan inside a
question about parking) and 30 ordinary messages that share their words (safe
doses, a recovered past episode, figures of speech), in its own words.
A third helper session, that had seen neither the patterns nor any set, wrote
400 more (2026-12-06): 220 suicidal statements (plans, means, passive wishes,
goodbyes, inside practical questions, in many Englishes) and 180 ordinary
messages sharing their words (sign-offs, "I'd die for my kids", safe doses,
wishes about where to die when the time comes).
The thresholds were set on the development sets of tests/safety for recall
with few false alarms; `make bench` prints the figures.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
EXAMPLES_FILE = HERE / "examples.yml"
TRAINING_FILE = HERE / "training.jsonl"
STORED_FILE = "red_flag_meaning.npz"
NONE = "none"
THRESHOLD = 0.55
MARGIN = 0.05
CLASSIFIER_THRESHOLD = 0.5
CLASSIFIER_STRENGTH = 32.0
# Shorter messages ("hello", "stop", "ok sir") carry too little meaning to act on.
MIN_WORDS = 4
# Intents of the assistant's own training data that are red flags; every other
# example is an ordinary message the classifier must leave alone.
RED_FLAG_INTENTS = ("emergency", "self_harm")


def load_examples(path: Path = EXAMPLES_FILE) -> tuple[list[str], list[str], list[str]]:
    """(texts, their categories, calm texts)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts, labels = [], []
    for category, examples in (data.get("categories") or {}).items():
        for example in examples:
            texts.append(example)
            labels.append(category)
    return texts, labels, list(data.get("calm") or [])


def load_training(path: Path = TRAINING_FILE) -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["text"] for row in rows], [row["label"] for row in rows]


def _normalised(vector) -> Optional[np.ndarray]:
    v = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(v))
    return None if norm == 0.0 else v / norm


@dataclass
class SemanticBank:
    vectors: np.ndarray  # one normalised row per category example
    labels: list[str]
    calm: np.ndarray
    weights: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    bias: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    classes: list[str] = field(default_factory=list)
    threshold: float = THRESHOLD
    margin: float = MARGIN
    classifier_threshold: float = CLASSIFIER_THRESHOLD

    @classmethod
    def build(cls, encode: Callable[[Sequence[str]], np.ndarray], examples: Path = EXAMPLES_FILE,
              training: Optional[Path] = TRAINING_FILE, ordinary: Sequence[str] = (),
              seed: int = 1) -> "SemanticBank":
        """`ordinary`: messages known not to be red flags (the assistant's other training examples)."""
        texts, labels, calm = load_examples(examples)
        vectors = np.asarray(encode(texts), dtype=np.float32)
        calm_vectors = np.asarray(encode(calm), dtype=np.float32)
        bank = cls(vectors, labels, calm_vectors)
        if training is not None and training.exists():
            from sklearn.linear_model import LogisticRegression

            train_texts, train_labels = load_training(training)
            train_texts, train_labels = train_texts + list(ordinary), train_labels + [NONE] * len(ordinary)
            x = np.vstack([np.asarray(encode(train_texts), dtype=np.float32), vectors, calm_vectors])
            y = train_labels + labels + [NONE] * len(calm)
            model = LogisticRegression(C=CLASSIFIER_STRENGTH, max_iter=3000, random_state=seed).fit(x, y)
            bank.weights = model.coef_.astype(np.float32)
            bank.bias = model.intercept_.astype(np.float32)
            bank.classes = [str(c) for c in model.classes_]
        return bank

    def save(self, directory: Path) -> None:
        np.savez(Path(directory) / STORED_FILE, vectors=self.vectors, calm=self.calm,
                 labels=np.array(self.labels), weights=self.weights, bias=self.bias,
                 classes=np.array(self.classes),
                 settings=np.array([self.threshold, self.margin, self.classifier_threshold]))

    @classmethod
    def load(cls, directory: Path) -> "SemanticBank":
        data = np.load(Path(directory) / STORED_FILE)
        threshold, margin, classifier_threshold = (float(x) for x in data["settings"])
        return cls(data["vectors"], [str(x) for x in data["labels"]], data["calm"], data["weights"], data["bias"],
                   [str(x) for x in data["classes"]], threshold, margin, classifier_threshold)

    def scores(self, vector) -> tuple[dict[str, float], float]:
        """Highest example similarity per category, and to any calm example."""
        v = _normalised(vector)
        if v is None:
            return {}, 0.0
        best: dict[str, float] = {}
        for label, similarity in zip(self.labels, self.vectors @ v):
            best[label] = max(best.get(label, -1.0), float(similarity))
        calm = float(np.max(self.calm @ v)) if len(self.calm) else 0.0
        return best, calm

    def probabilities(self, vector) -> dict[str, float]:
        """The classifier's probability of each category (and of "none")."""
        if not self.classes:
            return {}
        v = np.asarray(vector, dtype=np.float32)
        logits = self.weights @ v + self.bias
        logits = np.exp(logits - logits.max())
        return dict(zip(self.classes, (logits / logits.sum()).tolist()))

    def best(self, vector) -> Optional[tuple[str, float]]:
        """The category the meaning points to, with its score; None when neither reader is sure."""
        if _normalised(vector) is None:
            return None
        found: list[tuple[float, str]] = []
        scores, calm = self.scores(vector)
        if scores:
            label, score = max(scores.items(), key=lambda item: item[1])
            if score >= self.threshold and score - calm >= self.margin:
                found.append((score, label))
        probabilities = {k: p for k, p in self.probabilities(vector).items() if k != NONE}
        if probabilities:
            label, p = max(probabilities.items(), key=lambda item: item[1])
            if p >= self.classifier_threshold:
                found.append((p, label))
        if not found:
            return None
        score, label = max(found)
        return label, score
