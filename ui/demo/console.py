"""The demo console beside the kiosk: what the printer emulator printed, and switches
for what a newcomer wants to try (host down and back, printer out of paper)."""

from __future__ import annotations

import queue

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget


class DemoConsole(QWidget):
    def __init__(self, sim, emulator, codes_text: str) -> None:
        super().__init__()
        self.setObjectName("demo_console")
        self.setWindowTitle("payterm 演示控制台 / demo console")
        self._sim, self._emulator = sim, emulator
        # The emulator's thread only appends here; a GUI-thread timer shows them (Qt
        # signals must not be emitted from Python threads: see ui.services.bridge).
        self._arrived: queue.SimpleQueue = queue.SimpleQueue()
        self._poll = QTimer(self)
        self._poll.timeout.connect(self._show_arrived)
        self._poll.start(100)
        self.receipts = QPlainTextEdit()
        self.receipts.setObjectName("demo_receipts")
        self.receipts.setReadOnly(True)
        self.receipts.setFont(QFont("WenQuanYi Micro Hei Mono", 11))
        self.host_button = QPushButton("主机下线 / Take the host offline")
        self.host_button.setObjectName("demo_host_toggle")
        self.host_button.clicked.connect(self.toggle_host)
        self.paper_button = QPushButton("打印机缺纸 / Printer out of paper")
        self.paper_button.setObjectName("demo_paper_toggle")
        self.paper_button.clicked.connect(self.toggle_paper)
        codes = QLabel(codes_text)
        codes.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("打印机模拟器收到的小票 / Receipts the printer emulator printed"))
        layout.addWidget(self.receipts, 1)
        layout.addWidget(self.host_button)
        layout.addWidget(self.paper_button)
        layout.addWidget(codes)
        self.resize(420, 800)

    def on_emulator_receipt(self, receipt) -> None:
        """Called on the emulator's thread."""
        self._arrived.put("\n".join(receipt.lines))

    def _show_arrived(self) -> None:
        while not self._arrived.empty():
            self.receipts.appendPlainText(self._arrived.get() + "\n" + "=" * 32)

    def toggle_host(self) -> None:
        if self._sim.is_up:
            self._sim.take_down()
            self.host_button.setText("主机上线 / Bring the host back")
        else:
            self._sim.bring_up()
            self.host_button.setText("主机下线 / Take the host offline")

    def toggle_paper(self) -> None:
        out = not self._emulator.faults.paper_out
        self._emulator.set_faults(paper_out=out)
        self.paper_button.setText("装纸 / Load paper" if out else
                                  "打印机缺纸 / Printer out of paper")
