"""The in-memory 1:N gallery: a preallocated float32 matrix of unit templates.

Small galleries (up to ``exact_below_rows`` templates) are searched by brute force: one
matrix-vector product plus ``argpartition``. A member holds at most ``max_per_member``
rows, so the top ``max_per_member + 1`` rows always contain the best row of the best
member and of the second-best member.

Large galleries are searched in two stages, because a 100,000 x 512 float32 product
reads 200 MB per probe and is memory-bound (~30-40 ms on the kiosk CPU):

1. **Shortlist**: every template is also kept projected onto a fixed, seeded orthonormal
   basis of ``shortlist_dim`` (128) directions (a quarter of the bytes). The probe's
   projected scores pick the ``shortlist_size`` best rows.
2. **Exact**: the float32 cosine of the full templates on those rows only; best member
   and best other member are chosen from these exact scores, so every reported score is
   exact. The projection is fixed (seed), so adding a member projects only its rows.

The shortlist is statistical (a random projection to 128 dims estimates a cosine with a
standard error of about 0.09). So that near-ties are decided on exact scores, when the
best exact score is at least ``exact_floor`` every row whose estimate is within
``tie_horizon + guard`` of it is scored exactly too (at most ``widen_cap`` rows); when
the shortlist holds only one member the whole gallery is scanned. ``stats()`` counts
the paths taken. Every reported score is an exact cosine of a real template.
"""

from __future__ import annotations

import threading
from typing import Any, Iterable

import numpy as np
import numpy.typing as npt

from terminal.ports.face import GalleryMatch

DIM = 512
PROJECTION_SEED = 20250611


def orthonormal_projection(dim: int, out_dim: int, seed: int = PROJECTION_SEED) -> np.ndarray:
    """A fixed ``dim x out_dim`` matrix with orthonormal columns, scaled so projected
    inner products estimate the full cosine (``dim / out_dim`` times the subspace's)."""
    gauss = np.random.default_rng(seed).standard_normal((dim, out_dim))
    basis, _ = np.linalg.qr(gauss)
    return np.ascontiguousarray(basis * np.sqrt(dim / out_dim), dtype=np.float32)


