"""A real face photo behind a bright shop door: with the camera's own auto exposure the
face detector (the real models) finds nothing; metered on the face it finds and embeds
the face, and the embedding is the person's. Through the simulated camera's V4L2-style
controls, and in software for a camera without controls."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.camera.backlit_camera import BacklitFaceCamera, backlit_scene
from drivers.camera.camera_controls import NoControls
from drivers.camera.exposure import FaceExposure
from tests.unit.drivers.face.face_samples import photo

pytestmark = pytest.mark.models


def meter(engine, camera, metering, frames: int):
    """The kiosk's loop: metered picture -> face analysis -> face box back to metering."""
    now = [0.0]
    metering._clock = lambda: now[0]
    box, analysis = None, None
    for _ in range(frames):
        image = metering.process(camera.read(), box)
        analysis = engine.analyze(image)
        box = analysis.dominant.bbox if analysis.dominant else box
        now[0] += 0.3
    return analysis


def similarity(a, b) -> float:
    return float(np.dot(a.dominant.embedding, b.dominant.embedding))


@pytest.mark.parametrize("person", ["obama_2", "rose_leslie_2"])
def test_camera_controls_metered_on_the_face_make_a_silhouette_identifiable(engine, person):
    original = photo(person)
    reference = engine.analyze(original)
    camera = BacklitFaceCamera(backlit_scene(original, background_level=40.0), noise_sigma=3.0)
    before = engine.analyze(camera.read())
    assert before.faces_found == 0                        # a silhouette in the doorway
    after = meter(engine, camera, FaceExposure(camera.controls), frames=20)
    assert after.dominant is not None
    assert similarity(after, reference) > 0.9            # the same person, clearly
    other = engine.analyze(photo("biden_2"))
    assert similarity(after, other) < 0.3
    assert camera.controls.snapshot()["auto_exposure"] == 1


def test_software_metering_finds_a_face_the_detector_missed(engine):
    original = photo("rose_leslie_2")
    reference = engine.analyze(original)
    camera = BacklitFaceCamera(backlit_scene(original, background_level=20.0),
                               noise_sigma=3.0, with_controls=False)
    before = engine.analyze(camera.read())
    assert before.faces_found == 0
    after = meter(engine, camera, FaceExposure(NoControls()), frames=8)
    assert after.dominant is not None
    # Software cannot bring back what the sensor clipped to black: weaker than with
    # the camera's controls, but above the identification threshold (0.40).
    assert similarity(after, reference) > 0.40
