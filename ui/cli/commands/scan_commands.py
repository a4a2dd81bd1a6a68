"""``payterm scan IMAGE_OR_DIR... [--json]`` and ``payterm scan --camera``.

Images go through exactly the reader the camera worker uses (``FrameCodeReader``
built from the same settings). Payment codes are shown masked, always.

``--json`` is exact: each code's ``text`` is the payload as decoded (control characters
and all, never cut), ``bytes_base64`` its raw bytes, ``charset`` / ``charset_source``
how the character set was decided; ``display`` is the separate, neutralised and cut form
that the text output prints (see ``drivers.scanner.frame_reader.describe``).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from drivers.camera.camera_frame_source import CameraFrameSource
from drivers.camera.image_files import UnreadableImage, expand_image_paths, load_image
from drivers.scanner.camera_scan_worker import CameraScanWorker
from drivers.scanner.frame_reader import FrameCodeReader, ReadMode, describe
from terminal.code_read import FrameDecode
from terminal.errors import DeviceError, UserFacingError
from ui.cli.output import print_error, print_json

MAX_CAMERA_SECONDS = 3600.0


def register(sub) -> None:
    scan = sub.add_parser("scan", help="read payment codes from images or the camera / 识别付款码",
                          description="Decode QR / Code128 / EAN-13 codes in images or from the "
                                      "camera and say whether each is a payment code.")
    scan.add_argument("images", nargs="*", metavar="IMAGE_OR_DIR",
                      help="image files, folders of images or playlists")
    scan.add_argument("--json", action="store_true", help="machine-readable output")
    scan.add_argument("--camera", action="store_true", help="show live decodes from the camera")
    scan.add_argument("--source", help="camera source (overrides camera.source; 'sim' for the "
                                       "simulated phone camera)")
    scan.add_argument("--seconds", type=float, default=10.0,
                      help="how long to watch the camera (default 10, max 3600)")
    scan.set_defaults(handler=run_scan)


def run_scan(args, ctx) -> int:
    if args.camera:
        if args.images:
            raise UserFacingError("give images or --camera, not both",
                                  user_message="请指定图片或 --camera，不能同时指定 / "
                                               "Give images or --camera, not both")
        return scan_camera(args, ctx)
    if not args.images:
        raise UserFacingError("no images given",
                              user_message="请指定图片或文件夹 / Give image files or folders")
    return scan_images(args, ctx)


def scan_images(args, ctx) -> int:
    reader = FrameCodeReader.from_settings(ctx.settings.scanner)
    paths = expand_image_paths([Path(p) for p in args.images])
    if not paths:
        raise UserFacingError("the folders hold no images",
                              user_message="文件夹中没有图片 / No images in the folders")
    results, any_found, any_unreadable = [], False, False
    for path in paths:
        try:
            decode = reader.read_frame(load_image(path))
        except UnreadableImage as exc:
            any_unreadable = True
            results.append({"image": str(path), "error": str(exc), "codes": []})
            continue
        any_found = any_found or decode.found
        results.append({"image": str(path), **decode_summary(decode)})
    if args.json:
        print_json({"images": results})
    else:
        for entry in results:
            print_image_result(entry)
    if any_unreadable and not any_found:
        return 2
    return 0 if any_found else 1


def decode_summary(decode: FrameDecode) -> dict:
    chosen = describe(decode.chosen) if decode.chosen else None
    return {"codes": [describe(r) for r in decode.reads], "chosen": chosen,
            "choice_note": decode.choice_note, "problem": decode.problem,
            "strategy": decode.strategy, "elapsed_ms": round(decode.elapsed_ms, 1)}


def print_image_result(entry: dict) -> None:
    print(f"{entry['image']}:")
    if entry.get("error"):
        print(f"  无法读取 / unreadable: {entry['error']}")
        return
    if entry.get("problem"):
        print(f"  无法识别 / cannot decode: {entry['problem']}")
        return
    if not entry["codes"]:
        print("  未发现条码 / no code found")
        return
    for code in entry["codes"]:
        marker = "*" if entry["chosen"] == code else " "
        print(f" {marker}{line_for(code)}")
    if entry["choice_note"]:
        print(f"  ({entry['choice_note']}; * = chosen)")


def line_for(code: dict) -> str:
    kind = (f"付款码 payment code ({code['wallet']})" if code["payment_code"]
            else f"非付款码 not a payment code: {code['reason']}")
    cut = " (…cut; --json has it whole)" if code["display_cut"] else ""
    return f" [{code['symbology']}] {code['display']}{cut}  {kind}"


def scan_camera(args, ctx) -> int:
    seconds = args.seconds
    if not 0 < seconds <= MAX_CAMERA_SECONDS:
        raise UserFacingError(f"--seconds must be between 0 and {MAX_CAMERA_SECONDS:.0f}",
                              user_message="--seconds 超出范围 / --seconds out of range")
    source = CameraFrameSource.from_settings(ctx.settings.camera, args.source)
    reader = FrameCodeReader.from_settings(ctx.settings.scanner, ReadMode.CAMERA)
    lock = threading.Lock()
    scans: list[dict] = []
    errors: list[str] = []

    def on_scan(decode: FrameDecode) -> None:
        entry = {"at_s": round(time.monotonic() - started, 2), **describe(decode.chosen),
                 "choice_note": decode.choice_note}
        with lock:
            scans.append(entry)
        if not args.json:
            print(f"{entry['at_s']:7.2f}s {line_for(entry)}", flush=True)

    def on_error(exc: DeviceError) -> None:
        with lock:
            errors.append(str(exc))
        if not args.json:
            print_error(f"{exc.user_message} ({exc})")

    worker = CameraScanWorker(source, reader, repeat_window_s=ctx.settings.scanner.repeat_window_s,
                              on_scan=on_scan, on_error=on_error,
                              frame_timeout_s=ctx.settings.camera.read_timeout_s)
    started = time.monotonic()
    source.start()
    worker.start()
    try:
        time.sleep(seconds)  # bounded by --seconds; Ctrl-C stops early
    finally:
        worker.stop()
        status = source.status()
        source.stop()
    stats = worker.stats()
    summary = {"camera": {"state": status.state.value, "source": status.source,
                          "last_error": status.last_error, "measured_fps": status.measured_fps,
                          "frames_captured": status.frames_captured,
                          "frames_dropped": status.frames_dropped,
                          "reconnects": status.reconnects},
               "decoder": {"frames_decoded": stats.frames_decoded,
                           "decode_fps": stats.decode_fps},
               "scans": scans, "errors": errors}
    if args.json:
        print_json(summary)
    else:
        print(f"摄像头 camera: {status.state.value}, {status.frames_captured} frames, "
              f"{stats.frames_decoded} decoded ({stats.decode_fps} fps), "
              f"{len(scans)} codes / 个码")
    if not status.frames_captured:
        raise DeviceError(status.source, status.last_error or "no frames captured",
                          user_message="摄像头无画面 / Camera shows no picture")
    return 0 if scans else 1
