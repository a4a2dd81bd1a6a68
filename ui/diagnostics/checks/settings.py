"""The settings file and the files it points at.

``payterm`` refuses to start with an invalid value (exit 3, naming the key), so this
check re-reads the file to confirm it still parses (it may have been edited since), and
looks at what validation cannot see: missing key files, key files others can read, the
demo terminal id still in use.
"""

from __future__ import annotations

import stat
from pathlib import Path

from terminal.errors import ConfigError
from terminal.settings.loader import ENV_PREFIX
from terminal.settings.model import TerminalSettings, settings_from
from ui.settings_file import load_settings_file
from ui.diagnostics.environment import DiagEnvironment
from ui.diagnostics.result import CheckResult, failed, passed, warned
from ui.diagnostics.spec import CheckSpec

_DEMO_TERMINAL_ID = TerminalSettings().terminal_id


def check_settings(env: DiagEnvironment) -> CheckResult:
    details = {"config_file": str(env.config_file) if env.config_file else "(defaults)",
               "env_overrides": sorted(k for k in env.env if k.startswith(ENV_PREFIX))}
    try:
        settings_from(load_settings_file(env.config_file), dict(env.env))
    except ConfigError as exc:
        return failed(f"配置无效 / Settings invalid: {exc}",
                      f"修改配置项 {exc.key} 后运行 payterm config check / Fix setting "
                      f"{exc.key}, then run payterm config check", **details)
    problems, warnings = [], []
    keys = {"host.private_key_file": env.settings.host.private_key_file,
            "host.host_public_key_file": env.settings.host.host_public_key_file,
            "technician.pin_hash_file": env.settings.technician.pin_hash_file}
    for key, relative in keys.items():
        path = env.path(relative)
        details[key] = _describe_file(path)
        if not path.exists():
            warnings.append(f"{key} ({path}) 不存在 / missing")
        elif key != "host.host_public_key_file" and path.stat().st_mode & 0o077:
            problems.append(f"{key} ({path}) 权限过宽 {oct(path.stat().st_mode & 0o777)} "
                            "/ readable by others")
    if env.settings.terminal.terminal_id == _DEMO_TERMINAL_ID:
        warnings.append(f"terminal.terminal_id 仍为演示值 {_DEMO_TERMINAL_ID} / still the demo "
                        "id")
    details["problems"], details["warnings"] = problems, warnings
    if problems:
        return failed("密钥文件权限不安全 / Key files are not protected: " + "; ".join(problems),
                      "执行 chmod 600 修正上述文件，属主应为 payterm / chmod 600 these files; "
                      "they must belong to the payterm user", **details)
    if warnings:
        return warned("配置可用，但有问题 / Settings valid, with remarks: " + "; ".join(warnings),
                      "补齐密钥（payterm 安装/开通步骤）并设置本机终端号 / Provision the keys "
                      "and set this terminal's own id", **details)
    return passed("配置有效，密钥文件齐全 / Settings valid, key files in place", **details)


def _describe_file(path: Path) -> dict:
    try:
        info = path.stat()
    except OSError:
        return {"path": str(path), "exists": False}
    return {"path": str(path), "exists": True, "mode": oct(stat.S_IMODE(info.st_mode)),
            "bytes": info.st_size}


SPEC = CheckSpec("settings", "配置 / Settings", check_settings)
