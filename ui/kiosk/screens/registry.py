"""Every screen class, in the order they are added to the window's stack."""

from __future__ import annotations


def all_screens() -> list[type]:
    from ui.kiosk.screens.attract_screen import AttractScreen
    from ui.kiosk.screens.cash_screen import CashScreen
    from ui.kiosk.screens.confirm_screen import ConfirmScreen
    from ui.kiosk.screens.enrol_screen import EnrolScreen
    from ui.kiosk.screens.eod_screen import EndOfDayScreen
    from ui.kiosk.screens.face_screen import FaceScreen
    from ui.kiosk.screens.pin_screen import PinScreen
    from ui.kiosk.screens.pos_payment_screen import PosPaymentScreen
    from ui.kiosk.screens.result_screen import ResultScreen
    from ui.kiosk.screens.sale_screen import SaleScreen
    from ui.kiosk.screens.scan_screen import ScanScreen
    from ui.kiosk.screens.stepup_screen import StepUpScreen
    from ui.kiosk.screens.technician_screen import TechnicianScreen
    from ui.kiosk.screens.transactions_screen import TransactionsScreen
    return [SaleScreen, AttractScreen, ScanScreen, CashScreen, FaceScreen, StepUpScreen,
            ConfirmScreen, ResultScreen, TransactionsScreen, EndOfDayScreen, PinScreen,
            TechnicianScreen, EnrolScreen, PosPaymentScreen]
