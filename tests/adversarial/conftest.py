"""The history tests' git fixtures, for the adversarial history cases."""

from tests.history.conftest import git_home, make_repo, pinned_git_env, year_repo  # noqa: F401
