from ui.models_location import CHECKOUT_ROOT, resolve_models_dir


def test_absolute_paths_are_kept(tmp_path):
    assert resolve_models_dir(str(tmp_path)) == tmp_path.resolve()


def test_relative_path_found_from_the_working_directory_first(tmp_path):
    (tmp_path / "models").mkdir()
    assert resolve_models_dir("models", cwd=tmp_path) == (tmp_path / "models").resolve()


def test_relative_path_falls_back_to_the_checkout(tmp_path):
    # From an unrelated folder, the development default still reaches ../shared/models
    # beside the checkout (when it is there), instead of a folder under the cwd.
    got = resolve_models_dir("../shared/models", cwd=tmp_path / "elsewhere")
    expected = (CHECKOUT_ROOT / "../shared/models").resolve()
    if expected.is_dir():
        assert got == expected
    else:
        assert got == (tmp_path / "elsewhere/../shared/models").resolve()


def test_missing_folder_is_named_from_the_working_directory(tmp_path):
    assert resolve_models_dir("nope/models", cwd=tmp_path) == (tmp_path / "nope/models").resolve()
