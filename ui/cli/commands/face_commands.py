"""``payterm face enroll|identify|list|delete``: face-pay enrolment and checks.

Images given on the command line are read, analysed and dropped; nothing but the
encrypted templates is stored (unless ``face.keep_debug_images`` is on).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import cv2

from drivers.camera.image_files import UnreadableImage, expand_image_paths, load_image
from drivers.face.frame_facts import frame_facts
from terminal.errors import UserFacingError
from terminal.face_gallery_sync import sync_gallery
from terminal.face_identification import identify
from terminal.face_policy import assess_quality, passive_liveness
from terminal.money import parse_amount
from ui.cli.output import print_json, print_table
from ui.services.backoffice_enrolment import BackOfficeEnrolmentStore
from terminal.member_display import check_member_name
from ui.services.face_enrolment import enrol_member
from ui.composition.face import build_face_pay, open_store_for, template_version_for


def register(sub) -> None:
    face = sub.add_parser("face", help="face-pay: enrol, identify, list, delete members")
    face_sub = face.add_subparsers(dest="face_command", required=True)
    enrol = face_sub.add_parser("enroll", help="enrol a member from 3 or more photos")
    enrol.add_argument("--member", required=True, help="member ID")
    enrol.add_argument("--phone", required=True, help="member's phone (last 4 used for step-up)")
    enrol.add_argument("--name", default="",
                       help="member's name, shown masked (*明) on the face-pay confirmation")
    enrol.add_argument("--consent", action="store_true",
                       help="the member gave separate consent to the configured consent text")
    enrol.add_argument("--image", action="append", required=True, metavar="FILE",
                       help="a photo of the member; repeat (3 or more good ones)")
    enrol.set_defaults(handler=enroll_command)
    ident = face_sub.add_parser("identify", help="identify the face in each image")
    ident.add_argument("images", nargs="+", metavar="IMAGE_OR_DIR",
                       help="image files, folders of images or playlists (as for scan)")
    ident.add_argument("--amount", help="amount in yuan: at or above face.challenge_amount_fen "
                                        "the active challenge is required")
    ident.add_argument("--json", action="store_true")
    ident.set_defaults(handler=identify_command)
    listing = face_sub.add_parser("list", help="enrolled members (no face data)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_command)
    delete = face_sub.add_parser(
        "delete", help="erase a member's face templates, verified on the raw files "
                       "(exit 5: PENDING, finish later with --finish)")
    delete.add_argument("--member", help="member ID to erase")
    delete.add_argument("--reason", default="member request")
    delete.add_argument("--finish", action="store_true",
                        help="complete the pending erasures (after the process that held "
                             "the store has let go)")
    delete.add_argument("--json", action="store_true")
    delete.set_defaults(handler=delete_command)
    sync = face_sub.add_parser("sync", help="bring this terminal's copy of the store's face "
                                            "gallery up to the back office's")
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(handler=sync_command)


def read_image(path: str):
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise UserFacingError(f"无法读取图片 / Cannot read image {path}")
    return image


def enroll_command(args, ctx) -> int:
    if not args.consent:
        raise UserFacingError(
            "未登记：缺少 --consent。请先让会员阅读并单独同意以下条款 / Not enrolled: --consent "
            "is missing. The member must first read and separately agree to:\n  "
            + ctx.settings.face.consent_text)
    samples = [(path, read_image(path)) for path in args.image]
    face_pay = build_face_pay(ctx)
    store = face_pay.store
    if ctx.settings.face.enrol_at_back_office:
        store = BackOfficeEnrolmentStore(store, ctx.host_client())
    report = enrol_member(engine=face_pay.engine, gallery=face_pay.gallery,
                          store=store, settings=ctx.settings.face,
                          member_id=args.member, phone=args.phone, samples=samples,
                          consent_given=True, consent_text=ctx.settings.face.consent_text,
                          recorded_by=f"cli:{ctx.settings.terminal.terminal_id}",
                          name=check_member_name(args.name))
    if ctx.settings.face.keep_debug_images:
        keep_debug_copies(ctx.path("face_debug") / args.member, args.image)
    for label, reason in report.rejected:
        print(f"  跳过 / skipped {label}: {reason}")
    print(f"已登记 / enrolled {args.member}: {report.templates_stored} templates "
          f"(consent {ctx.settings.face.consent_version}); "
          f"enrolled members: {face_pay.store.enrolled_count()}")
    return 0


def keep_debug_copies(folder: Path, images: list[str]) -> None:
    """Only with face.keep_debug_images (off by default; never in a shop)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for path in images:
        shutil.copy2(path, folder / Path(path).name)


