"""Measuring a face for the quality gate (size, pose, sharpness, brightness).

Pose comes from the detector's 5 keypoints, so no extra model is needed: yaw is the
nose's sideways offset from the eye midpoint in units of the eye distance, pitch is how
far the nose sits from its frontal height between the eye line and the mouth line (the
ArcFace template has it at 0.496 of the way down).
"""

from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

from terminal.face_policy import FaceQualityMetrics

#: Nose height between eye line (0) and mouth line (1) in the ArcFace 112-px template.
FRONTAL_NOSE_HEIGHT = (71.7366 - 51.6) / (92.2041 - 51.6)


def pose_ratios(kps: np.ndarray) -> tuple[float, float]:
    """(yaw_ratio, pitch_ratio) from the 5 keypoints (eyes, nose, mouth corners)."""
    left_eye, right_eye, nose = kps[0], kps[1], kps[2]
    mouth = (kps[3] + kps[4]) / 2
    eye_mid = (left_eye + right_eye) / 2
    axis = right_eye - left_eye
    eye_dist = float(np.linalg.norm(axis)) or 1.0
    along = axis / eye_dist
    across = np.array([-along[1], along[0]])
    yaw = float(np.dot(nose - eye_mid, along)) / eye_dist
    mouth_depth = float(np.dot(mouth - eye_mid, across)) or 1.0
    pitch = float(np.dot(nose - eye_mid, across)) / mouth_depth - FRONTAL_NOSE_HEIGHT
    return yaw, pitch


def measure_quality(bbox: np.ndarray | Sequence[float], kps: np.ndarray, aligned_112: np.ndarray) -> FaceQualityMetrics:
    """Metrics for one face; ``aligned_112`` is its ArcFace-aligned BGR crop."""
    grey = cv2.cvtColor(aligned_112, cv2.COLOR_BGR2GRAY)
    # Only the inner face: the corners of the aligned crop hold background and hair.
    inner = grey[16:104, 16:96]
    sharpness = float(cv2.Laplacian(inner, cv2.CV_64F).var())
    yaw, pitch = pose_ratios(kps)
    face_px = float(min(bbox[2] - bbox[0], bbox[3] - bbox[1]))
    return FaceQualityMetrics(face_px=face_px, yaw_ratio=yaw, pitch_ratio=pitch,
                              sharpness=sharpness, brightness=float(inner.mean()))
