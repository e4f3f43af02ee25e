"""dealer_crm as a dealer installs it: the odoo-addon-dealer_crm wheel, pip, a fresh
virtualenv, a new database (issue 31, "Packaging like OCA").

1. ``pip wheel --no-deps dealer_crm/``: whool (dealer_crm/pyproject.toml) builds the wheel
   from the files under git and the manifest. Its metadata must name odoo==18.0.*, one
   ``odoo-addon-<name>==18.0.*`` per OCA module of the manifest's ``depends`` and each
   Python ``external_dependencies``: read from the manifest here, so the test follows it.
2. A fresh virtualenv where Odoo 18.0 is the source tree at ODOO_PATH, as a dealer's is:
   a .pth puts ODOO_PATH on the path and an ``odoo`` distribution (name and version from
   odoo/release.py) is recorded, so that pip sees ``odoo==18.0.*`` satisfied (the tree has
   no setup.py to ``pip install -e``). Odoo's own Python requirements are the project
   virtualenv's, seen through a second .pth on a folder of links to its site-packages
   that leaves out the OCA addons (``odoo/``, ``odoo_addon_*``) and pip's own packages:
   installing Odoo's requirements anew would take minutes and test nothing of ours,
   while the OCA addons must come from the wheel's dependencies, not from there.
3. ``pip install <wheel>`` with dependency resolution: pip fetches the OCA addons the
   wheel requires (from PyPI, at the versions of requirements-oca.txt given as
   constraints, the ones the rest of ``make test`` runs) into the venv's site-packages.
4. That venv's python runs odoo-bin with an addons_path of Odoo's own addons only (the
   checkout and the project venv's OCA addons are nowhere), so dealer_crm and its OCA
   dependencies are found in the venv's site-packages/odoo/addons as pip put them, and
   ``-i dealer_crm --without-demo=all`` installs it into a new empty database. Every
   module of the manifest's ``depends`` and dealer_crm itself must be 'installed'.
The database and the venv are dropped at the end, passed or failed.
"""

import ast
import email.parser
import os
import re
import runpy
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

MODULE = "dealer_crm"
#: what the venv must not take from the project venv's site-packages: its OCA addons and
#: their metadata (the wheel's dependencies bring them), and pip's own packages
NOT_SHARED = re.compile(
    r"^(odoo|odoo_addon_.*|pip|pip-.*|setuptools|setuptools-.*|_distutils_hack"
    r"|pkg_resources|distutils-precedence\.pth|__pycache__|.*\.pth)$"
)
PIP_TIMEOUT = 900


def _run(command, cwd, env=None, timeout=PIP_TIMEOUT):
    proc = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode:
        pytest.fail(
            f"{' '.join(map(str, command))} ended with {proc.returncode}:\n{proc.stdout[-6000:]}"
        )
    return proc.stdout


def _manifest(root):
    return ast.literal_eval((root / MODULE / "__manifest__.py").read_text())


def _core_addons(odoo_path):
    folders = [odoo_path / "odoo" / "addons", odoo_path / "addons"]
    return {p.parent.name for f in folders if f.is_dir() for p in f.glob("*/__manifest__.py")}


def _site_packages(python, cwd, env=None):
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(_run([python, "-c", code], cwd, env).strip().splitlines()[-1])


def _wheel_metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        return email.parser.HeaderParser().parsestr(archive.read(metadata).decode()), names


def _fresh_venv(ops, venv, cwd):
    """A new virtualenv with Odoo at ODOO_PATH and Odoo's requirements (see the module's
    docstring); returns its python and site-packages."""
    _run([ops.python, "-m", "venv", venv], cwd)
    python = venv / "bin" / "python"
    env = _venv_env(venv)
    site = _site_packages(python, cwd, env)
    shared = venv.parent / "odoo-requirements"
    shared.mkdir()
    for entry in _site_packages(ops.python, cwd).iterdir():
        if not NOT_SHARED.match(entry.name):
            (shared / entry.name).symlink_to(entry)
    (site / "odoo-requirements.pth").write_text(f"{shared}\n")
    (site / "odoo-source.pth").write_text(f"{ops.odoo_path}\n")
    release = runpy.run_path(str(ops.odoo_path / "odoo" / "release.py"))
    dist_info = site / f"odoo-{release['serie']}.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: odoo\nVersion: {release['version']}\n"
        f"Summary: Odoo {release['serie']}, the source tree at {ops.odoo_path}\n"
    )
    (dist_info / "INSTALLER").write_text("dealer_crm tests/ops\n")
    (dist_info / "RECORD").write_text("")
    return python, site


