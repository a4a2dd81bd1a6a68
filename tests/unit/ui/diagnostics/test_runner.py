import threading

from ui.diagnostics.result import Status, failed, passed, warned
from ui.diagnostics.runner import run_checks
from ui.diagnostics.spec import CheckSpec


def _spec(name, fn, timeout_s=2.0, group=""):
    return CheckSpec(name, f"{name} title", fn, timeout_s=lambda s: timeout_s, group=group)


def test_results_keep_the_order_given_and_carry_names(make_env):
    report = run_checks([_spec("b", lambda env: warned("w", "do")),
                         _spec("a", lambda env: passed("ok", value_ms=1.5))], make_env())
    assert [r.name for r in report.results] == ["b", "a"]
    assert report.results[1].details == {"value_ms": 1.5}
    assert report.results[0].title == "b title"
    assert report.overall is Status.WARN and report.exit_code == 0


def test_any_failure_gives_exit_code_1(make_env):
    report = run_checks([_spec("a", lambda env: passed("ok")),
                         _spec("b", lambda env: failed("bad", "fix"))], make_env())
    assert report.exit_code == 1
    assert report.to_dict()["counts"] == {"pass": 1, "warn": 0, "fail": 1, "skip": 0}


def test_a_hung_check_is_reported_and_cancelled_without_blocking_the_others(make_env):
    release = threading.Event()
    seen_cancel = threading.Event()

    def hangs(env):
        env.cancel.wait(30)          # a driver stuck until told to stop
        seen_cancel.set()
        release.wait(30)
        return passed("too late")

    report = run_checks([_spec("hung", hangs, timeout_s=0.2),
                         _spec("fine", lambda env: passed("ok"))], make_env())
    release.set()
    hung, fine = report.results
    assert hung.status is Status.FAIL and "0.2" in hung.message
    assert hung.details == {"timeout_s": 0.2}
    assert fine.status is Status.PASS
    assert seen_cancel.wait(5)


def test_checks_in_one_group_run_one_after_another(make_env):
    running = []
    overlaps = []
    lock = threading.Lock()

    def uses_device(env):
        with lock:
            running.append(1)
            overlaps.append(len(running))
        threading.Event().wait(0.05)
        with lock:
            running.pop()
        return passed("ok")

    run_checks([_spec(f"c{i}", uses_device, group="printer") for i in range(3)], make_env())
    assert overlaps == [1, 1, 1]


def test_a_crashing_check_becomes_a_failure_with_the_error_named(make_env):
    def crashes(env):
        raise KeyError("boom")

    (result,) = run_checks([_spec("x", crashes)], make_env()).results
    assert result.status is Status.FAIL
    assert "KeyError" in result.message and result.details["error"] == "KeyError"


def test_report_dict_is_json_ready(make_env):
    import json
    from pathlib import Path
    report = run_checks([_spec("a", lambda env: passed("ok", where=Path("/x")))], make_env())
    data = json.loads(json.dumps(report.to_dict()))
    assert data["checks"][0]["details"] == {"where": "/x"}
