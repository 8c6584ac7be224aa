"""A linear classifier over sentence vectors: which intent or FAQ topic is this?

Trained on the NLU training examples (one label per example: the intent, or
`faq/<topic>` for questions), it gives a probability for every label from
meaning alone. DIET reads the words; this reads the sense; the decision
(`bot.understanding.decision`) weighs both.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

FILE_NAME = "sentence_classifier.npz"


@dataclass(frozen=True)
class SentenceClassifier:
    labels: tuple[str, ...]
    weights: np.ndarray  # (labels, dimensions)
    bias: np.ndarray  # (labels,)
    examples: np.ndarray  # (examples, dimensions), the training vectors
    example_labels: np.ndarray  # (examples,), index into labels

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: Sequence[str], strength: float = 20.0,
            seed: int = 1) -> "SentenceClassifier":
        """Multinomial logistic regression (scikit-learn), `strength` = 1/regularisation."""
        from sklearn.linear_model import LogisticRegression

        names = tuple(sorted(set(labels)))
        if len(names) < 2:
            raise ValueError("the sentence classifier needs examples of at least two labels")
        model = LogisticRegression(C=strength, max_iter=5000, random_state=seed)
        model.fit(vectors, list(labels))
        coef, intercept = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # scikit-learn keeps one row for two labels: softmax of (-z/2, z/2)
            coef, intercept = np.vstack([-coef / 2, coef / 2]), np.concatenate([-intercept / 2, intercept / 2])
        order = [list(model.classes_).index(name) for name in names]
        index = {name: i for i, name in enumerate(names)}
        return cls(names, coef[order].astype(np.float32), intercept[order].astype(np.float32),
                   vectors.astype(np.float16), np.array([index[name] for name in labels], dtype=np.int16))

    def probabilities(self, vector: np.ndarray) -> dict[str, float]:
        scores = self.weights @ vector + self.bias
        scores = np.exp(scores - scores.max())
        scores /= scores.sum()
        return {label: float(p) for label, p in zip(self.labels, scores)}

    def nearest(self, vector: np.ndarray) -> tuple[str, float]:
        """The closest training example's label and its cosine similarity."""
        similarities = self.examples.astype(np.float32) @ vector
        best = int(similarities.argmax())
        return self.labels[int(self.example_labels[best])], float(similarities[best])

    def save(self, directory: Path) -> None:
        np.savez_compressed(Path(directory) / FILE_NAME, labels=np.array(self.labels), weights=self.weights,
                            bias=self.bias, examples=self.examples, example_labels=self.example_labels)

    @classmethod
    def load(cls, directory: Path) -> "SentenceClassifier":
        with np.load(Path(directory) / FILE_NAME, allow_pickle=False) as data:
            return cls(tuple(str(label) for label in data["labels"]), data["weights"], data["bias"],
                       data["examples"], data["example_labels"])