def _venv_env(venv):
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def test_wheel_installs_into_a_fresh_virtualenv_and_a_new_database(ops, ops_dbs, tmp_path):
    manifest = _manifest(ops.root)
    core = _core_addons(ops.odoo_path)
    oca = [name for name in manifest["depends"] if name not in core]
    times = {}
    start = time.monotonic()

    # 1. the wheel, and what it declares
    dist = tmp_path / "dist"
    _run([ops.python, "-m", "pip", "wheel", "--no-deps", "-w", dist, ops.root / MODULE], tmp_path)
    (wheel,) = dist.glob("odoo_addon_dealer_crm-*.whl")
    times["build"] = time.monotonic() - start
    metadata, names = _wheel_metadata(wheel)
    assert metadata["Name"] == f"odoo-addon-{MODULE}"
    assert metadata["Version"].startswith(manifest["version"])
    requires = set(metadata.get_all("Requires-Dist"))
    odoo_requires = {r for r in requires if r.startswith(("odoo==", "odoo-addon-"))}
    assert odoo_requires == {"odoo==18.0.*"} | {f"odoo-addon-{name}==18.0.*" for name in oca}
    # whool names a few import names by their package (dateutil: python-dateutil)
    python = manifest.get("external_dependencies", {}).get("python", [])
    assert len(requires - odoo_requires) == len(python), f"{requires} for the Python {python}"
    listed = [*manifest["data"], *manifest["demo"], "__manifest__.py", "__init__.py"]
    missing = [f for f in listed if f"odoo/addons/{MODULE}/{f}" not in names]
    assert not missing, f"files of the manifest not in the wheel (not under git?): {missing}"

    venv = tmp_path / "venv"
    try:
        # 2. a fresh virtualenv with Odoo 18.0
        mark = time.monotonic()
        python, site = _fresh_venv(ops, venv, tmp_path)
        env = _venv_env(venv)
        times["venv"] = time.monotonic() - mark

        # 3. pip install the wheel: pip brings its OCA dependencies
        mark = time.monotonic()
        constraints = ops.root / "requirements-oca.txt"
        _run([python, "-m", "pip", "install", "-c", constraints, wheel], tmp_path, env)
        times["pip install"] = time.monotonic() - mark
        addons = site / "odoo" / "addons"
        for name in [MODULE, *oca]:
            assert (addons / name / "__manifest__.py").is_file(), f"pip did not install {name}"
        code = (
            "import importlib.util\n"
            f"for name in {[MODULE, *oca]!r}:\n"
            "    print(name, importlib.util.find_spec('odoo.addons.' + name).origin)\n"
        )
        for line in _run([python, "-c", code], tmp_path, env).strip().splitlines():
            name, origin = line.split(" ", 1)
            assert origin.startswith(str(addons)), f"{name} found at {origin}, not from the venv"

        # 4. odoo-bin of that venv, Odoo's addons only on addons_path: dealer_crm installs
        db = ops_dbs.create_db("wheel")
        conf = tmp_path / "wheel.conf"
        core_paths = [p for p in (ops.odoo_path / "addons", ops.odoo_path / "odoo" / "addons")]
        conf.write_text(
            "[options]\n"
            f"addons_path = {','.join(str(p) for p in core_paths if p.is_dir())}\n"
            + "".join(f"db_{k} = {v or 'False'}\n" for k, v in ops.pg.items())
            + f"data_dir = {tmp_path / 'data'}\nhttp_port = {ops.port(0)}\n"
        )
        mark = time.monotonic()
        command = [
            str(python),
            str(ops.odoo_path / "odoo-bin"),
            *("-c", str(conf), "-d", db, f"--db-filter=^{re.escape(db)}$"),
            *("-i", MODULE, "--without-demo=all", "--stop-after-init", "--no-http"),
        ]
        proc = subprocess.run(
            command,
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=1800,
            check=False,
        )
        errors = [
            line for line in proc.stdout.splitlines() if re.search(r" (ERROR|CRITICAL) ", line)
        ]
        if proc.returncode or errors:
            pytest.fail(
                f"installing {MODULE} from the wheel ended with {proc.returncode}, errors:\n"
                + "\n".join(errors[:20])
                + "\n--- last lines of the log ---\n"
                + "\n".join(proc.stdout.splitlines()[-80:])
            )
        times["odoo -i"] = time.monotonic() - mark
        paths = re.search(r"addons paths: \[(.*)\]", proc.stdout)
        assert paths and str(addons) in paths.group(1), "the venv's addons are not Odoo's"
        assert str(ops.root) not in paths.group(1), "the checkout is on the addons path"
        states = dict(
            ops.query(
                db,
                "SELECT name, state FROM ir_module_module WHERE name = ANY(%s)",
                [[MODULE, *manifest["depends"]]],
            )
        )
        assert states == dict.fromkeys([MODULE, *manifest["depends"]], "installed")
    finally:
        shutil.rmtree(venv, ignore_errors=True)
        shutil.rmtree(tmp_path / "odoo-requirements", ignore_errors=True)
        shutil.rmtree(tmp_path / "data", ignore_errors=True)
    times["total"] = time.monotonic() - start
    print(
        f"wheel: {wheel.name} {wheel.stat().st_size // 1024} KiB; "
        + ", ".join(f"{k} {v:.0f} s" for k, v in times.items())
    )
