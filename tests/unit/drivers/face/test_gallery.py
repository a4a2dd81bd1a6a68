"""The numpy 1:N gallery against a brute-force reference on random unit vectors."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.face.gallery import TemplateGallery


def unit(rng, n, dim=512):
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def brute_force(members: dict, probe):
    best = {m: float(max(np.asarray(t) @ probe)) for m, t in members.items()}
    ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
    return ranked[0][0], ranked[0][1], (ranked[1][1] if len(ranked) > 1 else -1.0)


def test_identify_matches_brute_force_with_several_templates_per_member():
    rng = np.random.default_rng(1)
    members = {f"m{i}": unit(rng, int(rng.integers(1, 6))) for i in range(60)}
    gallery = TemplateGallery("v1", capacity=8)   # forces growth
    for member_id, templates in members.items():
        gallery.add_member(member_id, templates, "v1")
    for _ in range(50):
        # probes near a random member's template, so the top rows are one member's
        target = members[f"m{int(rng.integers(0, 60))}"]
        probe = target[0] + 0.05 * unit(rng, 1)[0]
        probe /= np.linalg.norm(probe)
        match = gallery.identify(probe)
        want = brute_force(members, probe)
        assert (match.member_id, pytest.approx(match.score, abs=1e-5),
                pytest.approx(match.second_score, abs=1e-5)) == want


def test_remove_and_replace_are_incremental():
    rng = np.random.default_rng(2)
    members = {f"m{i}": unit(rng, 3) for i in range(10)}
    gallery = TemplateGallery("v1")
    for member_id, templates in members.items():
        gallery.add_member(member_id, templates, "v1")
    assert gallery.remove_member("m3") == 3 and gallery.remove_member("m3") == 0
    del members["m3"]
    assert gallery.member_count() == 9 and gallery.template_count() == 27
    probe = members["m7"][1]
    assert gallery.identify(probe).member_id == "m7"
    new = unit(rng, 2)
    gallery.add_member("m7", new, "v1")      # replaces m7's templates
    members["m7"] = new
    assert gallery.template_count() == 26
    for member_id, templates in members.items():
        assert gallery.identify(templates[0]).member_id == member_id


def test_empty_gallery_and_single_member():
    gallery = TemplateGallery("v1")
    assert gallery.identify(np.ones(512)).member_id is None
    gallery.add_member("only", unit(np.random.default_rng(3), 2), "v1")
    match = gallery.identify(np.ones(512))
    assert match.member_id == "only" and match.second_score == -1.0


def test_wrong_version_or_shape_is_refused():
    gallery = TemplateGallery("v1")
    with pytest.raises(ValueError, match="version"):
        gallery.add_member("m", [np.ones(512)], "v2")
    with pytest.raises(ValueError, match="512"):
        gallery.add_member("m", [np.ones(128)], "v1")
