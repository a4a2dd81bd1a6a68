"""ArcFace 5-point alignment to the 112x112 template.

Same result as ``insightface.utils.face_align.norm_crop`` (a least-squares similarity
transform, Umeyama), written out because insightface's version calls a scikit-image API
that now warns on every call.
"""

from __future__ import annotations

import cv2
import numpy as np

ARCFACE_TEMPLATE = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                             [41.5493, 92.3655], [70.7299, 92.2041]], dtype=np.float64)


def similarity_transform(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """2x3 matrix of the rotation+scale+translation mapping ``src`` onto ``dst``."""
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    src_mean, dst_mean = src.mean(axis=0), dst.mean(axis=0)
    src_c, dst_c = src - src_mean, dst - dst_mean
    cov = dst_c.T @ src_c / len(src)
    u, s, vt = np.linalg.svd(cov)
    d = np.ones(2)
    if np.linalg.det(cov) < 0:
        d[1] = -1
    rotation = u @ np.diag(d) @ vt
    scale = float((s * d).sum() / src_c.var(axis=0).sum())
    matrix = np.empty((2, 3))
    matrix[:, :2] = scale * rotation
    matrix[:, 2] = dst_mean - scale * rotation @ src_mean
    return matrix


def align_face(img_bgr: np.ndarray, kps: np.ndarray, size: int = 112) -> np.ndarray:
    """The face warped onto the ArcFace template (BGR, ``size`` x ``size``)."""
    matrix = similarity_transform(kps, ARCFACE_TEMPLATE * (size / 112.0))
    return cv2.warpAffine(img_bgr, matrix, (size, size), borderValue=0.0)
