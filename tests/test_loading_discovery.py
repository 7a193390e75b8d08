"""Discovery: which files a run reads, in which order, shown under which name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qipp_rag.load.loading import discover

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="needs POSIX symbolic links")


def tree(root: Path, *files: str) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("qipp_plan: 1\n", encoding="utf-8")


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_folders_are_walked_recursively_for_yaml_and_yml_in_path_order(in_tmp: Path) -> None:
    tree(in_tmp, "plans/b.yaml", "plans/a.yml", "plans/north/z.yaml", "plans/north/a.YAML", "plans/notes.txt", "plans/README.md")
    files, problems = discover(["plans"])
    assert problems == []
    assert files == ["plans/a.yml", "plans/b.yaml", "plans/north/a.YAML", "plans/north/z.yaml"]


def test_paths_are_shown_as_given(in_tmp: Path) -> None:
    tree(in_tmp, "plans/ccg-03q.yaml")
    assert discover(["plans/"])[0] == ["plans/ccg-03q.yaml"]
    assert discover(["./plans"])[0] == ["plans/ccg-03q.yaml"]
    assert discover([str(in_tmp / "plans")])[0] == [str(in_tmp / "plans" / "ccg-03q.yaml")]


def test_a_file_named_explicitly_is_taken_whatever_its_name(in_tmp: Path) -> None:
    tree(in_tmp, "plan.txt", "plans/a.yaml")
    assert discover(["plan.txt", "plans"]) == (["plan.txt", "plans/a.yaml"], [])


def test_each_file_is_listed_once(in_tmp: Path) -> None:
    tree(in_tmp, "plans/a.yaml", "plans/b.yaml")
    files, _ = discover(["plans", "plans/a.yaml", "plans", "./plans/b.yaml"])
    assert files == ["plans/a.yaml", "plans/b.yaml"]


def test_hidden_files_and_folders_are_not_plans(in_tmp: Path) -> None:
    tree(in_tmp, "plans/.git/config.yaml", "plans/.qipp-rag.yaml", "plans/.hidden/x.yaml", "plans/a.yaml")
    assert discover(["plans"]) == (["plans/a.yaml"], [])


def test_a_path_that_does_not_exist_is_a_problem_and_the_rest_are_still_found(in_tmp: Path) -> None:
    tree(in_tmp, "plans/a.yaml")
    files, problems = discover(["missing", "plans"])
    assert files == ["plans/a.yaml"]
    assert [(problem.file, problem.message, problem.line) for problem in problems] == [("missing", "no such file or folder", 0)]


def test_an_empty_folder_gives_nothing_and_no_problem(in_tmp: Path) -> None:
    (in_tmp / "empty").mkdir()
    assert discover(["empty"]) == ([], [])


@needs_symlinks
def test_a_link_out_of_the_tree_is_reported_not_followed(in_tmp: Path) -> None:
    tree(in_tmp, "outside/secret.yaml", "plans/a.yaml")
    (in_tmp / "plans" / "leak.yaml").symlink_to(in_tmp / "outside" / "secret.yaml")
    (in_tmp / "plans" / "elsewhere").symlink_to(in_tmp / "outside", target_is_directory=True)
    files, problems = discover(["plans"])
    assert files == ["plans/a.yaml"]
    assert sorted(problem.file for problem in problems) == ["plans/elsewhere", "plans/leak.yaml"]
    assert all("leads outside plans" in problem.message for problem in problems)


@needs_symlinks
def test_a_link_loop_does_not_loop(in_tmp: Path) -> None:
    tree(in_tmp, "plans/north/a.yaml")
    (in_tmp / "plans" / "north" / "again").symlink_to(in_tmp / "plans", target_is_directory=True)
    (in_tmp / "plans" / "self").symlink_to(in_tmp / "plans" / "self")
    files, problems = discover(["plans"])
    assert files == ["plans/north/a.yaml"]
    assert problems == []


@needs_symlinks
def test_a_link_inside_the_tree_counts_once_under_the_files_own_name(in_tmp: Path) -> None:
    tree(in_tmp, "plans/real/a.yaml", "plans/.archive/old.yaml")
    (in_tmp / "plans" / "0-link.yaml").symlink_to(in_tmp / "plans" / "real" / "a.yaml")
    (in_tmp / "plans" / "current.yaml").symlink_to(in_tmp / "plans" / ".archive" / "old.yaml")
    files, problems = discover(["plans"])
    assert problems == []
    assert files == ["plans/current.yaml", "plans/real/a.yaml"]


@needs_symlinks
def test_a_broken_link_is_reported(in_tmp: Path) -> None:
    (in_tmp / "plans").mkdir()
    (in_tmp / "plans" / "gone.yaml").symlink_to(in_tmp / "plans" / "nothing.yaml")
    (in_tmp / "dangling.yaml").symlink_to(in_tmp / "nothing.yaml")
    files, problems = discover(["plans", "dangling.yaml"])
    assert files == []
    assert sorted((problem.file, problem.message) for problem in problems) == [
        ("dangling.yaml", "a symbolic link to a file that does not exist"),
        ("plans/gone.yaml", "a symbolic link to a file that does not exist"),
    ]


@needs_symlinks
def test_a_folder_given_through_a_link_is_walked(in_tmp: Path) -> None:
    tree(in_tmp, "store/a.yaml")
    (in_tmp / "plans").symlink_to(in_tmp / "store", target_is_directory=True)
    assert discover(["plans"]) == (["plans/a.yaml"], [])


@pytest.mark.unprivileged
@pytest.mark.skipif(os.name == "nt", reason="needs POSIX permissions")
def test_an_unreadable_folder_is_a_problem(in_tmp: Path) -> None:
    tree(in_tmp, "plans/a.yaml", "plans/locked/b.yaml")
    locked = in_tmp / "plans" / "locked"
    locked.chmod(0)
    try:
        files, problems = discover(["plans"])
    finally:
        locked.chmod(0o755)
    assert files == ["plans/a.yaml"]
    assert problems[0].file == "plans/locked" and "cannot read this folder" in problems[0].message
