import pytest

from terminal.errors import UserFacingError
from ui.diagnostics.catalogue import all_checks, select_checks


def test_every_check_has_a_unique_name_and_a_bilingual_title():
    specs = all_checks()
    assert len({s.name for s in specs}) == len(specs)
    for spec in specs:
        assert " / " in spec.title, spec.name


def test_only_selects_by_name_in_display_order():
    assert [s.name for s in select_checks("disk,settings")] == ["settings", "disk"]


def test_unknown_names_are_refused_with_the_known_ones_listed():
    with pytest.raises(UserFacingError, match="known:.*disk"):
        select_checks("disk,printr")


def test_checks_that_need_a_person_run_only_when_asked():
    default = {s.name for s in select_checks(None)}
    needing = {s.name for s in all_checks() if s.needs_person}
    assert not default & needing
    assert needing <= {s.name for s in select_checks(None, interactive=True)}
