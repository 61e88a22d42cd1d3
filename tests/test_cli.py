import json
import subprocess
import sys

import numpy as np
import pytest

from ncbounds.cli import main
from ncbounds.geometry import simplex_etf


def test_check_json_and_exit_codes(capsys):
    assert main(["check", "--claim", "CL-METRIC-EX1", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["summary"]["ok"] and d["results"][0]["id"] == "CL-METRIC-EX1"
    # a tolerance of zero makes the numerical claim fail: non-zero exit
    assert main(["check", "--claim", "CL-METRIC-EX1", "--tolerance", "0"]) == 1
    assert main(["check", "--claim", "NOPE"]) == 2


def test_check_report_files(tmp_path, capsys):
    out = tmp_path / "rep.md"
    assert main(["check", "--claim", "CL-METRIC-EX3", "--report", str(out)]) == 0
    assert "CL-METRIC-EX3" in out.read_text()
    assert json.loads(out.with_suffix(".json").read_text())["schema"] == "ncbounds.check/1"


def _features(tmp_path, with_W=True):
    E = simplex_etf(3, 4)
    y = np.repeat(np.arange(3), 4)
    H = 2 * E[y] + 0.05 * np.random.default_rng(0).normal(size=(12, 4))
    kw = {"H": H, "y": y}
    if with_W:
        kw["W"] = E
    p = tmp_path / "f.npz"
    np.savez(p, **kw)
    return p


def test_metrics_json_is_valid(tmp_path, capsys):
    p = _features(tmp_path)
    assert main(["metrics", str(p), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["K"] == 3 and d["N"] == 12
    assert 0 <= d["metrics"]["nc1"] < 0.01 and d["margins"]["tpt"] is True


def test_metrics_table_and_bad_file(tmp_path, capsys):
    p = _features(tmp_path, with_W=False)
    assert main(["metrics", str(p)]) == 0
    assert "nc1" in capsys.readouterr().out
    bad = tmp_path / "bad.npz"
    np.savez(bad, H=np.ones((3, 2)))
    assert main(["metrics", str(bad)]) == 2
    assert "y" in capsys.readouterr().err


def test_console_script_and_no_torch_import():
    r = subprocess.run(["ncbounds", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and "ncbounds" in r.stdout
    code = ("import sys, ncbounds, ncbounds.metrics, ncbounds.geometry, ncbounds.solvers, ncbounds.cli; "
            "assert 'torch' not in sys.modules, 'torch imported'")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_solve_min_norm_and_ufm_json(capsys, tmp_path):
    assert main(["solve", "min-norm", "--counts", "4,4,1", "--method", "convex", "--json",
                 "--save", str(tmp_path / "s.npz")]) == 0
    d = json.loads(capsys.readouterr().out)
    assert abs(d["objective"] - 3.4142135624) < 1e-8 and d["certificate"]["passed"]
    assert set(np.load(tmp_path / "s.npz").files) >= {"W", "H", "X"}
    assert main(["solve", "ufm", "--counts", "3,3,3,3", "--lambda-W", "0.01", "--lambda-H", "0.01", "--json"]) == 0
    assert abs(json.loads(capsys.readouterr().out)["objective"] - 0.26133639) < 1e-8


def test_solve_svm_reports_not_separable(tmp_path, capsys):
    p = tmp_path / "ns.npz"
    np.savez(p, H=np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), y=np.array([0, 1, 1]))
    assert main(["solve", "svm", str(p)]) == 2
    assert "NotSeparableError" in capsys.readouterr().err


def test_trace_fixed_json_and_plot(tmp_path, capsys):
    png = tmp_path / "t.png"
    assert main(["trace", "fixed", "--steps", "300", "--plot", str(png), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["status"] == "ok" and d["final"]["p_min"] > 0 and png.stat().st_size > 1000


def test_bound_verbs(tmp_path, capsys):
    p = _features(tmp_path)
    assert main(["bound", "margin", str(p), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["p_min"] > 0
    assert main(["bound", "symbolic", "--name", "margin_bound", "--latex"]) == 0
    assert "gamma" in capsys.readouterr().out


def test_tables_verb(tmp_path, capsys):
    assert main(["tables", "--only", "T1", "--quick", "--out", str(tmp_path), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    (t1,) = d["tables"]
    assert t1["name"] == "T1" and t1["quick"] and not t1["reference_differences"]
    assert (tmp_path / "T1" / "T1.png").exists() and (tmp_path / "index.md").exists()
    assert main(["tables", "--only", "T99", "--quick", "--out", str(tmp_path)]) == 2
