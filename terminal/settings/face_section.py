"""Face-pay: models, thresholds and risk rules."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.settings.schema import setting

DEFAULT_CONSENT_TEXT = (
    "本人单独同意本店为刷脸支付采集、加密存储并使用本人的人脸特征（不保存照片），"
    "可随时要求删除。/ I separately consent to this shop collecting, storing encrypted "
    "and using my face template (no photo is kept) for face-pay; I may ask for its "
    "deletion at any time.")


@dataclass(frozen=True)
class FaceSettings:
    enabled: bool = setting(True)
    models_dir: str = setting("../shared/models",
                              doc="folder with insightface/ and antispoof/; a relative path "
                                  "is looked up from the working directory, then from the "
                                  "checkout")
    det_size: int = setting(320, choices=(320, 640))
    threads: int = setting(2, min=1, max=16)
    use_landmarks: bool = setting(True, doc="load 2d106det for the active challenge")
    use_celeba_antispoof: bool = setting(False, doc="add the 128-px CelebA-Spoof model as a "
                                                    "second opinion (min of both scores)")
    det_threshold: float = setting(0.5, min=0.1, max=0.99)
    key_file: str = setting("keys/face.key", doc="template encryption key; relative to the "
                                                 "data directory; mode 0600")
    # identification
    match_threshold: float = setting(0.40, min=0.0, max=1.0,
                                     doc="cosine similarity the best member must reach")
    match_margin: float = setting(0.08, min=0.0, max=1.0,
                                  doc="best minus second-best member below this is refused")
    duplicate_threshold: float = setting(0.40, min=0.0, max=1.0,
                                         doc="enrolment refused when a sample matches "
                                             "another member this well")
    min_enrol_samples: int = setting(3, min=1, max=20)
    max_templates_per_member: int = setting(5, min=1, max=20)
    # liveness
    passive_live_threshold: float = setting(0.60, min=0.0, max=1.0,
                                            doc="passive live score below this never pays")
    clearly_live_threshold: float = setting(0.90, min=0.0, max=1.0,
                                            doc="at or above this no active challenge is "
                                                "needed (up to the amount below)")
    challenge_amount_fen: int = setting(20_000, min=0, max=100_000_000,
                                        doc="at or above this amount the active challenge is "
                                            "always required")
    challenge_frames: int = setting(45, min=5, max=600,
                                    doc="frames of one face track allowed for the challenge")
    blink_closed_ratio: float = setting(0.55, min=0.1, max=0.95,
                                        doc="eye openness relative to the open baseline that "
                                            "counts as closed")
    turn_yaw_ratio: float = setting(0.12, min=0.02, max=0.5,
                                    doc="nose shift / face width that counts as a head turn")
    # quality gate
    min_face_px: int = setting(80, min=20, max=2000, doc="shorter side of the face box")
    max_yaw_ratio: float = setting(0.25, min=0.0, max=1.0,
                                   doc="nose offset from the eye midline / eye distance")
    max_pitch_ratio: float = setting(0.35, min=0.0, max=1.0,
                                     doc="deviation of the nose height between eyes and mouth")
    min_sharpness: float = setting(12.0, min=0.0, max=10_000.0,
                                   doc="variance of the Laplacian on the 112-px face crop")
    min_brightness: float = setting(50.0, min=0.0, max=255.0, doc="mean grey level of the face")
    max_brightness: float = setting(230.0, min=0.0, max=255.0)
    dominance_ratio: float = setting(1.6, min=1.0, max=10.0,
                                     doc="the largest face must be this much bigger (area) "
                                         "than the next one")
    # step-up and velocity (risk rules)
    step_up_amount_fen: int = setting(50_000, min=0, max=100_000_000,
                                      doc="at or above this the phone last 4 or PIN is asked")
    step_up_margin: float = setting(0.15, min=0.0, max=1.0,
                                    doc="a margin below this asks for the phone last 4")
    step_up_after_failures: int = setting(2, min=1, max=100,
                                          doc="failed face attempts before step-up")
    velocity_max_count: int = setting(5, min=1, max=1000,
                                      doc="face payments per member within the window")
    velocity_max_fen: int = setting(100_000, min=0, max=1_000_000_000,
                                    doc="face-pay total per member within the window")
    velocity_window_s: float = setting(3600.0, min=60.0, max=7 * 86_400.0)
    # the store's gallery from the back office (docs/backoffice.md, "Faces")
    gallery_sync_interval_s: float = setting(60.0, min=0.0, max=3600.0,
                                             doc="how often the kiosk asks the back office "
                                                 "for gallery changes; 0: never")
    enrol_at_back_office: bool = setting(False, doc="send enrolments with their consent "
                                                    "record to the back office (with "
                                                    "payterm-backoffice: true)")
    gallery_max_age_s: float = setting(0.0, min=0.0, max=7 * 86_400.0,
                                       doc="0: off; else face-pay stops when the gallery was "
                                           "not synced for this long (900 with a back office)")
    # consent and privacy
    consent_text: str = setting(DEFAULT_CONSENT_TEXT)
    consent_version: str = setting("2025-1")
    keep_debug_images: bool = setting(False, doc="never enable in a shop: keeps face images")
