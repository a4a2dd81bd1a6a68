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


# -- two-stage search (projected shortlist, exact rescoring) ---------------------------

def clustered_gallery(rng, clusters=150, per_cluster=4, noise=600, dim=512):
    """Members in tight look-alike clusters (near-ties between members), plus
    unrelated members as background. Returns {member: templates}."""
    members = {}
    for c in range(clusters):
        centre = unit(rng, 1)[0]
        for j in range(per_cluster):
            face = centre + 0.7 * unit(rng, 1)[0]          # members of a cluster ~0.65
            face /= np.linalg.norm(face)
            rows = face + 0.45 * unit(rng, int(rng.integers(2, 6)))   # templates ~0.9
            members[f"c{c}m{j}"] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    for b in range(noise):
        members[f"b{b}"] = unit(rng, 4)
    return members


def decisions(score, second, threshold=0.40, margin=0.08, step_up_margin=0.15):
    """What the policy does with a match: (match?, step-up for low margin?)."""
    matched = score >= threshold and score - second >= margin
    return matched, matched and score - second < step_up_margin


def assert_same_as_brute_force(gallery, members, probes, horizon=0.20, floor=0.30):
    for probe in probes:
        probe = probe / np.linalg.norm(probe)
        got = gallery.identify(probe)
        member, score, second = brute_force(members, probe)
        if score >= floor:                   # a score any decision looks at: exact
            assert got.member_id == member and got.score == pytest.approx(score, abs=1e-5)
            if score - second < horizon:     # near-tie: the second member is exact too
                assert got.second_score == pytest.approx(second, abs=1e-5)
        # below the floor (a stranger) only the decision must agree; every reported
        # score is still a real member's exact score, never above the true one
        assert got.score <= score + 1e-5 and got.second_score <= second + 1e-5
        assert decisions(got.score, got.second_score) == decisions(score, second)


def test_two_stage_equals_brute_force_on_clustered_galleries():
    rng = np.random.default_rng(11)
    members = clustered_gallery(rng)
    gallery = TemplateGallery("v1", exact_below_rows=0, shortlist_size=256, widen_cap=1024)
    for member_id, templates in members.items():
        gallery.add_member(member_id, templates, "v1")
    assert gallery.template_count() > 8 * 256
    names = [m for m in members if m.startswith("c")]
    probes = []
    for i in rng.integers(0, len(names), 120):      # a member at another moment: ~0.45-0.8
        rows = members[names[i]]
        noise = 0.5 if i % 2 else 1.4
        probes.append(rows.mean(axis=0) / np.linalg.norm(rows.mean(axis=0))
                      + noise * unit(rng, 1)[0])
    probes += list(unit(rng, 30))                   # strangers
    assert_same_as_brute_force(gallery, members, probes)
    stats = gallery.stats()
    assert stats["two_stage"] == len(probes) and stats["exact"] == 0
    assert stats["widened"] > 0                      # the near-tie path was exercised


def test_two_stage_stays_equal_after_incremental_changes():
    rng = np.random.default_rng(12)
    members = clustered_gallery(rng, clusters=60, noise=300)
    gallery = TemplateGallery("v1", capacity=16, exact_below_rows=0, shortlist_size=128)
    for member_id, templates in members.items():
        gallery.add_member(member_id, templates, "v1")
    for member_id in list(members)[::7]:             # remove some, replace others
        assert gallery.remove_member(member_id) == len(members.pop(member_id))
    for member_id in list(members)[::11]:
        members[member_id] = unit(rng, 3)
        gallery.add_member(member_id, members[member_id], "v1")
    probes = [rows[0] + 0.3 * unit(rng, 1)[0] for rows in list(members.values())[::9]]
    assert_same_as_brute_force(gallery, members, probes)


def test_projection_is_fixed_and_orthonormal():
    from drivers.face.gallery import orthonormal_projection
    a, b = orthonormal_projection(512, 128), orthonormal_projection(512, 128)
    assert np.array_equal(a, b)
    gram = (a.T @ a) * (128 / 512)
    assert np.allclose(gram, np.eye(128), atol=1e-5)