class TemplateGallery:
    """Implements ``terminal.ports.face.FaceGallery``; thread-safe."""

    def __init__(self, template_version: str, *, capacity: int = 1024, dim: int = DIM,
                 exact_below_rows: int = 20_000, shortlist_dim: int = 128,
                 shortlist_size: int = 2048, exact_floor: float = 0.30,
                 tie_horizon: float = 0.20, guard: float = 0.20,
                 widen_cap: int = 8192) -> None:
        self.template_version = template_version
        self._dim = dim
        self._exact_below_rows = exact_below_rows
        self._shortlist_size = shortlist_size
        self._exact_floor = exact_floor
        self._tie_horizon = tie_horizon
        self._guard = guard
        self._widen_cap = widen_cap
        self._projection = orthonormal_projection(dim, shortlist_dim)
        capacity = max(capacity, 1)
        self._matrix = np.zeros((capacity, dim), dtype=np.float32)
        self._projected = np.zeros((capacity, shortlist_dim), dtype=np.float32)
        self._owner = np.zeros(capacity, dtype=np.int64)   # member number per row
        self._rows = 0
        self._member_numbers: dict[str, int] = {}
        self._member_ids: list[str | None] = []
        self._row_counts: dict[int, int] = {}
        self._max_rows = 0           # most rows any one member has (sets the top-k)
        self._searches = {"exact": 0, "two_stage": 0, "widened": 0, "full_rescan": 0}
        self._lock = threading.Lock()

    def add_member(self, member_id: str, templates: Iterable[npt.ArrayLike], version: str) -> None:
        """Add a member's templates (replacing any it had). Vectors are re-normalised."""
        if version != self.template_version:
            raise ValueError(f"template version {version} does not match the gallery's "
                             f"{self.template_version}")
        block = np.asarray([np.asarray(t, dtype=np.float32).reshape(-1) for t in templates],
                           dtype=np.float32)
        if block.ndim != 2 or block.shape[1] != self._dim or len(block) == 0:
            raise ValueError(f"templates must be a non-empty list of {self._dim}-d vectors")
        block /= np.maximum(np.linalg.norm(block, axis=1, keepdims=True), 1e-12)
        projected = block @ self._projection
        with self._lock:
            self._remove_locked(member_id)
            number = len(self._member_ids)
            self._member_ids.append(member_id)
            self._member_numbers[member_id] = number
            self._ensure_capacity(self._rows + len(block))
            rows = slice(self._rows, self._rows + len(block))
            self._matrix[rows] = block
            self._projected[rows] = projected
            self._owner[rows] = number
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

    def stats(self) -> dict[str, int]:
        """How many searches ran exact, two-stage, and two-stage with a full rescan."""
        with self._lock:
            return dict(self._searches)

    def identify(self, embedding: npt.ArrayLike) -> GalleryMatch:
        """Best member and the best score of any other member (cosine similarity)."""
        probe = np.asarray(embedding, dtype=np.float32).reshape(-1)
        probe = probe / max(float(np.linalg.norm(probe)), 1e-12)
        with self._lock:
            n = self._rows
            if n == 0:
                return GalleryMatch(None, -1.0, -1.0, self.template_version)
            if n <= max(self._exact_below_rows, self._shortlist_size):
                self._searches["exact"] += 1
                return self._exact_locked(probe)
            self._searches["two_stage"] += 1
            approx = self._projected[:n] @ (probe @ self._projection)
            rows = self._shortlist(approx)
            best, best_score, second = self._rescore(rows, probe)
            if best_score >= self._exact_floor:
                # Every row whose exact score could lie within the horizon of the best
                # must be scored exactly: widen to all rows whose estimate is that close.
                cut = best_score - self._tie_horizon - self._guard
                if cut < float(approx[rows].min()):
                    rows = np.flatnonzero(approx >= cut)
                    if len(rows) > self._widen_cap:     # keep the cost bounded
                        keep = np.argpartition(approx[rows], len(rows) - self._widen_cap)
                        rows = rows[keep[len(rows) - self._widen_cap:]]
                    self._searches["widened"] += 1
                    best, best_score, second = self._rescore(rows, probe)
            if second == -1.0 and len(self._member_numbers) > 1:
                self._searches["full_rescan"] += 1
                return self._exact_locked(probe)
            return GalleryMatch(self._member_ids[best], best_score, second,
                                self.template_version)

    def _shortlist(self, approx: np.ndarray) -> np.ndarray:
        """About ``shortlist_size`` rows with the highest estimates. A threshold taken
        from every 16th estimate and one comparison pass is several times cheaper than
        ``argpartition`` over 100,000 values; a short result falls back to it."""
        n, k = len(approx), self._shortlist_size
        sample = approx[::16]
        rank = min(len(sample) - 1, k // 16)
        threshold = np.partition(sample, len(sample) - 1 - rank)[len(sample) - 1 - rank]
        rows = np.flatnonzero(approx >= threshold)
        if len(rows) < k // 2 or len(rows) > 4 * k:
            rows = np.argpartition(approx, n - k)[n - k:]
        return rows

    def _rescore(self, rows: np.ndarray, probe: np.ndarray) -> tuple[int, float, float]:
        scores = self._matrix[rows] @ probe
        order = np.argsort(scores)[::-1]
        return self._top_two(rows[order], scores[order])

    def _exact_locked(self, probe: np.ndarray) -> GalleryMatch:
        n = self._rows
        scores = self._matrix[:n] @ probe
        k = min(n, self._max_rows + 1)
        top = np.argpartition(scores, n - k)[n - k:] if k < n else np.arange(n)
        top = top[np.argsort(scores[top])[::-1]]
        best, best_score, second = self._top_two(top, scores[top])
        return GalleryMatch(self._member_ids[best], best_score, second, self.template_version)

    def _top_two(self, rows: np.ndarray, scores: np.ndarray) -> tuple[int, float, float]:
        """(best member number, its score, best other member's score or -1) from rows
        sorted by descending exact score."""
        owners = self._owner[rows]
        best = int(owners[0])
        others = np.flatnonzero(owners != best)
        second = float(scores[others[0]]) if len(others) else -1.0
        return best, float(scores[0]), second

    def _ensure_capacity(self, rows: int) -> None:
        if rows <= len(self._matrix):
            return
        size = max(rows, 2 * len(self._matrix))
        grown: list[Any] = []     # three arrays, each keeping its own shape and dtype
        for old in (self._matrix, self._projected, self._owner):
            new = np.zeros((size,) + old.shape[1:], dtype=old.dtype)
            new[:self._rows] = old[:self._rows]
            grown.append(new)
        self._matrix, self._projected, self._owner = grown

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
                self._projected[hole] = self._projected[last]
                self._owner[hole] = self._owner[last]
            self._rows -= 1
        return len(holes)
