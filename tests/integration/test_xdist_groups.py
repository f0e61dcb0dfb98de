"""`make test` relies on pytest-xdist's `--dist loadgroup`: the tests of one `xdist_group` share a session
fixture (a graded class, a kernel pool, a sandbox) on one worker. pytest 9.2 changed how node ids are stored
and pytest-xdist 3.8 then silently ignores the groups: every worker graded the class again (~110 s lost)."""
import subprocess
import sys

TESTS = '''
import os, pytest
@pytest.mark.parametrize("i", range(8))
@pytest.mark.xdist_group("together")
def test_member(i):
    with open(os.environ["WORKERS_FILE"], "a") as f:
        f.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")
'''


def test_an_xdist_group_runs_on_one_worker(tmp_path):
    (tmp_path / "test_grouped.py").write_text(TESTS)
    workers = tmp_path / "workers.txt"
    env = {"WORKERS_FILE": str(workers), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:learnkit",
                           "-n", "2", "--dist", "loadgroup", "test_grouped.py"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    seen = workers.read_text().split()
    assert len(seen) == 8
    assert len(set(seen)) == 1, f"one xdist_group ran on several workers: {sorted(set(seen))}"
