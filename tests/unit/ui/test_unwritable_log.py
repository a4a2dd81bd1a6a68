"""A log file the current user cannot write (a root run left it behind on a kiosk) gives a
configuration error naming the file and the repair, not a traceback."""

from __future__ import annotations

import pytest

from terminal.errors import ConfigError
from ui.cli.main import main
from ui.composition.context import build_context


def test_an_unwritable_log_file_is_a_clear_configuration_error(data_dir):
    (data_dir / "logs" / "payterm.log").mkdir(parents=True)    # cannot be opened as a file
    with pytest.raises(ConfigError) as caught:
        build_context(str(data_dir))
    assert caught.value.key == "logging.file"
    assert str(data_dir / "logs" / "payterm.log") in caught.value.problem
    assert "chown -R payterm:payterm /var/lib/payterm" in caught.value.problem


def test_the_cli_exits_with_the_configuration_code_and_no_traceback(data_dir, capsys):
    (data_dir / "logs" / "payterm.log").mkdir(parents=True)
    assert main(["--data-dir", str(data_dir), "config", "check"]) == 3
    err = capsys.readouterr().err
    assert "cannot write the log file" in err and "Traceback" not in err
