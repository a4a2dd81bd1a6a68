"""The in-memory 1:N gallery: a preallocated float32 matrix of unit templates.

Search is one matrix-vector product plus ``argpartition``: a member holds at most
``max_per_member`` rows, so the top ``max_per_member + 1`` rows always contain the best
row of the best member and of the second-best member. Members are added and removed
incrementally (removal moves the last rows into the holes), so the gallery is loaded
from the store once at start-up and never rebuilt.
"""

from __future__ import annotations

import threading
from typing import Iterable

import numpy as np

from terminal.ports.face import GalleryMatch

DIM = 512


class TemplateGallery:
    """Implements ``terminal.ports.face.FaceGallery``; thread-safe."""

    def __init__(self, template_version: str, *, capacity: int = 1024, dim: int = DIM) -> None:
        self.template_version = template_version
        self._dim = dim
        self._matrix = np.zeros((max(capacity, 1), dim), dtype=np.float32)
        self._owner = np.zeros(max(capacity, 1), dtype=np.int64)   # member number per row
        self._rows = 0
        self._member_numbers: dict[str, int] = {}
        self._member_ids: list[str | None] = []
        self._row_counts: dict[int, int] = {}
        self._max_rows = 0           # most rows any one member has (sets the top-k)
        self._lock = threading.Lock()

    def add_member(self, member_id: str, templates: Iterable, version: str) -> None:
        """Add a member's templates (replacing any it had). Vectors are re-normalised."""
        if version != self.template_version:
            raise ValueError(f"template version {version} does not match the gallery's "
                             f"{self.template_version}")
        block = np.asarray([np.asarray(t, dtype=np.float32).reshape(-1) for t in templates],
                           dtype=np.float32)
        if block.ndim != 2 or block.shape[1] != self._dim or len(block) == 0:
            raise ValueError(f"templates must be a non-empty list of {self._dim}-d vectors")
        block /= np.maximum(np.linalg.norm(block, axis=1, keepdims=True), 1e-12)
        with self._lock:
            self._remove_locked(member_id)
            number = len(self._member_ids)
            self._member_ids.append(member_id)
            self._member_numbers[member_id] = number
            self._ensure_capacity(self._rows + len(block))
            self._matrix[self._rows:self._rows + len(block)] = block
            self._owner[self._rows:self._rows + len(block)] = number
            self._rows += len(block)
            self._row_counts[number] = len(block)
            self._max_rows = max(self._max_rows, len(block))

    def remove_member(self, member_id: str) -> int:
        with self._lock:
            return self._remove_locked(member_id)

    def member_count(self) -> int:
        with self._lock:
            return len(self._member_numbers)

    def template_count(self) -> int:
        with self._lock:
            return self._rows

    def identify(self, embedding) -> GalleryMatch:
        """Best member and the best score of any other member (cosine similarity)."""
        probe = np.asarray(embedding, dtype=np.float32).reshape(-1)
        probe = probe / max(float(np.linalg.norm(probe)), 1e-12)
        with self._lock:
            n = self._rows
            if n == 0:
                return GalleryMatch(None, -1.0, -1.0, self.template_version)
            scores = self._matrix[:n] @ probe
            k = min(n, self._max_rows + 1)
            top = np.argpartition(scores, n - k)[n - k:] if k < n else np.arange(n)
            top = top[np.argsort(scores[top])[::-1]]
            best_owner = int(self._owner[top[0]])
            second = next((float(scores[i]) for i in top
                           if int(self._owner[i]) != best_owner), -1.0)
            return GalleryMatch(self._member_ids[best_owner], float(scores[top[0]]),
                                second, self.template_version)

    def _ensure_capacity(self, rows: int) -> None:
        if rows <= len(self._matrix):
            return
        size = max(rows, 2 * len(self._matrix))
        matrix = np.zeros((size, self._dim), dtype=np.float32)
        matrix[:self._rows] = self._matrix[:self._rows]
        owner = np.zeros(size, dtype=np.int64)
        owner[:self._rows] = self._owner[:self._rows]
        self._matrix, self._owner = matrix, owner

    def _remove_locked(self, member_id: str) -> int:
        number = self._member_numbers.pop(member_id, None)
        if number is None:
            return 0
        self._member_ids[number] = None
        if self._row_counts.pop(number, 0) == self._max_rows:
            self._max_rows = max(self._row_counts.values(), default=0)
        holes = np.flatnonzero(self._owner[:self._rows] == number)
        for hole in holes[::-1]:     # highest first, so the moved last row is never a hole
            last = self._rows - 1
            if hole != last:
                self._matrix[hole] = self._matrix[last]
                self._owner[hole] = self._owner[last]
            self._rows -= 1
        return len(holes)
