"""Gradient-boosted trees fitted with scikit-learn, scored with numpy.

Training uses scikit-learn's ``HistGradientBoostingClassifier``; what ships is its trees as plain
arrays in the weights file (no pickle: a pickle runs code when loaded and breaks across
scikit-learn versions). Scoring walks every tree at once, one level per step, so detection needs
neither scikit-learn nor PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FIELDS = ("feature", "threshold", "left", "right", "is_leaf", "missing_left", "value")


@dataclass(frozen=True)
class TreeEnsemble:
    """A binary classifier's trees, padded to one node count: ``(n_trees, max_nodes)`` per field."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    is_leaf: np.ndarray
    missing_left: np.ndarray
    value: np.ndarray
    baseline: float
    n_features: int

    @classmethod
    def from_sklearn(cls, model) -> TreeEnsemble:
        """From a fitted binary ``HistGradientBoostingClassifier`` (numeric features only)."""
        trees = [predictors[0].nodes for predictors in model._predictors]
        width = max(len(nodes) for nodes in trees)

        def field(name: str, dtype) -> np.ndarray:
            out = np.zeros((len(trees), width), dtype)
            for i, nodes in enumerate(trees):
                out[i, : len(nodes)] = nodes[name]
            return out

        return cls(
            feature=field("feature_idx", np.int32),
            threshold=field("num_threshold", np.float64),
            left=field("left", np.int32),
            right=field("right", np.int32),
            is_leaf=field("is_leaf", np.bool_),
            missing_left=field("missing_go_to_left", np.bool_),
            value=field("value", np.float64),
            baseline=float(np.ravel(model._baseline_prediction)[0]),
            n_features=int(model.n_features_in_),
        )

    def probability(self, features: np.ndarray) -> np.ndarray:
        """P(positive) for each row of ``features`` (n_rows, n_features)."""
        features = np.asarray(features, np.float64)
        if features.ndim != 2 or features.shape[1] != self.n_features:
            raise ValueError(f"expected (rows, {self.n_features}) features, got {features.shape}")
        n_rows, n_trees = len(features), len(self.feature)
        trees = np.arange(n_trees)[None, :]
        node = np.zeros((n_rows, n_trees), np.int64)
        rows = np.arange(n_rows)[:, None]
        for _ in range(self.feature.shape[1]):  # no tree is deeper than its node count
            leaf = self.is_leaf[trees, node]
            if leaf.all():
                break
            x = features[rows, self.feature[trees, node]]
            go_left = np.where(np.isnan(x), self.missing_left[trees, node], x <= self.threshold[trees, node])
            step = np.where(go_left, self.left[trees, node], self.right[trees, node])
            node = np.where(leaf, node, step)
        raw = self.baseline + self.value[trees, node].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        out = {f"{prefix}{name}": getattr(self, name) for name in FIELDS}
        # only the leaves' values count (in float32: ample for a sum of a few hundred of them);
        # the others are stored as zeros, which compress away
        out[f"{prefix}value"] = np.where(self.is_leaf, self.value, 0.0).astype(np.float32)
        out[f"{prefix}shape"] = np.array([self.baseline, self.n_features], np.float64)
        return out

    @classmethod
    def from_arrays(cls, data, prefix: str) -> TreeEnsemble:
        baseline, n_features = data[f"{prefix}shape"]
        return cls(**{name: np.asarray(data[f"{prefix}{name}"]) for name in FIELDS[:-1]},
                   value=np.asarray(data[f"{prefix}value"], np.float64),
                   baseline=float(baseline), n_features=int(n_features))  # fmt: skip
