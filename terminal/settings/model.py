"""The root Settings object: one frozen section per concern."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from terminal.settings.camera_section import CameraSettings
from terminal.settings.diagnostics_section import DiagnosticsSettings
from terminal.settings.face_section import FaceSettings
from terminal.settings.host_section import HostSettings
from terminal.settings.kiosk_section import KioskSettings
from terminal.settings.logging_section import LoggingSettings
from terminal.settings.offline_section import OfflineSettings
from terminal.settings.pos_api_section import PosApiSettings
from terminal.settings.printer_section import PrinterSettings
from terminal.settings.resolver_section import ResolverSettings
from terminal.settings.scanner_section import ScannerSettings
from terminal.settings.storage_section import StorageSettings
from terminal.settings.technician_section import TechnicianSettings
from terminal.settings.terminal_section import TerminalSettings


@dataclass(frozen=True)
class Settings:
    terminal: TerminalSettings = field(default_factory=TerminalSettings)
    host: HostSettings = field(default_factory=HostSettings)
    resolver: ResolverSettings = field(default_factory=ResolverSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    offline: OfflineSettings = field(default_factory=OfflineSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    camera: CameraSettings = field(default_factory=CameraSettings)
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    face: FaceSettings = field(default_factory=FaceSettings)
    kiosk: KioskSettings = field(default_factory=KioskSettings)
    technician: TechnicianSettings = field(default_factory=TechnicianSettings)
    diagnostics: DiagnosticsSettings = field(default_factory=DiagnosticsSettings)
    pos_api: PosApiSettings = field(default_factory=PosApiSettings)


def settings_from(data: dict[str, Any], env: dict[str, Any] | None = None) -> Settings:
    """Validate parsed TOML plus ``PAYTERM__SECTION__KEY`` environment overrides."""
    from terminal.settings.loader import build_settings
    return build_settings(Settings, data, env)
