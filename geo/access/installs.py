"""Admin installs of shared reference files (boundary files, crosswalks): checked first, replaced atomically
(the old file kept as ``<name>.<UTC time>.bak``), audited. On any error nothing in the folder changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from geo.access import auth
from geo.intake.filecheck import FileRejected, check_boundary_file
from geo.units.boundaries import boundary_dir, get_boundary_set_info
from geo.units.crosswalk import check_crosswalk_upload, get_crosswalk_info


def require_signed_in_admin(store, by, key: str):
    """The verified admin behind ``by`` (re-read from the store); AccessDenied for anyone else, the command
    line's operator and bare names included: replacing shared reference files is done in the app by an admin."""
    actor = auth.verified_actor(store, by) if isinstance(by, auth.Actor) else None
    if actor is None or not auth.has_role(actor, "admin") or actor.via == "anonymous":
        raise auth.AccessDenied(key)
    return actor


def replace_file(folder, name: str, write):
    """Replace ``folder/name`` atomically: ``write(staged_path)`` writes the new content beside it, the old file
    is kept as ``<name>.<UTC time>.bak``, then one rename swaps them. On any error nothing in the folder
    changes (FileRejected with the folder and the reason)."""
    folder = Path(folder)
    target, staged = folder / name, folder / f".{name}.uploading"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write(staged)
        if target.exists():
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            shutil.copy2(target, folder / f"{name}.{stamp}.bak")
        os.replace(staged, target)
    except OSError as exc:
        try:
            staged.unlink(missing_ok=True)
        except OSError:
            pass
        raise FileRejected("filecheck_b_readonly", folder=str(folder), reason=exc.strerror or str(exc)) from None
    return target


def install_boundary_file(store, data: bytes, file_name: str, set_id: str, *, by, folder=None) -> dict:
    """Admin only: check the file (:func:`check_boundary_file`), then replace the set's file in the boundary
    folder atomically (the old one kept as ``<file>.<UTC time>.bak``) and audit it. On any error nothing in the
    folder changes. Returns a summary (units, vertices, sha256, path)."""
    actor = require_signed_in_admin(store, by, "access_admin_boundary")
    info = get_boundary_set_info(set_id)
    with tempfile.TemporaryDirectory(prefix="antt-boundary-") as tmp:
        gdf, checked = check_boundary_file(data, file_name, set_id, workdir=tmp)
        folder = Path(folder or boundary_dir())

        def write(staged: Path) -> None:
            # Always install as GeoJSON under the registered name (what the registry and loaders expect).
            if checked.suffix == ".geojson" and Path(info.file).suffix == ".geojson":
                shutil.copyfile(checked, staged)
            else:
                import pyogrio

                pyogrio.read_dataframe(checked).to_file(staged, driver="GeoJSON")

        target = replace_file(folder, info.file, write)
    summary = {"boundary_set": set_id, "file_name": os.path.basename(str(file_name)), "units": len(gdf),
               "vertices": int(gdf.attrs["vertices"]), "sha256": hashlib.sha256(data).hexdigest(),
               "repaired": int(gdf.attrs.get("repaired", 0)), "path": str(target)}
    auth.record(store, "boundary_upload", actor, summary)
    return summary


def install_crosswalk_file(store, data: bytes, file_name: str, crosswalk_id: str, *, by,
                           folder: Path | None = None) -> dict:
    """Admin only: check the upload, then replace the crosswalk file in the boundary folder atomically (the
    old one kept as ``<file>.<UTC time>.bak``) and audit it. On any error nothing in the folder changes."""
    actor = require_signed_in_admin(store, by, "access_admin_crosswalk")
    info = get_crosswalk_info(crosswalk_id)
    cw = check_crosswalk_upload(data, file_name, crosswalk_id)
    replace_file(folder or boundary_dir(), info.file, lambda staged: staged.write_bytes(data))
    summary = {"crosswalk": crosswalk_id, "old_units": len(cw.links), "split_units": len(cw.split_units()),
               "unmapped": len(cw.unmapped), "sha256": hashlib.sha256(data).hexdigest(), "file": info.file}
    auth.record(store, "crosswalk_upload", actor, summary)
    return summary