def identify_command(args, ctx) -> int:
    settings = ctx.settings.face
    amount_fen = (parse_amount(args.amount, max_fen=ctx.settings.terminal.max_amount_fen,
                               field="--amount") if args.amount else 0)
    paths = expand_image_paths([Path(p) for p in args.images])
    if not paths:
        raise UserFacingError("the folders hold no images",
                              user_message="文件夹中没有图片 / No images in the folders")
    face_pay = build_face_pay(ctx)
    reports, unreadable = [], 0
    for path in paths:
        try:
            image = load_image(path)
        except UnreadableImage as exc:
            unreadable += 1
            reports.append({"image": str(path), "error": str(exc)})
            continue
        reports.append(identify_image(str(path), image, face_pay, settings, amount_fen))
    if args.json:
        print_json(reports)
    else:
        for e in reports:
            print(report_line(e))
    return 2 if unreadable == len(paths) else 0


def identify_image(path: str, image, face_pay, settings, amount_fen: int) -> dict:
    """What identification makes of one image: the facts and the decision."""
    analysis = face_pay.engine.analyze(image)
    result = identify(frame_facts(analysis, face_pay.gallery), settings, amount_fen=amount_fen)
    face = analysis.dominant
    entry = {"image": path, "faces_found": analysis.faces_found,
             "decision": result.decision.value, "match": result.match_outcome.value,
             "best_member": result.candidate_id, "score": round(result.score, 4),
             "margin": round(result.margin, 4), "liveness": result.liveness.value,
             "guidance": result.guidance}
    if face is not None:
        quality = assess_quality(face.quality, settings)
        entry["quality"] = {"ok": quality.ok, "problems": list(quality.problems),
                            **{k: round(v, 3) for k, v in vars(face.quality).items()}}
        entry["passive_score"] = round(face.passive_score, 4)
        entry["passive_decision"] = passive_liveness(face.passive_score, settings).value
    return entry


def report_line(e: dict) -> str:
    if "error" in e:
        return f"{e['image']}: 无法读取 / unreadable: {e['error']}"
    quality = e.get("quality")
    return (f"{e['image']}: faces {e['faces_found']}; "
            + (f"quality {'ok' if quality['ok'] else ','.join(quality['problems'])}; "
               f"passive {e['passive_score']:.3f} ({e['passive_decision']}); "
               if quality else "")
            + f"best {e['best_member'] or '-'} score {e['score']:.3f} margin {e['margin']:.3f}"
            f" -> {e['decision']}" + (f"  [{e['guidance']}]" if e["guidance"] else ""))


def list_command(args, ctx) -> int:
    store = open_store_for(ctx)
    members = store.members()
    if args.json:
        print_json({"enrolled": store.enrolled_count(), "members": members})
        return 0
    print_table(members, ["member_id", "status", "templates", "template_version",
                          "consent_version"])
    print(f"已登记人数 / enrolled members: {store.enrolled_count()}")
    return 0


EXIT_ERASURE_PENDING = 5


def backup_roots(ctx) -> list[Path]:
    """Where copies of the store are kept: the package's upgrade backups and the data
    directory's own backups folder."""
    return [Path(ctx.env.get("PAYTERM_BACKUP_DIR", "/var/backups/payterm")),
            ctx.path("backups")]


def delete_command(args, ctx) -> int:
    if not args.finish and not args.member:
        raise UserFacingError("face delete: give --member ID (or --finish)")
    store = open_store_for(ctx)
    if args.finish:
        reports = store.finish_erasures(backup_roots(ctx))
        if args.member:
            reports = [r for r in reports if r.member_id == args.member]
    else:
        reports = [store.erase_member(args.member, args.reason, backup_roots(ctx))]
    pending = [r for r in reports if not r.erased]
    if args.json:
        print_json({"erasures": [r.as_dict() for r in reports],
                    "pending": len(pending)})
    else:
        if not reports:
            print("没有待完成的删除 / no erasure pending")
        for r in reports:
            print(erasure_line(r))
    return EXIT_ERASURE_PENDING if pending else 0


def erasure_line(report) -> str:
    checked = len(report.files_checked)
    if report.erased:
        return (f"已删除并核验 / ERASED: {report.member_id} ({report.templates_erased} "
                f"templates; {checked} files read, no copy left)")
    where = ", ".join(report.remaining)
    why = "; ".join(report.problems)
    return (f"待完成 / PENDING: {report.member_id}: copies remain in {where}"
            + (f" ({why})" if why else "") + "; run `payterm face delete --finish` once "
            "the kiosk has let go of the store")


def sync_command(args, ctx) -> int:
    store = open_store_for(ctx)
    outcome = sync_gallery(ctx.host_client(), store, template_version_for(ctx), time.time)
    result = {"gallery_version": outcome.version, "added": outcome.added,
              "removed": outcome.removed, "pages": outcome.pages,
              "enrolled": store.enrolled_count()}
    if args.json:
        print_json(result)
    else:
        print(f"人脸库已同步 / face gallery synced to version {outcome.version}: "
              f"{outcome.added} added or replaced, {outcome.removed} removed; "
              f"{result['enrolled']} members enrolled here")
    return 0
