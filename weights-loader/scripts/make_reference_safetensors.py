"""Writes src/test/resources/fixtures/reference.safetensors with the reference safetensors
library (pip package `safetensors`, numpy backend), so that the Java reader is tested against a
file it did not write itself. Values are simple formulas the test recomputes.

Run from weights-loader/: python3 scripts/make_reference_safetensors.py
"""
import numpy as np
from safetensors.numpy import save_file

tensors = {
    "linear.weight": (np.arange(12, dtype=np.float32).reshape(3, 4) * 0.5 - 1.0),
    "norm.bias": np.array([1.5, -2.25, 1e-3], dtype=np.float16),
    "position_ids": np.arange(5, dtype=np.int64).reshape(1, 5),
    "scalar": np.array(3.25, dtype=np.float32),
}
save_file(tensors, "src/test/resources/fixtures/reference.safetensors", metadata={"format": "np", "origin": "zoft test"})
